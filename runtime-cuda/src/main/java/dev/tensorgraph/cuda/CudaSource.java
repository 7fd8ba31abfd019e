package dev.tensorgraph.cuda;

/**
 * One translation unit of CUDA C compiled at run time with NVRTC. Sources are compared by their code, so
 * keep each as a constant; each is compiled once per device and its functions cached.
 */
public record CudaSource(String name, String code) {}
