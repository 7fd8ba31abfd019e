package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The equation of TensorFlow's {@code Einsum} op, {@code "ab...c,cd->a...d"}: one or two input subscripts and an
 * output subscript, each a string of letters (axis labels) with at most one ellipsis standing for the broadcast
 * dimensions. {@link #resolve} binds it to operand shapes: every axis gets a label number (letters first, then one
 * number per broadcast dimension, aligned at the end as NumPy broadcasts), a letter must have one size wherever it
 * occurs, and broadcast dimensions broadcast. An output label may repeat (the result then lies on that diagonal),
 * as TensorFlow's own gradient equations need. Shared by the shape function and the kernels; messages follow
 * TensorFlow's kernel.
 */
public final class EinsumEquation {
    /** Marks the ellipsis in a parsed subscript. */
    private static final int ELLIPSIS = -1;

    private final String equation;
    private final int[][] inputs;
    private final int[] output;
    private final int numLetters;

    private EinsumEquation(String equation, int[][] inputs, int[] output, int numLetters) {
        this.equation = equation;
        this.inputs = inputs;
        this.output = output;
        this.numLetters = numLetters;
    }

    /** Parses {@code equation}; {@code messagePrefix} is put before each message. */
    public static EinsumEquation parse(String messagePrefix, String equation) {
        int arrow = equation.indexOf("->");
        if (arrow < 0 || equation.indexOf("->", arrow + 1) >= 0) {
            throw new InvalidArgumentException(messagePrefix + "Expecting exactly one '->' in einsum equation: "
                    + equation);
        }
        String[] ins = equation.substring(0, arrow).split(",", -1);
        if (ins.length < 1 || ins.length > 2) {
            throw new InvalidArgumentException(messagePrefix + "Expecting 1 or 2 input subscripts in equation '"
                    + equation + "' but got: " + ins.length);
        }
        int[] letterIds = new int[128];
        Arrays.fill(letterIds, -1);
        int[] count = {0};
        int[][] inputs = new int[ins.length][];
        for (int i = 0; i < ins.length; i++) {
            inputs[i] = subscript(messagePrefix, equation, ins[i], letterIds, count, true);
        }
        int[] output = subscript(messagePrefix, equation, equation.substring(arrow + 2), letterIds, count, false);
        return new EinsumEquation(equation, inputs, output, count[0]);
    }

