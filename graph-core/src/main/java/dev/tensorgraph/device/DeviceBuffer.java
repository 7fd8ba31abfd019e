package dev.tensorgraph.device;

/** A block of device memory handed out by a {@link DeviceContext}. Identity matters: views share one buffer. */
public interface DeviceBuffer {
    /** The device address of the first byte. */
    long address();

    /** Usable bytes. */
    long byteSize();
}
