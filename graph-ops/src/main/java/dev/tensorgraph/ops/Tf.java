package dev.tensorgraph.ops;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.grad.Gradients;
import dev.tensorgraph.ops.layers.TfLayers;
import dev.tensorgraph.ops.losses.TfLosses;
import dev.tensorgraph.ops.slim.TfContrib;
import dev.tensorgraph.ops.slim.TfSlim;
import dev.tensorgraph.ops.summary.TfSummary;
import dev.tensorgraph.ops.train.TfTrain;
import java.util.List;

/**
 * The TensorFlow-1.x-style facade over one {@link Graph}: {@code tf.add}, {@code tf.reduceSum},
 * {@code tf.nn.relu}, ... Each op family's methods live in the interface of that family, which delegates to the
 * family's constructors ({@code dev.tensorgraph.ops.math}, {@code .array}, {@code .nn}, ...); this class only ties
 * them together. Scope state is kept in the graph, so every {@code Tf.of(g)} sees the same scopes. Nothing below
 * the facade depends on it.
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Tf tf = Tf.of(g);
 * Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "x");
 * Output y = tf.reduceSum(tf.multiply(x, x));
 * }</pre>
 */
public final class Tf implements StateApi, ScopeApi, MathApi, ReductionApi, LinalgApi, ArrayApi, ControlFlowApi,
        LoggingApi {
    private final Graph graph;

    /** {@code tf.random}: seeded random tensors. */
    public final TfRandom random;
    /** {@code tf.math}: the math namespace (aliases of the top-level math ops and a few extras). */
    public final TfMath math;
    /** {@code tf.sparse}. */
    public final TfSparse sparse;
    /** {@code tf.nn}: neural-network ops. */
    public final TfNn nn;
    /** {@code tf.image}: resizing. */
    public final TfImage image;
    /** {@code tf.train}: global step and learning-rate schedules; optimizers are classes ({@code new AdamOptimizer(1e-3)}). */
    public final TfTrain train;
    /** {@code tf.summary}: scalar and histogram summaries for TensorBoard. */
    public final TfSummary summary;
    /** {@code tf.debugging}: checkNumerics and assertAllFinite. */
    public final TfDebugging debugging;
    /** {@code tf.layers}: dense, conv2d, pooling, dropout and batch normalization layers. */
    public final TfLayers layers;
    /** {@code tf.losses}: losses that reduce over the batch and join the LOSSES collection. */
    public final TfLosses losses;
    /** {@code tf.contrib.slim}: TF-Slim's layers with TensorFlow 1.x's names, and arg scopes. */
    public final TfSlim slim;
    /** {@code tf.contrib}: {@code layers}, {@code slim} and {@code framework}, all TF-Slim's ({@link #slim}). */
    public final TfContrib contrib;

    private Tf(Graph graph) {
        this.graph = graph;
        this.random = new TfRandom(this);
        this.math = new TfMath(this);
        this.sparse = new TfSparse(this);
        this.nn = new TfNn(this);
        this.image = new TfImage(this);
        this.train = new TfTrain(graph);
        this.summary = new TfSummary(graph);
        this.debugging = new TfDebugging(this);
        this.layers = new TfLayers(graph);
        this.losses = new TfLosses(graph);
        this.slim = new TfSlim(graph);
        this.contrib = new TfContrib(slim);
    }

    /** The facade of {@code graph} (one per graph). */
    public static Tf of(Graph graph) {
        if (graph == null) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("Tf.of needs a graph, got null");
        }
        return graph.extension(Tf.class, () -> new Tf(graph));
    }

    @Override
    public Graph graph() {
        return graph;
    }

    // ---- gradients ----

    /** {@code tf.gradients(ys, xs)}: d(sum ys)/dx for each x; null where x is not connected. */
    public List<Output> gradients(List<Output> ys, List<Output> xs) {
        return Gradients.builder(ys, xs).build();
    }

    public List<Output> gradients(Output y, List<Output> xs) {
        return gradients(List.of(y), xs);
    }

    /** With initial gradients for {@code ys} (null entries mean ones) and tensors treated as constants. */
    public List<Output> gradients(List<Output> ys, List<Output> xs, List<Output> gradYs, List<Output> stopGradients) {
        return Gradients.builder(ys, xs).gradYs(gradYs).stopGradients(stopGradients).build();
    }

    /** The full set of options: {@code unconnectedZeros} gives zeros instead of null for unconnected xs. */
    public List<Output> gradients(List<Output> ys, List<Output> xs, List<Output> gradYs, List<Output> stopGradients,
                                  boolean unconnectedZeros) {
        return Gradients.builder(ys, xs).gradYs(gradYs).stopGradients(stopGradients)
                .unconnectedZeros(unconnectedZeros).build();
    }

    /** {@code tf.gradients(ys, xs, ...)} with TensorFlow's keyword arguments, gate_gradients among them. */
    public List<Output> gradients(List<Output> ys, List<Output> xs, GradientsOptions options) {
        if (options == null) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("tf.gradients: options must not be null");
        }
        return options.applyTo(Gradients.builder(ys, xs)).build();
    }
}
