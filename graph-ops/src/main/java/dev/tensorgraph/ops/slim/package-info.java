/**
 * TF-Slim and {@code tf.contrib.layers} ({@code tf.slim}): conv2d, fully_connected, pooling, batch_norm, dropout,
 * flatten, repeat, stack and {@code arg_scope}, built on the op families with TF-Slim's names and defaults, so
 * that checkpoints written by TF-Slim models restore by name. Arguments are {@link
 * dev.tensorgraph.ops.slim.SlimArgs} builders; the arg-scope stack lives in the graph.
 */
package dev.tensorgraph.ops.slim;
