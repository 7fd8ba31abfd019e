/**
 * Host-side argument logic shared by the CPU and GPU kernels: normalizing and checking axes, sizes and
 * shapes, and deriving output shapes and loop extents from them. Both runtimes depend on graph-core but
 * never on each other, so a rule that must behave (and fail, with the same message) identically on every
 * device lives here once.
 *
 * <p>Every check takes a {@code messagePrefix} that is put in front of each error message as it is: the CPU
 * kernels pass {@code ""}, the GPU kernels pass the op's description followed by {@code ": "}.
 */
package dev.tensorgraph.kernel.args;
