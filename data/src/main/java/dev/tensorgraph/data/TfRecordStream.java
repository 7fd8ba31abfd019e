package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.TensorgraphException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@link Dataset#tfRecordDataset}: the records of each file in turn. A file that cannot be opened or a corrupt
 * record throws once, and the pass goes on with the next file (a corrupt length leaves no way to find the next
 * record of the same file).
 */
final class TfRecordStream implements ItemStream {
    private final List<Path> files;
    private final TfRecords.Compression compression;
    private int nextFile;
    private TfRecords.Reader reader;
    private Path current;

    TfRecordStream(List<Path> files, TfRecords.Compression compression) {
        this.files = files;
        this.compression = compression;
    }

    @Override
    public Item next() {
        while (true) {
            if (reader == null) {
                if (nextFile >= files.size()) {
                    return null;
                }
                current = files.get(nextFile++);
                reader = TfRecords.reader(current, compression);
            }
            long index = reader.index();
            byte[] record;
            try {
                record = reader.next();
            } catch (TensorgraphException e) {
                closeReader();
                throw e;
            }
            if (record != null) {
                return new Item(Map.of(TfRecords.RECORD, Tensor.wrap(DType.STRING, Shape.scalar(), new byte[][] {record})),
                        current + " record " + index);
            }
            closeReader();
        }
    }

    private void closeReader() {
        if (reader != null) {
            TfRecords.Reader r = reader;
            reader = null;
            r.close();
        }
    }

    @Override
    public void close() {
        closeReader();
        nextFile = files.size();
    }
}
