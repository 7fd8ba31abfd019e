"""Writes the TensorFlow reference files of the data module's tests, and checks TFRecord files written here.

Run from the project root with a Python that has TensorFlow 2.x:

    python tf-interop/python/data_cases.py            # writes data/src/test/resources/tf-data/
    python tf-interop/python/data_cases.py --check    # only checks the files the data module wrote (ours/)

Images are encoded by TensorFlow (tf.io.encode_jpeg quality 90, tf.io.encode_png) from fixed pixel patterns and
decoded by it (decode_jpeg with dct_method INTEGER_ACCURATE, and its default, decode_png); resize, crop and standardization results
are TensorFlow's on those decoded pixels, saved as .npy. TFRecord files hold Examples whose values follow
example_values(i) below, which the Java tests compute the same way.
"""
import os
import sys

import numpy as np
import tensorflow as tf

OUT = os.path.join('data', 'src', 'test', 'resources', 'tf-data')
RECORDS = 5


def example_values(i):
    """Feature values of record i (the Java tests' ExampleValues mirrors this)."""
    return {
        'label': [i],
        'weights': [i * 0.5, i + 0.25, -float(i)],
        'name': [('item-%d' % i).encode()],
        'tags': [('t%d' % j).encode() for j in range(i % 3)],
        'ids': list(range(i)),
    }


def example(i):
    v = example_values(i)
    f = tf.train.Feature
    return tf.train.Example(features=tf.train.Features(feature={
        'label': f(int64_list=tf.train.Int64List(value=v['label'])),
        'weights': f(float_list=tf.train.FloatList(value=v['weights'])),
        'name': f(bytes_list=tf.train.BytesList(value=v['name'])),
        'tags': f(bytes_list=tf.train.BytesList(value=v['tags'])),
        'ids': f(int64_list=tf.train.Int64List(value=v['ids'])),
    }))


def sequence_example(i):
    """Context 'length' = i + 1; per step s: 'tokens' [10 * i + s], 'frames' [s, -s * 0.5]."""
    f = tf.train.Feature
    steps = i + 1
    return tf.train.SequenceExample(
        context=tf.train.Features(feature={'length': f(int64_list=tf.train.Int64List(value=[steps]))}),
        feature_lists=tf.train.FeatureLists(feature_list={
            'tokens': tf.train.FeatureList(feature=[f(int64_list=tf.train.Int64List(value=[10 * i + s]))
                                                    for s in range(steps)]),
            'frames': tf.train.FeatureList(feature=[f(float_list=tf.train.FloatList(value=[s, -s * 0.5]))
                                                    for s in range(steps)]),
        }))


