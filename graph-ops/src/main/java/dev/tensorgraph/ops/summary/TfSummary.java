package dev.tensorgraph.ops.summary;

import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.io.SummaryOps;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code tf.summary} namespace of TensorFlow 1.x: summary ops named and tagged as
 * {@code tf.summary.scalar} names them, collected in {@link GraphKeys#SUMMARIES}, and merged for one
 * {@code Session.run} whose result goes to a {@link FileWriter}.
 *
 * <pre>{@code
 * TfSummary summary = new TfSummary(g);
 * try (var s = tf.nameScope("train")) {
 *     summary.scalar("loss", loss);               // op and tag "train/loss"
 * }
 * summary.histogram("weights", w);
 * Output merged = summary.mergeAll();             // "Merge/MergeSummary"
 * try (FileWriter writer = new FileWriter(Path.of("logs"), g)) {
 *     writer.addSummary(session.run(merged), step);
 * }
 * }</pre>
 *
 * <p>Tags follow {@code summary_scope}: the name is cleaned (characters other than letters, digits,
 * {@code _ - . /} become {@code _}, leading slashes are dropped), a name scope of that name is opened, and
 * the tag is that scope's full name — so repeated names get {@code _1}, {@code _2} as ops do. A
 * {@code family} prefixes both the scope and the tag.
 */
public final class TfSummary {
    private static final Pattern INVALID_TAG_CHARACTERS = Pattern.compile("[^-/\\w.]");

    private final Graph g;

    /** The summaries of {@code g}. */
    public TfSummary(Graph g) {
        if (g == null) {
            throw new InvalidArgumentException("TfSummary needs a graph, got null");
        }
        this.g = g;
    }

    /** @deprecated use {@link #TfSummary(Graph)}. */
    @Deprecated
    public TfSummary(GraphBound tf) {
        this(tf == null ? null : tf.graph());
    }

    /** {@code tf.summary.scalar(name, tensor)}: a {@code ScalarSummary} added to the SUMMARIES collection. */
    public Output scalar(String name, Output tensor) {
        return scalar(name, tensor, null, null);
    }

    /**
     * {@code tf.summary.scalar(name, tensor, collections, family)}; {@code collections} null means
     * {@code [SUMMARIES]}, an empty list adds it to none.
     */
    public Output scalar(String name, Output tensor, List<String> collections, String family) {
        if (tensor.shape().hasKnownRank() && tensor.shape().rank() != 0) {
            throw new InvalidArgumentException("tf.summary.scalar '" + name + "' needs a scalar, got " + tensor.name()
                    + " of shape " + tensor.shape());
        }
        return summaryOp(true, name, tensor, collections, family);
    }

    /** {@code tf.summary.histogram(name, values)}: a {@code HistogramSummary} of all values. */
    public Output histogram(String name, Output values) {
        return histogram(name, values, null, null);
    }

    public Output histogram(String name, Output values, List<String> collections, String family) {
        return summaryOp(false, name, values, collections, family);
    }

    /** {@code tf.summary.merge_all()}: all summaries of the SUMMARIES collection, or null when it is empty. */
    public Output mergeAll() {
        return mergeAll(GraphKeys.SUMMARIES, null, null);
    }

    /**
     * {@code tf.summary.merge_all(key, scope, name)}: the summaries of collection {@code key} whose names
     * match the regular expression {@code scope} at their start (all when null); null when there are none.
     */
    public Output mergeAll(String key, String scope, String name) {
        Pattern p = scope == null ? null : Pattern.compile(scope);
        List<Output> summaries = new ArrayList<>();
        for (Object item : g.collection(key)) {
            Output o = item instanceof Output out ? out : item instanceof Operation op ? op.output(0) : null;
            if (o != null && (p == null || p.matcher(o.op().name()).lookingAt())) {
                summaries.add(o);
            }
        }
        return summaries.isEmpty() ? null : merge(summaries, null, name);
    }

    /** {@code tf.summary.merge(inputs)}: one {@code MergeSummary} named {@code Merge/MergeSummary}. */
    public Output merge(List<Output> inputs) {
        return merge(inputs, null, null);
    }

    /** {@code tf.summary.merge(inputs, collections, name)}: opens scope {@code name} (default "Merge"). */
    public Output merge(List<Output> inputs, List<String> collections, String name) {
        if (inputs == null || inputs.isEmpty()) {
            throw new InvalidArgumentException("tf.summary.merge needs at least one summary");
        }
        try (var s = g.nameScope(name == null ? "Merge" : name)) {
            Output out = SummaryOps.mergeSummary(g, inputs, name);
            if (collections != null) {
                for (String c : collections) {
                    g.addToCollection(c, out);
                }
            }
            return out;
        }
    }

    /** TensorFlow's {@code clean_tag}: illegal characters become '_', leading slashes are dropped. */
    public static String cleanTag(String name) {
        if (name == null) {
            return null;
        }
        String cleaned = INVALID_TAG_CHARACTERS.matcher(name).replaceAll("_");
        int i = 0;
        while (i < cleaned.length() && cleaned.charAt(i) == '/') {
            i++;
        }
        return cleaned.substring(i);
    }

    private Output summaryOp(boolean scalar, String name, Output values, List<String> collections, String family) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("a summary needs a name");
        }
        String cleanName = cleanTag(name);
        String cleanFamily = cleanTag(family);
        String base = cleanFamily == null ? cleanName : cleanFamily + "/" + cleanName;
        try (var s = g.nameScope(base)) {
            String scope = s.name();
            String stripped = scope.endsWith("/") ? scope.substring(0, scope.length() - 1) : scope;
            String tag = cleanFamily == null ? stripped : cleanFamily + "/" + stripped;
            Output tags = ConstantOps.constant(g, Tensor.ofString(tag), scalar ? "tags" : "tag");
            Output out = scalar ? SummaryOps.scalarSummary(g, tags, values, scope)
                    : SummaryOps.histogramSummary(g, tags, values, scope);
            for (String c : collections == null ? List.of(GraphKeys.SUMMARIES) : collections) {
                g.addToCollection(c, out);
            }
            return out;
        }
    }
}
