package dev.tensorgraph.ops.slim;

/** The keyword arguments of TF-Slim's layers, by their Python names (what errors and arg scopes speak of). */
enum Kwarg {
    NUM_OUTPUTS("num_outputs"),
    KERNEL_SIZE("kernel_size"),
    STRIDE("stride"),
    PADDING("padding"),
    DATA_FORMAT("data_format"),
    RATE("rate"),
    ACTIVATION_FN("activation_fn"),
    NORMALIZER_FN("normalizer_fn"),
    NORMALIZER_PARAMS("normalizer_params"),
    WEIGHTS_INITIALIZER("weights_initializer"),
    WEIGHTS_REGULARIZER("weights_regularizer"),
    BIASES_INITIALIZER("biases_initializer"),
    BIASES_REGULARIZER("biases_regularizer"),
    REUSE("reuse"),
    VARIABLES_COLLECTIONS("variables_collections"),
    OUTPUTS_COLLECTIONS("outputs_collections"),
    TRAINABLE("trainable"),
    SCOPE("scope"),
    DECAY("decay"),
    CENTER("center"),
    SCALE("scale"),
    EPSILON("epsilon"),
    PARAM_INITIALIZERS("param_initializers"),
    PARAM_REGULARIZERS("param_regularizers"),
    UPDATES_COLLECTIONS("updates_collections"),
    IS_TRAINING("is_training"),
    FUSED("fused"),
    KEEP_PROB("keep_prob"),
    NOISE_SHAPE("noise_shape"),
    SEED("seed");

    final String pythonName;

    Kwarg(String pythonName) {
        this.pythonName = pythonName;
    }
}
