package dev.tensorgraph.spark;

import dev.tensorgraph.Session;

/** A model ready to run: its graph with a session whose variables are restored. Closing frees the session. */
public interface LoadedModel extends ModelGraph, AutoCloseable {
    Session session();

    @Override
    void close();
}
