package dev.tensorgraph;

import java.util.List;

/**
 * One instantiation of a function of a {@link FunctionLibrary}: its body as a graph of its own, whose
 * argument ops stand for the function's arguments (fed when it runs), the tensors that are its results, and
 * the ops it must run for their effects ({@code control_ret}). Body graphs share the library of the graph
 * they came from, so calls inside a body find their functions. Read-only: build nothing in it.
 *
 * @param name the function's name
 * @param graph the body
 * @param args the argument ops' outputs, one per argument tensor, in signature order
 * @param results the tensors returned, one per result tensor, in signature order
 * @param controlResults ops that run whenever the function runs, whether or not a result needs them
 * @param stateful whether the function has side effects ({@code is_stateful})
 */
public record FunctionBody(String name, Graph graph, List<Output> args, List<Output> results,
                           List<Operation> controlResults, boolean stateful) {
    public FunctionBody {
        args = List.copyOf(args);
        results = List.copyOf(results);
        controlResults = List.copyOf(controlResults);
    }

    /** The dtypes of the arguments, in order. */
    public List<DType> argDtypes() {
        return args.stream().map(Output::dtype).toList();
    }

    /** The dtypes of the results, in order. */
    public List<DType> resultDtypes() {
        return results.stream().map(Output::dtype).toList();
    }

    @Override
    public String toString() {
        return "function '" + name + "' (" + args.size() + " arguments, " + results.size() + " results)";
    }
}
