"""Runs inside a student's kernel at grading time: call the student's functions, save what they return.

The grader appends a cell that executes this file's source in a fresh namespace and calls
:func:`run_calls`. Nothing is compared or scored here: student code runs in this process and could change
anything in it, so this side only turns the student's results into data (``.npz`` arrays and JSON) that the
grader loads without pickle and scores on its own side. This file imports only the standard library and
NumPy, so it works without nncourse in the kernel.

Input, written by the grader into ``folder``: ``calls.json`` (a list of ``{"id", "function", "args",
"kwargs", "structured"}``, each argument encoded by :func:`decode`) and ``inputs.npz``.
Output, one pair per call in ``folder/results``: ``ID.json`` (``status`` is ``returned``, ``raised``,
``bad_result``, ``not_implemented``, ``missing``, ``too_slow`` or ``skipped``) and, when it returned, ``ID.npz``.
"""

import json
import os
import signal
import time
import warnings

import numpy as np

NUMERIC_KINDS = "biuf"
MAX_RESULT_BYTES = 50_000_000  # a result larger than this is not saved (the grader refuses it too)
WARN_ON = {"over": "warn", "divide": "warn", "invalid": "warn", "under": "ignore"}


class TooSlow(BaseException):
    """Raised by the alarm when one call runs longer than its limit."""


def decode(encoded, arrays):
    """An argument from its JSON form: ``{"array": key}``, ``{"list": [...]}``, ``{"tuple": [...]}``,
    ``{"value": v}``."""
    if "array" in encoded:
        return arrays[encoded["array"]].copy()
    if "list" in encoded:
        return [decode(e, arrays) for e in encoded["list"]]
    if "tuple" in encoded:
        return tuple(decode(e, arrays) for e in encoded["tuple"])
    return encoded["value"]


def _on_alarm(signum, frame):
    raise TooSlow()


def _save_result(value, structured, npz_path):
    items = list(value) if structured and isinstance(value, (tuple, list)) else [value]
    arrays = []
    for item in items:
        array = np.asarray(item)
        if array.dtype.kind not in NUMERIC_KINDS:
            raise TypeError(
                f"returned {type(item).__name__}, which is not a number or an array of numbers"
            )
        arrays.append(array)
    if sum(a.nbytes for a in arrays) > MAX_RESULT_BYTES:
        raise ValueError(f"returned more than {MAX_RESULT_BYTES // 1_000_000} MB of numbers")
    with open(npz_path, "wb") as f:
        np.savez(f, *arrays)
    return structured and isinstance(value, (tuple, list))


def _call(function, args, kwargs, structured, npz_path, limit):
    # The alarm repeats every second, so a function that swallows the first one is still stopped.
    signal.setitimer(signal.ITIMER_REAL, limit, 1.0)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(**WARN_ON):
            warnings.simplefilter("always")
            value = function(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - start
    try:
        was_tuple = _save_result(value, structured, npz_path)
    except (TypeError, ValueError) as error:
        return {"status": "bad_result", "error": str(error)[:500]}
    messages = [str(w.message)[:200] for w in caught[:3]]
    return {"status": "returned", "tuple": was_tuple, "warnings": messages, "seconds": seconds}


def run_calls(namespace, folder, limit):
    """Call the functions in ``namespace`` as ``folder/calls.json`` says; at most ``limit`` s a call."""
    with open(os.path.join(folder, "calls.json")) as f:
        calls = json.load(f)
    with np.load(os.path.join(folder, "inputs.npz"), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    results = os.path.join(folder, "results")
    os.makedirs(results, exist_ok=True)
    signal.signal(signal.SIGALRM, _on_alarm)
    too_slow = set()
    for c in calls:
        function = namespace.get(c["function"])
        if c["function"] in too_slow:
            record = {"status": "skipped", "error": "an earlier call ran out of time"}
        elif not callable(function):
            record = {"status": "missing"}
        else:
            args = [decode(a, arrays) for a in c["args"]]
            kwargs = {k: decode(v, arrays) for k, v in c["kwargs"].items()}
            npz_path = os.path.join(results, c["id"] + ".npz")
            try:
                record = _call(function, args, kwargs, c["structured"], npz_path, limit)
            except TooSlow:
                signal.setitimer(signal.ITIMER_REAL, 0)
                too_slow.add(c["function"])
                record = {"status": "too_slow", "error": f"did not finish within {limit:g} s"}
            except NotImplementedError:
                record = {"status": "not_implemented"}
            except BaseException as error:  # the student's code may raise anything, even SystemExit
                record = {"status": "raised", "error": f"{type(error).__name__}: {error}"[:500]}
        tmp = os.path.join(results, c["id"] + ".json.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.replace(tmp, os.path.join(results, c["id"] + ".json"))
