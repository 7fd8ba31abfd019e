package dev.tensorgraph.spark.examples;

import dev.tensorgraph.examples.FashionMnist;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Fashion-MNIST split as a DataFrame: {@code id} (int), {@code pixels} (28*28 floats in [0, 1], row-major) and
 * {@code label} (int, 0..9), the columns the examples feed to the CNN's {@code images} and {@code labels}.
 */
final class FashionMnistFrame {
    static final String ID = "id";
    static final String PIXELS = "pixels";
    static final String LABEL = "label";
    static final int PIXELS_PER_IMAGE = FashionMnist.SIDE * FashionMnist.SIDE;

    private FashionMnistFrame() {}

    /** The first {@code limit} images of {@code split} (all when limit is 0 or more than there are). */
    static Dataset<Row> of(SparkSession spark, FashionMnist.Split split, int limit, int partitions) {
        int n = limit > 0 ? Math.min(limit, split.count()) : split.count();
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] pixels = Arrays.copyOfRange(split.images(), i * PIXELS_PER_IMAGE, (i + 1) * PIXELS_PER_IMAGE);
            rows.add(RowFactory.create(i, pixels, split.labels()[i]));
        }
        StructType schema = new StructType().add(ID, DataTypes.IntegerType, false)
                .add(PIXELS, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(LABEL, DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }
}
