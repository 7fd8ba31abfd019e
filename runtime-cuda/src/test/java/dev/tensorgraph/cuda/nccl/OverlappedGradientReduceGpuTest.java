package dev.tensorgraph.cuda.nccl;

import static dev.tensorgraph.cuda.nccl.OverlappedGradientReduceTest.assertClose;
import static dev.tensorgraph.cuda.nccl.OverlappedGradientReduceTest.overlapped;
import static dev.tensorgraph.cuda.nccl.OverlappedGradientReduceTest.wholeBatch;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.cuda.nccl.OverlappedGradientReduceTest.StepResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The overlapped gradient sum with NCCL and sessions on the GPU: one rank gives the single-GPU gradients, with its
 * first bucket issued while the backward pass still runs on the device; every GPU of the machine gives the whole
 * batch's gradients. Skipped without a GPU and the NCCL library.
 */
class OverlappedGradientReduceGpuTest {
    private static void assumeNccl() {
        String why = NcclCommunicator.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "NCCL cannot run: " + why);
    }

    @Test
    void oneRankGivesTheSingleGpuGradientsAndIssuesBucketZeroDuringTheBackwardPass() {
        assumeNccl();
        ReplicaModel model = new ReplicaModel(SessionOptions.gpu(0));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        int gradients = model.gradients.size();
        OverlappedGradientReduce.Trace trace = new OverlappedGradientReduce.Trace() {
            private int ready;

            @Override
            public void gradientReady(int g) {
                events.add(++ready == gradients ? "last gradient" : "gradient " + g);
            }

            @Override
            public void bucketIssued(int b) {
                events.add("issued " + b);
            }

            @Override
            public void runFinished() {
                events.add("run finished");
            }
        };
        StepResult one;
        StepResult single;
        try (NcclCommunicator comm = NcclCommunicator.join(0, 1, 0, NcclCommunicator.newUniqueId());
             Session s = model.newSession()) {
            one = overlapped(model, s, comm, model.rowsOf(0, 1), trace);
            single = wholeBatch(model, s);
        }
        assertClose(single, one, 1e-6, "one NCCL rank on GPU 0");
        List<String> log = List.copyOf(events);
        assertTrue(log.indexOf("issued 0") >= 0 && log.indexOf("issued 0") < log.indexOf("last gradient"), log::toString);
        assertTrue(log.indexOf("last gradient") < log.indexOf("run finished"), log::toString);
    }

    @Test
    void everyGpuOfTheMachineGivesTheWholeBatchsGradients() throws Exception {
        assumeNccl();
        int[] count = new int[1];
        org.bytedeco.cuda.global.cudart.cudaGetDeviceCount(count);
        int ranks = count[0];
        Assumptions.assumeTrue(ranks >= 2, "one GPU only");
        ReplicaModel model = new ReplicaModel(SessionOptions.gpu(0));
        StepResult single;
        try (Session s = model.newSession()) {
            single = wholeBatch(model, s);
        }
        byte[] id = NcclCommunicator.newUniqueId();
        ExecutorService threads = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<StepResult>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                results.add(threads.submit(() -> {
                    ReplicaModel mine = new ReplicaModel(SessionOptions.gpu(rank));
                    try (NcclCommunicator comm = NcclCommunicator.join(rank, ranks, rank, id);
                         Session s = mine.newSession()) {
                        return overlapped(mine, s, comm, mine.rowsOf(rank, ranks), null);
                    }
                }));
            }
            for (int r = 0; r < ranks; r++) {
                assertClose(single, results.get(r).get(5, TimeUnit.MINUTES), 1e-5, "rank " + r + " of " + ranks);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
