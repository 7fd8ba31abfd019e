package dev.tensorgraph.errors;

/**
 * Thrown when an operation waited longer than its deadline, such as a replica waiting for the others to join a sum
 * of gradients (TensorFlow status {@code DEADLINE_EXCEEDED}).
 */
public class DeadlineExceededException extends TensorgraphException {
    public DeadlineExceededException(String message) {
        super(message);
    }

    public DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "DEADLINE_EXCEEDED";
    }
}
