"""The list of cases: each is a function that fills a CaseWriter, run in a process set to its mode.

Modes: "tf1" is TensorFlow 1.x graph semantics (control flow v1: Enter/Exit/Switch/Merge, and reference
variables: VariableV2); "tf2" leaves TensorFlow 2's defaults (control flow v2: While/If with a function
library, resource variables, eager outside explicit graphs). The two cannot share one process.
"""
import inspect
from dataclasses import dataclass
from typing import Callable

MODES = ("tf1", "tf2")


@dataclass(frozen=True)
class Case:
    topic: str
    name: str
    issue: str
    mode: str
    fn: Callable
    description: str
    big: bool = False


CASES = []


def register(topic, name, issue, fn, description, mode="tf2", big=False):
    if mode not in MODES:
        raise ValueError("unknown mode " + mode)
    if any(c.topic == topic and c.name == name for c in CASES):
        raise ValueError("case %s/%s registered twice" % (topic, name))
    CASES.append(Case(topic, name, issue, mode, fn, " ".join(description.split()), big))


def case(topic, issue, mode="tf2", big=False):
    """Registers the decorated function as a case named after it, described by its docstring."""
    def deco(fn):
        register(topic, fn.__name__, issue, fn, inspect.getdoc(fn) or fn.__name__, mode, big)
        return fn
    return deco
