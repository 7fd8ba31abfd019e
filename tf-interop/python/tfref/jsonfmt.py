"""JSON text for reference files: tensors on one line, floats that round-trip exactly.

Java readers parse a number into a double and narrow it to float for float32, so a float32 is
written with the fewest digits that survive exactly that path; a float64 with the fewest digits
that parse back to the same double. Non-finite values are written NaN, Infinity, -Infinity.
"""
import json
import math

import numpy as np


class Raw:
    """Text placed into the JSON as it is (a number already formatted)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def float32_text(x):
    f = np.float32(x)
    if np.isnan(f):
        return "NaN"
    if np.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    text = str(f)
    # str() gives numpy's shortest float32 digits; a reader that goes through a double must get f back.
    if np.float32(float(text)) != f:
        text = "%.9g" % float(f)
    return text


def float64_text(x):
    d = float(x)
    if math.isnan(d):
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    return repr(d)


def _is_inline(value):
    if isinstance(value, dict):
        return all(_is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v)) for v in value.values()) \
            and "dtype" in value
    if isinstance(value, list):
        return all(_is_scalar(v) for v in value)
    return True


def _is_scalar(v):
    return isinstance(v, (Raw, str, int, float, bool)) or v is None


def _scalar(v):
    if isinstance(v, Raw):
        return v.text
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, float):
        return float64_text(v)
    return str(int(v))


def _string(s):
    return json.dumps(s)


def _inline(value):
    if isinstance(value, dict):
        return "{" + ", ".join(_string(k) + ": " + _inline(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return _scalar(value)


def dumps(value, indent=0):
    """JSON text: objects and lists of objects one entry per line; tensors and scalar lists inline."""
    pad = "  " * (indent + 1)
    end = "  " * indent
    if isinstance(value, dict) and not _is_inline(value):
        if not value:
            return "{}"
        items = [pad + _string(k) + ": " + dumps(v, indent + 1) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list) and not _is_inline(value):
        items = [pad + dumps(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return _inline(value)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(value) + "\n")
