package dev.tensorgraph.spark;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InternalException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * One worker's share of the training data, converted to tensors once and kept in memory for the whole run (a
 * cached RDD of one shard per partition). Row i of the data set (in the data set's order) belongs to shard
 * {@code i mod workers}, so every global batch, rows {@code [k * batchSize, (k + 1) * batchSize)}, is spread
 * evenly over the shards and each shard's part of it is a contiguous range of its own rows.
 */
final class TrainingShard implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final int workers;
    private final int rows;
    /** One tensor per input, batch first, rows in data-set order. */
    private final List<TensorData> columns;

    private TrainingShard(int index, int workers, int rows, List<TensorData> columns) {
        this.index = index;
        this.workers = workers;
        this.rows = rows;
        this.columns = columns;
    }

    /** Deals the rows out to {@code workers} shards (a shuffle by row number) and converts each shard's columns. */
    static JavaRDD<TrainingShard> deal(JavaRDD<Row> data, List<FeedColumn> feeds, int workers) {
        return data.zipWithIndex()
                .mapToPair(t -> new Tuple2<>((int) (t._2() % workers), t))
                .partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex((p, it) -> List.of(build(p, workers, it, feeds)).iterator(), true);
    }

    private static TrainingShard build(int p, int workers, Iterator<Tuple2<Integer, Tuple2<Row, Long>>> it,
                                       List<FeedColumn> feeds) {
        List<Tuple2<Row, Long>> numbered = new ArrayList<>();
        while (it.hasNext()) {
            numbered.add(it.next()._2());
        }
        numbered.sort(Comparator.comparingLong(Tuple2::_2));
        List<Row> rows = new ArrayList<>(numbered.size());
        for (int j = 0; j < numbered.size(); j++) {
            long expected = (long) j * workers + p;
            if (numbered.get(j)._2() != expected) {
                throw new InternalException("shard " + p + " of " + workers + " holds row " + numbered.get(j)._2()
                        + " where row " + expected + " belongs");
            }
            rows.add(numbered.get(j)._1());
        }
        List<TensorData> columns = new ArrayList<>();
        if (!rows.isEmpty()) {
            for (FeedColumn f : feeds) {
                columns.add(TensorData.of(f.tensor(rows)));
            }
        }
        return new TrainingShard(p, workers, rows.size(), Collections.unmodifiableList(columns));
    }

    /**
     * Shard {@code index} of {@code workers} of a data set held as whole tensors in this JVM (one per input, batch
     * first): rows {@code index, index + workers, ...}, as {@link #deal} deals them.
     */
    static TrainingShard of(int index, int workers, List<Tensor> data) {
        int total = (int) data.get(0).shape().dims()[0];
        int rows = Math.max(0, (total - index + workers - 1) / workers);
        List<TensorData> columns = new ArrayList<>();
        for (Tensor t : data) {
            long[] dims = t.shape().dims().clone();
            int perRow = (int) (t.shape().numElements() / Math.max(1, dims[0]));
            dims[0] = rows;
            Object part = Tensor.newArray(t.dtype(), rows * perRow);
            Object all = t.array();
            for (int j = 0; j < rows; j++) {
                System.arraycopy(all, (index + j * workers) * perRow, part, j * perRow, perRow);
            }
            columns.add(new TensorData(t.dtype(), dims, part));
        }
        return new TrainingShard(index, workers, rows, Collections.unmodifiableList(columns));
    }

    int index() {
        return index;
    }

    int rows() {
        return rows;
    }

    /** The first of this shard's rows among the data set's rows {@code [from, to)}. */
    int firstRow(long from) {
        return (int) Math.min(rows, Math.max(0, Math.floorDiv(from - index + workers - 1, workers)));
    }

    /** The input tensors of this shard's rows {@code [first, end)} (shard-local numbers). */
    List<Tensor> slice(int first, int end) {
        List<Tensor> out = new ArrayList<>(columns.size());
        for (TensorData c : columns) {
            long[] dims = c.dims().clone();
            int perRow = (int) (Shape.of(dims).numElements() / Math.max(1, dims[0]));
            dims[0] = end - first;
            Object part = Tensor.newArray(c.dtype(), (end - first) * perRow);
            System.arraycopy(c.values(), first * perRow, part, 0, (end - first) * perRow);
            out.add(Tensor.wrap(c.dtype(), Shape.of(dims), part));
        }
        return out;
    }
}
