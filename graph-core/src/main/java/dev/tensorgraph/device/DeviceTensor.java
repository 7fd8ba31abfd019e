package dev.tensorgraph.device;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * A value in device memory: dtype, fully defined shape, and the buffer it lives in (row-major, starting at
 * the buffer's address). Several tensors may share one buffer (a reshape is a view); the buffer is released
 * when the last of them dies.
 */
public final class DeviceTensor {
    private final DType dtype;
    private final Shape shape;
    private final DeviceBuffer buffer;
    private final long numElements;

    public DeviceTensor(DType dtype, Shape shape, DeviceBuffer buffer) {
        if (!shape.isFullyDefined()) {
            throw new InvalidArgumentException("a device tensor needs a fully defined shape, got " + shape);
        }
        this.dtype = dtype;
        this.shape = shape;
        this.buffer = buffer;
        this.numElements = shape.numElements();
        if (numElements * dtype.byteSize() > buffer.byteSize()) {
            throw new InvalidArgumentException("a " + dtype + " tensor of shape " + shape + " needs "
                    + numElements * dtype.byteSize() + " bytes but its buffer has " + buffer.byteSize());
        }
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long numElements() {
        return numElements;
    }

    public long byteSize() {
        return numElements * dtype.byteSize();
    }

    public DeviceBuffer buffer() {
        return buffer;
    }

    public long address() {
        return buffer.address();
    }

    /** The same memory seen with another shape of as many elements (Reshape, ExpandDims, Squeeze). */
    public DeviceTensor withShape(Shape newShape) {
        if (newShape.numElements() != numElements) {
            throw new InvalidArgumentException("cannot view " + numElements + " elements as shape " + newShape);
        }
        return new DeviceTensor(dtype, newShape, buffer);
    }

    @Override
    public String toString() {
        return "DeviceTensor[" + dtype + " " + shape + " @0x" + Long.toHexString(address()) + "]";
    }
}
