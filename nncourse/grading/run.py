"""Running the submissions of one grading run, ``jobs`` at a time, and stopping them all cleanly.

The grading loop runs with asyncio in a worker thread: nbclient installs its own SIGINT handler on the
event loop of the main thread (and it would take Ctrl-C for itself); in a worker thread it cannot, so the
main thread keeps Ctrl-C and SIGTERM. Either one stops every kernel (with all it started) at once and
removes the scratch folders; the rows already written stay, and the same command grades the rest.
Whatever one notebook does, it gets its row: a failure of the grader on it becomes status ``error``.

Taught in: the instructor guide (book/instructors.md), section "Grading".
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass

from nncourse.exercises.spec import Exercise
from nncourse.grading import sandbox
from nncourse.grading.gradebook import Gradebook
from nncourse.grading.kernel import KernelSetup, run_submission
from nncourse.grading.plan import PlannedCall
from nncourse.grading.report import clean  # no terminal escapes from a notebook
from nncourse.grading.score import grade_one, grader_error
from nncourse.grading.submissions import Submission


class Session:
    """The kernels running now, and the way to stop them all."""

    def __init__(self) -> None:
        self.kernels: dict[str, object] = {}  # marker -> kernel manager
        self.tasks: list[asyncio.Task] = []
        self.stopped = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = threading.Event()

    def register(self, marker: str, km: object) -> None:
        self.kernels[marker] = km

    def unregister(self, marker: str) -> None:
        self.kernels.pop(marker, None)

    def stop(self) -> None:
        """In the loop's thread: kill every kernel now and cancel every submission's task."""
        self.stopped = True
        for marker, km in list(self.kernels.items()):
            sandbox.kill_kernel(km, marker)
        for task in self.tasks:
            task.cancel()

    def stop_from_other_thread(self) -> None:
        self.ready.wait(10)
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop)


@dataclass(frozen=True)
class Batch:
    """One run's work: the exercise, the planned calls, the submissions, where rows go."""

    exercise: Exercise
    planned: list[PlannedCall]
    calls: str  # the planned calls as the grading cell sends them
    todo: list[Submission]
    book: Gradebook
    setup: KernelSetup
    jobs: int
    say: Callable[[str], None]


async def _grade_one_submission(batch: Batch, submission: Submission, session: Session) -> dict:
    """Run and score one submission; its row (the grader's own failures become an ``error`` row)."""
    ids = frozenset(p.id for p in batch.planned)
    try:
        run = await run_submission(submission, batch.calls, ids, batch.setup, session)
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a grader bug on one notebook must not lose its row
        run = grader_error(error)
    try:
        return grade_one(
            batch.exercise, batch.planned, submission, run, batch.setup.isolation.level
        )
    except Exception as error:
        run = grader_error(error)
        return grade_one(
            batch.exercise, batch.planned, submission, run, batch.setup.isolation.level
        )


async def grade_all(batch: Batch, session: Session) -> list[dict]:
    """Grade ``batch.todo``, ``batch.jobs`` at a time, adding each row as soon as it is known."""
    semaphore = asyncio.Semaphore(batch.jobs)
    rows: list[dict] = []
    session.loop = asyncio.get_running_loop()
    session.ready.set()

    async def one(submission: Submission) -> None:
        """Grade one submission when a job slot is free; add its row unless the run was stopped."""
        async with semaphore:
            if session.stopped:
                return
            row, results = await _grade_one_submission(batch, submission, session)
        if session.stopped:  # its kernel was killed by the interruption: not a fair grade
            return
        batch.book.add(row, results)
        rows.append(row)
        reason = f" ({row['reason']})" if row["reason"] else ""  # may quote the notebook's errors
        batch.say(
            f"[{len(rows)}/{len(batch.todo)}] {clean(submission.key, 300)}: {row['score']:g}/"
            f"{row['max_score']:g} {row['status']}{clean(reason, 600)}"
        )

    session.tasks += [asyncio.ensure_future(one(s)) for s in batch.todo]
    await asyncio.gather(*session.tasks, return_exceptions=True)
    if session.stopped:
        await _settle_other_tasks()
        raise KeyboardInterrupt
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


def _on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt


def run_in_thread(batch: Batch) -> list[dict]:
    """Run :func:`grade_all` in a worker thread; Ctrl-C or SIGTERM in the main thread stop it cleanly."""
    session = Session()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["rows"] = asyncio.run(grade_all(batch, session))
        except BaseException as error:  # handed to the main thread
            outcome["error"] = error

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main else None
    thread = threading.Thread(target=work, name="nncourse-grading", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except KeyboardInterrupt:
        session.stop_from_other_thread()
        thread.join()
        sandbox.terminate_all()
        raise
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["rows"]
