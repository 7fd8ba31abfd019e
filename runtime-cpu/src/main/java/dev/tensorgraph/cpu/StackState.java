package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayDeque;

/** The values of one stack for one run, behind a {@code StackV2} handle. */
final class StackState {
    final String name;
    final DType elemType;
    private final int maxSize;
    private final ArrayDeque<Tensor> values = new ArrayDeque<>();
    private boolean closed;

    StackState(String name, DType elemType, int maxSize) {
        this.name = name;
        this.elemType = elemType;
        this.maxSize = maxSize;
    }

    synchronized void push(Tensor value) {
        checkOpen();
        if (value.dtype() != elemType) {
            throw new InvalidArgumentException("Stack " + name + " holds " + elemType + " values; cannot push a "
                    + value.dtype() + " value");
        }
        if (maxSize >= 0 && values.size() >= maxSize) {
            throw new InvalidArgumentException("Stack[" + name + "] overflowed its max_size (" + maxSize + ")");
        }
        values.push(value);
    }

    synchronized Tensor pop() {
        checkOpen();
        Tensor v = values.poll();
        if (v == null) {
            throw new InvalidArgumentException("Stack[" + name + "] is empty.");
        }
        return v;
    }

    synchronized void close() {
        values.clear();
        closed = true;
    }

    synchronized int size() {
        return values.size();
    }

    private void checkOpen() {
        if (closed) {
            throw new InvalidArgumentException("Stack[" + name + "] has already been closed.");
        }
    }
}
