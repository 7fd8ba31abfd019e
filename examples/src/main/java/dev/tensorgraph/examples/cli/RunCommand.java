package dev.tensorgraph.examples.cli;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.Npy;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.SaverDef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorgraph run FILE --feed x=in.npy --fetch y:0}: replays a saved graph. For a MetaGraph whose
 * checkpoint lies beside it ({@code model.meta} with {@code model.index}) or is named with {@code --checkpoint},
 * the variables are restored first, through the graph's own restore op when the MetaGraph has a SaverDef, as
 * TensorFlow does.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a saved graph (GraphDef .pb/.pbtxt or MetaGraph .meta): feed tensors, fetch tensors.")
public final class RunCommand extends CliCommand {
    /** Elements printed per fetched tensor before "...". */
    private static final int PRINT_LIMIT = 1000;

    @Parameters(index = "0", paramLabel = "FILE", description = "GraphDef (.pb or .pbtxt) or MetaGraphDef (.meta)")
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

    @Override
    int execute(PrintWriter out) throws IOException {
        if (fetches.isEmpty() && targets.isEmpty()) {
            throw new InvalidArgumentException("nothing to run: give at least one --fetch or --target");
        }
        GraphFile f = GraphFile.read(file);
        Graph g = f.toGraph();
        try (Session s = new Session(g)) {
            Path prefix = init ? null : checkpointPrefix(f);
            if (init) {
                initialize(g, s);
            } else if (prefix != null) {
                try {
                    restore(f, g, s, prefix);
                } catch (TensorgraphException e) {
                    GraphCheckpoints.explainMismatch(g, prefix, f.path(), e);
                    throw e;
                }
            }
            Session.Runner r = s.runner();
            for (String feed : feeds) {
                int eq = feed.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidArgumentException("--feed '" + feed + "' is not of the form NAME=VALUE");
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
     * Restores as TensorFlow would: through the SaverDef's ops, else through the conventional {@code save/Const}
     * and {@code save/restore_all} of a GraphDef saved with its saver, else variable by variable op name.
     */
    private static void restore(GraphFile f, Graph g, Session s, Path prefix) {
        String filename = "save/Const:0";
        String restoreOp = "save/restore_all";
        if (f.isMeta() && f.meta().hasSaverDef()) {
            SaverDef sd = f.meta().getSaverDef();
            filename = sd.getFilenameTensorName();
            restoreOp = sd.getRestoreOpName();
        }
        if (g.operation(restoreOp) != null && g.operation(filename.replaceAll(":\\d+$", "")) != null) {
            s.runner().feed(filename, Tensor.ofString(prefix.toString())).target(restoreOp).run();
            return;
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
    }

    private static void initialize(Graph g, Session s) {
        List<Variable> vars = g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class);
        if (!vars.isEmpty()) {
            for (Variable v : vars) {
                s.run(v.initializer());
            }
            return;
        }
        Operation initOp = g.operation("init");
        if (initOp == null) {
            throw new NotFoundException("--init: the graph has no variables collection and no op named 'init'");
        }
        s.run(initOp);
    }

    private static Tensor feedValue(String name, String value, Output target) throws IOException {
        String what = "--feed " + name;
        if (value.endsWith(".npy")) {
            return Npy.read(Path.of(value));
        }
        String json = value;
        if (value.endsWith(".json")) {
            Path p = Path.of(value);
            if (!Files.isRegularFile(p)) {
                throw new NotFoundException(what + ": file not found: " + p);
            }
            json = Files.readString(p);
        }
        return TensorText.parse(json, target.dtype(), what);
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
