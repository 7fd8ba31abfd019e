package dev.tensorgraph.spark;

import dev.tensorgraph.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link DistributedTrainer#fit} ends with.
 *
 * @param variables every global variable of the training graph by op name (model, optimizer slots, global step)
 * @param losses the global batch's mean loss of each step this run computed (not those restored from a checkpoint)
 * @param globalStep the steps taken in all, restored ones included
 * @param firstStep the step this run started at: 0, or the global step of the checkpoint it resumed from
 * @param lastCheckpoint the prefix of the newest checkpoint written, or null when none was
 */
public record TrainingResult(Map<String, Tensor> variables, List<Double> losses, long globalStep, long firstStep,
                             Path lastCheckpoint) {
    /** The value of the variable {@code opName} ({@code dense/kernel}), or null. */
    public Tensor variable(String opName) {
        return variables.get(opName);
    }
}
