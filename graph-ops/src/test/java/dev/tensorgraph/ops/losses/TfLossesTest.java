package dev.tensorgraph.ops.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tf.losses against hand-computed values; each reduces to the batch mean and lands in LOSSES. */
class TfLossesTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfLosses losses = new TfLosses(tf.graph());

    private float eval(Output y) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(y).floatValue();
        }
    }

    // -log softmax of [1,2,3] at class 2 = log(e + e^2 + e^3) - 3; of [1,1,1] at class 0 = log 3
    private static final double CE0 = Math.log(Math.E + Math.exp(2) + Math.exp(3)) - 3;
    private static final double CE1 = Math.log(3);

    @Test
    void softmaxCrossEntropyIsTheBatchMean() {
        Output logits = tf.constant(new float[][] {{1, 2, 3}, {1, 1, 1}}, "logits");
        Output labels = tf.constant(new float[][] {{0, 0, 1}, {1, 0, 0}}, "labels");
        Output loss = losses.softmaxCrossEntropy(labels, logits);
        assertEquals("softmax_cross_entropy_loss/value:0", loss.name());
        assertEquals(Shape.scalar(), loss.shape());
        assertEquals((CE0 + CE1) / 2, eval(loss), 1e-6);
        assertEquals(List.of(loss), g.collection(GraphKeys.LOSSES));
    }

    @Test
    void sparseSoftmaxCrossEntropyTakesClassIds() {
        Output logits = tf.constant(new float[][] {{1, 2, 3}, {1, 1, 1}}, "logits");
        Output loss = losses.sparseSoftmaxCrossEntropy(tf.constant(new int[] {2, 0}), logits);
        assertEquals("sparse_softmax_cross_entropy_loss/value:0", loss.name());
        assertEquals((CE0 + CE1) / 2, eval(loss), 1e-6);
        Output weighted = losses.sparseSoftmaxCrossEntropy(tf.constant(new int[] {2, 0}), logits, 3.0, null);
        assertEquals(3 * (CE0 + CE1) / 2, eval(weighted), 1e-5);
        assertThrows(InvalidArgumentException.class,
                () -> losses.sparseSoftmaxCrossEntropy(tf.constant(new float[] {2, 0}), logits));
    }

    @Test
    void meanSquaredError() {
        Output loss = losses.meanSquaredError(tf.constant(new float[] {1, 2, 3}), tf.constant(new float[] {1, 3, 5}));
        assertEquals("mean_squared_error/value:0", loss.name());
        assertEquals(5.0 / 3, eval(loss), 1e-6);
        Output zero = losses.meanSquaredError(tf.constant(new float[] {1, 2}), tf.constant(new float[] {4, 4}), 0.0, null);
        assertEquals(0f, eval(zero));
    }

    @Test
    void sigmoidCrossEntropy() {
        Output loss = losses.sigmoidCrossEntropy(tf.constant(new float[] {1, 0, 1}), tf.constant(new float[] {0, 2, -1}));
        // max(x,0) - x z + log(1 + e^-|x|): log 2, 2 + log(1 + e^-2), 1 + log(1 + e^-1)
        double want = (Math.log(2) + 2 + Math.log1p(Math.exp(-2)) + 1 + Math.log1p(Math.exp(-1))) / 3;
        assertEquals(want, eval(loss), 1e-6);
    }

    @Test
    void totalLossAddsRegularization() {
        assertEquals(0f, eval(losses.getRegularizationLoss()));
        Output a = losses.meanSquaredError(tf.constant(new float[] {0, 0}), tf.constant(new float[] {1, 3}));
        g.addToCollection(GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25f));
        Output total = losses.getTotalLoss();
        assertEquals("total_loss:0", total.name());
        assertEquals(5f + 0.25f, eval(total), 1e-6);
        assertEquals(List.of(a), losses.getLosses());
        assertEquals(5f, eval(losses.getTotalLoss(false, "data_loss")), 1e-6);
    }
}
