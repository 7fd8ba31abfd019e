"""W8's graph: Keras ResNet50 (weights random, keras.utils.set_random_seed(1), input 224x224x3, 1000
classes) frozen by convert_variables_to_constants_v2, written as OUT_DIR/resnet50.pb (input x:0, output
Identity:0; about 100 MB, not committed); then TensorFlow Python's inference time on that file.

    python w8_resnet50.py OUT_DIR [--no-timing]

Timing: the written GraphDef imported into a tf.compat.v1.Session (as a runtime that loads the file does)
and, for comparison, the frozen ConcreteFunction called directly; batch 1 and 8, random normal input
(seeded); warm-up of at least 20 runs and 2 s, then 7 rounds of 5 runs: median and min-max ms per run.
TensorFlow runs with its defaults (every core, oneDNN as the wheel sets it).
"""
import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def timed(run):
    start, warm = time.perf_counter(), 0
    while warm < 20 or time.perf_counter() - start < 2.0:
        run()
        warm += 1
    rounds = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(5):
            run()
        rounds.append((time.perf_counter() - t) / 5 * 1e3)
    rounds.sort()
    return rounds[3], rounds[0], rounds[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    import keras
    import numpy as np
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    keras.utils.set_random_seed(1)
    model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
    serve = tf.function(lambda x: model(x, training=False))
    frozen = convert_variables_to_constants_v2(serve.get_concrete_function(tf.TensorSpec([None, 224, 224, 3])))
    graph_def = frozen.graph.as_graph_def()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / "resnet50.pb"
    path.write_bytes(graph_def.SerializeToString(deterministic=True))
    inputs = [t.name for t in frozen.inputs]
    outputs = [t.name for t in frozen.outputs]
    print("wrote %s: %d nodes, %.1f MB, input %s, output %s"
          % (path.name, len(graph_def.node), path.stat().st_size / 1e6, inputs, outputs))
    if args.no_timing:
        return
    images = np.random.RandomState(1).randn(8, 224, 224, 3).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=g) as s:
        for b in (1, 8):
            feed = {inputs[0]: images[:b]}
            median, low, high = timed(lambda: s.run(outputs[0], feed))
            print("TensorFlow %s Python, W8 Session on the file, batch %d, %d cores: median %.1f ms/run "
                  "(min %.1f, max %.1f)" % (tf.__version__, b, os.cpu_count(), median, low, high), flush=True)
    for b in (1, 8):
        x = tf.constant(images[:b])
        median, low, high = timed(lambda: frozen(x))
        print("TensorFlow %s Python, W8 frozen function, batch %d, %d cores: median %.1f ms/run (min %.1f, "
              "max %.1f)" % (tf.__version__, b, os.cpu_count(), median, low, high), flush=True)


if __name__ == "__main__":
    main()
