package dev.tensorgraph.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLWriter;

/** Saves a {@link TensorgraphModel}: Spark's parameter metadata, and the model's files under {@code model/}. */
final class TensorgraphModelWriter extends MLWriter {
    static final String MODEL_DIR = "model";

    private final TensorgraphModel instance;

    TensorgraphModelWriter(TensorgraphModel instance) {
        this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
        ModelFiles files = instance.modelFiles();
        DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
        try {
            ModelFilesIO.write(files, new Path(path, MODEL_DIR), sc().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("saving the files of " + instance + " under " + path, e);
        }
    }
}
