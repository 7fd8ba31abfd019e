package dev.tensorgraph.examples.cli;

import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.data.Npy;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.savedmodel.SavedModel;
import dev.tensorgraph.ops.savedmodel.SavedModelFile;
import dev.tensorgraph.ops.savedmodel.Signature;
import dev.tensorgraph.ops.savedmodel.SignatureTensor;
import dev.tensorgraph.proto.SaverDef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorgraph run FILE --feed x=in.npy --fetch y:0}: replays a saved graph. For a MetaGraph whose
 * checkpoint lies beside it ({@code model.meta} with {@code model.index}) or is named with {@code --checkpoint},
 * the variables are restored first, through the graph's own restore op when the MetaGraph has a SaverDef, as
 * TensorFlow does, after checking that op is a restore; stderr says how they were restored.
 *
 * <p>A graph is a program that chooses the paths its file ops use, so the graph may only read the checkpoint
 * being restored; {@code --allow-file-io DIR} lets it read and write under {@code DIR} too.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a saved graph (GraphDef .pb/.pbtxt or MetaGraph .meta): feed tensors, fetch tensors;"
                + " or a SavedModel directory's signature: --input KEY=VALUE, every output printed by key.")
public final class RunCommand extends CliCommand {
    /** Elements printed per fetched tensor before "...". */
    private static final int PRINT_LIMIT = 1000;
    /** The names tf.train.Saver gives its ops, used for a GraphDef without a SaverDef. */
    private static final SaverDef CONVENTIONAL_SAVER = SaverDef.newBuilder().setFilenameTensorName("save/Const:0")
            .setRestoreOpName("save/restore_all").build();

    @Parameters(index = "0", paramLabel = "FILE",
            description = "GraphDef (.pb or .pbtxt), MetaGraphDef (.meta) or SavedModel directory")
    Path file;

    @Option(names = "--feed", paramLabel = "NAME=VALUE",
            description = "Feed a tensor: VALUE is a .npy file, a .json file or inline JSON such as [[1,2],[3,4]].")
    List<String> feeds = new ArrayList<>();

    @Option(names = "--fetch", paramLabel = "NAME", description = "A tensor to fetch, e.g. prob:0.")
    List<String> fetches = new ArrayList<>();

    @Option(names = "--target", paramLabel = "OP", description = "An op to run for its effect.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Write each fetched tensor to DIR as .npy instead of printing.")
    Path outDir;

    @Option(names = "--checkpoint", paramLabel = "PREFIX",
            description = "Restore variables from this checkpoint (default: FILE without .meta, when it exists).")
    Path checkpoint;

    @Option(names = "--init", description = "Run the variable initializers first (instead of restoring).")
    boolean init;

