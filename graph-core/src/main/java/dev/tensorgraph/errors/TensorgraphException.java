package dev.tensorgraph.errors;

/**
 * Base of every error the runtime raises. Each subclass mirrors one of TensorFlow's status codes, so a
 * caller can branch on the kind of failure the way TensorFlow users branch on {@code tf.errors.*}.
 */
public abstract class TensorgraphException extends RuntimeException {
    protected TensorgraphException(String message) {
        super(message);
    }

    protected TensorgraphException(String message, Throwable cause) {
        super(message, cause);
    }

    private volatile String node;

    /**
     * Records the op that was running when this error arose, unless one is recorded already; the message
     * then ends with TensorFlow's {@code [[node name (Type)]]} marker.
     */
    public TensorgraphException atNode(String nodeDescription) {
        if (node == null && (getMessage() == null || !super.getMessage().contains("[[node "))) {
            node = nodeDescription == null ? null : ErrorText.escape(nodeDescription);
        }
        return this;
    }

    @Override
    public String getMessage() {
        String m = super.getMessage();
        return node == null ? m : m + " [[node " + node + "]]";
    }

    /** TensorFlow's status-code name, e.g. {@code INVALID_ARGUMENT}. */
    public abstract String code();
}
