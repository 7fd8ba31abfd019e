package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GlobalStep;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The driver's copy of the user's graph, made ready for data-parallel training: the loss's gradients for every
 * trainable variable it depends on (the graph's own gradient ops, from {@link Optimizer#computeGradients}), one
 * placeholder per gradient under {@code spark_gradients/}, the optimizer's update of the variables from those
 * placeholders (its {@code applyGradients}, which also increments the global step), and a {@link Saver} of every
 * global variable. Workers run the forward and backward passes of this same graph; only the driver runs the update.
 * The user's graph is left as it was.
 */
final class TrainingGraph {
    static final String GRADIENT_SCOPE = "spark_gradients";

    final Graph graph;
    final Output loss;
    final List<Variable> trained = new ArrayList<>();
    final List<Output> gradients = new ArrayList<>();
    final List<Output> gradientFeeds = new ArrayList<>();
    /** The variables workers need to compute gradients: the global ones that are not the optimizer's or the step. */
    final List<Variable> modelVariables = new ArrayList<>();
    final Map<String, String> feeds;
    final Operation apply;
    final Variable globalStep;
    final Saver saver;
    final byte[] metaGraph;

    /**
     * @param columnToInput the column feeding each placeholder; empty to feed every placeholder the loss needs from
     *     the column of the placeholder's name
     */
    TrainingGraph(Graph user, String lossName, Optimizer optimizer, Map<String, String> columnToInput) {
        if (user == null || optimizer == null) {
            throw new InvalidArgumentException("distributed training needs a graph and an optimizer, got null");
        }
        graph = MetaGraph.fromMetaGraphDef(MetaGraph.toMetaGraphDef(user, null));
        loss = lossTensor(graph, lossName);
        feeds = columnToInput.isEmpty() ? placeholdersOf(loss) : new LinkedHashMap<>(columnToInput);
        for (String input : feeds.values()) {
            graph.output(input);
        }
        List<Variable> trainable = graph.collection(GraphKeys.TRAINABLE_VARIABLES, Variable.class);
        if (trainable.isEmpty()) {
            throw new InvalidArgumentException("the graph has no trainable variables to train");
        }
        Tf tf = Tf.of(graph);
        for (Optimizer.GradAndVar gv : optimizer.computeGradients(loss, trainable)) {
            if (gv.gradient() != null) {
                checkFloating(gv.variable());
                trained.add(gv.variable());
                gradients.add(gv.gradient());
            }
        }
        if (trained.isEmpty()) {
            throw new InvalidArgumentException("loss " + ErrorText.quote(lossName) + " depends on none of the trainable "
                    + "variables " + names(trainable));
        }
        List<Optimizer.GradAndVar> fed = new ArrayList<>();
        try (var scope = tf.nameScope(GRADIENT_SCOPE)) {
            for (Variable v : trained) {
                Output p = tf.placeholder(v.dtype(), v.shape(), v.opName().replace('/', '_'));
                gradientFeeds.add(p);
                fed.add(new Optimizer.GradAndVar(p, v));
            }
        }
        globalStep = GlobalStep.getOrCreateGlobalStep(graph);
        apply = optimizer.applyGradients(fed, globalStep);
        Set<String> notModel = new HashSet<>();
        for (Variable v : optimizer.variables(graph)) {
            notModel.add(v.opName());
        }
        notModel.add(globalStep.opName());
        for (Variable v : graph.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class)) {
            if (!notModel.contains(v.opName())) {
                modelVariables.add(v);
            }
        }
        saver = new Saver(graph);
        metaGraph = MetaGraph.toMetaGraphDef(graph, saver);
    }

    private static Output lossTensor(Graph g, String lossName) {
        if (lossName == null || lossName.isEmpty()) {
            throw new InvalidArgumentException("name the loss tensor to minimize");
        }
        Output loss;
        try {
            loss = g.output(lossName);
        } catch (NotFoundException e) {
            throw new NotFoundException("loss " + ErrorText.quote(lossName) + " is not a tensor of the graph: "
                    + e.getMessage(), e);
        }
        if (!loss.dtype().isFloating() || loss.shape().hasKnownRank() && loss.shape().rank() != 0) {
            throw new InvalidArgumentException("loss " + ErrorText.quote(lossName) + " must be a floating-point scalar"
                    + " (the batch's mean loss), got " + loss.dtype() + loss.shape());
        }
        return loss;
    }

    /** The placeholders the loss depends on (without defaults), each fed from the column of its name. */
    private static Map<String, String> placeholdersOf(Output loss) {
        Map<String, String> found = new LinkedHashMap<>();
        Deque<Operation> todo = new ArrayDeque<>(List.of(loss.op()));
        Set<Operation> seen = new HashSet<>(todo);
        while (!todo.isEmpty()) {
            Operation op = todo.pop();
            if (op.type().equals("Placeholder")) {
                found.put(op.name(), op.name());
            }
            List<Operation> upstream = new ArrayList<>(op.controlInputs());
            for (Output in : op.inputs()) {
                upstream.add(in.op());
            }
            for (Operation u : upstream) {
                if (seen.add(u)) {
                    todo.push(u);
                }
            }
        }
        if (found.isEmpty()) {
            throw new InvalidArgumentException("the loss depends on no placeholder: there is nothing to feed data to");
        }
        return found;
    }

    /** What a worker needs to rebuild this graph's gradient computation. */
    WorkerSpec workerSpec() {
        List<String> gradientNames = new ArrayList<>();
        for (Output g : gradients) {
            gradientNames.add(g.name());
        }
        List<String> variableNames = new ArrayList<>();
        for (Variable v : modelVariables) {
            variableNames.add(v.opName());
        }
        return new WorkerSpec(metaGraph, loss.name(), gradientNames, variableNames, List.copyOf(feeds.values()));
    }

    private static void checkFloating(Variable v) {
        if (v.dtype() != DType.FLOAT32 && v.dtype() != DType.FLOAT64) {
            throw new InvalidArgumentException("variable " + v.opName() + " is " + v.dtype()
                    + ": distributed training sums float32 and float64 gradients");
        }
    }

    private static List<String> names(List<Variable> vars) {
        List<String> out = new ArrayList<>();
        for (Variable v : vars) {
            out.add(v.opName());
        }
        return out;
    }
}
