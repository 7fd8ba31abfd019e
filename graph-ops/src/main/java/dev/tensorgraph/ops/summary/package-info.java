/**
 * {@code tf.summary}: summary ops named and collected as TensorFlow names them, and the event files TensorBoard
 * reads ({@code FileWriter}; {@code EventFileWriter} and {@code EventFileReader} below it).
 */
package dev.tensorgraph.ops.summary;
