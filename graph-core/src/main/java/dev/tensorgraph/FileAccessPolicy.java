package dev.tensorgraph;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.PermissionDeniedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files the ops of a graph may read and write while a {@link Session} runs them. Immutable.
 *
 * <p>A graph chooses the paths its file ops use ({@code SaveV2}, {@code RestoreV2}, and every later op that
 * touches files), so a graph from elsewhere could otherwise write files with contents of its choosing wherever
 * the process may write, overwrite a checkpoint, or read one into its outputs. Every kernel that touches a file
 * asks its run's policy first and throws {@link PermissionDeniedException} before it reads or writes anything:
 *
 * <pre>{@code
 * ctx.fileAccess().checkWrite(ctx.op(), path);   // in a kernel: KernelContext.fileAccess()
 * }</pre>
 *
 * <p>By default ({@link SessionOptions#defaults()}) a graph may touch no file: {@link #none()}. The application
 * names what it may touch:
 *
 * <pre>{@code
 * SessionOptions.defaults().fileAccess(FileAccessPolicy.none()
 *         .allowDirectory(Path.of("ckpt"), Access.READ_WRITE)     // everything below ckpt/
 *         .allowFile(Path.of("pretrained/model"), Access.READ));   // one file or checkpoint prefix
 * session.runner().fileAccess(FileAccessPolicy.none().allowFile(prefix, Access.READ))...   // one run only
 * }</pre>
 *
 * Java calls that take a path from the application ({@code Saver.save} and {@code restore}, {@code MetaGraph}
 * export and import, summary writers) are the application naming that path and need no grant: only paths that
 * a graph computes are checked. {@link #unrestricted()} gives TensorFlow's behaviour, for graphs one trusts.
 *
 * <p>Paths are compared after resolving them as the file system would: made absolute, symbolic links resolved
 * for the part that exists, {@code ..} resolved. So {@code allowed/../../etc} and a link out of an allowed
 * directory are outside it, and a link whose target is missing is refused. A file grant also covers the files
 * named by appending to it after a dot ({@code model.index}, {@code model.data-00000-of-00001} for the
 * checkpoint prefix {@code model}).
 */
public final class FileAccessPolicy {
    /** What a grant allows. */
    public enum Access {
        READ, READ_WRITE
    }

    private record Grant(Path path, boolean directory, Access access) {
        String describe() {
            return (access == Access.READ ? "reading " : "reading and writing ") + (directory ? "under " : "")
                    + ErrorText.quote(path);
        }
    }

    private static final FileAccessPolicy NONE = new FileAccessPolicy(List.of(), false);
    private static final FileAccessPolicy UNRESTRICTED = new FileAccessPolicy(List.of(), true);

    private final List<Grant> grants;
    private final boolean unrestricted;

    private FileAccessPolicy(List<Grant> grants, boolean unrestricted) {
        this.grants = grants;
        this.unrestricted = unrestricted;
    }

    /** No file at all: the default of a session. */
    public static FileAccessPolicy none() {
        return NONE;
    }

    /** Any file the process may open, as in TensorFlow: only for graphs one wrote or trusts. */
    public static FileAccessPolicy unrestricted() {
        return UNRESTRICTED;
    }

    /** This policy and {@code dir} with everything below it. */
    public FileAccessPolicy allowDirectory(Path dir, Access access) {
        return with(new Grant(checked(dir, "directory"), true, checked(access)));
    }

    /**
     * This policy and the file {@code file}, with the files named by appending to it after a dot (the
     * {@code .index} and {@code .data-...} files of a checkpoint prefix).
     */
    public FileAccessPolicy allowFile(Path file, Access access) {
        return with(new Grant(checked(file, "file"), false, checked(access)));
    }

    /** Everything this policy or {@code other} allows. */
    public FileAccessPolicy and(FileAccessPolicy other) {
        if (other == null) {
            throw new InvalidArgumentException("FileAccessPolicy.and: the other policy is null");
        }
        if (unrestricted || other.unrestricted) {
            return UNRESTRICTED;
        }
        List<Grant> all = new ArrayList<>(grants);
        all.addAll(other.grants);
        return new FileAccessPolicy(List.copyOf(all), false);
    }

    public boolean isUnrestricted() {
        return unrestricted;
    }

    /** True when no file may be touched. */
    public boolean isNone() {
        return !unrestricted && grants.isEmpty();
    }

    /** Throws {@link PermissionDeniedException} naming {@code op} and {@code path} unless {@code path} may be read. */
    public void checkRead(Operation op, Path path) {
        check(describe(op), path, false);
    }

    /** Throws {@link PermissionDeniedException} naming {@code op} and {@code path} unless {@code path} may be written. */
    public void checkWrite(Operation op, Path path) {
        check(describe(op), path, true);
    }

    /** As {@link #checkRead(Operation, Path)} for a reader that is not an op; {@code who} names it. */
    public void checkRead(String who, Path path) {
        check(who, path, false);
    }

    /** As {@link #checkWrite(Operation, Path)} for a writer that is not an op; {@code who} names it. */
    public void checkWrite(String who, Path path) {
        check(who, path, true);
    }

    public boolean mayRead(Path path) {
        return allows(path, false);
    }

    public boolean mayWrite(Path path) {
        return allows(path, true);
    }

    private void check(String who, Path path, boolean write) {
        if (path == null) {
            throw new InvalidArgumentException(who + ": the file path is null");
        }
        if (!allows(path, write)) {
            Path real = resolved(path);
            String where = real == null ? " (a symbolic link on it has no target)"
                    : real.equals(path.toAbsolutePath()) ? "" : " (" + ErrorText.quote(real) + ")";
            throw new PermissionDeniedException(who + " may not " + (write ? "write " : "read ") + ErrorText.quote(path)
                    + where + ": " + describeGrants() + ". A graph's file ops touch only what the application "
                    + "grants: SessionOptions.fileAccess(...) or Session.Runner.fileAccess(...); on the command "
                    + "line --allow-file-io DIR");
        }
    }

    private boolean allows(Path path, boolean write) {
        if (unrestricted) {
            return true;
        }
        Path p = resolved(path);
        if (p == null) {
            return false;
        }
        for (Grant g : grants) {
            if (write && g.access() != Access.READ_WRITE) {
                continue;
            }
            Path base = resolved(g.path());
            if (base != null && covers(g.directory(), base, p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean covers(boolean directory, Path base, Path p) {
        if (directory || p.equals(base)) {
            return p.startsWith(base);
        }
        Path parent = p.getParent();
        return parent != null && parent.equals(base.getParent()) && base.getFileName() != null
                && p.getFileName().toString().startsWith(base.getFileName() + ".");
    }

    /**
     * {@code p} as the file system resolves it: the longest existing leading part with its links resolved, then
     * the rest with {@code ..} removed. Null when a symbolic link on the way has no target (the path cannot be
     * judged, so it is refused).
     */
    static Path resolved(Path p) {
        Path abs = p.toAbsolutePath();
        Path root = abs.getRoot();
        int n = abs.getNameCount();
        for (int i = n; i >= 0; i--) {
            Path head = i == 0 ? root : root.resolve(abs.subpath(0, i));
            try {
                Path real = head.toRealPath();
                return i == n ? real : real.resolve(abs.subpath(i, n)).normalize();
            } catch (IOException | SecurityException e) {
                if (Files.isSymbolicLink(head)) {
                    return null;
                }
            }
        }
        return abs.normalize();
    }

    private String describeGrants() {
        if (grants.isEmpty()) {
            return "this session lets its graph touch no file";
        }
        List<String> parts = new ArrayList<>();
        for (Grant g : grants) {
            parts.add(g.describe());
        }
        return "this session allows " + String.join("; ", parts);
    }

    private static String describe(Operation op) {
        return op == null ? "an op" : "op " + ErrorText.quote(op.name()) + " (" + op.type() + ")";
    }

    private FileAccessPolicy with(Grant g) {
        if (unrestricted) {
            return this;
        }
        List<Grant> all = new ArrayList<>(grants);
        all.add(g);
        return new FileAccessPolicy(List.copyOf(all), false);
    }

    private static Path checked(Path p, String what) {
        if (p == null) {
            throw new InvalidArgumentException("FileAccessPolicy: the " + what + " to allow is null");
        }
        return p.toAbsolutePath();
    }

    private static Access checked(Access a) {
        if (a == null) {
            throw new InvalidArgumentException("FileAccessPolicy: the access to allow is null");
        }
        return a;
    }

    @Override
    public String toString() {
        return unrestricted ? "FileAccessPolicy[unrestricted]" : "FileAccessPolicy[" + describeGrants() + "]";
    }
}
