package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * One model output as a new column: row i of the column is slice i of the fetched tensor along its first (batch)
 * dimension. An output of shape {@code [batch]} gives one value per row; a larger one gives an array per row,
 * the slice's values row-major ({@code [batch, 10]} logits: an array of 10). An output whose rank is unknown gives
 * arrays.
 */
final class FetchColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String output;
    private final String column;
    private final DType dtype;
    private final boolean perRowArray;

    private FetchColumn(String output, String column, DType dtype, boolean perRowArray) {
        this.output = output;
        this.column = column;
        this.dtype = dtype;
        this.perRowArray = perRowArray;
    }

    /** Checks that {@code tensor} (the model output named {@code output}) can become a column. */
    static FetchColumn bind(String output, String column, Output tensor) {
        Shape shape = tensor.shape();
        if (shape.hasKnownRank() && shape.rank() == 0) {
            throw new InvalidArgumentException("model output " + ErrorText.quote(output) + " is a scalar, not one value"
                    + " per row: fetch an output whose first dimension is the batch");
        }
        elementType(tensor.dtype(), output);
        return new FetchColumn(output, column, tensor.dtype(), !shape.hasKnownRank() || shape.rank() > 1);
    }

    String column() {
        return column;
    }

    String output() {
        return output;
    }

    StructField field() {
        DataType element = elementType(dtype, output);
        return DataTypes.createStructField(column, perRowArray ? DataTypes.createArrayType(element, false) : element,
                false);
    }

    /** The column's values for a batch of {@code rows} rows. */
    Object[] values(Tensor t, int rows) {
        Shape shape = t.shape();
        if (shape.rank() == 0 || shape.size(0) != rows) {
            throw new InvalidArgumentException("model output " + ErrorText.quote(output) + " has shape " + shape
                    + " for a batch of " + rows + " rows: its first dimension must be the batch");
        }
        Object[] out = new Object[rows];
        int per = rows == 0 ? 0 : t.numElements() / rows;
        Object data = t.array();
        for (int i = 0; i < rows; i++) {
            out[i] = perRowArray ? slice(data, i * per, per) : element(data, i);
        }
        return out;
    }

    private Object slice(Object data, int from, int n) {
        return switch (dtype) {
            case FLOAT32 -> Arrays.copyOfRange((float[]) data, from, from + n);
            case FLOAT64 -> Arrays.copyOfRange((double[]) data, from, from + n);
            case INT32 -> Arrays.copyOfRange((int[]) data, from, from + n);
            case INT64 -> Arrays.copyOfRange((long[]) data, from, from + n);
            case BOOL -> Arrays.copyOfRange((boolean[]) data, from, from + n);
            case UINT8 -> {
                int[] v = new int[n];
                byte[] b = (byte[]) data;
                for (int k = 0; k < n; k++) {
                    v[k] = b[from + k] & 0xff;
                }
                yield v;
            }
            default -> {
                String[] v = new String[n];
                for (int k = 0; k < n; k++) {
                    v[k] = (String) element(data, from + k);
                }
                yield v;
            }
        };
    }

    private Object element(Object data, int i) {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case BOOL -> ((boolean[]) data)[i];
            case UINT8 -> ((byte[]) data)[i] & 0xff;
            default -> new String(((byte[][]) data)[i], StandardCharsets.UTF_8);
        };
    }

    private static DataType elementType(DType dtype, String output) {
        return switch (dtype) {
            case FLOAT32 -> DataTypes.FloatType;
            case FLOAT64 -> DataTypes.DoubleType;
            case INT32, UINT8 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            case BOOL -> DataTypes.BooleanType;
            case STRING -> DataTypes.StringType;
            default -> throw new InvalidArgumentException("model output " + ErrorText.quote(output) + " is " + dtype
                    + ", which has no column type");
        };
    }
}
