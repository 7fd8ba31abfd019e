package dev.tensorgraph.op;

/**
 * Which list of TensorFlow's automatic mixed precision each op type is on, for the session's mixed precision
 * rewrite (see {@link dev.tensorgraph.SessionOptions#mixedPrecision}). The op library implements it (found with
 * {@link ServiceProviders}), since the op types are its knowledge.
 */
public interface MixedPrecisionLists {
    /** The lists, as TensorFlow names them. */
    enum Kind {
        /** Faster in 16 bits and safe there: always computed in 16 bits (matrix products, convolutions). */
        ALLOW,
        /** Safe in 16 bits when the inputs already are (elementwise arithmetic, activations). */
        INFER,
        /** Exact in any precision: ops that move, select or compare values. */
        CLEAR,
        /** Needs float32's range or accuracy (losses, sums, exponentials); what follows it stays float32 too. */
        DENY,
        /** On no list: stays float32. */
        NONE
    }

    Kind kind(String opType);

    /** The op type the rewrite casts with, which takes attributes {@code SrcT}, {@code DstT} and {@code Truncate}. */
    String castOpType();
}
