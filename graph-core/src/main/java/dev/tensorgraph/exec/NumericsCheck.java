package dev.tensorgraph.exec;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;

/** The session's check-numerics switch: the first op whose floating output holds NaN or Inf fails the run. */
final class NumericsCheck {
    private NumericsCheck() {}

    static void check(Step st, Tensor[] values, DeviceTensor[] deviceValues, DeviceContext device) {
        for (int i = 0; i < st.outputs.length; i++) {
            int slot = st.outputs[i];
            Tensor t = slot >= 0 ? values[slot] : null;
            if (t == null && slot >= 0 && deviceValues != null && deviceValues[slot] != null
                    && deviceValues[slot].dtype().isFloating()) {
                t = device.download(deviceValues[slot]);
            }
            if (t == null) {
                continue;
            }
            String bad = null;
            if (t.array() instanceof float[] a) {
                for (float v : a) {
                    if (!Float.isFinite(v)) {
                        bad = Float.isNaN(v) ? "NaN" : "Inf";
                        break;
                    }
                }
            } else if (t.array() instanceof short[] a) {
                for (short v : a) {
                    float f = dev.tensorgraph.HalfFloats.widen(t.dtype(), v);
                    if (!Float.isFinite(f)) {
                        bad = Float.isNaN(f) ? "NaN" : "Inf";
                        break;
                    }
                }
            } else if (t.array() instanceof double[] a) {
                for (double v : a) {
                    if (!Double.isFinite(v)) {
                        bad = Double.isNaN(v) ? "NaN" : "Inf";
                        break;
                    }
                }
            }
            if (bad != null) {
                throw new InvalidArgumentException("output " + i + " of op '" + st.op.name() + "' (type " + st.op.type()
                        + ") has " + bad + " values (check numerics)");
            }
        }
    }
}
