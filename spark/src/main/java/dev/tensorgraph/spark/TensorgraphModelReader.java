package dev.tensorgraph.spark;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.NotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import scala.Option;

/** Loads what {@link TensorgraphModelWriter} saved: the parameters, and the model's files from {@code model/}. */
final class TensorgraphModelReader extends MLReader<TensorgraphModel> {
    @Override
    public TensorgraphModel load(String path) {
        Path dir = new Path(path);
        try {
            if (!dir.getFileSystem(sc().hadoopConfiguration()).exists(new Path(dir, "metadata"))) {
                throw new NotFoundException("no saved TensorgraphModel at " + ErrorText.quote(path)
                        + " (it has no metadata directory)");
            }
        } catch (IOException e) {
            throw new NotFoundException("cannot read saved TensorgraphModel at " + ErrorText.quote(path) + ": " + e, e);
        }
        DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                TensorgraphModel.class.getName());
        TensorgraphModel model = new TensorgraphModel(metadata.uid());
        metadata.getAndSetParams(model, Option.empty());
        model.useFiles(ModelFilesIO.read(new Path(dir, TensorgraphModelWriter.MODEL_DIR), sc().hadoopConfiguration()));
        return model;
    }
}
