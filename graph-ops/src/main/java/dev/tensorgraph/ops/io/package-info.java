/**
 * The io op family: checkpoint ops (SaveV2, RestoreV2), summary ops (ScalarSummary, HistogramSummary,
 * MergeSummary), CheckNumerics, and the printing ops StringFormat, PrintV2 and Print ({@link
 * dev.tensorgraph.ops.io.LoggingOps}, with tf.print).
 */
package dev.tensorgraph.ops.io;
