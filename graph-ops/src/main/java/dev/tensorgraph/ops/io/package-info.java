/**
 * The io op family: checkpoint ops (SaveV2, RestoreV2), summary ops (ScalarSummary, HistogramSummary,
 * MergeSummary) and CheckNumerics.
 */
package dev.tensorgraph.ops.io;
