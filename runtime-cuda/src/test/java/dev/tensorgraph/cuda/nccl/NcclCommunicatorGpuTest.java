package dev.tensorgraph.cuda.nccl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** NCCL all-reduce on the GPUs present; skipped without a GPU and the NCCL library. */
class NcclCommunicatorGpuTest {
    private static void assumeNccl() {
        String why = NcclCommunicator.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "NCCL cannot run: " + why);
    }

    @Test
    void oneRankLeavesTheValuesAsTheyAre() {
        assumeNccl();
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i);
        }
        float[] expected = values.clone();
        try (NcclCommunicator c = NcclCommunicator.join(0, 1, 0, NcclCommunicator.newUniqueId())) {
            c.allReduceSum(values);
            c.allReduceSum(new float[3]);
        }
        assertArrayEquals(expected, values);
    }

    /** Every GPU of the machine, one thread each, as the multi-GPU trainer runs them. */
    @Test
    void everyGpuGetsTheSumOfAllRanks() throws Exception {
        assumeNccl();
        int[] count = new int[1];
        org.bytedeco.cuda.global.cudart.cudaGetDeviceCount(count);
        int ranks = count[0];
        byte[] id = NcclCommunicator.newUniqueId();
        ExecutorService threads = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                results.add(threads.submit(() -> {
                    float[] v = {rank + 1, 10 * (rank + 1), -rank};
                    try (NcclCommunicator c = NcclCommunicator.join(rank, ranks, rank, id)) {
                        c.allReduceSum(v);
                    }
                    return v;
                }));
            }
            float sum = ranks * (ranks + 1) / 2f;
            // integer negation: one rank sums to 0.0 and, compared bit-wise, -0.0 would differ
            float[] expected = {sum, 10 * sum, -(ranks * (ranks - 1) / 2)};
            for (Future<float[]> f : results) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
