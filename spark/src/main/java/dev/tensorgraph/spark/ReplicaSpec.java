package dev.tensorgraph.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one rank of NCCL training needs to rebuild the driver's training graph and run it whole (forward, backward
 * and the optimizer's update): the graph, the loss, each trained variable's gradient and the placeholder its
 * all-reduced mean is fed to, the update op, the global step, the model variables rank 0 broadcasts at the start, and the inputs.
 */
record ReplicaSpec(byte[] metaGraph, String loss, List<String> gradients, List<String> gradientFeeds, String apply,
                   String globalStep, List<String> modelVariables, List<String> inputs) implements Serializable {
    static ReplicaSpec of(TrainingGraph tg) {
        WorkerSpec worker = tg.workerSpec();
        List<String> feeds = new ArrayList<>();
        for (var p : tg.gradientFeeds) {
            feeds.add(p.name());
        }
        return new ReplicaSpec(worker.metaGraph(), worker.loss(), worker.gradients(), feeds, tg.apply.name(),
                tg.globalStep.name(), worker.variables(), worker.inputs());
    }
}
