"""Grade submitted notebooks: ``nncourse grade EXERCISE SUBMISSION... --out DIR``.

For each submission the grader

1. reads the notebook (not a readable notebook: status ``invalid``);
2. starts a fresh kernel for it (nbclient; inside bubblewrap when installed, see :mod:`nncourse.sandbox`),
   runs the notebook's code cells, then a cell that calls the student's functions on the public and hidden
   inputs and saves the results as ``.npz`` + JSON (:mod:`nncourse.kernel_harness`);
3. kills the kernel's whole process group when the submission's time limit runs out (status ``timeout``),
   and notices a kernel that died (status ``crashed``);
4. loads the saved results without pickle and compares them, in the grading process, with the reference
   results it computed itself: patching NumPy, nncourse or the checks inside the notebook changes nothing
   here. Each check passed earns its points; the status is ``error`` when a cell raised or a function is
   missing (the checks that ran still count), else ``ok``;
5. appends a row to ``DIR/grades.csv`` and writes ``DIR/results/NAME.json`` (Gradescope's format).

Hidden inputs come from a secret: ``--secret``, else ``$NNCOURSE_GRADING_SECRET``, else
``DIR/secret.txt`` (made on the first run). The same secret gives every submission the same inputs, and a
resumed run the same grades.

Taught in: the instructor guide (book/instructors.md).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import atexit
import copy
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from nncourse import sandbox
from nncourse.exercises import load_exercise
from nncourse.exercises.compare import (
    NUMERIC_KINDS,
    as_parts,
    diagnose,
    format_value,
    is_structured,
)
from nncourse.exercises.spec import Call, Check, Exercise, Question, check_rng
from nncourse.gradebook import Gradebook, columns_for

SECRET_ENV = "NNCOURSE_GRADING_SECRET"
MAX_NOTEBOOK_BYTES = 20_000_000
MAX_RESULT_BYTES = 50_000_000  # one call's saved arrays, uncompressed
MAX_OUTPUT_BYTES = 1_000_000  # printed output kept per submission; the rest is dropped
HARNESS_SOURCE = (Path(__file__).parent / "kernel_harness.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Submission:
    """One notebook to grade: ``key`` names it in grades.csv, ``student`` is the name before ``.ipynb``
    (or the first folder), ``path`` is where it is."""

    key: str
    student: str
    path: Path


@dataclass(frozen=True)
class PlannedCall:
    """One call of a student function at grading time, with the reference's result."""

    id: str
    question: Question
    check: Check
    call: Call
    expected: list[np.ndarray]
    structured: bool


@dataclass
class Run:
    """What running one submission produced, before scoring."""

    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth a look, but not an error
    records: dict[str, dict] = field(default_factory=dict)
    parts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    seconds: float = 0.0


# -- submissions and secret ------------------------------------------------------------------------


def collect_submissions(paths: list[Path]) -> list[Submission]:
    """Every notebook named by ``paths`` (files as given; folders searched for ``*.ipynb``)."""
    found: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*.ipynb")):
                if ".ipynb_checkpoints" not in p.parts:
                    found.append((p.relative_to(path).as_posix(), p))
        elif path.exists():
            found.append((path.name, path))
        else:
            raise ValueError(f"submission {str(path)!r} does not exist")
    keys = [k for k, _ in found]
    submissions = []
    for key, p in found:
        if keys.count(key) > 1:  # the same name in two places: use the path as given
            key = p.as_posix()
        student = Path(key).parts[0]
        submissions.append(Submission(key, student.removesuffix(".ipynb"), p))
    return submissions


def resolve_secret(secret: str | None, out: Path) -> tuple[str, str]:
    """The secret that seeds the hidden inputs, and where it came from."""
    if secret:
        return secret, "--secret"
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV], f"${SECRET_ENV}"
    path = out / "secret.txt"
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(16) + "\n")
    return path.read_text().strip(), str(path)


# -- the calls and their data ----------------------------------------------------------------------


def plan_calls(exercise: Exercise, secret: str) -> list[PlannedCall]:
    """Every call of every check (public inputs as written, hidden ones drawn from the secret)."""
    planned = []
    for qi, q in enumerate(exercise.questions):
        for ci, check in enumerate(q.checks):
            rng = check_rng(secret, exercise.id, q.function, check.name) if check.hidden else None
            for k, c in enumerate(check.calls(rng)):
                value = q.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
                structured = is_structured(value)
                planned.append(
                    PlannedCall(
                        f"{qi}-{ci}-{k}", q, check, c, as_parts(value, structured), structured
                    )
                )
    return planned


