package dev.tensorgraph.cuda;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;

/**
 * The device memory one recording (a CUDA graph) reads and writes. Its blocks stay at fixed addresses for as
 * long as the recording lives, so replays find their data where the recorded kernels expect it; they go
 * back to the shared cache only when the recording is closed. Guarded by the allocator's lock.
 */
final class CapturePool {
    private final List<DeviceBlock> owned = new ArrayList<>();
    /** Blocks released while recording: later recorded work may reuse them, in stream order. */
    private final FreeBlocks free = new FreeBlocks();
    /**
     * Blocks written by an upload while recording. That copy ran once, not as part of the recording, so the
     * block must keep its contents for every replay and is never handed to other recorded work.
     */
    private final Set<DeviceBlock> holdsUpload = new HashSet<>();
    /** Pinned host copies that recorded host-to-device copies read on every replay. */
    private final List<Pointer> hostCopies = new ArrayList<>();
    private long ownedBytes;

    void own(DeviceBlock b) {
        owned.add(b);
        ownedBytes += b.size();
    }

    DeviceBlock takeFree(long size) {
        return free.take(size);
    }

    /** Takes back a block released while recording; false when it must keep its contents (an upload target). */
    boolean released(DeviceBlock b) {
        if (holdsUpload.contains(b)) {
            return false;
        }
        free.put(b);
        return true;
    }

    /** Bytes of owned blocks that no recorded tensor holds at the end of the recording. */
    long idleBytes() {
        return free.bytes();
    }

    void holdUpload(DeviceBlock b) {
        holdsUpload.add(b);
    }

    void addHostCopy(Pointer p) {
        hostCopies.add(p);
    }

    long ownedBytes() {
        return ownedBytes;
    }

    /** Every block, for the shared cache; the pool owns nothing afterwards. */
    List<DeviceBlock> takeAll() {
        List<DeviceBlock> all = new ArrayList<>(owned);
        owned.clear();
        free.drain();
        holdsUpload.clear();
        ownedBytes = 0;
        return all;
    }

    List<Pointer> takeHostCopies() {
        List<Pointer> all = new ArrayList<>(hostCopies);
        hostCopies.clear();
        return all;
    }
}
