"""Time per op type of a frozen GraphDef run by TensorFlow (CPU), for comparison with Tensorgraph's
-Dtensorgraph.profile=true: what TensorFlow's grappler made of the graph and where its run time goes.

    python op_profile.py GRAPH.pb [--input x:0] [--output Identity:0] [--batch 1] [--runs 20] [--threads 0]

The input is random normal (seeded) with the input placeholder's shape and the given batch; after 5 warm-up runs,
--runs traced runs (RunOptions FULL_TRACE) are summed per op type (the kernels' own wall time, from the step
stats of every device thread) and divided by the number of runs.
"""
import argparse
import collections
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph")
    parser.add_argument("--input", default="x:0")
    parser.add_argument("--output", default="Identity:0")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="intra- and inter-op threads (0: TensorFlow's default)")
    args = parser.parse_args()
    import numpy as np
    import tensorflow as tf

    gd = tf.compat.v1.GraphDef()
    with open(args.graph, "rb") as f:
        gd.ParseFromString(f.read())
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    shape = [args.batch] + g.get_tensor_by_name(args.input).shape.as_list()[1:]
    x = np.random.RandomState(1).randn(*shape).astype(np.float32)
    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=args.threads,
                                      inter_op_parallelism_threads=args.threads)
    options = tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE)
    per_type = collections.Counter()
    counts = collections.Counter()
    with tf.compat.v1.Session(graph=g, config=config) as s:
        for _ in range(5):
            s.run(args.output, {args.input: x})
        for _ in range(args.runs):
            meta = tf.compat.v1.RunMetadata()
            s.run(args.output, {args.input: x}, options=options, run_metadata=meta)
            for dev in meta.step_stats.dev_stats:
                for node in dev.node_stats:
                    kind = node.timeline_label.split("=")[-1].split("(")[0].strip() if "=" in node.timeline_label \
                        else node.node_name
                    per_type[kind] += node.op_end_rel_micros - node.op_start_rel_micros
                    counts[kind] += 1
    total = sum(per_type.values())
    print("TensorFlow %s, %s, batch %d, %d runs: kernel time per run by op type" % (
        tf.__version__, os.path.basename(args.graph), args.batch, args.runs))
    print("%-36s %10s %8s %6s" % ("op type", "ms/run", "count", "%"))
    for kind, us in per_type.most_common(15):
        print("%-36s %10.2f %8d %6.1f" % (kind, us / 1e3 / args.runs, counts[kind] // args.runs, 100.0 * us / total))


if __name__ == "__main__":
    main()
