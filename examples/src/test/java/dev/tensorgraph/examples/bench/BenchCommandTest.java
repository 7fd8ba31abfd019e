package dev.tensorgraph.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.examples.Main;
import dev.tensorgraph.device.DeviceRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static final Pattern MEDIAN = Pattern.compile("median ([0-9.eE+-]+) (\\S+) \\(min ([0-9.eE+-]+), max ([0-9.eE+-]+)\\)");

    private record Run(int exitCode, String out, String err) {}

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    private static String line(String text, String prefix) {
        for (String l : text.split("\\R")) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' in:\n" + text);
    }

    @Test
    void quickRunPrintsOnePositiveFigurePerWorkload() {
        Run r = execute("bench", "--quick", "--workloads", "W1,W2,W3");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(line(r.out(), "tensorgraph bench").contains("cores " + Runtime.getRuntime().availableProcessors()));
        String[][] expect = {{"W1 ", "us/run"}, {"W2 ", "GFLOP/s"}, {"W3 ", "steps/s"}};
        for (String[] e : expect) {
            String l = line(r.out(), e[0]);
            Matcher m = MEDIAN.matcher(l);
            assertTrue(m.find(), l);
            double median = Double.parseDouble(m.group(1));
            double min = Double.parseDouble(m.group(3));
            double max = Double.parseDouble(m.group(4));
            assertEquals(e[1], m.group(2), l);
            assertTrue(median > 0 && Double.isFinite(median), l);
            assertTrue(min <= median && median <= max, l);
            assertTrue(l.contains("over 2 rounds"), l);
        }
        assertTrue(Double.parseDouble(line(r.out(), "startup:").replaceAll(".*result (\\d+) ms.*", "$1")) > 0);
        // the MLP learns: its loss on the fixed batch goes down during the timed steps
        String w3 = line(r.out(), "W3 ");
        double before = Double.parseDouble(w3.replaceAll(".*loss before ([0-9.eE+-]+),.*", "$1"));
        double after = Double.parseDouble(w3.replaceAll(".*loss after ([0-9.eE+-]+).*", "$1"));
        assertTrue(after < before, w3);
    }

    @Test
    void quickLstmRunLearns() {
        Run r = execute("bench", "--quick", "--workloads", "W9");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String w9 = line(r.out(), "W9 ");
        Matcher m = MEDIAN.matcher(w9);
        assertTrue(m.find(), w9);
        assertEquals("ms/step", m.group(2), w9);
        assertTrue(Double.parseDouble(m.group(1)) > 0, w9);
        double before = Double.parseDouble(w9.replaceAll(".*loss before ([0-9.eE+-]+),.*", "$1"));
        double after = Double.parseDouble(w9.replaceAll(".*loss after ([0-9.eE+-]+).*", "$1"));
        assertTrue(after < before, w9);
    }

    /** S1 runs only when asked for, loads the reference CNN it writes and reports load and first call apart. */
    @Test
    void savedModelLoadWorkloadReportsLoadAndFirstCall() {
        Run r = execute("bench", "--quick", "--workloads", "S1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String s1 = line(r.out(), "S1 ");
        assertTrue(MEDIAN.matcher(s1).find(), s1);
        assertTrue(s1.contains("cold_load_ms") && s1.contains("first_call_ms_median"), s1);
        assertTrue(!BenchCommand.ALL.contains("S1"), "S1 is not in the default set");
    }

    /** W10 and W11 run only when asked for, from the graphs in the tool's resources, per batch size and input kind. */
    @Test
    void kerasInferenceRowsRunTheirResourceGraphs() {
        Run r = execute("bench", "--quick", "--workloads", "W10,W11", "--batch", "1,2", "--resident-input");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        for (String row : new String[] {"W10 Keras ResNet50", "W11 Keras MobileNetV2"}) {
            for (String batch : new String[] {"b1", "b2"}) {
                String l = line(r.out(), row + " inference (variables) " + batch);
                Matcher m = MEDIAN.matcher(l);
                assertTrue(m.find(), l);
                assertEquals("ms/run", m.group(2), l);
                assertTrue(l.contains("resident on the device"), l);
            }
        }
        Run fed = execute("bench", "--quick", "--workloads", "W11", "--batch", "1", "--rounds", "1");
        assertEquals(0, fed.exitCode(), fed.out() + fed.err());
        assertTrue(line(fed.out(), "W11 ").contains("fed every run"), fed.out());
        assertTrue(!BenchCommand.ALL.contains("W10") && !BenchCommand.ALL.contains("W11"), "not in the default set");
    }

    /** W5 with the next batch staged before each step: the step runs and learns as with plain feeds. */
    @Test
    void alexNetStepsFedAhead() {
        Run r = execute("bench", "--quick", "--workloads", "W5", "--batch", "2", "--feed-async", "--rounds", "1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String w5 = line(r.out(), "W5 ");
        assertTrue(MEDIAN.matcher(w5).find(), w5);
        assertTrue(w5.contains("the next one staged (feedAsync)"), w5);
    }

    @Test
    void jsonGoesToStdoutAndLinesToStderr() {
        Run r = execute("bench", "--quick", "--workloads", "w1", "--rounds", "1", "--json");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("{\"tool\": \"tensorgraph bench\""), r.out());
        assertTrue(r.out().contains("\"id\": \"W1\""), r.out());
        assertTrue(r.out().contains("\"unit\": \"us/run\""), r.out());
        assertTrue(r.out().trim().endsWith("]}"), r.out());
        line(r.err(), "W1 ");
    }

    @Test
    void gpuWithoutAGpuAndUnknownValuesFailInOneLine() {
        Assumptions.assumeTrue(ServiceLoader.load(DeviceRuntime.class).stream()
                .allMatch(p -> p.get().deviceCount() == 0), "a GPU is present");
        Run gpu = execute("bench", "--device", "gpu", "--workloads", "W1");
        assertEquals(1, gpu.exitCode());
        assertTrue(gpu.err().matches("error: cannot run on GPU 0: [^\\n]+\\n"), gpu.err());
        Run bad = execute("bench", "--workloads", "W1,W12");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().startsWith("error: Invalid value for option '--workloads' (ID): expected one of "
                + "[W1, W2, W3, W4, W5, W6, W7, W8, W9, P1] or [S1, W10, W11] but was 'W12'"), bad.err());
        Run tpu = execute("bench", "--device", "tpu");
        assertEquals(2, tpu.exitCode());
        assertTrue(tpu.err().contains("expected one of [cpu, gpu] but was 'tpu'"), tpu.err());
    }

    @Test
    void theWorkloadsAreDefinedInTheProjectAndTheHelpSaysWhere() throws Exception {
        // Tests run in the module's folder; the definitions are in the project's docs.
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "benchmarks.md"));
        List<String> ids = new java.util.ArrayList<>(BenchCommand.ALL);
        ids.addAll(List.of("W5-fed", "W5-bf16", "W8", "P1"));
        ids.addAll(BenchCommand.ON_REQUEST);
        for (String id : ids) {
            assertTrue(doc.contains("\n| " + id + " |"), "docs/benchmarks.md defines no " + id);
        }
        Run help = execute("bench", "--help");
        assertTrue(help.out().contains("docs/benchmarks.md"), help.out());
    }
}
