package dev.tensorgraph.spark;

import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Runs a model over one partition: rows are taken in batches of {@code batchSize}, each batch is one session run,
 * and each input row comes out with the model's outputs appended, in order. Rows are read as the output is
 * consumed, so a partition is never held whole. The model comes from the executor's {@link ModelCache}.
 */
final class InferencePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<ModelFiles> model;
    private final List<FeedColumn> feeds;
    private final List<FetchColumn> fetches;
    private final int batchSize;
    private final String device;

    InferencePartition(Broadcast<ModelFiles> model, List<FeedColumn> feeds, List<FetchColumn> fetches, int batchSize,
                       String device) {
        this.model = model;
        this.feeds = List.copyOf(feeds);
        this.fetches = List.copyOf(fetches);
        this.batchSize = batchSize;
        this.device = device;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        LoadedModel loaded = ModelCache.get(model.value(), ExecutorDevice.forCurrentTask(device));
        return new Iterator<>() {
            private List<Row> batch = List.of();
            private List<Object[]> outputs = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                return next < batch.size() || rows.hasNext();
            }

            @Override
            public Row next() {
                if (next >= batch.size()) {
                    if (!rows.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    batch = take(rows);
                    outputs = run(loaded, batch);
                    next = 0;
                }
                Row in = batch.get(next);
                Object[] values = new Object[in.length() + fetches.size()];
                for (int i = 0; i < in.length(); i++) {
                    values[i] = in.get(i);
                }
                for (int f = 0; f < fetches.size(); f++) {
                    values[in.length() + f] = outputs.get(f)[next];
                }
                next++;
                return RowFactory.create(values);
            }
        };
    }

    private List<Row> take(Iterator<Row> rows) {
        List<Row> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && rows.hasNext()) {
            batch.add(rows.next());
        }
        return batch;
    }

    /** One session run for the batch: per fetch, its value for each row. */
    List<Object[]> run(LoadedModel loaded, List<Row> batch) {
        var runner = loaded.session().runner();
        for (FeedColumn feed : feeds) {
            runner.feed(loaded.input(feed.input()), feed.tensor(batch));
        }
        for (FetchColumn fetch : fetches) {
            Output out = loaded.output(fetch.output());
            runner.fetch(out);
        }
        List<Tensor> results = runner.run();
        List<Object[]> columns = new ArrayList<>(fetches.size());
        for (int f = 0; f < fetches.size(); f++) {
            columns.add(fetches.get(f).values(results.get(f), batch.size()));
        }
        return columns;
    }
}
