package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of TopKV2 (float32, float64, int32, int64, uint8), InTopKV2 and InTopK. Top-k keeps a heap of the k
 * best positions of each row, O(n log k), in the order: larger value first, NaN above every number, the lower
 * position first among equal values (TensorFlow's tie rule).
 */
public final class TopKKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "TopKV2", op -> {
            DType indexType = op.attrType("index_type");
            return ctx -> topK(ctx, indexType);
        });
        r.register(CPU, "InTopKV2", op -> ctx -> inTopK(ctx, ArrayData.scalarLong(ctx.input(2), "k")));
        r.register(CPU, "InTopK", op -> {
            long k = op.attrLong("k");
            return ctx -> inTopK(ctx, k);
        });
    }

    /** Whether flat position {@code a} comes before {@code b} in the top-k order. */
    @FunctionalInterface
    interface Order {
        boolean before(int a, int b);
    }

    static Order order(Object values) {
        if (values instanceof float[] v) {
            return (a, b) -> v[a] > v[b] || (Float.isNaN(v[a]) && !Float.isNaN(v[b]))
                    || ((v[a] == v[b] || Float.isNaN(v[a]) && Float.isNaN(v[b])) && a < b);
        } else if (values instanceof double[] v) {
            return (a, b) -> v[a] > v[b] || (Double.isNaN(v[a]) && !Double.isNaN(v[b]))
                    || ((v[a] == v[b] || Double.isNaN(v[a]) && Double.isNaN(v[b])) && a < b);
        } else if (values instanceof int[] v) {
            return (a, b) -> v[a] > v[b] || (v[a] == v[b] && a < b);
        } else if (values instanceof long[] v) {
            return (a, b) -> v[a] > v[b] || (v[a] == v[b] && a < b);
        } else if (values instanceof byte[] v) {
            return (a, b) -> (v[a] & 0xff) > (v[b] & 0xff) || (v[a] == v[b] && a < b);
        }
        return null;
    }

    private static void topK(KernelContext ctx, DType indexType) {
        Tensor x = ctx.input(0);
        long kArg = ArrayData.scalarLong(ctx.input(1), "k");
        long[] dims = x.shape().dims();
        if (dims.length < 1) {
            throw new InvalidArgumentException("input must be >= 1-D, got shape " + x.shape());
        }
        if (kArg < 0) {
            throw new InvalidArgumentException("Need k >= 0, got " + kArg);
        }
        int n = (int) dims[dims.length - 1];
        if (kArg > n) {
            throw new InvalidArgumentException("input must have at least k columns. Had " + n + ", needed " + kArg);
        }
        Order order = order(x.array());
        if (order == null) {
            throw new UnimplementedException("TopKV2 does not support dtype " + x.dtype());
        }
        int k = (int) kArg;
        int rows = ArrayData.prod(dims, 0, dims.length - 1);
        Shape outShape = x.shape().withDim(dims.length - 1, k);
        Tensor values = ctx.allocate(x.dtype(), outShape);
        int[] positions = new int[rows * k];
        int[] heap = new int[k];
        for (int row = 0; row < rows; row++) {
            best(order, row * n, n, heap);
            for (int j = 0; j < k; j++) {
                positions[row * k + j] = heap[j];
                System.arraycopy(x.array(), heap[j], values.array(), row * k + j, 1);
            }
        }
        ctx.setOutput(0, values);
        ctx.setOutput(1, indices(indexType, outShape, positions, n));
    }

    /**
     * The {@code out.length} best of positions {@code [start, start + n)}, best first: a heap with the worst kept
     * at its root, emptied from the back.
     */
    static void best(Order order, int start, int n, int[] out) {
        int k = out.length;
        if (k == 0) {
            return;
        }
        int size = 0;
        for (int p = start; p < start + n; p++) {
            if (size < k) {
                out[size] = p;
                siftUp(order, out, size++);
            } else if (order.before(p, out[0])) {
                out[0] = p;
                siftDown(order, out, 0, k);
            }
        }
        for (int end = k - 1; end > 0; end--) {
            int worst = out[0];
            out[0] = out[end];
            out[end] = worst;
            siftDown(order, out, 0, end);
        }
    }

    private static void siftUp(Order order, int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!order.before(heap[parent], heap[i])) {
                return;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private static void siftDown(Order order, int[] heap, int i, int size) {
        while (true) {
            int worst = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < size && order.before(heap[worst], heap[l])) {
                worst = l;
            }
            if (r < size && order.before(heap[worst], heap[r])) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(heap, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Positions within their row ({@code flat % n}) as int32 or int64. */
    private static Tensor indices(DType t, Shape shape, int[] flat, int n) {
        if (t == DType.INT64) {
            long[] l = new long[flat.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = flat[i] % n;
            }
            return Tensor.wrap(DType.INT64, shape, l);
        }
        int[] v = new int[flat.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = flat[i] % n;
        }
        return Tensor.wrap(DType.INT32, shape, v);
    }

    /**
     * True where the target's prediction is finite and fewer than k predictions of its row are larger; a target
     * out of range or a non-finite prediction anywhere in the row gives false.
     */
    private static void inTopK(KernelContext ctx, long k) {
        Tensor predictions = ctx.input(0);
        Tensor targets = ctx.input(1);
        if (predictions.shape().rank() != 2) {
            throw new InvalidArgumentException("predictions must be 2-dimensional, got shape " + predictions.shape());
        }
        if (targets.shape().rank() != 1) {
            throw new InvalidArgumentException("targets must be 1-dimensional, got shape " + targets.shape());
        }
        int batch = (int) predictions.shape().size(0);
        int classes = (int) predictions.shape().size(1);
        if (targets.numElements() != batch) {
            throw new InvalidArgumentException("First dimension of predictions " + batch
                    + " must match length of targets " + targets.numElements());
        }
        float[] p = (float[]) predictions.array();
        long[] t = ArrayData.longs(targets);
        boolean[] out = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            if (t[b] < 0 || t[b] >= classes) {
                continue;
            }
            float target = p[b * classes + (int) t[b]];
            boolean finite = Float.isFinite(target);
            int larger = 0;
            for (int c = 0; c < classes && finite; c++) {
                float v = p[b * classes + c];
                finite = Float.isFinite(v);
                if (v > target) {
                    larger++;
                }
            }
            out[b] = finite && larger < k;
        }
        ctx.setOutput(0, Tensor.wrap(DType.BOOL, Shape.of(batch), out));
    }
}
