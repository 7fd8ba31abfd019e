package dev.tensorgraph.data;

import dev.tensorgraph.FeedStaging;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * An input pipeline in the shape of tf.data: a source (tensor slices, a range, IDX files, TFRecord files, a folder
 * of images) followed by transformations, each returning a new data set. Elements are named tensors; iterating
 * gives them one by one (batches, after {@link #batch}) ready to feed a session:
 *
 * <pre>{@code
 * Dataset ds = Dataset.imageFolder(Path.of("train"))          // a class per sub-folder
 *     .shuffle(10_000, 42).map(Images.decodeResize(224, 224), 2).batch(64).prefetch(2);
 * for (Map<String, Tensor> batch : ds) {
 *     s.runner().feed(images, batch.get("image")).feed(labels, batch.get("label")).target(train).run();
 * }
 * }</pre>
 *
 * <p>A data set is an immutable description; each {@link #iterator()} is a new pass (an epoch) with its own
 * threads. Given the seeds, the order of elements and every random transform are the same on every run and with
 * any number of threads: element i of pass e gets random numbers derived from (seed, e, i). Passes are numbered
 * from 0 in the order iterators are made; {@link #iterator(long)} starts a given one (to resume training).
 *
 * <p>Errors: a file that cannot be read, a corrupt image or record, a record that does not match its spec throw a
 * typed error ({@code dev.tensorgraph.errors}) naming the file (and record) from the iterator, on the consuming
 * thread, whichever thread hit it; the iterator can go on past it. {@link #ignoreErrors()} skips such elements.
 */
public class Dataset implements Iterable<Map<String, Tensor>> {
    /** The component name of unnamed values: {@link #range} elements, {@link #fromTensorSlices(Tensor)}. */
    public static final String VALUE = "value";
    /** As {@code numParallelCalls}: one thread per core. */
    public static final int AUTOTUNE = -1;

    private final LongFunction<ItemStream> opener;
    private final AtomicLong passes = new AtomicLong();

    Dataset(LongFunction<ItemStream> opener) {
        this.opener = opener;
    }

    /** Opens pass {@code epoch} of this data set. */
    ItemStream open(long epoch) {
        return opener.apply(epoch);
    }

    // ---- sources ----

    /** Element i holds row i (along the first dimension) of every component; all need the same number of rows. */
    public static Dataset fromTensorSlices(Map<String, Tensor> components) {
        Map<String, Tensor> copy = new java.util.LinkedHashMap<>(components);
        SliceStream.rows(copy);
        return new Dataset(epoch -> new SliceStream(copy));
    }

    /** Rows of one tensor, as component {@link #VALUE}. */
    public static Dataset fromTensorSlices(Tensor values) {
        return fromTensorSlices(Map.of(VALUE, values));
    }

    /** int64 scalars 0, 1, ..., stop - 1 as component {@link #VALUE}. */
    public static Dataset range(long stop) {
        return range(0, stop, 1);
    }

    /** int64 scalars from {@code start} before {@code stop} in steps of {@code step} (not 0), as {@link #VALUE}. */
    public static Dataset range(long start, long stop, long step) {
        if (step == 0) {
            throw new InvalidArgumentException("range: step must not be 0");
        }
        return new Dataset(epoch -> new RangeStream(start, stop, step));
    }

    /**
     * An IDX image file and its label file (the MNIST family's format, plain or gzip): component "image" is a
     * uint8 tensor of one image's shape ([28, 28] for MNIST), "label" an int32 scalar.
     */
    public static Dataset fromIdx(Path images, Path labels) {
        Idx x = Idx.read(images);
        Idx y = Idx.read(labels);
        if (y.dims().length != 1 || y.count() != x.count()) {
            throw new InvalidArgumentException(labels + ": expected " + x.count() + " labels (one per image in "
                    + images + "), got shape " + Arrays.toString(y.dims()));
        }
        int[] label = new int[y.count()];
        for (int i = 0; i < label.length; i++) {
            label[i] = y.data()[i] & 0xff;
        }
        return fromTensorSlices(Map.of(Images.IMAGE, x.tensor(), ImageFolder.LABEL,
                Tensor.wrap(dev.tensorgraph.DType.INT32, Shape.of(label.length), label)));
    }

    /**
     * TFRecord files, one after another: each record as a string scalar, component {@link TfRecords#RECORD}. A
     * corrupt or truncated record is a {@code DataLossException} naming the file, record and offset; the pass then
     * goes on with the next file.
     */
    public static Dataset tfRecordDataset(List<Path> files, TfRecords.Compression compression) {
        List<Path> copy = List.copyOf(files);
        Objects.requireNonNull(compression, "compression");
        return new Dataset(epoch -> new TfRecordStream(copy, compression));
    }

    /** Uncompressed TFRecord files. */
    public static Dataset tfRecordDataset(Path... files) {
        return tfRecordDataset(List.of(files), TfRecords.Compression.NONE);
    }

    /**
     * A folder with a sub-folder of images per class, classes numbered in the order of their names: components
     * "path" (the file, a string) and "label" (int32). {@link Images#decode()} reads the files.
     */
    public static ImageFolder imageFolder(Path dir) {
        return ImageFolder.scan(dir);
    }

    /** Element i of every data set, merged into one element; components must have distinct names. */
    public static Dataset zip(Dataset... datasets) {
        List<Dataset> list = List.of(datasets);
        if (list.isEmpty()) {
            throw new InvalidArgumentException("zip needs at least one data set");
        }
        return new Dataset(epoch -> {
            List<ItemStream> streams = new ArrayList<>();
            for (Dataset d : list) {
                streams.add(d.open(epoch));
            }
            return new ZipStream(streams);
        });
    }

    // ---- transformations ----

    /** {@code fn} applied to every element, on the consuming thread. */
    public Dataset map(Transform fn) {
        return map(fn, 1);
    }

    /**
     * {@code fn} applied to every element on {@code numParallelCalls} threads ({@link #AUTOTUNE}: one per core),
     * results in input order; the result does not depend on the number of threads.
     */
    public Dataset map(Transform fn, int numParallelCalls) {
        Objects.requireNonNull(fn, "fn");
        int threads = numParallelCalls == AUTOTUNE ? Runtime.getRuntime().availableProcessors() : numParallelCalls;
        if (threads < 1) {
            throw new InvalidArgumentException("map: numParallelCalls must be at least 1 or AUTOTUNE, got "
                    + numParallelCalls);
        }
        return derive(epoch -> threads == 1 ? new MapStream(open(epoch), fn, epoch)
                : new ParallelMapStream(open(epoch), fn, epoch, threads));
    }

    /** A context-free function of each element. */
    public Dataset map(Function<Map<String, Tensor>, Map<String, Tensor>> fn) {
        return map(Transform.of(fn), 1);
    }

    /** A context-free function of each element, on {@code numParallelCalls} threads. */
    public Dataset map(Function<Map<String, Tensor>, Map<String, Tensor>> fn, int numParallelCalls) {
        return map(Transform.of(fn), numParallelCalls);
    }

    /** The elements for which {@code keep} holds. */
    public Dataset filter(Predicate<Map<String, Tensor>> keep) {
        Objects.requireNonNull(keep, "keep");
        return derive(epoch -> new FilterStream(open(epoch), keep));
    }

    /** {@link #shuffle(long, long, boolean)} reshuffling every pass. */
    public Dataset shuffle(long bufferSize, long seed) {
        return shuffle(bufferSize, seed, true);
    }

    /**
     * tf.data's buffer shuffle: each output is drawn uniformly from a buffer of the next {@code bufferSize}
     * elements (a buffer as large as the data set gives a uniform permutation). The order depends on {@code seed}
     * and, with {@code reshuffleEachIteration}, on the pass.
     */
    public Dataset shuffle(long bufferSize, long seed, boolean reshuffleEachIteration) {
        if (bufferSize < 1 || bufferSize > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("shuffle: bufferSize must be in [1, 2^31 - 9], got " + bufferSize);
        }
        return derive(epoch -> new ShuffleStream(open(epoch), (int) bufferSize,
                Seeds.mix(seed, reshuffleEachIteration ? epoch : 0)));
    }

    /** Groups of {@code size} elements stacked along a new first dimension; the last group may be smaller. */
    public Dataset batch(int size) {
        return batch(size, false);
    }

    /** As {@link #batch(int)}; with {@code dropRemainder} a last, smaller group is dropped. */
    public Dataset batch(int size, boolean dropRemainder) {
        checkBatchSize(size);
        return derive(epoch -> new BatchStream(open(epoch), size, dropRemainder, null));
    }

    /** Batches whose components are zero-padded to the largest shape in each batch. */
    public Dataset paddedBatch(int size) {
        return paddedBatch(size, Map.of(), Map.of(), false);
    }

    /**
     * Batches whose components are padded to {@code paddedShapes} (a -1 dimension, or a component not named:
     * the largest in the batch) with {@code paddingValues} (scalars of the component's dtype; zero if not named).
     */
    public Dataset paddedBatch(int size, Map<String, Shape> paddedShapes, Map<String, Tensor> paddingValues,
                               boolean dropRemainder) {
        checkBatchSize(size);
        Batching.Padding padding = new Batching.Padding(Map.copyOf(paddedShapes), Map.copyOf(paddingValues));
        return derive(epoch -> new BatchStream(open(epoch), size, dropRemainder, padding));
    }

    private static void checkBatchSize(int size) {
        if (size < 1) {
            throw new InvalidArgumentException("batch size must be at least 1, got " + size);
        }
    }

    /** This data set over and over. */
    public Dataset repeat() {
        return repeat(-1);
    }

    /** This data set {@code count} times (forever when negative); each repetition is a pass of its own. */
    public Dataset repeat(long count) {
        return derive(epoch -> new RepeatStream(this::open, count, epoch));
    }

    /** Up to {@code size} elements prepared ahead on a background thread while the consumer works. */
    public Dataset prefetch(int size) {
        int n = size == AUTOTUNE ? 2 : size;
        if (n < 1) {
            throw new InvalidArgumentException("prefetch: size must be at least 1 or AUTOTUNE, got " + size);
        }
        return derive(epoch -> new PrefetchStream(open(epoch), n));
    }

    /**
     * {@link #prefetch} that also starts copying the next batches to {@code session}'s device while the current
     * step computes: as each element is read ahead, the components named in {@code feeds} (component name to the
     * placeholder it is fed to) are checked against their placeholders and staged ({@link Session#stageFeed}), and
     * the run that feeds such a tensor finds it on the device. Elements come out unchanged and in order; on a session
     * without a device this is {@code prefetch(size)}. Up to {@code size} elements wait, plus one being read, each
     * with its copies; a component of the wrong shape or dtype is an error naming the placeholder in that element's
     * place. Make it the last transformation, and feed the tensors as they come.
     *
     * <pre>{@code
     * Dataset ds = Dataset.fromIdx(images, labels).shuffle(60_000, 1).map(toFloat).batch(128)
     *     .prefetchToDevice(2, session, Map.of("image", x, "label", y));
     * for (Map<String, Tensor> b : ds) {
     *     session.runner().feed(x, b.get("image")).feed(y, b.get("label")).target(train).run();
     * }
     * }</pre>
     */
    public Dataset prefetchToDevice(int size, Session session, Map<String, Output> feeds) {
        Objects.requireNonNull(session, "session");
        return prefetchToDevice(size, session::stageFeed, feeds);
    }

    /** {@link #prefetchToDevice(int, Session, Map)} through any {@link FeedStaging}. */
    public Dataset prefetchToDevice(int size, FeedStaging staging, Map<String, Output> feeds) {
        int n = size == AUTOTUNE ? 2 : size;
        if (n < 1) {
            throw new InvalidArgumentException("prefetchToDevice: size must be at least 1 or AUTOTUNE, got " + size);
        }
        Objects.requireNonNull(staging, "staging");
        if (feeds == null || feeds.isEmpty()) {
            throw new InvalidArgumentException("prefetchToDevice: name at least one component and its placeholder");
        }
        Map<String, Output> copy = new java.util.LinkedHashMap<>(feeds);
        copy.forEach((component, fed) -> {
            if (component == null || fed == null) {
                throw new InvalidArgumentException("prefetchToDevice: a component name or placeholder is null");
            }
        });
        return derive(epoch -> new DevicePrefetchStream(open(epoch), n, staging, copy));
    }

    /** The first {@code count} elements (all when negative). */
    public Dataset take(long count) {
        return derive(epoch -> new TakeSkipStream(open(epoch), 0, count));
    }

    /** All but the first {@code count} elements. */
    public Dataset skip(long count) {
        return derive(epoch -> new TakeSkipStream(open(epoch), Math.max(0, count), -1));
    }

    /**
     * Keeps the elements of the first complete pass in memory; later passes replay them (in that pass's order, as
     * tf.data's cache does). A pass that ends early or with a failed element keeps nothing.
     */
    public Dataset cache() {
        AtomicCache memory = new AtomicCache();
        return derive(epoch -> {
            List<Item> items = memory.items;
            if (items != null) {
                return new ListStream(items);
            }
            List<Item> recorded = new ArrayList<>();
            return new CacheStream(open(epoch), new CacheStream.Recorder() {
                @Override
                public void record(Item item) {
                    recorded.add(item);
                }

                @Override
                public void complete() {
                    memory.items = List.copyOf(recorded);
                }

                @Override
                public void abandon() {
                    recorded.clear();
                }
            });
        });
    }

    /**
     * Keeps the elements of the first complete pass in {@code file} (written under a temporary name and renamed
     * when the pass completes); later passes, also of later runs, read the file instead of this data set.
     */
    public Dataset cache(Path file) {
        Objects.requireNonNull(file, "file");
        return derive(epoch -> FileCache.open(file, () -> open(epoch)));
    }

    /**
     * tf.data's interleave: {@code fn} makes a data set of each element; {@code cycleLength} of them are read at
     * once, {@code blockLength} elements from each in turn.
     */
    public Dataset interleave(Function<Map<String, Tensor>, Dataset> fn, int cycleLength, int blockLength) {
        Objects.requireNonNull(fn, "fn");
        if (cycleLength < 1 || blockLength < 1) {
            throw new InvalidArgumentException("interleave: cycleLength and blockLength must be at least 1, got "
                    + cycleLength + " and " + blockLength);
        }
        return derive(epoch -> new InterleaveStream(open(epoch), fn, cycleLength, blockLength, epoch));
    }

    /** Skips elements whose reading or transforming failed with a typed error (each logged at WARN). */
    public Dataset ignoreErrors() {
        return derive(epoch -> new IgnoreErrorsStream(open(epoch)));
    }

    private Dataset derive(LongFunction<ItemStream> opener) {
        return new Dataset(opener);
    }

    // ---- iteration ----

    /** The next pass (pass 0 first); close it to stop its threads before it ends. */
    @Override
    public DatasetIterator iterator() {
        return iterator(passes.getAndIncrement());
    }

    /** Pass {@code epoch}: the same elements in the same order as the {@code epoch}-th {@link #iterator()}. */
    public DatasetIterator iterator(long epoch) {
        return new DatasetIterator(open(epoch));
    }

    /** Holder of a memory cache's items once a pass completes. */
    private static final class AtomicCache {
        volatile List<Item> items;
    }
}
