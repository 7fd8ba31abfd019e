"""What a GraphDef holds: op types (top level and inside its function library) and DT_VARIANT placeholders."""
from tensorflow.core.framework import types_pb2


def _node_name(input_name):
    name = input_name[1:] if input_name.startswith("^") else input_name
    return name.split(":")[0]


def op_types(graph_def):
    """Every op type a runtime needs for this graph: its nodes and the nodes of its library functions."""
    types = {n.op for n in graph_def.node}
    for f in graph_def.library.function:
        types.update(n.op for n in f.node_def)
    return sorted(types)


def function_op_types(graph_def):
    """Library function name -> the op types of its body."""
    return {f.signature.name: sorted({n.op for n in f.node_def})
            for f in sorted(graph_def.library.function, key=lambda f: f.signature.name)}


def placeholder_report(graph_def, fetches):
    """Placeholders of dtype DT_VARIANT (who reads them, whether any fetch depends on them), and every
    Placeholder that no node reads.

    Freezing a TF2 function into a TF1 graph can leave such placeholders behind (inputs a captured
    TensorList or resource had); a runtime that runs the graph must cope with them unfed.
    """
    consumers = {}
    inputs = {}
    for n in graph_def.node:
        inputs[n.name] = [_node_name(i) for i in n.input]
        for i in inputs[n.name]:
            consumers.setdefault(i, []).append(n.name)
    needed = set()
    stack = [_node_name(f) for f in fetches]
    while stack:
        name = stack.pop()
        if name in needed or name not in inputs:
            continue
        needed.add(name)
        stack.extend(inputs[name])
    found = []
    for n in graph_def.node:
        if n.op == "Placeholder" and n.attr["dtype"].type == types_pb2.DT_VARIANT:
            found.append({"name": n.name, "consumers": sorted(consumers.get(n.name, [])),
                          "fetches_depend_on_it": n.name in needed})
    unconnected = [{"name": n.name, "dtype": types_pb2.DataType.Name(n.attr["dtype"].type)}
                   for n in graph_def.node if n.op == "Placeholder" and not consumers.get(n.name)]
    return found, unconnected
