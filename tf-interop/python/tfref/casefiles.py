"""Writes one reference case: a folder with case.json and the files it lists.

The layout is described in the README of the cases folder; this module is its only writer.
"""
import base64
import re
import shutil
from pathlib import Path

import numpy as np
from google.protobuf import text_format

from . import graphinfo
from .jsonfmt import Raw, float32_text, float64_text, write_json

# Tensors with more elements than this go to a .npy file next to the JSON that names them.
NPY_THRESHOLD = 1000
# graph.pbtxt is written beside graph.pb only when the binary graph is at most this many bytes.
PBTXT_MAX_BYTES = 16 * 1024

_DTYPE_NAMES = {
    np.dtype(np.float32): "float32", np.dtype(np.float64): "float64", np.dtype(np.float16): "float16",
    np.dtype(np.int32): "int32", np.dtype(np.int64): "int64", np.dtype(np.uint8): "uint8",
    np.dtype(np.int8): "int8", np.dtype(np.int16): "int16", np.dtype(np.bool_): "bool",
}


def producer():
    import tensorflow as tf
    return "TensorFlow %s (Python, CPU)" % tf.__version__


def _file_stem(prefix, tensor_name):
    return prefix + "." + re.sub(r"[^A-Za-z0-9_.-]", "_", tensor_name)


def tensor_entry(value, case_dir, stem):
    """{dtype, shape, values} for a tensor; {dtype, shape, npy} with the .npy written when it is large."""
    arr = np.asarray(value)
    shape = [int(d) for d in arr.shape]
    if arr.dtype.kind in "SUO":
        items = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in arr.reshape(-1).tolist()]
        try:
            return {"dtype": "string", "shape": shape, "values": [b.decode("utf-8") for b in items]}
        except UnicodeDecodeError:
            return {"dtype": "string", "shape": shape, "encoding": "base64",
                    "values": [base64.b64encode(b).decode("ascii") for b in items]}
    if arr.dtype not in _DTYPE_NAMES:
        raise ValueError("no dtype name for %s (%s)" % (stem, arr.dtype))
    dtype = _DTYPE_NAMES[arr.dtype]
    if arr.size > NPY_THRESHOLD:
        file_name = stem + ".npy"
        np.save(Path(case_dir) / file_name, np.ascontiguousarray(arr), allow_pickle=False)
        return {"dtype": dtype, "shape": shape, "npy": file_name}
    flat = arr.reshape(-1)
    if dtype in ("float32", "float16"):
        values = [Raw(float32_text(v)) for v in flat]
    elif dtype == "float64":
        values = [Raw(float64_text(v)) for v in flat]
    elif dtype == "bool":
        values = [bool(v) for v in flat]
    else:
        values = [int(v) for v in flat]
    return {"dtype": dtype, "shape": shape, "values": values}


class CaseWriter:
    """Collects one case's files in {root}/{topic}/{name}/ and writes case.json on finish()."""

    def __init__(self, root, topic, name, issue, description):
        self.dir = Path(root) / topic / name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        self.spec = {"name": name, "topic": topic, "issue": issue, "description": description,
                     "producer": producer(), "kind": "graph", "run_first": [], "feeds": [], "fetches": []}
        self.notes = []
        self._types = set()
        self._functions = {}

    # ---- graphs -------------------------------------------------------------------------------------------

    def graph(self, graph_def, fetches=(), file_name="graph.pb", record_only=False):
        """Writes a GraphDef (and its text form when small); records its op types and variant placeholders."""
        if not record_only:
            data = graph_def.SerializeToString(deterministic=True)
            (self.dir / file_name).write_bytes(data)
            if len(data) <= PBTXT_MAX_BYTES:
                text_name = file_name[:-3] + ".pbtxt" if file_name.endswith(".pb") else file_name + ".pbtxt"
                (self.dir / text_name).write_text(text_format.MessageToString(graph_def), encoding="utf-8")
        self._types.update(graphinfo.op_types(graph_def))
        self._functions.update(graphinfo.function_op_types(graph_def))
        variants, unconnected = graphinfo.placeholder_report(graph_def, fetches)
        if variants:
            self.spec.setdefault("variant_placeholders", []).extend(variants)
        if unconnected:
            self.spec.setdefault("unconnected_placeholders", []).extend(unconnected)
        return self

    def op_types(self, types):
        """Adds op types the case holds outside a GraphDef written with graph()."""
        self._types.update(types)
        return self

    # ---- runs ---------------------------------------------------------------------------------------------

    def tensors(self, prefix, mapping):
        return {name: tensor_entry(v, self.dir, _file_stem(prefix, name)) for name, v in mapping.items()}

    def run(self, feeds, expected, run_first=(), targets=()):
        """One Session.run: feeds.json and expected.json (the old format)."""
        write_json(self.dir / "feeds.json", self.tensors("feed", feeds))
        write_json(self.dir / "expected.json", self.tensors("expected", expected))
        self.spec["run_first"] = list(run_first)
        self.spec["feeds"] = list(feeds)
        self.spec["fetches"] = list(expected)
        if targets:
            self.spec["targets"] = list(targets)
        return self

    def steps(self, steps, run_first=()):
        """Several Session.runs in order; each step is dict(feeds=, fetches={name: value}, targets=[],
        error=None or {"type", "message_contains"})."""
        out = []
        feeds, fetches = [], []
        for i, step in enumerate(steps):
            entry = {"feeds": self.tensors("step%d.feed" % i, step.get("feeds", {})),
                     "targets": list(step.get("targets", [])),
                     "fetches": list(step.get("fetches", {})) or list(step.get("fetch_names", [])),
                     "expected": self.tensors("step%d.expected" % i, step.get("fetches", {}))}
            if step.get("error"):
                entry["expected_error"] = step["error"]
            for key in ("note", "printed"):
                if step.get(key) is not None:
                    entry[key] = step[key]
            out.append(entry)
            feeds += [f for f in step.get("feeds", {}) if f not in feeds]
            fetches += [f for f in entry["fetches"] if f not in fetches]
        write_json(self.dir / "steps.json", {"steps": out})
        self.spec["kind"] = "steps"
        self.spec["run_first"] = list(run_first)
        self.spec["feeds"] = feeds
        self.spec["fetches"] = fetches
        self.spec["steps"] = len(out)
        return self

    def variables(self, mapping, file_name="variables.json"):
        """Variable name -> value (e.g. after the last step, or as a checkpoint holds them)."""
        write_json(self.dir / file_name, self.tensors(file_name.split(".")[0], mapping))
        self.spec["variables"] = file_name
        return self

    # ---- everything else ----------------------------------------------------------------------------------

    def set(self, key, value):
        self.spec[key] = value
        return self

    def note(self, text):
        self.notes.append(text)
        return self

    def path(self, relative):
        p = self.dir / relative
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def finish(self):
        self.spec["op_types"] = sorted(self._types)
        if self._functions:
            self.spec["functions"] = self._functions
        self.spec["notes"] = self.notes
        files = sorted(str(p.relative_to(self.dir)) for p in self.dir.rglob("*") if p.is_file())
        self.spec["files"] = files + ["case.json"]
        write_json(self.dir / "case.json", self.spec)
        size = sum((self.dir / f).stat().st_size for f in self.spec["files"])
        print("  %-14s %-44s %9d bytes" % (self.spec["topic"], self.spec["name"], size), flush=True)
        return self.spec
