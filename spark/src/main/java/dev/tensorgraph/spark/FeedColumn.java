package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * One column of a data set feeding one input of a model: the rows of a batch become one tensor whose first
 * dimension is the batch. A row's value may be a number or boolean, an array of them (nested to any depth;
 * flattened row-major), an ML {@link Vector}, or binary (unsigned bytes); a string input takes strings or
 * binary. A row's values fill the input's shape after the batch dimension when that shape is known (a flat
 * array of 784 values feeds {@code [?, 28, 28, 1]}), else the value's own nesting gives the shape.
 *
 * <p>Made and checked on the driver against the data set's schema ({@link #bind}); used on executors.
 */
final class FeedColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String column;
    private final int fieldIndex;
    private final String input;
    private final DType dtype;
    /** The input's dimensions after the batch dimension (-1 unknown), or null when its rank is unknown. */
    private final long[] rowDims;

    private FeedColumn(String column, int fieldIndex, String input, DType dtype, long[] rowDims) {
        this.column = column;
        this.fieldIndex = fieldIndex;
        this.input = input;
        this.dtype = dtype;
        this.rowDims = rowDims;
    }

    /**
     * Checks that {@code column} exists in {@code schema} and holds values that can feed {@code tensor} (the
     * model input named {@code input}).
     */
    static FeedColumn bind(StructType schema, String column, String input, Output tensor) {
        int index = fieldIndex(schema, column);
        DataType type = schema.fields()[index].dataType();
        DType dtype = tensor.dtype();
        String target = "model input " + ErrorText.quote(input) + " (" + dtype + tensor.shape() + ")";
        if (!feedable(type, dtype)) {
            throw new InvalidArgumentException("column " + ErrorText.quote(column) + " holds " + type.simpleString()
                    + ", which cannot feed " + target + ": feed numbers, booleans, arrays of them, ML vectors or "
                    + "binary" + (dtype == DType.STRING ? "; a string input takes strings or binary" : ""));
        }
        Shape shape = tensor.shape();
        if (shape.hasKnownRank() && shape.rank() == 0) {
            throw new InvalidArgumentException(target + " is a scalar: a column feeds an input whose first dimension "
                    + "is the batch");
        }
        long[] rowDims = shape.hasKnownRank() ? Arrays.copyOfRange(shape.dims(), 1, shape.rank()) : null;
        return new FeedColumn(column, index, input, dtype, rowDims);
    }

    /** The index of {@code column} in {@code schema}; a missing column is an error listing those there are. */
    static int fieldIndex(StructType schema, String column) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int index = names.indexOf(column);
        if (index < 0) {
            throw new NotFoundException("column " + ErrorText.quote(column) + " not found in the data set; its columns: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        return index;
    }

    private static boolean feedable(DataType type, DType dtype) {
        if (dtype == DType.STRING) {
            return type instanceof StringType || type instanceof BinaryType;
        }
        if (!dtype.isNumeric() && dtype != DType.BOOL) {
            return false;
        }
        if (type instanceof ArrayType a) {
            return feedable(a.elementType(), dtype) && !(a.elementType() instanceof BinaryType);
        }
        if (type instanceof BooleanType) {
            return dtype == DType.BOOL;
        }
        return type instanceof NumericType || type instanceof BinaryType || type.sameType(SQLDataTypes.VectorType());
    }

    String column() {
        return column;
    }

    String input() {
        return input;
    }

    /** The rows' values of this column as one tensor, batch first. */
    Tensor tensor(List<Row> rows) {
        int n = rows.size();
        if (dtype == DType.STRING) {
            byte[][] strings = new byte[n][];
            for (int i = 0; i < n; i++) {
                Object v = value(rows.get(i), i);
                strings[i] = v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
            }
            return Tensor.wrap(DType.STRING, Shape.of(n), strings);
        }
        long[] dims = rowShape(value(rows.get(0), 0));
        long perRow = 1;
        for (long d : dims) {
            perRow *= d;
        }
        long total = perRow * n;
        if (total > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("a batch of " + n + " rows of column " + ErrorText.quote(column)
                    + " holds " + total + " values, more than a tensor can: lower the batch size");
        }
        Object array = Tensor.newArray(dtype, (int) total);
        for (int i = 0; i < n; i++) {
            int start = (int) (i * perRow);
            int end = fill(value(rows.get(i), i), array, start, (int) (start + perRow), i);
            if (end - start != perRow) {
                throw new InvalidArgumentException("row " + i + " of the batch has " + (end - start) + " values in column "
                        + ErrorText.quote(column) + ", but model input " + ErrorText.quote(input) + " takes " + perRow
                        + " per row (shape " + Arrays.toString(dims) + ")");
            }
        }
        long[] shape = new long[dims.length + 1];
        shape[0] = n;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        return Tensor.wrap(dtype, Shape.of(shape), array);
    }

    private Object value(Row row, int i) {
        Object v = row.get(fieldIndex);
        if (v == null) {
            throw new InvalidArgumentException("row " + i + " of the batch has no value (null) in column "
                    + ErrorText.quote(column) + ", which feeds model input " + ErrorText.quote(input));
        }
        return v;
    }

    /** The shape of one row's value: the input's when fully known, else the value's own nesting. */
    private long[] rowShape(Object first) {
        if (rowDims != null && Arrays.stream(rowDims).allMatch(d -> d >= 0)) {
            return rowDims;
        }
        List<Long> dims = new ArrayList<>();
        Object v = first;
        while (true) {
            if (v instanceof scala.collection.Seq<?> seq) {
                dims.add((long) seq.size());
                if (seq.isEmpty()) {
                    break;
                }
                v = seq.head();
            } else if (v instanceof Vector vec) {
                dims.add((long) vec.size());
                break;
            } else if (v instanceof byte[] b) {
                dims.add((long) b.length);
                break;
            } else {
                break;
            }
        }
        long[] own = dims.stream().mapToLong(Long::longValue).toArray();
        if (rowDims != null && own.length != rowDims.length) {
            long count = Arrays.stream(own).reduce(1, (a, b) -> a * b);
            throw new InvalidArgumentException("column " + ErrorText.quote(column) + " holds values of shape "
                    + Arrays.toString(own) + " (" + count + " values) and model input " + ErrorText.quote(input)
                    + " takes rows of rank " + rowDims.length + " with unknown dimensions "
                    + Shape.of(rowDims) + ": nest the values as the input's rows are shaped");
        }
        return own;
    }

    /**
     * Writes {@code v}'s values row-major from {@code pos}, storing none at or past {@code limit} (the row's end);
     * returns the position after them, so the caller sees how many the value held.
     */
    private int fill(Object v, Object array, int pos, int limit, int row) {
        if (v instanceof scala.collection.Seq<?> seq) {
            scala.collection.Iterator<?> it = seq.iterator();
            while (it.hasNext()) {
                Object e = it.next();
                if (e == null) {
                    throw new InvalidArgumentException("row " + row + " of the batch holds a null element in column "
                            + ErrorText.quote(column));
                }
                pos = fill(e, array, pos, limit, row);
            }
            return pos;
        }
        if (v instanceof Vector vec) {
            for (double d : vec.toArray()) {
                pos = put(array, pos, limit, d, row);
            }
            return pos;
        }
        if (v instanceof byte[] bytes) {
            for (byte b : bytes) {
                pos = put(array, pos, limit, b & 0xff, row);
            }
            return pos;
        }
        if (v instanceof Boolean b) {
            if (pos < limit) {
                ((boolean[]) array)[pos] = b;
            }
            return pos + 1;
        }
        if (v instanceof Long l && dtype == DType.INT64) {
            if (pos < limit) {
                ((long[]) array)[pos] = l;
            }
            return pos + 1;
        }
        return put(array, pos, limit, ((Number) v).doubleValue(), row);
    }

    /**
     * Stores one number converted to the input's dtype; past the row's end only counts it (the caller reports the
     * count). Integer inputs take only whole numbers in their range, as labels stored as doubles are.
     */
    private int put(Object array, int pos, int limit, double value, int row) {
        if (pos >= limit) {
            return pos + 1;
        }
        switch (dtype) {
            case FLOAT32 -> ((float[]) array)[pos] = (float) value;
            case FLOAT64 -> ((double[]) array)[pos] = value;
            case INT32 -> ((int[]) array)[pos] = (int) whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE, row);
            case INT64 -> ((long[]) array)[pos] = (long) whole(value, Long.MIN_VALUE, Long.MAX_VALUE, row);
            case UINT8 -> ((byte[]) array)[pos] = (byte) whole(value, 0, 255, row);
            case BOOL -> ((boolean[]) array)[pos] = value != 0;
            default -> throw new InvalidArgumentException("model input " + ErrorText.quote(input) + " is " + dtype
                    + ", which a column cannot feed");
        }
        return pos + 1;
    }

    private double whole(double value, double min, double max, int row) {
        if (value != Math.rint(value) || value < min || value > max) {
            throw new InvalidArgumentException("row " + row + " of the batch holds " + value + " in column "
                    + ErrorText.quote(column) + ", which is not a " + dtype + " value for model input "
                    + ErrorText.quote(input));
        }
        return value;
    }
}
