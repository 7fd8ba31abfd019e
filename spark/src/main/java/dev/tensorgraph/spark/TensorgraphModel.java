package dev.tensorgraph.spark;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Batch inference with a Tensorgraph model as a Spark ML {@link Transformer}: input columns feed the model's inputs,
 * and its outputs become new columns.
 *
 * <pre>{@code
 * TensorgraphModel cnn = new TensorgraphModel()
 *     .setModelPath("runs/fashion-mnist/latest")           // a .meta, a .pb, or a directory with a checkpoint
 *     .setInputCols("pixels").setFeeds("images")             // column "pixels" (784 floats) feeds "images"
 *     .setFetches("logits/BiasAdd:0").setOutputCols("logits")
 *     .setBatchSize(256);
 * Dataset<Row> scored = cnn.transform(testSet);             // testSet's columns and "logits" (array of 10 floats)
 * }</pre>
 *
 * <p>The driver reads the model's files once and broadcasts them; every executor JVM loads the model into one
 * session the first time a task needs it and keeps it for all later tasks (of this and later jobs), on the GPU
 * Spark assigned the task when there is one ({@link #setDevice}). Each partition runs in batches of
 * {@link #setBatchSize batchSize} rows. A column that does not exist, holds values that cannot feed its input, or a
 * model path that holds no model is a {@code dev.tensorgraph.errors} exception naming it, thrown by
 * {@link #transformSchema} before any job runs.
 *
 * <p>Saved with {@link #save} (also as a stage of a saved {@code PipelineModel}) the model's files are written
 * with the parameters, so {@link #load} needs nothing outside the saved directory.
 */
public final class TensorgraphModel extends Transformer implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> checkpoint;
    private final StringArrayParam inputCols;
    private final StringArrayParam feeds;
    private final StringArrayParam fetches;
    private final StringArrayParam outputCols;
    private final IntParam batchSize;
    private final Param<String> device;

    /** The model's files once read (or loaded with the saved transformer); the driver's only. */
    private transient ModelFiles files;
    private transient ModelGraph graph;
    private transient Broadcast<ModelFiles> broadcast;
    private transient SparkContext broadcastContext;

    public TensorgraphModel() {
        this(Identifiable.randomUID("tensorgraph"));
    }

    public TensorgraphModel(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the model: a MetaGraph (.meta) with its checkpoint beside it, a "
                + "directory whose checkpoint file names the newest checkpoint (and its .meta), or a GraphDef (.pb, "
                + ".pbtxt)");
        checkpoint = new Param<>(this, "checkpoint", "the checkpoint to restore (a prefix, or a directory with a "
                + "checkpoint file), when not the one beside the model; empty for none or the default");
        inputCols = new StringArrayParam(this, "inputCols", "the columns that feed the model, one per feed");
        feeds = new StringArrayParam(this, "feeds", "the model inputs the input columns feed (tensor names such as "
                + "images or images:0)");
        fetches = new StringArrayParam(this, "fetches", "the model outputs to compute (tensor names such as "
                + "logits/BiasAdd:0)");
        outputCols = new StringArrayParam(this, "outputCols", "the new columns, one per fetch");
        batchSize = new IntParam(this, "batchSize", "rows per session run", ParamValidators.gt(0));
        device = new Param<>(this, "device", "where executors run the model: auto (the GPU Spark assigned the task, "
                + "else GPU 0 if there is one, else the CPU), cpu or gpu",
                ParamValidators.inArray(new String[] {ExecutorDevice.AUTO, ExecutorDevice.CPU, ExecutorDevice.GPU}));
        setDefault(checkpoint, "");
        setDefault(batchSize, 256);
        setDefault(device, ExecutorDevice.AUTO);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- parameters (Spark finds them through these methods) ----

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> checkpoint() {
        return checkpoint;
    }

    public StringArrayParam inputCols() {
        return inputCols;
    }

    public StringArrayParam feeds() {
        return feeds;
    }

    public StringArrayParam fetches() {
        return fetches;
    }

    public StringArrayParam outputCols() {
        return outputCols;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> device() {
        return device;
    }

    public TensorgraphModel setModelPath(String path) {
        set(modelPath, path);
        forgetModel();
        return this;
    }

    public TensorgraphModel setCheckpoint(String prefix) {
        set(checkpoint, prefix == null ? "" : prefix);
        forgetModel();
        return this;
    }

    public TensorgraphModel setInputCols(String... columns) {
        set(inputCols, columns);
        return this;
    }

    public TensorgraphModel setFeeds(String... names) {
        set(feeds, names);
        return this;
    }

    public TensorgraphModel setFetches(String... names) {
        set(fetches, names);
        return this;
    }

    public TensorgraphModel setOutputCols(String... columns) {
        set(outputCols, columns);
        return this;
    }

    public TensorgraphModel setBatchSize(int rows) {
        set(batchSize, rows);
        return this;
    }

    public TensorgraphModel setDevice(String where) {
        set(device, ExecutorDevice.checkMode(where));
        return this;
    }

    public String getModelPath() {
        return isDefined(modelPath) ? getOrDefault(modelPath) : null;
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    // ---- the transformer ----

    @Override
    public StructType transformSchema(StructType schema) {
        return bind(schema).outputSchema(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> df = dataset.toDF();
        Binding b = bind(df.schema());
        StructType out = b.outputSchema(df.schema());
        InferencePartition run = new InferencePartition(broadcast(df.sparkSession().sparkContext()), b.feeds,
                b.fetches, getBatchSize(), getOrDefault(device));
        return df.mapPartitions(run, Encoders.row(out));
    }

    @Override
    public TensorgraphModel copy(ParamMap extra) {
        TensorgraphModel copy = defaultCopy(extra);
        if (copy.getModelPath() != null && copy.getModelPath().equals(getModelPath())
                && copy.getOrDefault(copy.checkpoint).equals(getOrDefault(checkpoint))) {
            copy.files = files;
            copy.graph = graph;
        }
        return copy;
    }

    /** The columns checked against the model and the data set's schema. */
    private record Binding(List<FeedColumn> feeds, List<FetchColumn> fetches) {
        StructType outputSchema(StructType input) {
            List<StructField> fields = new ArrayList<>(Arrays.asList(input.fields()));
            for (FetchColumn f : fetches) {
                fields.add(f.field());
            }
            return new StructType(fields.toArray(new StructField[0]));
        }
    }

    private Binding bind(StructType schema) {
        String[] in = required(inputCols, "inputCols");
        String[] feedNames = required(feeds, "feeds");
        String[] fetchNames = required(fetches, "fetches");
        String[] out = required(outputCols, "outputCols");
        sameLength(in, feedNames, "inputCols", "feeds");
        sameLength(fetchNames, out, "fetches", "outputCols");
        ModelGraph g = modelGraph();
        List<FeedColumn> feedColumns = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            feedColumns.add(FeedColumn.bind(schema, in[i], feedNames[i], g.input(feedNames[i])));
        }
        Set<String> taken = new HashSet<>(Arrays.asList(schema.fieldNames()));
        List<FetchColumn> fetchColumns = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            if (!taken.add(out[i])) {
                throw new InvalidArgumentException("output column " + ErrorText.quote(out[i]) + " already exists in "
                        + "the data set (or is named twice): choose another name");
            }
            fetchColumns.add(FetchColumn.bind(fetchNames[i], out[i], g.output(fetchNames[i])));
        }
        return new Binding(feedColumns, fetchColumns);
    }

    private String[] required(StringArrayParam p, String name) {
        if (!isDefined(p) || getOrDefault(p).length == 0) {
            throw new InvalidArgumentException("TensorgraphModel " + uid + ": set " + name);
        }
        return getOrDefault(p);
    }

    private static void sameLength(String[] a, String[] b, String aName, String bName) {
        if (a.length != b.length) {
            throw new InvalidArgumentException(aName + " " + Arrays.toString(a) + " and " + bName + " "
                    + Arrays.toString(b) + " must pair up one to one");
        }
    }

    // ---- the model's files ----

    /** The model's files, read from {@link #modelPath} on first use. */
    ModelFiles modelFiles() {
        if (files == null) {
            String path = getModelPath();
            if (path == null || path.isEmpty()) {
                throw new InvalidArgumentException("TensorgraphModel " + uid + ": set modelPath");
            }
            String ckpt = getOrDefault(checkpoint);
            files = ModelSources.read(Path.of(path), ckpt.isEmpty() ? null : Path.of(ckpt));
        }
        return files;
    }

    private ModelGraph modelGraph() {
        if (graph == null) {
            ModelFiles f = modelFiles();
            graph = f.source().describe(f);
        }
        return graph;
    }

    private Broadcast<ModelFiles> broadcast(SparkContext sc) {
        if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(modelFiles());
            broadcastContext = sc;
        }
        return broadcast;
    }

    /** Sets the files directly: the ML reader's way, whose files come from the saved directory. */
    void useFiles(ModelFiles loaded) {
        forgetModel();
        files = loaded;
    }

    private void forgetModel() {
        files = null;
        graph = null;
        broadcast = null;
        broadcastContext = null;
    }

    // ---- persistence ----

    @Override
    public MLWriter write() {
        return new TensorgraphModelWriter(this);
    }

    /** The ML reader, which Spark finds by this name when it loads a saved pipeline. */
    public static MLReader<TensorgraphModel> read() {
        return new TensorgraphModelReader();
    }

    public static TensorgraphModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "TensorgraphModel(" + uid + ", " + getModelPath() + ")";
    }
}
