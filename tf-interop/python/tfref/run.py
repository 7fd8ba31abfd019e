"""Runs one case in this process, lists a topic's cases, or runs a topic's after_cases() check.

    python -m tfref.run --topic ops --list
    python -m tfref.run --topic ops --case roll --mode tf2 --out DIR [--big DIR]
    python -m tfref.run --topic keras-apps --after --mode tf2 --out DIR [--big DIR]

generate.py starts one process per case: TensorFlow numbers functions and Keras numbers layers per
process, so a case's files do not depend on which cases ran before it.
"""
import argparse
import importlib
import json
import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN's kernels round differently from the reference ones
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def configure(mode):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    if mode == "tf1":
        tf.compat.v1.disable_control_flow_v2()
        tf.compat.v1.disable_resource_variables()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--after", action="store_true")
    parser.add_argument("--case")
    parser.add_argument("--mode", default="tf2")
    parser.add_argument("--out")
    parser.add_argument("--big")
    args = parser.parse_args(argv)
    configure(args.mode)
    from . import registry, topics
    from .casefiles import CaseWriter
    module = importlib.import_module(topics.TOPICS[args.topic])
    if args.list:
        for c in registry.CASES:
            if c.topic == args.topic:
                print("CASE " + json.dumps({"name": c.name, "mode": c.mode, "big": c.big}))
        return
    if args.after:
        finish = getattr(module, "after_cases", None)
        if finish is not None:
            finish(args.mode, args.out, args.big)
        return
    c = next(c for c in registry.CASES if c.topic == args.topic and c.name == args.case)
    if c.mode != args.mode:
        raise SystemExit("case %s needs mode %s" % (c.name, c.mode))
    writer = CaseWriter(args.big if c.big else args.out, c.topic, c.name, c.issue, c.description)
    c.fn(writer)
    writer.finish()


if __name__ == "__main__":
    main()
