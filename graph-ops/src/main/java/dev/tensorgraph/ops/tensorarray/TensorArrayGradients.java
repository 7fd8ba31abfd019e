package dev.tensorgraph.ops.tensorarray;

import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.Arrays;
import java.util.List;

/**
 * Gradients of the tensor array ops, as TensorFlow's {@code tensor_array_grad.py} builds them: each forward
 * access has its dual on the gradient array of the same forward array and the same {@code tf.gradients}
 * call. A forward read becomes a write of the read's gradient (several reads of one index add up, since
 * gradient arrays aggregate writes); a forward write becomes a read of the value's gradient, ordered after
 * every gradient write by the flow.
 */
final class TensorArrayGradients {
    private TensorArrayGradients() {}

    private static TensorArray gradArray(Operation op, DType dtype, Output flow, Output gradTensor) {
        TensorArray forward = TensorArray.wrap(op.graph(), dtype, op.input(0), flow, true);
        return forward.grad(TensorArrayOps.gradientSource(gradTensor), flow, null);
    }

    /** The incoming flow gradient, after the forward op's flow (TensorFlow's {@code write_barrier}). */
    private static Output barrier(Operation op, Output flowGrad) {
        Graph g = op.graph();
        Output flowOut = ControlOps.identity(g, op.output(0), "flow_out");
        try (var deps = g.controlDependencies(List.of(flowOut.op()))) {
            return ControlOps.identity(g, flowGrad, "write_barrier");
        }
    }

    static List<Output> read(Operation op, List<Output> dy) {
        Output grad = dy.get(0);
        TensorArray g = gradArray(op, op.attrType("dtype"), op.input(2), grad);
        return Arrays.asList(null, null, g.write(op.input(1), grad).flow());
    }

    static List<Output> write(Operation op, List<Output> dy) {
        Output flow = barrier(op, dy.get(0));
        TensorArray g = gradArray(op, op.attrType("T"), flow, dy.get(0));
        return Arrays.asList(null, null, g.read(op.input(1)), flow);
    }

    static List<Output> gather(Operation op, List<Output> dy) {
        Output grad = dy.get(0);
        TensorArray g = gradArray(op, op.attrType("dtype"), op.input(2), grad);
        return Arrays.asList(null, null, g.scatter(op.input(1), grad).flow());
    }

    static List<Output> scatter(Operation op, List<Output> dy) {
        Output flow = barrier(op, dy.get(0));
        TensorArray g = gradArray(op, op.attrType("T"), flow, dy.get(0));
        return Arrays.asList(null, null, g.gather(op.input(1)), flow);
    }

    static List<Output> concat(Operation op, List<Output> dy) {
        Output grad = dy.get(0);
        TensorArray g = gradArray(op, op.attrType("dtype"), op.input(1), grad);
        return Arrays.asList(null, g.split(grad, op.output(1)).flow());
    }

    static List<Output> split(Operation op, List<Output> dy) {
        Output flow = barrier(op, dy.get(0));
        TensorArray g = gradArray(op, op.attrType("T"), flow, dy.get(0));
        return Arrays.asList(null, g.concat(), null, flow);
    }
}
