package dev.tensorgraph.examples.bench;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.examples.FashionMnist;
import dev.tensorgraph.examples.Main;
import dev.tensorgraph.examples.Model;
import dev.tensorgraph.examples.cli.CliErrors;
import dev.tensorgraph.examples.cli.DeviceChoice;
import dev.tensorgraph.examples.cli.OptionChecks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tensorgraph bench}: runs the workloads W1-W9 and P1 of docs/benchmarks.md with its timing rule (warm-up of
 * at least 20 runs and 2 s and until the JIT compilers are quiet, then at least 5 rounds; median with min-max; see
 * {@link Measurement}) and the TensorFlow Java peer's workload
 * definitions and units, one line per workload.
 *
 * <pre>
 * tensorgraph bench                          # everything, 7 rounds, every core
 * tensorgraph bench --workloads W1,W3 --json # JSON on stdout, the lines on stderr
 * tensorgraph bench --quick                  # CI smoke: a few steps of each
 * tensorgraph bench --isolate                # W4, W5 and W8 in fresh JVMs, so their peak RSS is their own
 * tensorgraph bench --workloads W8 --graph resnet50.pb --input x:0 --output Identity:0 --batch 1,8
 * </pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs the benchmark workloads W1-W9 and P1 (W10, W11 and S1 when named) and prints one line per "
                        + "workload.",
                "docs/benchmarks.md defines the workloads, how they are timed and how the peers run them."})
