package dev.tensorgraph.cuda;

import dev.tensorgraph.device.DeviceBuffer;

/**
 * A block of device memory handed out once. A new buffer object is made each time a block is handed out, so
 * a stale reference released twice is recognised and ignored instead of corrupting the free lists.
 */
final class CudaBuffer implements DeviceBuffer {
    /** Who gets the block back on release. */
    enum Owner { SHARED, PERSISTENT, CAPTURE }

    final DeviceBlock block;
    final Owner owner;
    /** The recording this buffer belongs to when {@link #owner} is CAPTURE. */
    final CapturePool pool;
    /** True when the block was last used by work recorded earlier in the same capture. */
    final boolean reusedInCapture;
    final CachingAllocator allocator;
    boolean released;

    CudaBuffer(CachingAllocator allocator, DeviceBlock block, Owner owner, CapturePool pool, boolean reusedInCapture) {
        this.allocator = allocator;
        this.block = block;
        this.owner = owner;
        this.pool = pool;
        this.reusedInCapture = reusedInCapture;
    }

    @Override
    public long address() {
        return block.address();
    }

    @Override
    public long byteSize() {
        return block.size();
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + owner + " " + block.size() + " bytes @0x" + Long.toHexString(block.address()) + "]";
    }
}
