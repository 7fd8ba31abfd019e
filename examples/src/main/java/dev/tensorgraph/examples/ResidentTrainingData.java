package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.state.Variables;
import java.util.List;
import java.util.Map;

/**
 * A training split kept in the session's memory (on a GPU, device memory) for the whole run, as TensorFlow's
 * "preloaded data" recipe keeps it: two variables outside every collection (so no checkpoint holds them and no
 * initializer of the model touches them), set once from fed arrays. Each step then feeds only its batch's example
 * indices, and the graph gathers the images and labels. It is the baseline against which feeding whole batches is
 * measured: {@code train --resident-data}.
 */
final class ResidentTrainingData {
    private final Output imagesInitial;
    private final Output labelsInitial;
    private final Variable residentImages;
    private final Variable residentLabels;
    private final Output indices;
    private final Output images;
    private final Output labels;
    private final int count;

    private ResidentTrainingData(Graph g, int count) {
        this.count = count;
        Tf tf = Tf.of(g);
        try (var scope = tf.nameScope("resident_data")) {
            int side = FashionMnist.SIDE;
            imagesInitial = tf.placeholder(DType.FLOAT32, Shape.of(count, side, side, 1), "images_initial");
            labelsInitial = tf.placeholder(DType.INT32, Shape.of(count), "labels_initial");
            residentImages = Variables.create(g, imagesInitial, "images", false, List.of(), false);
            residentLabels = Variables.create(g, labelsInitial, "labels", false, List.of(), false);
            indices = tf.placeholder(DType.INT64, Shape.of(-1), "batch_indices");
            images = tf.gather(residentImages.value(), indices, 0, "batch_images");
            labels = tf.gather(residentLabels.value(), indices, 0, "batch_labels");
        }
    }

    /** Adds the variables and the gathers for a split of {@code count} examples to {@code g}. */
    static ResidentTrainingData build(Graph g, int count) {
        return new ResidentTrainingData(g, count);
    }

    /** The batch's images, float32 [batch, 28, 28, 1], gathered from the resident split: the model's input. */
    Output images() {
        return images;
    }

    /** The batch's labels, int32 [batch]. */
    Output labels() {
        return labels;
    }

    /** The int64 placeholder each step feeds: the batch's example numbers. */
    Output indices() {
        return indices;
    }

    /** Copies the split into the session's variables: one run, the only time its pixels are fed. */
    void load(Session s, FashionMnist.Split split) {
        if (split.count() != count) {
            throw new InvalidArgumentException("the resident data holds " + count + " examples, the split has "
                    + split.count());
        }
        int side = FashionMnist.SIDE;
        s.runner().feed(imagesInitial, Tensor.wrap(DType.FLOAT32, Shape.of(count, side, side, 1), split.images()))
                .feed(labelsInitial, Tensor.wrap(DType.INT32, Shape.of(count), split.labels()))
                .target(residentImages.initializer()).target(residentLabels.initializer()).run();
    }

    /**
     * The batches of example numbers, shuffled with {@code seed} and a new order each epoch as the fed data set
     * is, under {@link Dataset#VALUE}.
     */
    Dataset batches(long seed, int batchSize) {
        return Dataset.range(count).shuffle(count, seed).batch(batchSize);
    }

    /** The feeds of one step of {@link #batches}. */
    Session.Runner feed(Session.Runner runner, Map<String, Tensor> batch) {
        return runner.feed(indices, batch.get(Dataset.VALUE));
    }
}
