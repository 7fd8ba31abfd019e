package dev.tensorgraph;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this Tensorgraph build ({@code 0.1.0}), as the files it writes name their writer: a MetaGraph's
 * {@code meta_info_def.tensorflow_git_version} reads {@code tensorgraph 0.1.0}.
 */
public final class TensorgraphVersion {
    private static final String VERSION = load();

    private TensorgraphVersion() {}

    /** The build's version, or {@code unknown} when the build did not record it. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = TensorgraphVersion.class.getResourceAsStream("tensorgraph.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }
}