def pixels(h, w, c, seed):
    """A smooth pattern with noise, so that JPEG, resizing and cropping all have something to do."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255.0 / w + k * 40 + 30 * np.sin(y / 3.0 + k)) for k in range(c)], axis=-1)
    return np.clip(base + rng.randint(-20, 21, size=(h, w, c)), 0, 255).astype(np.uint8)


def spec():
    return {
        'label': tf.io.FixedLenFeature([], tf.int64),
        'weights': tf.io.FixedLenFeature([3], tf.float32),
        'name': tf.io.FixedLenFeature([], tf.string),
        'tags': tf.io.VarLenFeature(tf.string),
        'ids': tf.io.VarLenFeature(tf.int64),
    }


def check_example_records(path, compression):
    n = 0
    for i, rec in enumerate(tf.data.TFRecordDataset(path, compression_type=compression)):
        parsed = tf.io.parse_single_example(rec, spec())
        v = example_values(i)
        assert int(parsed['label']) == v['label'][0], (path, i, 'label')
        assert np.allclose(parsed['weights'].numpy(), v['weights']), (path, i, 'weights')
        assert parsed['name'].numpy() == v['name'][0], (path, i, 'name')
        assert list(parsed['tags'].values.numpy()) == v['tags'], (path, i, 'tags')
        assert list(parsed['ids'].values.numpy()) == v['ids'], (path, i, 'ids')
        n += 1
    assert n == RECORDS, (path, n)
    print('TensorFlow read %d records of %s' % (n, path))


def check_ours():
    ours = os.path.join(OUT, 'ours')
    check_example_records(os.path.join(ours, 'examples.tfrecord'), '')
    check_example_records(os.path.join(ours, 'examples.tfrecord.gz'), 'GZIP')


def write_references():
    os.makedirs(OUT, exist_ok=True)
    save = lambda name, t: np.save(os.path.join(OUT, name), np.asarray(t))
    for name, compression in [('examples.tfrecord', None), ('examples.tfrecord.gz', 'GZIP'),
                              ('examples.tfrecord.zlib', 'ZLIB')]:
        with tf.io.TFRecordWriter(os.path.join(OUT, name), options=compression) as w:
            for i in range(RECORDS):
                w.write(example(i).SerializeToString())
    with tf.io.TFRecordWriter(os.path.join(OUT, 'sequences.tfrecord')) as w:
        for i in range(3):
            w.write(sequence_example(i).SerializeToString())

    rgb = pixels(37, 53, 3, 1)
    gray = pixels(29, 31, 1, 2)
    rgba = pixels(19, 23, 4, 3)
    files = {
        'rgb.jpg': tf.io.encode_jpeg(rgb, quality=90),
        'gray.jpg': tf.io.encode_jpeg(gray, quality=90),
        'rgb.png': tf.io.encode_png(rgb),
        'gray.png': tf.io.encode_png(gray),
        'rgba.png': tf.io.encode_png(rgba),
        'gray16.png': tf.io.encode_png(pixels(11, 13, 1, 4).astype(np.uint16) * 257 + 3),
    }
    for name, data in files.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data.numpy())
    read = lambda name: tf.io.read_file(os.path.join(OUT, name))
    accurate = dict(dct_method='INTEGER_ACCURATE')
    save('rgb.jpg.c3.npy', tf.io.decode_jpeg(read('rgb.jpg'), channels=3, **accurate))
    save('rgb.jpg.c1.npy', tf.io.decode_jpeg(read('rgb.jpg'), channels=1, **accurate))
    save('rgb.jpg.c3.fast.npy', tf.io.decode_jpeg(read('rgb.jpg'), channels=3))  # the default: INTEGER_FAST
    save('gray.jpg.c0.npy', tf.io.decode_jpeg(read('gray.jpg'), channels=0, **accurate))
    save('gray.jpg.c3.npy', tf.io.decode_jpeg(read('gray.jpg'), channels=3, **accurate))
    save('rgb.png.c3.npy', tf.io.decode_png(read('rgb.png'), channels=3))
    save('gray.png.c0.npy', tf.io.decode_png(read('gray.png'), channels=0))
    save('gray.png.c3.npy', tf.io.decode_png(read('gray.png'), channels=3))
    save('rgba.png.c0.npy', tf.io.decode_png(read('rgba.png'), channels=0))
    save('rgba.png.c3.npy', tf.io.decode_png(read('rgba.png'), channels=3))
    save('gray16.png.c0.npy', tf.io.decode_png(read('gray16.png'), channels=0))

    decoded = tf.io.decode_jpeg(read('rgb.jpg'), channels=3, **accurate)
    for h, w in [(20, 31), (80, 101), (37, 20)]:
        save('resize_bilinear_%dx%d.npy' % (h, w), tf.image.resize(decoded, [h, w], method='bilinear'))
        save('resize_nearest_%dx%d.npy' % (h, w), tf.image.resize(decoded, [h, w], method='nearest'))
    save('center_crop_21x30.npy', tf.image.resize_with_crop_or_pad(decoded, 21, 30))
    save('per_image_standardization.npy', tf.image.per_image_standardization(decoded))
    print('wrote', OUT)


if __name__ == '__main__':
    if '--check' not in sys.argv:
        write_references()
    if os.path.isdir(os.path.join(OUT, 'ours')):
        check_ours()
