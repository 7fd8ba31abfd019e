package dev.tensorgraph.spark;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;

/**
 * A model's graph and the names its inputs and outputs go by: tensor or op names for a GraphDef or MetaGraph
 * ({@code images}, {@code logits/BiasAdd:0}), signature keys for a SavedModel.
 */
public interface ModelGraph {
    Graph graph();

    /** The tensor fed for input {@code name}; an unknown name is a NotFoundException listing the known ones. */
    Output input(String name);

    /** The tensor fetched for output {@code name}; an unknown name is a NotFoundException. */
    Output output(String name);
}
