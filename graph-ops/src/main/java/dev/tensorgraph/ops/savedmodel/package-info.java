/**
 * Loading and writing SavedModels: {@link dev.tensorgraph.ops.savedmodel.SavedModel#load} (the MetaGraph picked by
 * tags, its variables restored, its init op run, its signatures served) and
 * {@link dev.tensorgraph.ops.savedmodel.SavedModelBuilder}.
 */
package dev.tensorgraph.ops.savedmodel;
