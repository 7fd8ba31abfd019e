package dev.tensorgraph.ops;

/**
 * {@link MatMulReluGradTest} on the vector kernels, where each thread masks and sums the blocks it computed:
 * Surefire runs this class in a JVM of its own with {@code --add-modules jdk.incubator.vector} and
 * {@code -Dtensorgraph.blas=vector} (graph-ops' pom.xml).
 */
class MatMulReluGradWithVectorKernelsTest extends MatMulReluGradTest {}