    /** Letters as label numbers (given in order of first appearance), the ellipsis as {@link #ELLIPSIS}. */
    private static int[] subscript(String prefix, String equation, String s, int[] letterIds, int[] count,
                                   boolean isInput) {
        List<Integer> labels = new ArrayList<>();
        boolean ellipsis = false;
        for (int p = 0; p < s.length(); p++) {
            char ch = s.charAt(p);
            if (ch == '.') {
                if (ellipsis || !s.startsWith("...", p)) {
                    throw new InvalidArgumentException(prefix + "Invalid ellipsis in einsum subscript '" + s
                            + "' of equation: " + equation);
                }
                ellipsis = true;
                labels.add(ELLIPSIS);
                p += 2;
            } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
                if (letterIds[ch] < 0) {
                    if (!isInput) {
                        throw new InvalidArgumentException(prefix + "Output subscripts contain the label " + ch
                                + " not present in the input subscripts: " + equation);
                    }
                    letterIds[ch] = count[0]++;
                }
                labels.add(letterIds[ch]);
            } else {
                throw new InvalidArgumentException(prefix + "Invalid character '" + ch + "' in einsum equation: "
                        + equation);
            }
        }
        return labels.stream().mapToInt(Integer::intValue).toArray();
    }

    public int numInputs() {
        return inputs.length;
    }

    /** The equation as given. */
    public String equation() {
        return equation;
    }

    /**
     * The equation bound to operand shapes.
     *
     * @param inputLabels the label of each axis of each input
     * @param outputLabels the label of each output axis
     * @param labelSizes the size of each label (for broadcast labels the broadcast size), -1 where not known
     * @param numLabels letters plus broadcast dimensions
     * @param outShape the output's shape
     */
    public record Resolved(int[][] inputLabels, int[] outputLabels, long[] labelSizes, int numLabels,
                           Shape outShape) {}

    /**
     * Binds the equation to the operands' shapes, which may have unknown sizes (-1); an input of unknown rank makes
     * the output shape unknown (and the result null).
     */
    public Resolved resolve(String prefix, Shape... shapes) {
        if (shapes.length != inputs.length) {
            throw new InvalidArgumentException(prefix + "Expecting " + inputs.length + " inputs for equation '"
                    + equation + "' but got: " + shapes.length);
        }
        int broadcast = 0;
        int[] broadcastDims = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (!shapes[i].hasKnownRank()) {
                return null;
            }
            boolean hasEllipsis = contains(inputs[i], ELLIPSIS);
            int named = inputs[i].length - (hasEllipsis ? 1 : 0);
            int rank = shapes[i].rank();
            if (!hasEllipsis && rank != named) {
                throw new InvalidArgumentException(prefix + "Expected input " + i + " to have rank " + named
                        + " but got: " + rank);
            }
            if (rank < named) {
                throw new InvalidArgumentException(prefix + "Expected input " + i + " to have rank at least " + named
                        + " but got: " + rank);
            }
            broadcastDims[i] = rank - named;
            broadcast = Math.max(broadcast, broadcastDims[i]);
        }
        if (broadcast > 0 && !contains(output, ELLIPSIS)) {
            throw new InvalidArgumentException(prefix + "Output contains " + broadcast + " broadcasting dimension(s) "
                    + "but no ellipsis (...) was found in the output subscripts.");
        }
        int numLabels = numLetters + broadcast;
        long[] sizes = new long[numLabels];
        Arrays.fill(sizes, -2);
        int[][] axes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            axes[i] = expand(inputs[i], broadcastDims[i], broadcast);
            long[] dims = shapes[i].dims();
            for (int a = 0; a < dims.length; a++) {
                int label = axes[i][a];
                sizes[label] = label < numLetters ? letterSize(prefix, sizes[label], dims[a], a, shapes[i])
                        : broadcastSize(prefix, sizes[label], dims[a], shapes);
            }
        }
        int[] out = expand(output, broadcast, broadcast);
        for (int i = 0; i < numLabels; i++) {
            sizes[i] = sizes[i] == -2 ? 1 : sizes[i];
        }
        long[] outDims = new long[out.length];
        for (int a = 0; a < out.length; a++) {
            outDims[a] = sizes[out[a]];
        }
        return new Resolved(axes, out, sizes, numLabels, Shape.of(outDims));
    }

    private static long letterSize(String prefix, long known, long d, int axis, Shape shape) {
        if (known >= 0 && d >= 0 && known != d) {
            throw new InvalidArgumentException(prefix + "Expected dimension " + known + " at axis " + axis
                    + " of the input shaped " + shape + " but got dimension " + d);
        }
        return known >= 0 ? known : d;
    }

    private static long broadcastSize(String prefix, long known, long d, Shape[] shapes) {
        if (known == -2 || known == 1) {
            return d;
        }
        if (d == 1) {
            return known;
        }
        if (known >= 0 && d >= 0 && known != d) {
            throw new InvalidArgumentException(prefix + "The broadcast dimensions of the operands are incompatible: "
                    + Arrays.toString(shapes));
        }
        return known >= 0 ? known : d;
    }

    /** A subscript with its ellipsis replaced by the last {@code dims} of the {@code broadcast} broadcast labels. */
    private int[] expand(int[] subscript, int dims, int broadcast) {
        int[] r = new int[subscript.length + (contains(subscript, ELLIPSIS) ? dims - 1 : 0)];
        int k = 0;
        for (int label : subscript) {
            if (label == ELLIPSIS) {
                for (int d = 0; d < dims; d++) {
                    r[k++] = numLetters + broadcast - dims + d;
                }
            } else {
                r[k++] = label;
            }
        }
        return r;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
