package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Threads building in one graph at once, as TensorFlow allows: name scopes, control dependencies and devices are
 * each thread's own, op names stay unique over the graph.
 */
class BuildingFromThreadsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void anotherThreadsOpenScopesDoNotReachThisThreadsOps() throws Exception {
        Operation gate = tf.noOp("gate");
        CyclicBarrier scopesOpen = new CyclicBarrier(2);
        CyclicBarrier otherBuilt = new CyclicBarrier(2);
        Future<Operation> inScopes = threads.submit(() -> {
            try (var name = g.nameScope("outer");
                 var deps = tf.controlDependencies(List.of(gate));
                 var device = g.device("/cpu:0")) {
                scopesOpen.await(10, TimeUnit.SECONDS);
                otherBuilt.await(10, TimeUnit.SECONDS);
                return tf.constant(1f, "inside").op();
            }
        });
        Future<Operation> plain = threads.submit(() -> {
            scopesOpen.await(10, TimeUnit.SECONDS);
            try {
                return tf.constant(2f, "plain").op();
            } finally {
                otherBuilt.await(10, TimeUnit.SECONDS);
            }
        });
        Operation p = plain.get(20, TimeUnit.SECONDS);
        Operation i = inScopes.get(20, TimeUnit.SECONDS);
        assertEquals("plain", p.name());
        assertTrue(p.controlInputs().isEmpty(), p.controlInputs().toString());
        assertEquals("", p.device());
        assertEquals("outer/inside", i.name());
        assertEquals(List.of(gate), i.controlInputs());
        assertEquals("/cpu:0", i.device());
        // the scopes closed on their own thread; this thread builds at the root as before
        assertEquals("after", tf.noOp("after").name());
    }

    @Test
    void namesStayUniqueWhenThreadsBuildTheSameNamesAtOnce() throws Exception {
        int each = 300;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<List<String>>> built = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            built.add(threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                List<String> names = new ArrayList<>();
                for (int k = 0; k < each; k++) {
                    try (var scope = g.nameScope("layer")) {
                        names.add(tf.constant(1f, "w").op().name());
                    }
                }
                return names;
            }));
        }
        Set<String> all = new HashSet<>();
        for (Future<List<String>> f : built) {
            for (String name : f.get(20, TimeUnit.SECONDS)) {
                assertTrue(name.matches("layer(_\\d+)?/w"), name);
                all.add(name);
            }
        }
        assertEquals(2 * each, all.size());
        assertEquals(2 * each, g.numOperations());
    }

    /** Each thread's session adds its own initializer to the shared graph and runs it. */
    @Test
    void sessionsOfThreadsInitializeTheirVariablesAtOnce() throws Exception {
        List<Variable> vars = new ArrayList<>();
        Output sum = tf.constant(0f);
        for (int v = 0; v < 20; v++) {
            Variable var = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(1), new float[] {v})), "v" + v);
            vars.add(var);
            sum = tf.add(sum, tf.reduceSum(var.value()));
        }
        Output total = sum;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Float>> results = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            results.add(threads.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                float last = 0;
                for (int k = 0; k < 30; k++) {
                    try (Session s = new Session(g)) {
                        s.run(tf.globalVariablesInitializer());
                        last = s.run(total).floatValue();
                    }
                }
                return last;
            }));
        }
        for (Future<Float> r : results) {
            assertEquals(190f, r.get(60, TimeUnit.SECONDS));
        }
    }
}
