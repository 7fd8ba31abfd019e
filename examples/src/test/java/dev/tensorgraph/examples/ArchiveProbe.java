package dev.tensorgraph.examples;

/** A program for {@link ClassArchiveScriptTest}: prints one line and exits with the status its argument gives. */
public final class ArchiveProbe {
    private ArchiveProbe() {}

    public static void main(String[] args) {
        System.out.println("probe ran");
        System.exit(Integer.parseInt(args[0]));
    }
}
