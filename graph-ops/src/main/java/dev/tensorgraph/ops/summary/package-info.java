/**
 * {@code tf.summary}: summary ops named and collected as TensorFlow names them, and the event-file writer
 * TensorBoard reads.
 */
package dev.tensorgraph.ops.summary;
