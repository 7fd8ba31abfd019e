package dev.tensorgraph.kernel;

/**
 * A {@link KernelLibrary} for a device other than the CPU, listed in the same service file. The registry
 * registers it only when kernels of a device other than the CPU are first looked up or registered, so that
 * a program that runs on the CPU does not load and initialize a GPU runtime's kernel classes (about 0.1 s of
 * its start-up with the CUDA runtime on the class path).
 */
public interface DeviceKernelLibrary extends KernelLibrary {
}
