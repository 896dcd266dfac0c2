"""The in-kernel side of grading: call the student's functions, each in a fresh child process.

The grader sends this file's source to the student's kernel only after the notebook's own cells ran, in
one cell that also carries the calls' inputs (hidden ones included: they were never on disk) and a fresh
random token. :func:`run_calls` forks a child process for each function (and a fresh one again after a
call that ended its process): the child makes the calls one by one, turns what each returned into plain
arrays (``__array__`` included, so that counts against the per-call limit too) and writes them down a
pipe; the kernel waits at most the call's time limit for each, kills the child when a call is too slow
(the function's later calls are skipped), and publishes each result as display data of type
:data:`RESULT_MIME`, tagged with the token. Nothing a call does changes the kernel itself.

The child also holds each call to what the notebook's checks ask: a call that changed one of its
arguments in place (an array's dtype, shape or bytes, or what a list or tuple holds) is reported as
``mutated`` with the argument's position, never its values.

Warnings. Each call runs under the checks' error settings (``nncourse.exercises.compare.WARN_ON``),
installed afresh for the call together with a warning filter "always", so what the notebook set at
import time (``np.seterr``, ``warnings.simplefilter``, ``warnings.showwarning``, ``np.seterrcall``)
does not hold during the call. Overflows do not go through the warnings module at all: NumPy logs
them to the :class:`_FloatingPointWatch`, which also turns the function's own
``np.errstate``/``np.seterr`` for overflow back into logging, so a right result computed through
``exp(1000)`` (masked by ``np.where``, a clip or ``np.nan_to_num``, or silenced) is a warning and
fails the ``forbid_warnings`` checks only, as an unsilenced one does. A function that installs its
own error callback instead gets the warning :data:`TAMPERED`. Divide-by-zero and invalid values stay
warnings that the function may silence, as in the notebook's checks (the cross-entropy solution
silences log(0) before it clamps it; 0 * log(0) in a masked branch is invalid); library code (in the
Python installation or nncourse's helpers: NumPy's own ``isclose``, array printing, SciPy) keeps its
own settings. Not detected: overflows in a fresh context or another thread (new threads start with
NumPy's default settings, which warn, so a warning filter can hide them there), code that calls
NumPy's private ``_make_extobj`` or sets its context variable directly, code whose file name
pretends to be in the Python installation, and a notebook that rewrites NumPy, ``warnings`` or this
harness before the grading cell runs (such a notebook can also forge the records of its own calls;
it still cannot compute the references' answers).

Nothing is compared or scored here: student code runs in this process and could change anything in it.
The grader reads only the results of the grading cell, only with its token, decodes them with
:func:`decode_array` (no pickle, sizes checked before anything is allocated), and scores them on its own
side against references the kernel cannot import. This file uses only the standard library and NumPy,
and is also imported by the grader, which takes :class:`CallStatus` and the codecs from it.

Taught in: the instructor guide (book/instructors.md), section "What the grader trusts".
"""

import base64
import itertools
import json
import os
import re
import select
import signal
import struct
import sys
import time
import warnings
from enum import Enum

import numpy as np

RESULT_MIME = "application/vnd.nncourse.result+json"
LOGGED = ("over",)  # the floating-point events no setting of the student's code can hide
TAMPERED = "changed NumPy's floating-point error callback (np.seterrcall)"
MODES = {"ignore", "warn", "print", "log", "call"}  # of NumPy's, all but "raise"
_DTYPE = re.compile(r"[<>|=]?[biuf][1248]")  # plain numbers only: no objects, strings or records


class CallStatus(str, Enum):
    """How one call of a student function ended (the kernel reports all but ``no_result``)."""

    RETURNED = "returned"
    RAISED = "raised"
    BAD_RESULT = "bad_result"  # returned something that is not numbers, or too much of it
    NOT_IMPLEMENTED = "not_implemented"
    MISSING = "missing"
    TOO_SLOW = "too_slow"
    SKIPPED = "skipped"  # an earlier call of the same function ran out of time
    CRASHED = "crashed"  # the call ended its process without a result
    MUTATED = "mutated"  # returned, but changed an argument in place (which one: ``argument``)
    NO_RESULT = "no_result"  # grader side: nothing valid arrived for this call