public final class BenchCommand implements Callable<Integer> {
    static final List<String> ALL = List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "P1");
    /** Workloads run only when asked for: S1 (SavedModel load + first call), W10 and W11 (Keras inference). */
    static final List<String> ON_REQUEST = List.of("S1", "W10", "W11");
    /** Workloads that {@code --isolate} runs in a JVM of their own, for their own peak RSS. */
    private static final Set<String> ISOLATED = Set.of("W4", "W5", "W8");
    private static final String JSON_PREFIX = "#json ";

    @Spec
    CommandSpec spec;

    @Option(names = "--workloads", split = ",", paramLabel = "ID", converter = WorkloadId.class,
            description = "Workloads to run, comma-separated (default: W1..W9, P1; see docs/benchmarks.md).")
    List<String> workloads = new ArrayList<>(ALL);

    @Option(names = "--rounds", description = "Measurement rounds (default 7; 2 with --quick).")
    Integer rounds;

    @Option(names = "--quick", description = "Tiny budgets for a CI smoke run of a few seconds: 2 rounds of a few "
            + "steps, W5 one step, W7 on 512 examples.")
    boolean quick;

    @Option(names = "--threads", description = "Intra-op threads (default: every core).")
    Integer threads;

    @Option(names = "--device", converter = DeviceChoice.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    DeviceChoice device = DeviceChoice.CPU;

    @Option(names = "--tf32", description = "On the GPU, let matrix products and convolutions use TF32 tensor cores.")
    boolean tf32;

    @Option(names = "--no-device-graphs", description = "On the GPU, launch kernels one by one instead of replaying "
            + "a recorded CUDA graph.")
    boolean noDeviceGraphs;

    @Option(names = "--no-fusion", description = "Run every op as a step of its own (no BiasAdd+Relu or "
            + "ReluGrad+BiasAddGrad fusion), to measure what fusion gives.")
    boolean noFusion;

    @Option(names = "--explain", description = "After W4, W5 and W6, print where each step of the train step ran "
            + "(device or CPU, copies) and whether its device work was recorded.")
    boolean explain;

    @Option(names = "--resident-input", description = "W5 trains on (W10 and W11 infer from) one batch kept in a "
            + "device variable instead of feeding it every step, as the PyTorch peer keeps its input on the GPU.")
    boolean residentInput;

    @Option(names = "--feed-async", description = "W5 (fed) builds each step's runner with feedAsync before running "
            + "the step before it, so the next batch's copy to the device starts while the current step runs (two "
            + "batches of the same values in turn).")
    boolean feedAsync;

    @Option(names = "--batch", split = ",", paramLabel = "N", description = "W5's batch size (one; default 16 on "
            + "the CPU, 128 on the GPU) or the batch sizes of W8 (comma-separated; default 1,8) and of W10 and W11 "
            + "(default 32).")
    List<Integer> batches;

    @Option(names = "--graph", description = "W8's frozen GraphDef (.pb); W8 is skipped without it.")
    Path w8Graph;

    @Option(names = "--input", description = "W8's fed tensor (default ${DEFAULT-VALUE}).")
    String w8Input = "x:0";

    @Option(names = "--output", description = "W8's fetched tensor (default ${DEFAULT-VALUE}).")
    String w8Output = "Identity:0";

    @Option(names = "--mixed-precision", description = "Run every workload with automatic mixed precision: bf16 or "
            + "fp16 (matrix products and convolutions in 16 bits, float32 accumulation; see SessionOptions.mixedPrecision).")
    dev.tensorgraph.MixedPrecision mixedPrecision;

    @Option(names = "--json", description = "Print a JSON document on stdout; the human-readable lines go to stderr.")
    boolean json;

    @Option(names = "--isolate", description = "Run W4 and W5 each in a fresh child JVM, so the peak RSS reported "
            + "(VmHWM, process-wide) is theirs alone.")
    boolean isolate;

    @Option(names = "--data", description = "Fashion-MNIST directory for W7 and for making P1's folder (default "
            + "${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--p1-data", description = "P1's image folder (a class per sub-folder; default: 3,000 JPEGs "
            + "written from Fashion-MNIST into a temporary folder).")
    Path p1Data;

    @Option(names = "--saved-model", paramLabel = "DIR", description = "S1's SavedModel (tag serve, signature "
            + "serving_default, one float32 input; default: the reference CNN written into a temporary folder).")
    Path savedModel;

    @Option(names = "--child", hidden = true, description = "Internal: run as an --isolate child.")
    boolean child;

    private PrintWriter human;
    private final List<String> jsonResults = new ArrayList<>();
    private String startupJson = "null";
    private boolean anyFailed;

    /** Reads one id of {@code --workloads} in any case; an unknown id is an error that lists the known ones. */
    static final class WorkloadId implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String id = value.trim().toUpperCase(Locale.ROOT);
            if (!ALL.contains(id) && !ON_REQUEST.contains(id)) {
                throw new TypeConversionException("expected one of " + ALL + " or " + ON_REQUEST + " but was '"
                        + value + "'");
            }
            return id;
        }
    }

    /** Runs {@code bench} on its own, without the rest of the command-line tool (e.g. on a server with no AWT). */
    public static void main(String[] args) {
        System.exit(CliErrors.install(new picocli.CommandLine(new BenchCommand())).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        human = json && !child ? err : out;
        Set<String> ids = new LinkedHashSet<>(workloads);
        int nRounds = rounds != null ? rounds : quick ? 2 : 7;
        int cores = Runtime.getRuntime().availableProcessors();
        int nThreads = threads != null ? threads : cores;
        OptionChecks.atLeast(spec, "--rounds", nRounds, 1);
        OptionChecks.atLeast(spec, "--threads", nThreads, 1);
        if (batches != null) {
            for (int b : batches) {
                OptionChecks.atLeast(spec, "--batch", b, 1);
            }
            if (batches.size() > 1 && ids.contains("W5")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--batch takes one size for W5 (several sizes are for W8 alone)");
            }
        }
        String dev = device.toString();
        SessionOptions options = device.sessionOptions().intraOpThreads(nThreads).fuseOps(!noFusion)
                .mixedPrecision(mixedPrecision);
        if (device == DeviceChoice.GPU) {
            options = options.allowTf32(tf32).deviceGraphs(!noDeviceGraphs);
            // Fails here, naming what is missing, rather than as a failed result line per workload.
            device.open(new Graph(), options).close();
        }
        if (!child) {
            // Not printf: the formatter's first use takes milliseconds, and this line comes before W1's start-up figure.
            human.println("tensorgraph bench | java " + System.getProperty("java.version") + " | cores " + cores
                    + " | threads " + nThreads + " | device " + dev + " | rounds " + nRounds + (quick ? " | quick" : ""));
            if (nRounds < 5 && !quick) {
                human.println("note: fewer than 5 rounds; docs/benchmarks.md asks for at least 5");
            }
            if (dev.equals("cpu")) {
                for (String blasNote : new String[] {OpenBlasHint.note(), OpenBlasHint.threadsNote()}) {
                    if (blasNote != null) {
                        human.println("note: " + blasNote);
                    }
                }
            }
            human.flush();
        }
        Runner runner = new Runner(options, nRounds);
        for (String id : ids) {
            if (isolate && !child && ISOLATED.contains(id)) {
                runChild(id, nRounds, nThreads, dev, List.of());
                continue;
            }
            if (id.equals("P1") && !child) {
                // P1's batches (38.5 MB each) want a young generation that holds several of them; with the
                // launcher's 64 MiB one, every batch is allocated in the old generation and full collections
                // take a third of the CPU. So P1 runs in a JVM of its own with a larger one.
                runChild(id, nRounds, nThreads, dev, List.of(PipelineBench.YOUNG_GENERATION));
                continue;
            }
            List<BenchResult> results;
            try {
                if (id.equals(FrozenGraphBench.ID)) {
                    results = FrozenGraphBench.run(w8Spec(), options, nRounds, quick);
                } else if (KerasAppBench.runs(id)) {
                    results = KerasAppBench.run(id, options, batches, residentInput, nRounds, quick);
                } else {
                    results = List.of(runner.run(id));
                }
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                results = List.of(BenchResult.failed(id, title(id), e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            results.forEach(this::report);
        }
        if (json && !child) {
            BenchResult.Json doc = new BenchResult.Json().field("tool", "tensorgraph bench")
                    .field("java", System.getProperty("java.version")).field("vm", System.getProperty("java.vm.name"))
                    .field("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
                    .field("cores", cores).field("threads", nThreads).field("device", dev).field("rounds", nRounds)
                    .field("quick", quick).field("isolate", isolate).raw("startup", startupJson);
            String head = doc.end();
            out.println(head.substring(0, head.length() - 1) + ", \"results\": [");
            for (int i = 0; i < jsonResults.size(); i++) {
                out.println("  " + jsonResults.get(i) + (i + 1 < jsonResults.size() ? "," : ""));
            }
            out.println("]}");
            out.flush();
        }
        return anyFailed ? 1 : 0;
    }

    private FrozenGraphBench.Spec w8Spec() {
        return new FrozenGraphBench.Spec(w8Graph, w8Input, w8Output, batches != null ? batches : List.of(1, 8));
    }

    private void report(BenchResult r) {
        if (r.status().equals("failed")) {
            anyFailed = true;
        }
        if (r.id().equals("W1") && r.extra().containsKey("startup")) {
            Object ms = r.extra().remove("startup");
            Object up = r.extra().remove("uptime");
            human.printf("startup: first W1 result %s ms after JVM start (JVM uptime %s ms)%n", ms, up);
            startupJson = new BenchResult.Json().field("firstW1ResultMsAfterJvmStart", ms).field("uptimeMs", up).end();
        }
        human.println(r.toLine());
        human.flush();
        jsonResults.add(r.toJson());
        if (child && json) {
            human.println(JSON_PREFIX + r.toJson());
            human.flush();
        }
    }

    static String title(String id) {
        return switch (id) {
            case "W1" -> "tiny graph Session.run";
            case "W2" -> "matmul 1024x1024 (fetch sum(C))";
            case "W3" -> "MLP 784-512-256-10 train step b128 (SGD)";
            case "W4" -> "CNN train step b64 (Adam)";
            case "W5" -> "AlexNet train step (SGD momentum)";
            case "W6" -> "CNN+BN train step b64 (Adam)";
            case "W7" -> "Fashion-MNIST CNN 3 epochs b64 (Adam)";
            case "W8" -> FrozenGraphBench.TITLE;
            case "W9" -> "LSTM dynamic_rnn train step b32, 50 steps, 128 units (Adam)";
            case "P1" -> PipelineBench.TITLE;
            case "S1" -> SavedModelBench.TITLE;
            case "W10" -> KerasAppBench.App.RESNET50.title;
            case "W11" -> KerasAppBench.App.MOBILENET_V2.title;
            default -> id;
        };
    }

    /** Runs one workload in a fresh JVM with this JVM's -X/-D options and class path; forwards its lines. */
    private void runChild(String id, int nRounds, int nThreads, String dev, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Children map the parent's class-data archive but must not all write one at exit. They get the
            // parent's modules too: without the vector API the kernels run several times slower.
            if ((a.startsWith("-X") || a.startsWith("-D") || a.startsWith("--add-modules"))
                    && !a.startsWith("-XX:ArchiveClassesAtExit")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", "--child",
                "--json", "--workloads", id, "--rounds", Integer.toString(nRounds), "--threads",
                Integer.toString(nThreads), "--device", dev, "--data", data.toString()));
        if (quick) {
            cmd.add("--quick");
        }
        if (batches != null) {
            cmd.addAll(List.of("--batch", String.join(",", batches.stream().map(String::valueOf).toList())));
        }
        if (w8Graph != null) {
            cmd.addAll(List.of("--graph", w8Graph.toString(), "--input", w8Input, "--output", w8Output));
        }
        if (p1Data != null) {
            cmd.addAll(List.of("--p1-data", p1Data.toString()));
        }
        if (tf32) {
            cmd.add("--tf32");
        }
        if (mixedPrecision != null) {
            cmd.addAll(List.of("--mixed-precision", mixedPrecision.name()));
        }
        if (noDeviceGraphs) {
            cmd.add("--no-device-graphs");
        }
        if (noFusion) {
            cmd.add("--no-fusion");
        }
        if (residentInput) {
            cmd.add("--resident-input");
        }
        if (feedAsync) {
            cmd.add("--feed-async");
        }
        boolean gotResult = false;
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith(JSON_PREFIX)) {
                        String obj = line.substring(JSON_PREFIX.length());
                        jsonResults.add(obj.substring(0, obj.length() - 1) + ", \"isolated\": true}");
                        gotResult = true;
                        if (obj.contains("\"status\": \"failed\"")) {
                            anyFailed = true;
                        }
                    } else {
                        String own = jvmOptions.isEmpty() ? " [own JVM]" : " [own JVM, " + String.join(" ", jvmOptions) + "]";
                        human.println(line.startsWith(id + " ") ? line + own : line);
                        human.flush();
                    }
                }
            }
            int rc = p.waitFor();
            if (rc != 0 && !gotResult) {
                report(BenchResult.failed(id, title(id), "child JVM exited with status " + rc));
            }
        } catch (IOException e) {
            report(BenchResult.failed(id, title(id), "cannot start a child JVM: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report(BenchResult.failed(id, title(id), "interrupted"));
        }
    }

    /** Builds, runs and measures one workload at a time, in this JVM. */
    private final class Runner {
        private final SessionOptions options;
        private final int nRounds;

        Runner(SessionOptions options, int nRounds) {
            this.options = options;
            this.nRounds = nRounds;
        }

        /** The peer's budget (warm-up runs, runs per round) or the --quick one; 2 s of warm-up unless quick. */
        private Measurement.Budget budget(int warmRuns, int perRound, int quickWarm, int quickPer) {
            return quick ? new Measurement.Budget(quickWarm, 0, quickPer, nRounds)
                    : new Measurement.Budget(warmRuns, 2.0, perRound, nRounds);
        }

        BenchResult run(String id) {
            return switch (id) {
                case "W1" -> w1();
                case "W2" -> w2();
                case "W3" -> w3();
                case "W4" -> cnn("W4", false);
                case "W5" -> w5();
                case "W6" -> cnn("W6", true);
                case "W7" -> w7();
                case "W9" -> w9();
                case "P1" -> PipelineBench.p1(p1Data, data, nRounds, quick, options.intraOpThreads());
                case "S1" -> SavedModelBench.s1(savedModel, nRounds, quick, options);
                default -> throw new IllegalArgumentException(id);
            };
        }

        private BenchResult w1() {
            Workloads.Tiny w = Workloads.w1();
            Tensor xv = Workloads.randn(new Random(1), 4);
            try (Session s = new Session(w.graph(), options)) {
                Measurement.Step step = () -> s.runner().feed(w.x(), xv).fetch(w.y()).run().get(0).floatValue();
                step.run();
                long startupMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
                Measurement.Samples smp = Measurement.measure(step, budget(2000, 5000, 20, 200));
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("startup", startupMs);
                extra.put("uptime", uptimeMs);
                return BenchResult.ok("W1", title("W1"), "us/run", smp, smp.stats(t -> t * 1e6), -1, extra, null);
            }
        }

        private BenchResult w2() {
            Workloads.MatMul w = Workloads.w2(1024);
            double flop = 2.0 * w.n() * w.n() * w.n();
            try (Session s = new Session(w.graph(), options)) {
                s.run(w.init());
                Measurement.Step step = () -> s.run(w.sumC()).floatValue();
                Measurement.Samples smp = Measurement.measure(step, budget(20, 20, 1, 1), drain(s));
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("ms per product", smp.stats(t -> t * 1e3).median());
                deviceExtras(s, extra);
                return BenchResult.ok("W2", title("W2"), "GFLOP/s", smp, smp.stats(t -> flop / t / 1e9), -1, extra,
                        null);
            }
        }

        private BenchResult w3() {
            Workloads.Mlp w = Workloads.w3();
            Random r = new Random(3);
            Tensor xv = Workloads.randn(r, 128, 784);
            Tensor yv = Workloads.oneHot(r, 128, 10);
            try (Session s = new Session(w.graph(), options)) {
                s.run(w.init());
                float before = s.runner().feed(w.x(), xv).feed(w.labels(), yv).fetch(w.loss()).run().get(0).floatValue();
                Measurement.Step step = () -> s.runner().feed(w.x(), xv).feed(w.labels(), yv).target(w.train()).run();
                Measurement.Samples smp = Measurement.measure(step, budget(20, 50, 2, 3), drain(s));
                float after = s.runner().feed(w.x(), xv).feed(w.labels(), yv).fetch(w.loss()).run().get(0).floatValue();
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("ms/step", smp.stats(t -> t * 1e3).median());
                extra.put("loss before", (double) before);
                extra.put("loss after", (double) after);
                return BenchResult.ok("W3", title("W3"), "steps/s", smp, smp.stats(t -> 1 / t), -1, extra, null);
            }
        }

        private BenchResult cnn(String id, boolean batchNorm) {
            boolean reset = Rss.resetPeak();
            Workloads.Trainable w = Workloads.cnn(batchNorm);
            Model m = w.model();
            Random r = new Random(4);
            Tensor xv = Workloads.randn(r, 64, 28, 28, 1);
            Tensor yv = Workloads.classIds(r, 64, 10);
            Tensor on = Tensor.of(true);
            try (Session s = new Session(m.graph(), options)) {
                s.run(w.init());
                float before = s.runner().feed(m.images(), xv).feed(m.labels(), yv).feed(m.training(), on)
                        .fetch(m.loss()).run().get(0).floatValue();
                Measurement.Step step = batchNorm
                        ? () -> s.runner().feed(m.images(), xv).feed(m.labels(), yv).feed(m.training(), on)
                                .target(m.trainOp()).run()
                        : () -> s.runner().feed(m.images(), xv).feed(m.labels(), yv).target(m.trainOp()).run();
                Measurement.Samples smp = Measurement.measure(step, budget(20, 50, 2, 3), drain(s));
                float after = s.runner().feed(m.images(), xv).feed(m.labels(), yv).feed(m.training(), on)
                        .fetch(m.loss()).run().get(0).floatValue();
                explain(s, batchNorm ? List.of(m.images(), m.labels(), m.training()) : List.of(m.images(), m.labels()),
                        m.trainOp());
                long peak = id.equals("W4") ? Rss.peakKiB() : -1;
                Map<String, Object> extra = new LinkedHashMap<>();
                deviceExtras(s, extra);
                extra.put("ms/step", smp.stats(t -> t * 1e3).median());
                extra.put("loss before", (double) before);
                extra.put("loss after", (double) after);
                return BenchResult.ok(id, title(id), "steps/s", smp, smp.stats(t -> 1 / t), peak, extra,
                        peak >= 0 ? rssNote(reset) : null);
            }
        }

        private BenchResult w5() {
            boolean reset = Rss.resetPeak();
            int batch = batches != null ? batches.get(0) : options.allowGpu() ? 128 : 16;
            Random r = new Random(5);
            Tensor xv = Workloads.randn(r, batch, 224, 224, 3);
            Tensor yv = Workloads.classIds(r, batch, 2);
            Tensor on = Tensor.of(true);
            Model m;
            Operation init;
            Map<Output, Tensor> initFeeds;
            if (residentInput) {
                Workloads.ResidentAlexNet w = Workloads.alexNetOnResidentBatch(batch);
                m = w.model();
                init = w.init();
                initFeeds = Map.of(w.batchSource(), xv);
            } else {
                Workloads.Trainable w = Workloads.alexNet();
                m = w.model();
                init = w.init();
                initFeeds = Map.of();
            }
            Model model = m;
            try (Session s = new Session(m.graph(), options)) {
                long a = System.nanoTime();
                s.run(init, initFeeds);
                Session.Runner first = s.runner().feed(m.labels(), yv).feed(m.training(), on).fetch(m.loss());
                float before = (residentInput ? first : first.feed(m.images(), xv)).run().get(0).floatValue();
                double firstMs = (System.nanoTime() - a) / 1e6;
                Measurement.Step step = residentInput
                        ? () -> s.runner().feed(model.labels(), yv).feed(model.training(), on).target(model.trainOp()).run()
                        : feedAsync ? FedAheadSteps.of(s, model, xv, yv, on)
                        : () -> s.runner().feed(model.images(), xv).feed(model.labels(), yv)
                                .feed(model.training(), on).target(model.trainOp()).run();
                Measurement.Budget b = quick ? new Measurement.Budget(0, 0, 1, 1)
                        : s.device() != null ? budget(30, 20, 0, 1) : budget(3, 3, 0, 1);
                Measurement.Samples smp = Measurement.measure(step, b, drain(s));
                explain(s, residentInput ? List.of(m.labels(), m.training()) : List.of(m.images(), m.labels(), m.training()),
                        m.trainOp());
                long peak = Rss.peakKiB();
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("batch", batch);
                extra.put("input", residentInput ? "resident on the device"
                        : feedAsync ? "fed every step, the next one staged (feedAsync)" : "fed every step");
                deviceExtras(s, extra);
                extra.put("init + first forward ms", firstMs);
                extra.put("loss before", (double) before);
                return BenchResult.ok("W5", title("W5"), "ms/step", smp, smp.stats(t -> t * 1e3), peak, extra,
                        rssNote(reset));
            }
        }

        private BenchResult w9() {
            Workloads.Lstm w = Workloads.lstm(32, 50, 128, 128);
            Random r = new Random(9);
            Tensor xv = Workloads.randn(r, 32, 50, 128);
            Tensor yv = Workloads.randn(r, 32, 128);
            try (Session s = new Session(w.graph(), options)) {
                s.run(w.init());
                float before = s.runner().feed(w.x(), xv).feed(w.y(), yv).fetch(w.loss()).run().get(0).floatValue();
                Measurement.Step step = () -> s.runner().feed(w.x(), xv).feed(w.y(), yv).fetch(w.loss())
                        .target(w.train()).run();
                Measurement.Samples smp = Measurement.measure(step, budget(20, 10, 2, 2), drain(s));
                float after = s.runner().feed(w.x(), xv).feed(w.y(), yv).fetch(w.loss()).run().get(0).floatValue();
                explain(s, List.of(w.x(), w.y()), w.train());
                Map<String, Object> extra = new LinkedHashMap<>();
                deviceExtras(s, extra);
                extra.put("loss before", (double) before);
                extra.put("loss after", (double) after);
                return BenchResult.ok("W9", title("W9"), "ms/step", smp, smp.stats(t -> t * 1e3), -1, extra, null);
            }
        }

        private void explain(Session s, List<Output> fed, Operation train) {
            if (explain) {
                for (String line : s.describePlan(List.of(), Set.copyOf(fed), List.of(train))) {
                    human.println("  " + line);
                }
            }
        }

        private Runnable drain(Session s) {
            return s.device() == null ? () -> {} : () -> s.device().synchronize();
        }

        private void deviceExtras(Session s, Map<String, Object> extra) {
            DeviceFigures.add(s, options, extra);
        }

        private String rssNote(boolean reset) {
            if (isolate || child) {
                return "peak RSS of this workload's own JVM";
            }
            return reset ? "peak RSS process-wide, reset at the start of this workload; includes heap kept from "
                    + "earlier workloads; --isolate for a clean figure"
                    : "peak RSS process-wide since JVM start; --isolate for a clean figure";
        }

        private BenchResult w7() {
            FashionMnist.Split train;
            FashionMnist.Split test;
            try {
                train = FashionMnist.train(data);
                test = FashionMnist.test(data);
            } catch (NotFoundException e) {
                return BenchResult.skipped("W7", title("W7"), "no Fashion-MNIST data: " + e.getMessage());
            }
            if (quick) {
                train = head(train, 512);
                test = head(test, 512);
            }
            final int batch = 64;
            final int epochs = 3;
            final int evalBatch = 1000;
            Workloads.Trainable w = Workloads.cnn(false);
            Model m = w.model();
            int n = train.count();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Random shuffle = new Random(7);
            double[] epochSec = new double[epochs];
            double testAcc = 0;
            double testLoss = 0;
            double trainLoss = 0;
            try (Session s = new Session(m.graph(), options)) {
                s.run(w.init());
                for (int ep = 0; ep < epochs; ep++) {
                    for (int i = n - 1; i > 0; i--) {
                        int j = shuffle.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                    double lossSum = 0;
                    long t0 = System.nanoTime();
                    for (int from = 0; from < n; from += batch) {
                        int count = Math.min(batch, n - from);
                        Tensor[] b = batch(train, order, from, count);
                        List<Tensor> res = s.runner().feed(m.images(), b[0]).feed(m.labels(), b[1]).fetch(m.loss())
                                .target(m.trainOp()).run();
                        lossSum += res.get(0).floatValue() * (double) count;
                    }
                    epochSec[ep] = (System.nanoTime() - t0) / 1e9;
                    trainLoss = lossSum / n;
                    double tl = 0;
                    double ok = 0;
                    int[] ident = new int[test.count()];
                    for (int i = 0; i < ident.length; i++) {
                        ident[i] = i;
                    }
                    for (int from = 0; from < test.count(); from += evalBatch) {
                        int count = Math.min(evalBatch, test.count() - from);
                        Tensor[] b = batch(test, ident, from, count);
                        List<Tensor> res = s.runner().feed(m.images(), b[0]).feed(m.labels(), b[1]).fetch(m.loss())
                                .fetch(m.accuracy()).run();
                        tl += res.get(0).floatValue() * (double) count;
                        ok += res.get(1).floatValue() * (double) count;
                    }
                    testLoss = tl / test.count();
                    testAcc = ok / test.count();
                }
            }
            double total = 0;
            for (double e : epochSec) {
                total += e;
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("epochs s", epochSec);
            extra.put("train examples", n);
            extra.put("train loss", trainLoss);
            extra.put("test loss", testLoss);
            extra.put("test accuracy", testAcc);
            Measurement.Samples one = new Measurement.Samples(new double[] {total}, 0, 0, 0);
            return BenchResult.ok("W7", title("W7"), "s training", one, one.stats(t -> t), -1, extra,
                    quick ? "quick: 512 train and 512 test examples" : null);
        }

        private FashionMnist.Split head(FashionMnist.Split s, int limit) {
            int k = Math.min(limit, s.count());
            int px = FashionMnist.SIDE * FashionMnist.SIDE;
            return new FashionMnist.Split(java.util.Arrays.copyOf(s.images(), k * px),
                    java.util.Arrays.copyOf(s.labels(), k), k);
        }

        private Tensor[] batch(FashionMnist.Split d, int[] order, int from, int count) {
            int px = FashionMnist.SIDE * FashionMnist.SIDE;
            float[] x = new float[count * px];
            int[] y = new int[count];
            for (int i = 0; i < count; i++) {
                int e = order[from + i];
                System.arraycopy(d.images(), e * px, x, i * px, px);
                y[i] = d.labels()[e];
            }
            return new Tensor[] {
                Tensor.wrap(DType.FLOAT32, Shape.of(count, FashionMnist.SIDE, FashionMnist.SIDE, 1), x),
                Tensor.wrap(DType.INT32, Shape.of(count), y)
            };
        }
    }
}
