"""TensorFlow Python's load time and first-call latency of the Keras CNN SavedModel (the saved-model
topic's keras_export_cnn): exports it into a temporary folder, then, in a fresh process each time,
measures tf.saved_model.load and the first and later calls of its serving_default signature.

    python time_saved_model.py [--runs 5]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
HERE = Path(__file__).resolve().parent


def measure(export_dir):
    t0 = time.perf_counter()
    import numpy as np
    import tensorflow as tf
    t1 = time.perf_counter()
    loaded = tf.saved_model.load(export_dir)
    t2 = time.perf_counter()
    serve = loaded.signatures["serving_default"]
    x = tf.constant(np.random.RandomState(23).randn(2, 16, 16, 3).astype(np.float32))
    serve(image=x)
    t3 = time.perf_counter()
    later = []
    for _ in range(20):
        t = time.perf_counter()
        serve(image=x)
        later.append(time.perf_counter() - t)
    later.sort()
    print("MEASURE %.1f %.1f %.2f %.3f" % ((t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, later[10] * 1e3))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure")
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        export = str(Path(tmp) / "cnn")
        code = ("import sys; sys.path.insert(0, %r); from tfref.cases_saved_model import keras_cnn; "
                "keras_cnn().export(%r, verbose=False)" % (str(HERE), export))
        subprocess.run([sys.executable, "-c", code], check=True)
        rows = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--measure", export], check=True, text=True,
                                 stdout=subprocess.PIPE).stdout
            rows.append([float(v) for v in next(l for l in out.splitlines() if l.startswith("MEASURE")).split()[1:]])
    import tensorflow as tf
    names = ["import tensorflow", "tf.saved_model.load", "first call", "later call (median of 20)"]
    print("TensorFlow %s Python, Keras CNN SavedModel (batch 2, 16x16x3), %d fresh processes, %d cores:"
          % (tf.__version__, args.runs, os.cpu_count()))
    for i, name in enumerate(names):
        col = sorted(r[i] for r in rows)
        print("  %-28s median %8.2f ms (min %.2f, max %.2f)" % (name, col[len(col) // 2], col[0], col[-1]))


if __name__ == "__main__":
    main()
