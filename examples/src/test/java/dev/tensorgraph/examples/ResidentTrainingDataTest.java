package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.DatasetIterator;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The main job's resident data gives each step the batch that feeding would have given: the same examples in the
 * same shuffled order, epoch by epoch, and stays out of the model's variables.
 */
class ResidentTrainingDataTest {
    private static final int COUNT = 10;
    private static final int PIXELS = FashionMnist.SIDE * FashionMnist.SIDE;

    @Test
    void gathersTheBatchesFeedingWouldGiveInTheSameOrder() {
        float[] images = new float[COUNT * PIXELS];
        int[] labels = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            labels[i] = (i * 3) % 10;
            for (int p = 0; p < PIXELS; p++) {
                images[i * PIXELS + p] = i + p / 1000f;
            }
        }
        FashionMnist.Split split = new FashionMnist.Split(images, labels, COUNT);
        Graph g = new Graph();
        ResidentTrainingData resident = ResidentTrainingData.build(g, COUNT);
        Dataset fed = FashionMnist.dataset(split).shuffle(COUNT, 7).batch(4);
        Dataset numbers = resident.batches(7, 4);
        try (Session s = new Session(g)) {
            resident.load(s, split);
            for (int epoch = 0; epoch < 2; epoch++) {
                int batches = 0;
                try (DatasetIterator want = fed.iterator(epoch); DatasetIterator got = numbers.iterator(epoch)) {
                    while (want.hasNext()) {
                        assertTrue(got.hasNext(), "epoch " + epoch + " ends early");
                        Map<String, Tensor> w = want.next();
                        List<Tensor> r = resident.feed(s.runner(), got.next()).fetch(resident.images())
                                .fetch(resident.labels()).run();
                        assertEquals(w.get(FashionMnist.IMAGE).shape(), r.get(0).shape());
                        assertArrayEquals(w.get(FashionMnist.IMAGE).floats(), r.get(0).floats(), 0f);
                        assertArrayEquals(w.get(FashionMnist.LABEL).ints(), r.get(1).ints());
                        batches++;
                    }
                    assertFalse(got.hasNext(), "epoch " + epoch + " has extra batches");
                }
                assertEquals(3, batches);
            }
        }
    }

    @Test
    void staysOutOfTheModelsVariablesAndCheckpoints() {
        Graph g = new Graph();
        ResidentTrainingData resident = ResidentTrainingData.build(g, COUNT);
        Model m = CnnModel.build(g, false, 1e-3f, true, resident.images(), resident.labels(), FashionMnist.CLASSES);
        for (String key : List.of(GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES,
                GraphKeys.TRAINABLE_VARIABLES)) {
            for (Variable v : g.collection(key, Variable.class)) {
                assertFalse(v.opName().startsWith("resident_data/"), v.opName() + " in " + key);
            }
        }
        assertTrue(Tf.of(g).trainableVariables().size() >= 6, "the model's own variables are trainable");
        assertEquals(m.images(), resident.images());
    }
}
