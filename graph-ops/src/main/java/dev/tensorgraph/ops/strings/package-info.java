/**
 * The strings op family: StringJoin and StaticRegexFullMatch ({@link dev.tensorgraph.ops.strings.StringOps}), the
 * string ops TensorFlow's save graphs build a temporary checkpoint path with.
 */
package dev.tensorgraph.ops.strings;