def encode_array(array):
    """An array as JSON-able data: dtype, shape and the bytes in base64."""
    array = np.asarray(array).copy(order="C")  # (np.ascontiguousarray would make 0-d arrays 1-d)
    data = base64.b64encode(array.tobytes()).decode("ascii")
    return {"dtype": array.dtype.str, "shape": list(array.shape), "data": data}


def decode_array(encoded, max_bytes):
    """The array :func:`encode_array` encoded; raises ValueError for anything else or too large."""
    if not isinstance(encoded, dict) or set(encoded) != {"dtype", "shape", "data"}:
        raise ValueError("not an encoded array")
    dtype, shape, data = encoded["dtype"], encoded["shape"], encoded["data"]
    if not isinstance(dtype, str) or not _DTYPE.fullmatch(dtype):
        raise ValueError("not an array of numbers")
    if not isinstance(shape, list) or len(shape) > 32:
        raise ValueError("not a valid shape")
    if not all(type(n) is int and 0 <= n <= max_bytes for n in shape):
        raise ValueError("not a valid shape")
    if not isinstance(data, str) or len(data) > (max_bytes // 3 + 1) * 4:
        raise ValueError("too large")
    raw = base64.b64decode(data, validate=True)
    dtype = np.dtype(dtype)
    if int(np.prod(shape, dtype=object)) * dtype.itemsize != len(raw):
        raise ValueError("the data does not match the shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode_value(encoded, arrays):
    """An argument from its JSON form: ``{"array": key}``, ``{"list": [...]}``, ``{"tuple": [...]}``,
    ``{"value": v}``."""
    if "array" in encoded:
        return arrays[encoded["array"]].copy()
    if "list" in encoded:
        return [decode_value(e, arrays) for e in encoded["list"]]
    if "tuple" in encoded:
        return tuple(decode_value(e, arrays) for e in encoded["tuple"])
    return encoded["value"]


def _result_parts(value, structured, settings):
    """What the function returned as a list of numeric arrays (raises TypeError/ValueError otherwise)."""
    items = list(value) if structured and isinstance(value, (tuple, list)) else [value]
    arrays = []
    for item in items:
        array = np.asarray(item)
        if array.dtype.kind not in settings["numeric_kinds"]:
            raise TypeError(
                f"returned {type(item).__name__}, which is not a number or an array of numbers"
            )
        arrays.append(array)
    if sum(a.nbytes for a in arrays) > settings["max_result_bytes"]:
        raise ValueError(f"returned more than {settings['max_result_bytes'] // 1_000_000} MB")
    return arrays, structured and isinstance(value, (tuple, list))


def _snapshot(value):
    """What an argument holds, to tell afterwards whether a call changed it in place."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_snapshot(v) for v in value])
    if type(value) in (bool, int, float, str, type(None)):
        return ("value", type(value).__name__, value)
    return ("object", id(value))  # not an input the grader sends: only its identity counts


def _changed(arguments, before):
    """The position (among the positional, then the keyword arguments) of the first argument that is
    not what it was before the call, or None."""
    for i, (value, was) in enumerate(zip(arguments, before, strict=True)):
        try:
            same = _snapshot(value) == was
        except BaseException:  # a value the student's code turned into anything
            same = False
        if not same:
            return i
    return None


def _call(function, args, kwargs, structured, settings):
    """The child's work: one call and its result as a record (never raises)."""
    arguments = [*args, *kwargs.values()]
    before = [_snapshot(a) for a in arguments]
    start = time.perf_counter()
    try:
        value, warned = _invoke(function, args, kwargs, settings)
    except NotImplementedError:
        return {"status": CallStatus.NOT_IMPLEMENTED.value}
    except BaseException as error:  # the student's code may raise anything, even SystemExit
        return {
            "status": CallStatus.RAISED.value,
            "error": f"{type(error).__name__}: {error}"[:300],
        }
    seconds = time.perf_counter() - start
    try:  # converting the value runs the student's code too (``__array__``)
        parts, was_tuple = _result_parts(value, structured, settings)
    except BaseException as error:
        return {"status": CallStatus.BAD_RESULT.value, "error": str(error)[:300]}
    changed = _changed(arguments, before)
    if changed is not None:  # no value is sent: only which argument it was
        return {"status": CallStatus.MUTATED.value, "argument": changed}
    return {
        "status": CallStatus.RETURNED.value,
        "tuple": was_tuple,
        "warnings": [text[:200] for text in warned],
        "seconds": seconds,
        "parts": [encode_array(p) for p in parts],
    }


def _invoke(function, args, kwargs, settings):
    """What ``function(*args, **kwargs)`` returned, and the texts of (at most three of) its warnings:
    overflows from the :class:`_FloatingPointWatch`, then the others."""
    watch = _FloatingPointWatch()
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(call=watch, **_modes(settings["warn_on"])),
        watch,
    ):
        warnings.simplefilter("always")
        value = function(*args, **kwargs)
    texts = watch.events + [str(w.message) for w in caught]
    return value, ([*texts[:2], TAMPERED] if watch.tampered else texts[:3])


def watched_call(function, args, kwargs, warn_on):
    """``function(*args, **kwargs)`` under the error settings ``warn_on`` and the overflow watch, as
    the grader calls it: the value and the texts of (at most three of) its warnings. The notebook's
    checks (:mod:`nncourse.checks`) call the learner's functions through it, so that a silenced
    overflow fails there too, before hand-in."""
    return _invoke(function, args, kwargs, {"warn_on": warn_on})


def _modes(warn_on):
    """The grader's error settings: as the notebook's checks have them, except that overflows are
    logged by the watch instead of warned (no warning filter can hide them)."""
    return {k: "log" if k in LOGGED and v == "warn" else v for k, v in warn_on.items()}


class _FloatingPointWatch:
    """While a student function runs (``with watch:``): NumPy writes overflow events here (error mode
    "log", with this object as the callback), and the function's own requests to change NumPy's
    error settings for overflow (``np.errstate``, ``np.seterr``, also as a decorator) are turned back
    into "log" ("raise" is kept): a right result computed through ``exp(1000)`` counts as a warning
    however the function silenced it. Requests from library code (NumPy, SciPy, the standard
    library, nncourse: code in the Python installation) are left alone. Divide-by-zero and invalid
    values are not watched: silencing log(0) before a clamp, and 0 * log(0) in a masked branch, is
    what the course does."""

    def __init__(self):
        self.events, self.tampered = [], False
        self._namespace = np.errstate.__enter__.__globals__  # numpy._core._ufunc_config's
        self._real = self._namespace.get("_make_extobj")
        self._api = np.errstate.__enter__.__code__.co_filename
        folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        folders |= {os.path.dirname(os.path.dirname(np.__file__))}
        package = getattr(sys.modules.get("nncourse"), "__file__", None)
        folders |= {os.path.dirname(package)} if package else set()
        folders |= {os.path.realpath(f) for f in folders}
        self._library = tuple(os.path.join(f, "") for f in folders)

    def write(self, text):
        """NumPy's "log" mode: one event, e.g. "Warning: overflow encountered in exp"."""
        if len(self.events) < 3:
            self.events.append(str(text).removeprefix("Warning: ").strip())

    def __enter__(self):
        if self._real is not None:
            self._namespace["_make_extobj"] = self._make_extobj
        return self

    def __exit__(self, *exc_info):
        if self._real is not None:
            self._namespace["_make_extobj"] = self._real

    def _make_extobj(self, *args, **kwargs):
        """NumPy's own, with the student's setting for overflow made "log"."""
        if not self._from_library():
            if args or "call" in kwargs:  # its own callback would receive the events instead
                self.tampered = True
            else:
                every = kwargs.pop("all", None)
                for name in ("divide", "over", "under", "invalid"):
                    mode = kwargs.get(name) or every
                    kwargs[name] = "log" if name in LOGGED and mode in MODES else mode
        return self._real(*args, **kwargs)

    def _from_library(self):
        """Whether the code asking for new error settings lies in the Python installation."""
        # the caller of _make_extobj: np.errstate, np.seterr, or the student's code
        frame = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename == self._api:
            frame = frame.f_back
        if frame is None or frame.f_code is _invoke.__code__:  # the function is np.errstate's
            return False
        return frame.f_code.co_filename.startswith(self._library)


def _child(function, calls, settings, write_end):
    """In the forked child: no output to the notebook; each call, its record down the pipe; exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")
        for number in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        for args, kwargs, structured in calls:
            data = json.dumps(_call(function, args, kwargs, structured, settings)).encode()
            data = struct.pack(">Q", len(data)) + data
            while data:
                data = data[os.write(write_end, data) :]
    finally:
        os._exit(0)


class _Pipe:
    """The kernel's end of a child's pipe: length-prefixed messages, each awaited until a deadline."""

    def __init__(self, fd, limit_bytes):
        self.fd, self.limit, self.buffer = fd, limit_bytes, b""

    def message(self, deadline):
        """The next message, or None when it does not come in time, in one piece, or within bounds."""
        while True:
            if len(self.buffer) >= 8:
                size = 8 + struct.unpack(">Q", self.buffer[:8])[0]
                if size > self.limit:
                    return None
                if len(self.buffer) >= size:
                    data, self.buffer = self.buffer[8:size], self.buffer[size:]
                    return data
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None
            self.buffer += chunk


def _record(data):
    try:
        record = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _run_batch(function, calls, limit, settings):
    """The records of ``calls`` made one after the other in one forked child, each within ``limit``
    seconds; they stop after a call that was too slow or ended the child."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(function, calls, settings, write_end)
    os.close(write_end)
    pipe, records = _Pipe(read_end, settings["max_message_bytes"]), []
    try:
        for _ in calls:
            start = time.monotonic()
            record = _record(pipe.message(start + limit))
            if record is None and time.monotonic() - start >= limit:
                record = {
                    "status": CallStatus.TOO_SLOW.value,
                    "error": f"did not finish within {limit:g} s",
                }
            elif record is None:
                record = {"status": CallStatus.CRASHED.value, "error": "the call ended its process"}
            records.append(record)
            if record["status"] in (CallStatus.TOO_SLOW.value, CallStatus.CRASHED.value):
                break
    finally:
        os.close(read_end)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    return records


def _run_function(function, calls, limit, settings):
    """The records of all calls of one function: a fresh child again after a call that ended one; the
    calls after one that ran out of time are skipped."""
    records = []
    while len(records) < len(calls):
        records += _run_batch(function, calls[len(records) :], limit, settings)
        if records[-1]["status"] == CallStatus.TOO_SLOW.value:
            skipped = {
                "status": CallStatus.SKIPPED.value,
                "error": "an earlier call ran out of time",
            }
            records += [dict(skipped) for _ in range(len(calls) - len(records))]
    return records


def _publish(record):
    from IPython.display import display

    display({RESULT_MIME: json.dumps(record)}, raw=True)


def run_calls(namespace, payload, token, limit, settings):
    """Call the functions in ``namespace`` as ``payload`` (JSON text) says; at most ``limit`` s a call."""
    payload = json.loads(payload)
    arrays = {
        k: decode_array(v, settings["max_result_bytes"]) for k, v in payload["arrays"].items()
    }
    for name, group in itertools.groupby(payload["calls"], key=lambda c: c["function"]):
        group = list(group)
        function = namespace.get(name)
        if callable(function):
            calls = [
                (
                    [decode_value(a, arrays) for a in c["args"]],
                    {k: decode_value(v, arrays) for k, v in c["kwargs"].items()},
                    c["structured"],
                )
                for c in group
            ]
            records = _run_function(function, calls, limit, settings)
        else:
            records = [{"status": CallStatus.MISSING.value} for _ in group]
        for c, record in zip(group, records, strict=True):
            record.update(token=token, id=c["id"])
            _publish(record)


class RunStatus(str, Enum):
    """How grading one submission ended: the ``status`` column of grades.csv (grader side only)."""

    OK = "ok"
    ERROR = "error"  # a cell raised, a function is missing, or the grader could not finish
    TIMEOUT = "timeout"
    CRASHED = "crashed"  # the kernel died
    INVALID = "invalid"  # not a notebook the grader can run
