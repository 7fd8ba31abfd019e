package dev.tensorgraph.ops.support;

import dev.tensorgraph.Graph;

/**
 * Something that builds into one graph, such as the {@code Tf} facade. Only the deprecated forms of methods
 * that used to take the facade ({@code optimizer.minimize(tf, loss)}) accept it; new code passes the
 * {@link Graph} or lets the method take the graph of its tensors.
 */
@FunctionalInterface
public interface GraphBound {
    Graph graph();
}
