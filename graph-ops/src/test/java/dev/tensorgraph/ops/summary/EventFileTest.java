package dev.tensorgraph.ops.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.RecordFraming;
import dev.tensorgraph.proto.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorBoard event files: the name and first event {@link EventFileWriter} gives a file, and the typed errors
 * of {@link EventFileReader} naming the file and the record for damaged files.
 */
class EventFileTest {
    @TempDir
    Path dir;

    private static byte[] framed(Event... events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Event e : events) {
            RecordFraming.write(out, e.toByteArray());
        }
        return out.toByteArray();
    }

    @Test
    void writerNamesTheFileAndStartsWithTheVersionEvent() throws Exception {
        Path p;
        try (EventFileWriter w = EventFileWriter.create(dir.resolve("logs"), "")) {
            w.write(Event.newBuilder().setStep(3).build());
            p = w.path();
        }
        String name = p.getFileName().toString();
        assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\..+"), name);
        List<Event> events = EventFileReader.readAll(p);
        assertEquals(2, events.size());
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        long secs = Long.parseLong(name.split("\\.")[3]);
        assertEquals(secs, (long) events.get(0).getWallTime());
        assertEquals(3, events.get(1).getStep());
    }

    @Test
    void corruptedByteNamesTheFileAndRecord() throws Exception {
        Path f = dir.resolve("events.out.tfevents.test");
        Event ev = Event.newBuilder().setStep(1).build();
        byte[] bytes = framed(ev, ev);
        bytes[ev.getSerializedSize() + 16 + 12 + 1] ^= 0x01;  // a data byte of record 1
        Files.write(f, bytes);
        DataLossException e = assertThrows(DataLossException.class, () -> EventFileReader.readAll(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedFileNamesTheFileAndRecord() throws Exception {
        Event ev = Event.newBuilder().setStep(7).setFileVersion("brain.Event:2").build();
        byte[] full = framed(ev, ev);
        Path f = dir.resolve("trunc");
        for (int cut : new int[] {full.length - 1, full.length - 5, full.length / 2 + 3, full.length / 2 + 13}) {
            Files.write(f, Arrays.copyOf(full, cut));
            DataLossException e = assertThrows(DataLossException.class, () -> EventFileReader.readAll(f));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("record 1")
                    && e.getMessage().contains("truncated"), e.getMessage());
        }
        Files.write(f, Arrays.copyOf(full, full.length / 2));
        assertEquals(List.of(ev), EventFileReader.readAll(f));
    }

    @Test
    void aRecordThatIsNoEventIsDataLoss() throws Exception {
        Path f = dir.resolve("not-events");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(framed(Event.newBuilder().setStep(1).build()));
        RecordFraming.write(out, "\u00ff\u00ff not a protobuf".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(f, out.toByteArray());
        DataLossException e = assertThrows(DataLossException.class, () -> EventFileReader.readAll(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("record 1 is not an Event"),
                e.getMessage());
    }

    @Test
    void aMissingFileIsNotFound() {
        Path f = dir.resolve("missing");
        NotFoundException e = assertThrows(NotFoundException.class, () -> EventFileReader.readAll(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }
}
