"""Writes the output arguments of TensorFlow's op types that have several, or one list, as TensorFlow 2.21 defines
them: the facts a function body's `node:output_arg:index` inputs are resolved with.

    python op_output_args.py [OUT_FILE]

OUT_FILE defaults to graph-ops/src/test/resources/tf-op-facts/output-args.json. `OutputNamesTest` checks every
registered op of Tensorgraph against it: an op with several output arguments declares their names, in order.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow  # noqa: E402,F401  (registers the op library)
from tensorflow.core.framework import op_def_pb2  # noqa: E402
from tensorflow.python.client import pywrap_tf_session  # noqa: E402


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "graph-ops", "src", "test", "resources", "tf-op-facts", "output-args.json")
    ops = op_def_pb2.OpList()
    ops.ParseFromString(pywrap_tf_session.TF_GetBuffer(pywrap_tf_session.TF_GetAllOpList()))
    facts = {}
    for op in sorted(ops.op, key=lambda o: o.name):
        name = op.name
        args = [{"name": a.name, "list": bool(a.number_attr or a.type_list_attr)} for a in op.output_arg]
        if len(args) > 1 or any(a["list"] for a in args):
            facts[name] = args
    with open(out, "w", encoding="utf-8") as f:
        f.write("{\n")
        f.write(",\n".join("  %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in facts.items()))
        f.write("\n}\n")
    print("wrote %d op types to %s" % (len(facts), os.path.relpath(out)))


if __name__ == "__main__":
    main()
