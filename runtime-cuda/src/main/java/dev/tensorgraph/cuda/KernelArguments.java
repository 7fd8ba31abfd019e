package dev.tensorgraph.cuda;

import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Host memory for kernel arguments, reused by every launch of a device: one 8-byte cell per argument and
 * the array of the cells' host addresses that cuLaunchKernel reads (it copies the values before returning).
 * Not thread-safe: the device launches under its own lock.
 */
final class KernelArguments implements AutoCloseable {
    private LongPointer cells;
    private LongPointer addresses;
    /** A view of {@link #addresses}: cuLaunchKernel's PointerPointer overload passes it through as is. */
    private PointerPointer<Pointer> params;
    private int capacity;

    /** Writes {@code args} into the cells and returns the kernelParams array for cuLaunchKernel. */
    PointerPointer<Pointer> fill(CudaFunction f, Object[] args) {
        ensureCapacity(args.length);
        for (int i = 0; i < args.length; i++) {
            cells.put(i, bits(f, i, args[i]));
        }
        return params;
    }

    /**
     * An argument as the 8 bytes its cell holds: smaller values sit in the low bytes, which on a
     * little-endian host is where the driver reads an int, float or bool.
     */
    private static long bits(CudaFunction f, int i, Object a) {
        if (a instanceof DeviceTensor t) {
            return t.address();
        } else if (a instanceof DeviceBuffer b) {
            return b.address();
        } else if (a instanceof Integer v) {
            return v & 0xffffffffL;
        } else if (a instanceof Long v) {
            return v;
        } else if (a instanceof Float v) {
            return Float.floatToRawIntBits(v) & 0xffffffffL;
        } else if (a instanceof Double v) {
            return Double.doubleToRawLongBits(v);
        } else if (a instanceof Boolean v) {
            return v ? 1 : 0;
        } else if (a instanceof Pointer p) {
            return p.address();
        } else if (a == null) {
            return 0;
        }
        throw new InvalidArgumentException("argument " + i + " of CUDA kernel " + f + " is a "
                + a.getClass().getSimpleName() + "; pass a DeviceTensor, DeviceBuffer, Integer, Long, Float or Double");
    }

    private void ensureCapacity(int n) {
        if (cells != null && n <= capacity) {
            return;
        }
        int cap = Math.max(32, Integer.highestOneBit(Math.max(1, n)) * 2);
        LongPointer newCells = new LongPointer(cap);
        LongPointer newAddresses = new LongPointer(cap);
        for (int i = 0; i < cap; i++) {
            newAddresses.put(i, newCells.address() + 8L * i);
        }
        close();
        cells = newCells;
        addresses = newAddresses;
        params = new PointerPointer<>(newAddresses);
        capacity = cap;
    }

    @Override
    public void close() {
        if (cells != null) {
            cells.close();
            addresses.close();
            cells = null;
            addresses = null;
            params = null;
            capacity = 0;
        }
    }
}
