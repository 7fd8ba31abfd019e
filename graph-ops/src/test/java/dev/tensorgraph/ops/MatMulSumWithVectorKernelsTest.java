package dev.tensorgraph.ops;

/**
 * {@link MatMulSumTest} on the vector kernels, where each thread sums the tiles of the blocks it computed: Surefire
 * runs this class in a JVM of its own with {@code --add-modules jdk.incubator.vector} and
 * {@code -Dtensorgraph.blas=vector} (graph-ops' pom.xml).
 */
class MatMulSumWithVectorKernelsTest extends MatMulSumTest {}
