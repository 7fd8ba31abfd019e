package dev.tensorgraph.errors;

/**
 * Thrown when something asks for access it was not granted, such as a graph's file op reaching a path outside
 * the directories its session allows (TensorFlow status {@code PERMISSION_DENIED}, code 7).
 */
public class PermissionDeniedException extends TensorgraphException {
    public PermissionDeniedException(String message) {
        super(message);
    }

    public PermissionDeniedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "PERMISSION_DENIED";
    }
}
