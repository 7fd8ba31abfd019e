"""The training topic (issue #16): resuming TensorFlow 1.x training from a Saver's MetaGraph + checkpoint."""
from . import train_net
from .registry import case
from .tfutil import v1


@case("training", "#16", mode="tf1")
def tf1_resume_adam(w):
    """A TensorFlow 1.x training graph (control flow v1: the batch norm's conds are Switch/Merge; reference
    variables: VariableV2): conv 3x3 -> batch norm under a cond on is_training -> relu -> dense 3, softmax
    cross-entropy, Adam (lr 0.01) under control dependencies on UPDATE_OPS, global_step; trained 3 steps,
    saved with tf.compat.v1.train.Saver (MetaGraph + checkpoint), and the next 5 steps from the files."""
    train_net.write_case(w, lambda: v1.train.AdamOptimizer(0.01), "Adam (lr 0.01)")


@case("training", "#19", mode="tf1")
def tf1_dense_sgd(w):
    """The small form of that graph (reference variables: VariableV2): dense 4 + relu -> dense 3 on the flattened
    image, mean softmax cross-entropy, plain gradient descent (lr 0.1) with global_step; trained 3 steps, saved with
    tf.compat.v1.train.Saver, and the next 5 steps from the files. Each kernel's gradient is a MatMul whose only
    use is its ApplyGradientDescent, the pair a CPU plan runs as one step."""
    train_net.write_case(w, lambda: v1.train.GradientDescentOptimizer(0.1), "GradientDescent (lr 0.1)", conv=False)
