"""TensorFlow Python's time per training step of a v1 dynamic_rnn LSTM: the peer for the LSTM benchmark.

    python time_lstm_step.py [--batch 32] [--time 50] [--depth 128] [--units 128] [--form v1|v2]

The graph is lstm_graph.build (tf.compat.v1.nn.dynamic_rnn over LSTMCell, loss mean((h-y)^2) + 0.5
mean(outputs^2), Adam 1e-3), one fed batch (random normal, seeded) per step, no sequence_length. --form v1
uses control flow v1 and reference variables (TensorFlow 1.x), v2 TensorFlow 2's While and resource
variables. TensorFlow runs with its defaults (every core, oneDNN as the wheel sets it). Warm-up of at least
20 steps and 2 s, then 7 rounds of 10 steps: median and min-max ms per step.
"""
import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--time", type=int, default=50)
    parser.add_argument("--depth", type=int, default=128)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--form", choices=("v1", "v2"), default="v1")
    args = parser.parse_args()
    import tensorflow as tf
    if args.form == "v1":
        tf.compat.v1.disable_control_flow_v2()
        tf.compat.v1.disable_resource_variables()
    from tfref import lstm_graph
    from tfref.tfutil import randn

    m = lstm_graph.build(args.batch, args.time, args.depth, args.units, seed=1,
                         optimizer=tf.compat.v1.train.AdamOptimizer(1e-3), with_sequence_length=False)
    feeds = {m.x: randn(1, [args.batch, args.time, args.depth]), m.y: randn(2, [args.batch, args.units])}
    with tf.compat.v1.Session(graph=m.graph) as s:
        s.run(m.init)
        start, warm = time.perf_counter(), 0
        while warm < 20 or time.perf_counter() - start < 2.0:
            s.run([m.loss, m.train], feeds)
            warm += 1
        rounds = []
        for _ in range(7):
            t = time.perf_counter()
            for _ in range(10):
                s.run([m.loss, m.train], feeds)
            rounds.append((time.perf_counter() - t) / 10 * 1e3)
    rounds.sort()
    print("TensorFlow %s Python, LSTM train step (%s control flow), batch %d, %d steps, input %d, %d units, "
          "%d cores: median %.2f ms/step (min %.2f, max %.2f; %d warm-up steps)"
          % (tf.__version__, args.form, args.batch, args.time, args.depth, args.units, os.cpu_count(),
             rounds[3], rounds[0], rounds[-1], warm))


if __name__ == "__main__":
    main()
