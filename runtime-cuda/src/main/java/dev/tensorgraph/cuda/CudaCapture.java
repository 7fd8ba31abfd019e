package dev.tensorgraph.cuda;

import dev.tensorgraph.device.CapturedWork;
import org.bytedeco.cuda.cudart.CUgraphExec_st;

/** A recorded CUDA graph, replayed on the session's stream, with the device memory it works in. */
final class CudaCapture implements CapturedWork {
    private final CudaDevice device;
    private final CUgraphExec_st exec;
    private final CapturePool pool;
    private boolean closed;

    CudaCapture(CudaDevice device, CUgraphExec_st exec, CapturePool pool) {
        this.device = device;
        this.exec = exec;
        this.pool = pool;
    }

    @Override
    public synchronized void replay() {
        device.launchGraph(exec, closed);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.destroyCapture(exec, pool);
    }
}
