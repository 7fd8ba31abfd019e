package dev.tensorgraph.spark;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.MetaGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;

/**
 * A worker's copy of the training graph with one session, per executor JVM (shared by the tasks it runs): before a
 * step it takes the driver's variable values (once per step, whichever task comes first), then computes the
 * gradients of its shard's part of the global batch.
 */
final class ShardWorker implements AutoCloseable {
    private record Key(String fingerprint, ExecutorDevice device) {}

    private static final JvmCache<Key, ShardWorker> WORKERS = new JvmCache<>("training workers");

    private final Session session;
    private final Output loss;
    private final List<Output> fetches = new ArrayList<>();
    private final List<Variable> variables = new ArrayList<>();
    private final List<Output> inputs = new ArrayList<>();
    private long variablesStep = -1;

    private ShardWorker(WorkerSpec spec, ExecutorDevice device) {
        Graph g = MetaGraph.fromMetaGraphDef(spec.metaGraph());
        Map<String, Variable> byName = new HashMap<>();
        for (Variable v : dev.tensorgraph.ops.Tf.of(g).globalVariables()) {
            byName.put(v.opName(), v);
        }
        for (String name : spec.variables()) {
            variables.add(byName.get(name));
        }
        loss = g.output(spec.loss());
        fetches.add(loss);
        for (String name : spec.gradients()) {
            fetches.add(g.output(name));
        }
        for (String name : spec.inputs()) {
            inputs.add(g.output(name));
        }
        session = new Session(g, device.sessionOptions());
    }

    /** This shard's sum for the global batch {@code [from, to)} of {@code step}; empty when it holds none of it. */
    static GradientSum compute(WorkerSpec spec, VariableValues values, TrainingShard shard, long from, long to,
                               String device, StepFault fault) {
        TaskContext task = TaskContext.get();
        try {
            fault.before(values.step(), shard.index(), task == null ? 0 : task.attemptNumber());
        } catch (Exception e) {
            throw new IllegalStateException("injected fault at step " + values.step(), e);
        }
        int first = shard.firstRow(from);
        int end = shard.firstRow(to);
        if (end <= first) {
            return new GradientSum();
        }
        ExecutorDevice where = ExecutorDevice.forCurrentTask(device);
        ShardWorker w = WORKERS.get(new Key(spec.fingerprint(), where), () -> new ShardWorker(spec, where));
        return w.gradients(values, shard.slice(first, end), end - first);
    }

    private GradientSum gradients(VariableValues values, List<Tensor> batch, int rows) {
        synchronized (this) {
            if (variablesStep != values.step()) {
                for (int i = 0; i < variables.size(); i++) {
                    session.setVariableValue(variables.get(i), values.values().get(i).tensor());
                }
                variablesStep = values.step();
            }
        }
        Map<Output, Tensor> feeds = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            feeds.put(inputs.get(i), batch.get(i));
        }
        List<Tensor> out = session.run(fetches, feeds);
        return GradientSum.ofShard(out.subList(1, out.size()), out.get(0).toDoubles()[0], rows);
    }

    /** How many workers this JVM has made. */
    static int made() {
        return WORKERS.made();
    }

    @Override
    public void close() {
        session.close();
    }
}