def _encode(value: object, arrays: dict[str, np.ndarray]) -> dict:
    if isinstance(value, (np.ndarray, np.generic)):
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value)
        return {"array": key}
    if isinstance(value, list):
        return {"list": [_encode(v, arrays) for v in value]}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, arrays) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    raise TypeError(
        f"check inputs must be arrays, numbers, strings or lists of them; got {type(value).__name__}"
    )


def write_payload(planned: list[PlannedCall], folder: Path) -> None:
    """``calls.json`` and ``inputs.npz`` for :func:`nncourse.kernel_harness.run_calls`."""
    arrays: dict[str, np.ndarray] = {}
    calls = [
        {
            "id": p.id,
            "function": p.question.function,
            "args": [_encode(a, arrays) for a in p.call.args],
            "kwargs": {k: _encode(v, arrays) for k, v in p.call.kwargs.items()},
            "structured": p.structured,
        }
        for p in planned
    ]
    (folder / "calls.json").write_text(json.dumps(calls))
    np.savez(folder / "inputs.npz", **arrays)


def load_result(results: Path, call_id: str) -> tuple[dict | None, list[np.ndarray] | None, str]:
    """One call's record and arrays as the kernel saved them, read defensively; the third item says why
    the arrays could not be read."""
    record_path = results / f"{call_id}.json"
    try:
        if record_path.stat().st_size > 100_000:
            return None, None, "the saved result is too large"
        record = json.loads(record_path.read_text())
        if not isinstance(record, dict):
            return None, None, "the saved result is not valid"
    except (OSError, ValueError):
        return None, None, "no result: the notebook stopped before this call"
    if record.get("status") != "returned":
        return record, None, ""
    npz = results / f"{call_id}.npz"
    try:
        with zipfile.ZipFile(npz) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > MAX_RESULT_BYTES:
                return record, None, "the result is too large"
        with np.load(npz, allow_pickle=False) as data:
            parts = [data[f"arr_{i}"] for i in range(len(data.files))]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        return record, None, f"the result could not be read ({type(error).__name__})"
    if any(p.dtype.kind not in NUMERIC_KINDS for p in parts):
        return record, None, "the result is not an array of numbers"
    return record, parts, ""


# -- running one submission ------------------------------------------------------------------------


class GradingClient(NotebookClient):
    """nbclient's client, keeping at most MAX_OUTPUT_BYTES of printed output (errors are always kept)."""

    output_bytes = 0
    flooded = False

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] != "error":
            content = msg["content"]
            self.output_bytes += len(content.get("text", "")) + len(str(content.get("data", "")))
            if self.output_bytes > MAX_OUTPUT_BYTES:
                self.flooded = True
                return None
        return super().output(outs, msg, display_id, cell_index)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The submission as a notebook; raises ValueError with a reason when it is not a usable one."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"the file is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB")
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        nbformat.validate(nb)
    except ValueError:
        raise
    except Exception as error:  # nbformat raises many kinds for a broken file
        raise ValueError(
            f"not a readable notebook ({type(error).__name__}: {str(error)[:200]})"
        ) from None
    if not any(c.cell_type == "code" for c in nb.cells):
        raise ValueError("the notebook has no code cells")
    return nb


def grading_notebook(
    nb: nbformat.NotebookNode, folder: Path, call_limit: float
) -> nbformat.NotebookNode:
    """The submission's code cells, then the cell that calls the student's functions."""
    cells = [nbformat.v4.new_code_cell(c.source) for c in nb.cells if c.cell_type == "code"]
    harness = (
        f"_nncourse_harness = {{}}\nexec({HARNESS_SOURCE!r}, _nncourse_harness)\n"
        f"_nncourse_harness['run_calls'](globals(), {str(folder)!r}, {call_limit!r})"
    )
    cells.append(nbformat.v4.new_code_cell(harness))
    return nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        },
    )


def exercise_functions(planned: list[PlannedCall]) -> list[str]:
    """The names of the functions the calls are for, in order."""
    return list(dict.fromkeys(p.question.function for p in planned))


