package dev.tensorgraph.ops.summary;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.Event;
import dev.tensorgraph.proto.Summary;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import dev.tensorgraph.errors.IoErrors;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * TensorFlow 1.x's {@code tf.summary.FileWriter}: writes an event file that TensorBoard reads, named
 * {@code events.out.tfevents.<unix seconds>.<hostname>} in {@code logdir}, starting with the file version
 * event. Events are buffered and reach the disk on {@link #flush()} and {@link #close()}. Thread-safe.
 *
 * <pre>{@code
 * try (FileWriter writer = new FileWriter(Path.of("logs/run1"), g)) {   // also writes the graph
 *     for (long step = 0; step < 100; step++) {
 *         Tensor s = session.run(merged);                // a MergeSummary's serialized Summary
 *         writer.addSummary(s, step);
 *         writer.addScalar("lr", 0.01, step);            // without an op
 *     }
 * }
 * }</pre>
 * I/O failures surface as typed errors ({@link IoErrors}).
 */
public final class FileWriter implements AutoCloseable {
    private final Path logdir;
    private final EventFileWriter events;
    private final Set<String> seenTags = new HashSet<>();

    /** Opens a new event file in {@code logdir} (created when missing). */
    public FileWriter(Path logdir) {
        this(logdir, null);
    }

    /** Opens a new event file and, when {@code graph} is not null, writes its GraphDef. */
    public FileWriter(Path logdir, Graph graph) {
        this.logdir = logdir;
        try {
            this.events = EventFileWriter.create(logdir, "");
        } catch (IOException e) {
            throw IoErrors.of("cannot create an event file in " + logdir, e);
        }
        if (graph != null) {
            addGraph(graph);
        }
    }

    /** {@code get_logdir()}. */
    public Path logdir() {
        return logdir;
    }

    /** The event file being written. */
    public Path path() {
        return events.path();
    }

    /** Writes {@code Event{graph_def}} with the graph's GraphDef bytes. */
    public void addGraph(Graph graph) {
        addEvent(Event.newBuilder().setWallTime(EventFileWriter.now())
                .setGraphDef(ByteString.copyFrom(graph.toGraphDef())).build());
    }

    /** Like {@link #addGraph(Graph)} with a global step. */
    public void addGraph(Graph graph, long step) {
        addEvent(Event.newBuilder().setWallTime(EventFileWriter.now()).setStep(step)
                .setGraphDef(ByteString.copyFrom(graph.toGraphDef())).build());
    }

    /** Writes the serialized Summary held by a scalar STRING tensor (a summary op's result) at {@code step}. */
    public void addSummary(Tensor serializedSummary, long step) {
        if (serializedSummary.dtype() != DType.STRING || serializedSummary.numElements() != 1) {
            throw new InvalidArgumentException("addSummary needs a scalar string tensor (a summary op's result), got "
                    + serializedSummary.dtype() + serializedSummary.shape());
        }
        addSummary(((byte[][]) serializedSummary.array())[0], step);
    }

    /** Writes a serialized {@code tensorflow.Summary} at {@code step}. */
    public void addSummary(byte[] serializedSummary, long step) {
        try {
            addSummary(Summary.parseFrom(serializedSummary), step);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException("addSummary: the bytes are not a serialized Summary: " + e.getMessage());
        }
    }

    /**
     * Writes {@code Event{summary}} at {@code step}. As TensorFlow does, a value's plugin metadata is kept
     * only the first time its tag is written.
     */
    public void addSummary(Summary summary, long step) {
        Summary.Builder b = summary.toBuilder();
        synchronized (seenTags) {
            for (int i = 0; i < b.getValueCount(); i++) {
                Summary.Value v = b.getValue(i);
                if (v.hasMetadata() && !seenTags.add(v.getTag())) {
                    b.setValue(i, v.toBuilder().clearMetadata());
                }
            }
        }
        addEvent(Event.newBuilder().setWallTime(EventFileWriter.now()).setStep(step).setSummary(b).build());
    }

    /** A scalar summary without an op: {@code Summary{value{tag, simple_value}}} at {@code step}. */
    public void addScalar(String tag, double value, long step) {
        addSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value))
                .build(), step);
    }

    /** Writes any event as it is. */
    public void addEvent(Event event) {
        try {
            events.write(event);
        } catch (IOException e) {
            throw IoErrors.of("cannot write to " + events.path(), e);
        }
    }

    /** Pushes buffered events to the file. */
    public void flush() {
        try {
            events.flush();
        } catch (IOException e) {
            throw IoErrors.of("cannot flush " + events.path(), e);
        }
    }

    /** Flushes and closes the file; a second close does nothing. */
    @Override
    public void close() {
        try {
            events.close();
        } catch (IOException e) {
            throw IoErrors.of("cannot close " + events.path(), e);
        }
    }
}
