package dev.tensorgraph.spark;

import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.UnknownException;
import dev.tensorgraph.io.InputLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@link ModelFiles} written to and read from a directory of any file system Spark reaches (HDFS, S3, local),
 * as ML persistence keeps them: the files under their relative names and a {@code manifest.properties} saying
 * the model source, the graph file, the checkpoint prefix and the files in order.
 */
final class ModelFilesIO {
    static final String MANIFEST = "manifest.properties";

    private ModelFilesIO() {}

    static void write(ModelFiles files, Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        for (Map.Entry<String, byte[]> e : files.files().entrySet()) {
            try (OutputStream out = fs.create(new Path(dir, e.getKey()), false)) {
                out.write(e.getValue());
            }
        }
        Properties manifest = new Properties();
        manifest.setProperty("format", files.sourceName());
        manifest.setProperty("graphFile", files.graphFile());
        if (files.checkpointPrefix() != null) {
            manifest.setProperty("checkpointPrefix", files.checkpointPrefix());
        }
        manifest.setProperty("files", String.join("\n", files.files().keySet()));
        manifest.setProperty("location", files.location());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        manifest.store(text, "Tensorgraph model files");
        try (OutputStream out = fs.create(new Path(dir, MANIFEST), false)) {
            out.write(text.toByteArray());
        }
    }

    static ModelFiles read(Path dir, Configuration conf) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            Path manifestPath = new Path(dir, MANIFEST);
            if (!fs.exists(manifestPath)) {
                throw new NotFoundException("saved Tensorgraph model " + ErrorText.quote(dir) + " has no " + MANIFEST);
            }
            Properties manifest = new Properties();
            manifest.load(new ByteArrayInputStream(readAll(fs, manifestPath)));
            String format = manifest.getProperty("format", "");
            ModelSource parsed = ModelSources.named(format, manifestPath.toString());
            List<String> names = new ArrayList<>(Arrays.asList(manifest.getProperty("files", "").split("\n")));
            names.removeIf(String::isEmpty);
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (String name : names) {
                files.put(name, readAll(fs, new Path(dir, name)));
            }
            return new ModelFiles(parsed, manifest.getProperty("graphFile", ""), files,
                    manifest.getProperty("checkpointPrefix"), dir.toString());
        } catch (IOException e) {
            throw new UnknownException("reading saved Tensorgraph model " + ErrorText.quote(dir) + ": " + e, e);
        }
    }

    private static byte[] readAll(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) {
            throw new NotFoundException("saved Tensorgraph model file not found: " + ErrorText.quote(p));
        }
        long length = fs.getFileStatus(p).getLen();
        if (length > InputLimits.maxFileBytes()) {
            throw new DataLossException(p + " is " + length + " bytes, more than a model file may be ("
                    + InputLimits.maxFileBytes() + ")");
        }
        try (InputStream in = fs.open(p)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != length) {
                throw new DataLossException(p + ": read " + bytes.length + " bytes of " + length);
            }
            return bytes;
        }
    }
}