def reference_uses(nb: nbformat.NotebookNode, functions: list[str]) -> list[str]:
    """Which of ``functions`` the notebook takes from nncourse (``nn.sigmoid``, ``from nncourse import
    sigmoid``) instead of writing them: the grader notes it for the instructor."""
    import nncourse

    names = {f for f in functions if hasattr(nncourse, f)}
    trees = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = [
                line
                for line in cell.source.splitlines()
                if not line.lstrip().startswith(("%", "!"))
            ]
            try:
                trees.append(ast.parse("\n".join(lines)))
            except (SyntaxError, ValueError):
                continue
    nodes = [node for tree in trees for node in ast.walk(tree)]
    aliases = {"nncourse"}
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            aliases |= {
                a.asname or a.name for a in node.names if a.name.split(".")[0] == "nncourse"
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "nncourse":
            aliases |= {a.asname or a.name for a in node.names}
            found |= {a.name for a in node.names if a.name in names}
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr in names:
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                found.add(node.attr)
    return sorted(found)


def _running_cell(nb: nbformat.NotebookNode) -> str:
    """Where a stopped notebook was: the last cell that started running."""
    started = [i for i, cell in enumerate(nb.cells) if cell.get("execution_count") is not None]
    if not started:
        return " while the kernel started"
    if started[-1] == len(nb.cells) - 1:
        return " while the grader called the functions"
    return f" in code cell {started[-1] + 1}"


def _cell_errors(nb: nbformat.NotebookNode) -> list[str]:
    errors = []
    last = len(nb.cells) - 1
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                where = "the grading cell" if i == last else f"code cell {i + 1}"
                errors.append(f"{where} raised {out.get('ename')}: {str(out.get('evalue'))[:200]}")
    return errors


async def run_submission(
    submission: Submission,
    planned: list[PlannedCall],
    timeout: float,
    bwrap: str | None,
    hidden: list[Path],
    call_timeout: float | None = None,
    memory_mb: int | None = None,
    active: dict | None = None,
) -> Run:
    """Run one submission in its own kernel and collect what its functions returned."""
    run = Run()
    start = time.perf_counter()
    try:
        nb = read_notebook(submission.path)
    except ValueError as error:
        return Run(status="invalid", reasons=[str(error)])
    run.notes += [
        f"calls nncourse.{name}, the reference"
        for name in reference_uses(nb, exercise_functions(planned))
    ]
    scratch = Path(tempfile.mkdtemp(prefix="nncourse-grade-"))
    km, marker = sandbox.kernel_manager(scratch, bwrap, hidden, memory_mb)
    call_limit = call_timeout or max(1.0, min(10.0, timeout / 4))  # one call of a student function
    graded = grading_notebook(nb, scratch, call_limit)
    client = GradingClient(
        graded,
        km=km,
        timeout=None,
        startup_timeout=max(timeout, 30),
        allow_errors=True,
        shutdown_kernel="immediate",
        record_timing=False,
    )
    task = None
    try:
        write_payload(planned, scratch)
        if active is not None:  # so that an interrupted run can kill every kernel at once
            active[marker] = km
        task = asyncio.ensure_future(client.async_execute(**sandbox.start_options(scratch, marker)))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # retrieved, never logged
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            sandbox.kill_kernel(km, marker)
            task.cancel()
            await asyncio.wait({task}, timeout=10)
            run.status = "timeout"
            run.reasons.append(
                f"stopped after the time limit of {timeout:g} s{_running_cell(graded)}"
            )
        elif task.exception() is not None:
            error = task.exception()
            if isinstance(error, DeadKernelError) or "Kernel died" in str(error):
                run.status = "crashed"
                run.reasons.append(
                    "the kernel died (the notebook exited, crashed or ran out of memory)"
                )
            else:
                run.status = "error"
                run.reasons.append(f"{type(error).__name__}: {str(error)[:200]}")
        else:
            run.reasons += _cell_errors(graded)
            if run.reasons:
                run.status = "error"
        if client.flooded:
            run.reasons.append(
                f"printed more than {MAX_OUTPUT_BYTES // 1_000_000} MB; the rest was dropped"
            )
        for p in planned:
            record, parts, problem = load_result(scratch / "results", p.id)
            run.records[p.id] = record or {"status": "no_result", "error": problem}
            if parts is not None:
                run.parts[p.id] = parts
            elif problem and record is not None:
                run.records[p.id] = {"status": "bad_result", "error": problem}
    finally:
        if task is not None and not task.done():  # interrupted: stop nbclient, even mid-start
            task.cancel()
            await asyncio.wait({task}, timeout=5)
        sandbox.kill_kernel(km, marker)
        if active is not None:
            active.pop(marker, None)
        atexit.unregister(client._cleanup_kernel)  # nbclient's exit hook fails once cleaned up
        shutil.rmtree(scratch, ignore_errors=True)
    run.seconds = time.perf_counter() - start
    return run


# -- scoring ---------------------------------------------------------------------------------------

RECORD_MESSAGES = {
    "not_implemented": "not implemented yet (raises NotImplementedError)",
    "missing": "the function is not defined in the notebook",
}


def _call_problem(p: PlannedCall, record: dict, parts: list[np.ndarray] | None) -> str | None:
    status = record.get("status")
    if status == "raised":
        return f"raised {str(record.get('error'))[:300]}"
    if status != "returned" or parts is None:
        return RECORD_MESSAGES.get(status) or str(record.get("error") or status)[:300]
    problem = diagnose(p.expected, parts, rtol=p.check.rtol, atol=p.check.atol)
    warnings = record.get("warnings") or []
    if problem is None and p.check.forbid_warnings and warnings:
        problem = f"the values are right but the function warned: {str(warnings[0])[:200]}"
    return problem


def score(exercise: Exercise, planned: list[PlannedCall], run: Run) -> tuple[dict, list[dict]]:
    """Points per question and Gradescope test entries, from the saved results; the grader's side only."""
    problems: dict[tuple[str, str], str | None] = {}  # the first failure of each check, or None
    for p in planned:
        key = (p.question.function, p.check.name)
        if problems.get(key) is None:
            problems[key] = _call_problem(p, run.records.get(p.id, {}), run.parts.get(p.id))
            if problems[key] is not None and not p.check.hidden:  # public inputs may be shown
                problems[key] = f"input: {_format_args(p.call)}\n{problems[key]}"
    points: dict[str, float] = {}
    tests = []
    for q in exercise.questions:
        points[q.function] = 0.0
        for check in q.checks:
            problem = problems.get((q.function, check.name), "not run")
            earned = check.points if problem is None else 0.0
            points[q.function] += earned
            output = (
                "passed"
                if problem is None
                else problem + (f"\nHint: {check.hint}" if check.hint else "")
            )
            tests.append(
                {
                    "name": f"{q.function}: {check.name}",
                    "score": earned,
                    "max_score": check.points,
                    "visibility": "after_published" if check.hidden else "visible",
                    "output": output,
                }
            )
    return points, tests


def _format_args(c: Call) -> str:
    parts = [format_value(a) for a in c.args] + [
        f"{k}={format_value(v)}" for k, v in c.kwargs.items()
    ]
    return ", ".join(parts)


def _functions_with_status(
    exercise: Exercise, planned: list[PlannedCall], run: Run, status: str
) -> list[str]:
    """The functions for which every call ended with ``status`` (e.g. "missing")."""
    found = []
    for q in exercise.questions:
        statuses = {run.records.get(p.id, {}).get("status") for p in planned if p.question is q}
        if statuses == {status}:
            found.append(q.function)
    return found


def grade_one(
    exercise: Exercise, planned: list[PlannedCall], submission: Submission, run: Run
) -> tuple[dict, dict]:
    """The grades.csv row and the results.json of one run submission."""
    points, tests = score(exercise, planned, run)
    missing = _functions_with_status(exercise, planned, run, "missing")
    if missing and run.status == "ok":
        run.status = "error"
    reasons = run.reasons + [f"{f} is not defined" for f in missing] + run.notes
    unfinished = _functions_with_status(exercise, planned, run, "not_implemented")
    if unfinished:
        reasons.append(f"not implemented yet: {', '.join(unfinished)}")
    total = float(sum(points.values()))
    row = {
        "submission": submission.key,
        "student": submission.student,
        "exercise": exercise.id,
        "score": total,
        "max_score": exercise.points,
        "status": run.status,
        "reason": "; ".join(reasons),
        **{f"points_{f}": v for f, v in points.items()},
    }
    results = {
        "score": total,
        "execution_time": round(run.seconds, 2),
        "output": f"Status: {run.status}." + (f" {row['reason']}" if reasons else ""),
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return row, results


# -- the whole run ---------------------------------------------------------------------------------


def grade(
    exercise_id: str,
    submissions: list[Path | str],
    out: Path | str,
    *,
    timeout: float = 60.0,
    jobs: int = 1,
    secret: str | None = None,
    sandbox_choice: str = "auto",
    regrade: bool = False,
    call_timeout: float | None = None,
    memory_mb: int | None = 4096,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """Grade ``submissions`` into ``out``; return the rows of this run (see the module docstring)."""
    if timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1; got {jobs!r}")
    out = Path(out)
    exercise = load_exercise(exercise_id)
    found = collect_submissions([Path(s) for s in submissions])
    book = Gradebook(out, columns_for([q.function for q in exercise.questions]))
    if regrade:
        book.forget([s.key for s in found])
    todo = [s for s in found if s.key not in book]
    say = progress or (lambda text: None)
    if len(todo) < len(found):
        say(
            f"{len(found) - len(todo)} submissions already in {book.path}: not graded again (--regrade to)"
        )
    secret_value, secret_source = resolve_secret(secret, out)
    bwrap = sandbox.resolve_sandbox(sandbox_choice)
    say(
        f"grading {len(todo)} submissions of {exercise_id!r}; hidden inputs from {secret_source}; "
        f"sandbox: {'bubblewrap' if bwrap else 'none'}"
    )
    planned = plan_calls(exercise, secret_value)
    hidden = [out, *{s.path.parent for s in found}]
    limits = (timeout, call_timeout, memory_mb)
    control: dict = {}
    try:
        return _run_in_thread(
            _grade_all(exercise, planned, todo, book, limits, jobs, bwrap, hidden, say, control),
            control,
        )
    finally:
        book.finish()


def _run_in_thread(coroutine, control: dict) -> list[dict]:
    """Run the grading loop in a worker thread and turn Ctrl-C in the main thread into a clean stop.

    nbclient installs its own SIGINT handler on the event loop of the main thread (and it would take
    Ctrl-C for itself); in a worker thread it cannot, so the main thread keeps Ctrl-C.
    """
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["rows"] = asyncio.run(coroutine)
        except BaseException as error:  # handed to the main thread
            outcome["error"] = error

    thread = threading.Thread(target=work, name="nncourse-grading", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except KeyboardInterrupt:
        while "loop" not in control and thread.is_alive():  # the loop is still starting
            thread.join(0.05)
        if "loop" in control:
            control["loop"].call_soon_threadsafe(control["interrupt"])
        thread.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["rows"]


async def _grade_all(
    exercise, planned, todo, book, limits, jobs, bwrap, hidden, say, control
) -> list[dict]:
    semaphore = asyncio.Semaphore(jobs)
    rows = []
    active: dict = {}  # marker -> kernel manager of every running kernel
    interrupted = asyncio.Event()

    tasks: list[asyncio.Task] = []

    def interrupt() -> None:  # Ctrl-C: stop every kernel now; rows already written stay
        interrupted.set()
        for marker, km in list(active.items()):
            sandbox.kill_kernel(km, marker)
        for task in tasks:  # also those whose kernel is still starting
            task.cancel()

    control.update(loop=asyncio.get_running_loop(), interrupt=interrupt)

    async def one(i: int, submission: Submission) -> None:
        async with semaphore:
            if interrupted.is_set():
                return
            run = await run_submission(
                submission, planned, limits[0], bwrap, hidden, *limits[1:], active=active
            )
        if interrupted.is_set():  # its kernel was killed by the interruption: not a fair grade
            return
        row, results = grade_one(exercise, planned, submission, run)
        book.add(row, results)
        rows.append(row)
        reason = f" ({row['reason']})" if row["reason"] else ""
        say(
            f"[{len(rows)}/{len(todo)}] {submission.key}: {row['score']:g}/{row['max_score']:g} "
            f"{row['status']}{reason} in {run.seconds:.1f} s"
        )

    tasks += [asyncio.ensure_future(one(i, s)) for i, s in enumerate(todo)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    if interrupted.is_set():
        await _settle_other_tasks()
        raise KeyboardInterrupt
    for submission, result in zip(todo, results, strict=True):
        if isinstance(result, BaseException):
            say(f"grader error on {submission.key}: {type(result).__name__}: {result}")
    return rows


async def _settle_other_tasks() -> None:
    """Cancel and wait for nbclient's leftover tasks, so an interrupted run ends without tracebacks."""
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for t in others:
        t.cancel()
    if others:
        await asyncio.wait(others, timeout=5)
    for t in others:
        if t.done() and not t.cancelled():
            t.exception()


def main_grade(args: argparse.Namespace) -> int:
    """``nncourse grade``: exit 0 when every submission has a row in grades.csv."""

    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    try:
        grade(
            args.exercise,
            args.submissions,
            args.out,
            timeout=args.timeout,
            jobs=args.jobs,
            secret=args.secret,
            sandbox_choice=args.sandbox,
            regrade=args.regrade,
            call_timeout=args.call_timeout,
            memory_mb=args.memory or None,
            progress=say,
        )
        keys = [s.key for s in collect_submissions(args.submissions)]
        book = Gradebook(
            args.out, columns_for([q.function for q in load_exercise(args.exercise).questions])
        )
    except ValueError as error:
        print(f"nncourse grade: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"nncourse grade: interrupted; the rows written so far are in {args.out / 'grades.csv'}. "
            "Run the same command again to grade the rest.",
            file=sys.stderr,
        )
        return 130
    missing = [k for k in keys if k not in book]
    if missing:
        print(
            f"nncourse grade: {len(missing)} submissions not graded: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 1
    say(f"wrote {book.path}")
    return 0