    @Option(names = "--allow-file-io", paramLabel = "DIR", description = "Let the graph's file ops (SaveV2, RestoreV2)"
            + " read and write files under DIR (repeatable). Without it they may only read the checkpoint restored.")
    List<Path> allowFileIo = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "TAG", description = "For a SavedModel: a tag of the MetaGraph to load"
            + " (repeatable; default serve).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--signature", paramLabel = "KEY", description = "For a SavedModel: the signature to run"
            + " (default serving_default).")
    String signature = "serving_default";

    @Option(names = "--input", paramLabel = "KEY=VALUE", description = "For a SavedModel: a signature input, VALUE"
            + " as for --feed.")
    List<String> inputs = new ArrayList<>();

    @Override
    int execute(PrintWriter out) throws IOException {
        if (SavedModelFile.isSavedModelDir(file)) {
            return runSavedModel(out);
        }
        if (!inputs.isEmpty() || !tags.isEmpty()) {
            throw new InvalidArgumentException("--input and --tag are for SavedModel directories; " + file
                    + " is not one (use --feed and --fetch)");
        }
        if (fetches.isEmpty() && targets.isEmpty()) {
            throw new InvalidArgumentException("nothing to run: give at least one --fetch or --target");
        }
        GraphFile f = GraphFile.read(file);
        Graph g = f.toGraph();
        Path prefix = init ? null : checkpointPrefix(f);
        FileAccessPolicy access = FileAccessPolicy.none();
        for (Path dir : allowFileIo) {
            access = access.allowDirectory(dir, FileAccessPolicy.Access.READ_WRITE);
        }
        if (prefix != null) {
            access = access.allowFile(prefix, FileAccessPolicy.Access.READ);
        }
        PrintWriter err = spec.commandLine().getErr();
        try (Session s = new Session(g, SessionOptions.defaults().fileAccess(access))) {
            if (init) {
                err.println(initialize(g, s));
            } else if (prefix != null) {
                try {
                    err.println(restore(f, g, s, prefix));
                } catch (TensorgraphException e) {
                    GraphCheckpoints.explainMismatch(g, prefix, f.path(), e);
                    throw e;
                }
            }
            err.flush();
            Session.Runner r = s.runner();
            for (String feed : feeds) {
                int eq = feed.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidArgumentException("--feed " + ErrorText.quote(feed) + " is not of the form NAME=VALUE");
                }
                String name = feed.substring(0, eq);
                Output target = feedTarget(g, name);
                r.feed(target, feedValue(name, feed.substring(eq + 1), target));
            }
            for (String name : fetches) {
                r.fetch(name);
            }
            for (String op : targets) {
                r.target(g.requireOperation(op));
            }
            List<Tensor> results;
            try {
                results = r.run();
            } catch (FailedPreconditionException e) {
                boolean variablesUnset = !init && prefix == null && !GraphCheckpoints.variables(g).isEmpty();
                if (variablesUnset && e.getMessage() != null && e.getMessage().contains("uninitialized")) {
                    throw new FailedPreconditionException(e.getMessage() + "; " + f.path()
                            + " holds variables but no values for them: "
                            + GraphCheckpoints.restoreHint(g, f.path()), e);
                }
                throw e;
            }
            for (int i = 0; i < results.size(); i++) {
                report(out, fetches.get(i), results.get(i));
            }
        }
        return 0;
    }

    /**
     * Loads the SavedModel with its tags, feeds the signature's inputs by key and prints (or writes) every output
     * by key. The graph may read no file beyond its variables and assets, unless --allow-file-io grants more.
     */
    private int runSavedModel(PrintWriter out) throws IOException {
        if (!feeds.isEmpty() || !fetches.isEmpty() || !targets.isEmpty() || checkpoint != null || init) {
            throw new InvalidArgumentException(file + " is a SavedModel: give its signature's inputs with --input"
                    + " KEY=VALUE (--feed, --fetch, --target, --checkpoint and --init are for graph files)");
        }
        FileAccessPolicy access = FileAccessPolicy.none();
        for (Path dir : allowFileIo) {
            access = access.allowDirectory(dir, FileAccessPolicy.Access.READ_WRITE);
        }
        String[] tagArray = tags.isEmpty() ? new String[] {SavedModel.SERVE} : tags.toArray(String[]::new);
        try (SavedModel model = SavedModel.load(file, SessionOptions.defaults().fileAccess(access), tagArray)) {
            Signature sig = model.signature(signature);
            Map<String, Tensor> values = new LinkedHashMap<>();
            for (String input : inputs) {
                int eq = input.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidArgumentException("--input " + ErrorText.quote(input) + " is not of the form"
                            + " KEY=VALUE");
                }
                String key = input.substring(0, eq);
                SignatureTensor spec = sig.inputs().get(key);
                if (spec == null) {
                    throw new NotFoundException("--input " + ErrorText.quote(key) + ": signature "
                            + ErrorText.quote(signature) + " has no such input; its inputs are " + sig.inputs().keySet());
                }
                values.put(key, inputValue("--input " + ErrorText.quote(key), input.substring(eq + 1), spec.dtype()));
            }
            for (Map.Entry<String, Tensor> e : sig.call(values).entrySet()) {
                report(out, e.getKey(), e.getValue());
            }
        }
        return 0;
    }

    /** The fed tensor; a name the graph lacks is an error that lists the graph's placeholders. */
    private static Output feedTarget(Graph g, String name) {
        try {
            return g.output(name);
        } catch (NotFoundException e) {
            List<String> placeholders = new ArrayList<>();
            for (Operation op : g.operations()) {
                if (op.type().equals("Placeholder") || op.type().equals("PlaceholderWithDefault")) {
                    Output o = op.output(0);
                    placeholders.add(op.name() + " (" + o.dtype() + o.shape() + ")");
                }
            }
            throw new NotFoundException("--feed " + name + ": " + e.getMessage() + " The graph's placeholders: "
                    + (placeholders.isEmpty() ? "none" : String.join(", ", placeholders)), e);
        }
    }

    private Path checkpointPrefix(GraphFile f) {
        if (checkpoint != null) {
            if (Files.isDirectory(checkpoint)) {
                Path latest = Saver.latestCheckpoint(checkpoint);
                if (latest == null) {
                    throw new NotFoundException("no checkpoint recorded in " + checkpoint.resolve("checkpoint"));
                }
                return latest;
            }
            if (!CheckpointFiles.exists(checkpoint)) {
                throw new NotFoundException("checkpoint not found: " + checkpoint);
            }
            return checkpoint;
        }
        String name = f.path().toString();
        if (f.isMeta() && name.endsWith(".meta")) {
            Path beside = Path.of(name.substring(0, name.length() - ".meta".length()));
            if (CheckpointFiles.exists(beside)) {
                return beside;
            }
        }
        return null;
    }

    /**
     * Restores as TensorFlow would: through the SaverDef's restore op (which must exist and be a restore), else
     * through the conventional {@code save/Const} and {@code save/restore_all} of a GraphDef saved with its saver,
     * else variable by variable op name. Returns a line saying which was done.
     */
    private static String restore(GraphFile f, Graph g, Session s, Path prefix) {
        String from = "restored " + prefix;
        if (f.isMeta() && f.meta().hasSaverDef()) {
            return from + " through the MetaGraph's SaverDef: "
                    + SaverDefRestore.restore(s, f.meta().getSaverDef(), prefix).describe();
        }
        if (g.operation(CONVENTIONAL_SAVER.getRestoreOpName()) != null) {
            return from + " through save/restore_all, the restore op tf.train.Saver adds (the file has no SaverDef): "
                    + SaverDefRestore.restore(s, CONVENTIONAL_SAVER, prefix).describe();
        }
        List<Variable> vars = Tf.of(g).globalVariables();
        if (vars.isEmpty()) {
            for (Operation op : g.operations()) {
                if (op.type().equals("VariableV2")) {
                    vars.add(new Variable(op, null, null, null, true));
                }
            }
        }
        if (vars.isEmpty()) {
            throw new InvalidArgumentException("cannot restore " + prefix + ": " + f.path() + " has no variables");
        }
        new Saver(vars).restore(s, prefix);
        return from + " variable by variable op name (the file has no restore op): " + vars.size()
                + (vars.size() == 1 ? " variable" : " variables");
    }

    /**
     * Runs each variable's initializer, which must be an Assign to that variable (a VariableDef could name any
     * op), else the NoOp named {@code init}. Returns a line saying what ran.
     */
    private static String initialize(Graph g, Session s) {
        List<Variable> vars = g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class);
        if (!vars.isEmpty()) {
            List<Operation> initializers = new ArrayList<>();
            for (Variable v : vars) {
                Operation init = v.initializer();
                if (init == null) {
                    throw new NotFoundException("--init: variable " + ErrorText.quote(v.opName())
                            + " has no initializer (its VariableDef names none)");
                }
                if (!init.type().equals("Assign") || init.numInputs() < 1 || init.input(0).op() != v.op()) {
                    throw new InvalidArgumentException("--init: the initializer of variable " + ErrorText.quote(v.opName())
                            + " is " + ErrorText.quote(init.name()) + " (" + init.type() + "), not an Assign to that"
                            + " variable; it is not run");
                }
                initializers.add(init);
            }
            // One by one, in collection order: an initial value may read a variable initialized before it.
            for (Operation init : initializers) {
                s.run(init);
            }
            return "initialized " + vars.size() + (vars.size() == 1 ? " variable" : " variables")
                    + " by running their Assign initializers";
        }
        Operation initOp = g.operation("init");
        if (initOp == null) {
            throw new NotFoundException("--init: the graph has no variables collection and no op named 'init'");
        }
        if (!initOp.type().equals("NoOp")) {
            throw new InvalidArgumentException("--init: the op named 'init' is a " + initOp.type()
                    + ", not the NoOp that groups initializers; it is not run");
        }
        s.run(initOp);
        return "initialized variables by running 'init' (NoOp)";
    }

    private static Tensor feedValue(String name, String value, Output target) {
        return inputValue("--feed " + ErrorText.quote(name), value, target.dtype());
    }

    private static Tensor inputValue(String what, String value, dev.tensorgraph.DType dtype) {
        if (value.endsWith(".npy")) {
            return Npy.read(path(value, what));
        }
        String json = value;
        if (value.endsWith(".json")) {
            json = new String(InputLimits.readFile(path(value, what), what + " JSON"), StandardCharsets.UTF_8);
        }
        return TensorText.parse(json, dtype, what);
    }

    private static Path path(String value, String what) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new InvalidArgumentException(what + ": " + ErrorText.quote(value) + " is not a valid path: "
                    + e.getReason(), e);
        }
    }

    private void report(PrintWriter out, String name, Tensor t) throws IOException {
        if (outDir != null) {
            Files.createDirectories(outDir);
            Path p = outDir.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".npy");
            Npy.write(p, t);
            out.println(name + " " + t.dtype() + t.shape() + " -> " + p);
        } else {
            out.println(name + " " + t.dtype() + t.shape());
            out.println(TensorText.format(t, PRINT_LIMIT));
        }
    }
}
