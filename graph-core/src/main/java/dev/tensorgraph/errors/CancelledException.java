package dev.tensorgraph.errors;

/** Thrown when a waiting operation was cancelled, such as a thread interrupted while it waited for input (TensorFlow status {@code CANCELLED}). */
public class CancelledException extends TensorgraphException {
    public CancelledException(String message) {
        super(message);
    }

    public CancelledException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "CANCELLED";
    }
}
