"""Step 3 of grading: run one submission in its own sandboxed kernel and collect what came back.

The notebook's code cells run first, then the grading cell (:mod:`nncourse.grading.plan`). The client
keeps none of the notebook's output: it counts it, quotes the first few errors (capped), and hands the
grading cell's result records to a :class:`~nncourse.grading.results.ResultInbox`. Comm messages and
widget state are ignored, so the grader's memory does not grow with what a notebook prints or displays.
No single message is held whole either: the client's sockets refuse one larger than
:data:`MAX_MESSAGE_BYTES` (zmq drops the connection before reading it), which ends the run with status
``error`` and says why, and queue at most :data:`RECEIVE_QUEUE` messages at a time.
The kernel is killed, with everything it started, when the time limit runs out or the run is stopped.

Taught in: the instructor guide (book/instructors.md), sections "Grading" and "What the grader trusts".
"""

from __future__ import annotations

import asyncio
import atexit
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbclient.util import ensure_async

from nncourse.grading import sandbox
from nncourse.grading.harness import RESULT_MIME, RunStatus
from nncourse.grading.options import MAX_ERRORS, MAX_OUTPUT_BYTES, MAX_RESULT_BYTES, Limits
from nncourse.grading.plan import grading_cell, new_token
from nncourse.grading.results import KernelRun, ResultInbox
from nncourse.grading.score import builtin_exception
from nncourse.grading.submissions import Submission, read_code_cells

KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}
# One frame of one message from the kernel (a result record of MAX_RESULT_BYTES is about 1.4 times
# that, in base64 and JSON), and how many messages zmq queues for the grader per socket (default 1000).
MAX_MESSAGE_BYTES = 2 * MAX_RESULT_BYTES
RECEIVE_QUEUE = 8
TOO_LARGE = (
    f"sent one output message larger than {MAX_MESSAGE_BYTES // 1_000_000} MB (a print, display or"
    " error of that size); the grader stopped the run"
)


class LimitedKernelClient(AsyncKernelClient):
    """jupyter_client's client whose sockets refuse a message larger than :data:`MAX_MESSAGE_BYTES`
    and queue at most :data:`RECEIVE_QUEUE` messages."""

    def _context_default(self):
        context = super()._context_default()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)  # every socket made from it
        context.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
        return context


@dataclass(frozen=True)
class KernelSetup:
    """How every kernel of one run starts: isolation, limits, the kernel's nncourse, hidden folders."""

    isolation: sandbox.Isolation
    limits: Limits
    package: Path
    hidden: tuple[Path, ...] = ()
    processes: int = 64
    disk_mb: int = 256

    def sandbox_limits(self) -> sandbox.Limits:
        """The limits the sandbox holds all of a submission's processes to."""
        seconds = self.limits.notebook_s + self.limits.startup_s + 10  # a backstop to our timer
        return sandbox.Limits(self.limits.memory_mb, self.processes, self.disk_mb, seconds)


def _size(value: object, budget: int = 10_000) -> int:
    """About how many characters ``value`` holds (strings counted, containers walked, at most
    ``budget`` items, so a deeply nested message costs little)."""
    total, stack = 0, [value]
    while stack and budget > 0:
        item = stack.pop()
        budget -= 1
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, dict):
            stack += list(item.values())[:budget]
        elif isinstance(item, (list, tuple)):
            stack += list(item)[:budget]
        else:
            total += 8
    return total + 1000 * len(stack)


class GradingClient(NotebookClient):
    """nbclient's client, keeping no output: it counts it, quotes errors, takes the results."""

    def __init__(self, nb: nbformat.NotebookNode, inbox: ResultInbox, **kwargs) -> None:
        """nbclient's arguments, and the inbox for the grading cell's results."""
        super().__init__(nb, **kwargs)
        self.inbox = inbox
        self.grading_index = len(nb.cells) - 1
        self.output_bytes = 0
        self.errors: list[str] = []
        self.n_errors = 0
        self.reached = -1  # the last cell that started
        self.executing = False  # a cell is running
        self.too_large = asyncio.Event()  # set when a message was refused for its size
        self._watcher: asyncio.Future | None = None

    async def async_start_new_kernel_client(self):
        """nbclient's, and a watch on the connection (see :meth:`watch_connection`)."""
        kc = await super().async_start_new_kernel_client()
        self._watcher = asyncio.ensure_future(self.watch_connection(kc))
        return kc

    async def watch_connection(self, kc) -> None:
        """Set :attr:`too_large` when the connection to a kernel that still runs a cell drops: zmq
        drops it when a message is larger than :data:`MAX_MESSAGE_BYTES`."""
        monitors = [
            c.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
            for c in (kc.iopub_channel, kc.shell_channel)
        ]
        try:
            while not self.too_large.is_set():
                events = [asyncio.ensure_future(m.recv_multipart()) for m in monitors]
                done, pending = await asyncio.wait(events, return_when=asyncio.FIRST_COMPLETED)
                for event in pending:
                    event.cancel()
                if any(e.cancelled() or e.exception() is not None for e in done):
                    return  # the sockets were closed
                executing = self.executing
                await asyncio.sleep(1)  # a kernel that died is not alive by now
                if executing and await ensure_async(self.km.is_alive()):
                    self.too_large.set()
        finally:
            for monitor in monitors:
                monitor.close(linger=0)

    def stop_watching(self) -> None:
        """End the watch on the connection."""
        if self._watcher is not None:
            self._watcher.cancel()

    async def async_execute_cell(self, cell, cell_index: int, *args, **kwargs):
        """nbclient's, noting that a cell is running."""
        self.executing = True
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            self.executing = False

    def process_message(self, msg: dict, cell, cell_index: int):
        """Count and drop the notebook's output; quote errors; hand result records to the inbox."""
        msg_type = msg.get("msg_type")
        if msg_type == "status":
            return super().process_message(msg, cell, cell_index)  # idle ends the cell
        content = msg.get("content") if isinstance(msg.get("content"), dict) else {}
        if msg_type == "execute_input":
            self.reached = max(self.reached, cell_index)
            return None
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        if cell_index == self.grading_index and msg_type == "display_data" and RESULT_MIME in data:
            self.inbox.offer(data[RESULT_MIME])
            return None
        self.output_bytes += _size(content)
        if msg_type == "error":
            self._note_error(cell_index, content)
        return None

    def _note_error(self, cell_index: int, content: dict) -> None:
        """Quote one error, capped; only the exception's type for the grading cell."""
        self.n_errors += 1
        if len(self.errors) >= MAX_ERRORS:
            return
        name = str(content.get("ename", ""))[:80]
        if cell_index == self.grading_index:  # it may hold hidden inputs: a built-in name only
            self.errors.append(f"the grading cell raised {builtin_exception(name)}")
        else:
            value = str(content.get("evalue", ""))[:200]
            self.errors.append(f"code cell {cell_index + 1} raised {name}: {value}")

    def error_reasons(self) -> list[str]:
        """The quoted errors, and how many more there were."""
        more = self.n_errors - len(self.errors)
        return self.errors + ([f"and {more} more errors"] if more > 0 else [])

    def where(self) -> str:
        """Where a stopped notebook was."""
        if self.reached < 0:
            return " while the kernel started"
        if self.reached == self.grading_index:
            return " while the grader called the functions"
        return f" in code cell {self.reached + 1}"


def grading_notebook(sources: list[str], calls: str, token: str, call_limit: float):
    """The submission's code cells, then the grading cell."""
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    cells.append(nbformat.v4.new_code_cell(grading_cell(calls, token, call_limit)))
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


async def _execute(client: GradingClient, options: dict, limits: Limits) -> tuple[RunStatus, list]:
    """Run the notebook within ``limits.notebook_s``; the run's status and reasons."""
    task = asyncio.ensure_future(client.async_execute(**options))
    task.add_done_callback(lambda t: t.cancelled() or t.exception())  # retrieved, never logged
    too_large = asyncio.ensure_future(client.too_large.wait())
    try:
        done, _ = await asyncio.wait(
            {task, too_large}, timeout=limits.notebook_s, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        too_large.cancel()
        if (
            not task.done()
        ):  # out of time, a message too large, or the run was stopped: end nbclient
            task.cancel()
            await asyncio.wait({task}, timeout=10)
    if task not in done:
        if client.too_large.is_set():
            return RunStatus.ERROR, [TOO_LARGE]
        return RunStatus.TIMEOUT, [f"stopped after the time limit of {limits.notebook_s:g} s"]
    error = task.exception()
    if error is None:
        errors = client.error_reasons()
        return (RunStatus.ERROR if errors else RunStatus.OK), errors
    if isinstance(error, DeadKernelError) or "Kernel died" in str(error):
        return RunStatus.CRASHED, [
            "the kernel died (the notebook exited, crashed or ran out of memory)"
        ]
    return RunStatus.ERROR, [f"the grader could not run the notebook ({type(error).__name__})"]


def _start(setup: KernelSetup, scratch: Path):
    """The kernel manager, marker and start options of one submission's kernel."""
    km, marker = sandbox.submission_kernel(
        scratch, setup.isolation, setup.sandbox_limits(), [setup.package], list(setup.hidden)
    )
    km.client_factory = LimitedKernelClient
    return km, marker, sandbox.start_options(scratch, marker)  # PYTHONPATH: the visible package


async def run_submission(
    submission: Submission, calls: str, ids: frozenset[str], setup: KernelSetup, session
) -> KernelRun:
    """Run one submission in its own kernel and collect what its functions returned."""
    start = time.perf_counter()
    try:
        sources = read_code_cells(submission.path)
    except (ValueError, OSError) as error:
        return KernelRun(RunStatus.INVALID, (str(error)[:300],))
    token = new_token()
    inbox = ResultInbox(token, ids)
    nb = grading_notebook(sources, calls, token, setup.limits.per_call_s)
    scratch = sandbox.make_scratch()
    km = marker = client = None
    try:
        km, marker, options = _start(setup, scratch)
        client = GradingClient(
            nb,
            inbox,
            km=km,
            timeout=None,
            startup_timeout=setup.limits.startup_s,
            allow_errors=True,
            shutdown_kernel="immediate",
            record_timing=False,
            store_widget_state=False,
        )
        session.register(marker, km)
        status, reasons = await _execute(client, options, setup.limits)
        reasons = _explain(status, reasons, client, km)
    finally:
        if km is not None:
            sandbox.kill_kernel(km, marker)
            session.unregister(marker)
        if client is not None:
            client.stop_watching()
            atexit.unregister(client._cleanup_kernel)  # nbclient's exit hook fails once cleaned up
        sandbox.remove_scratch(scratch)
    return KernelRun(status, tuple(reasons), inbox.results(), time.perf_counter() - start)


def _explain(status: RunStatus, reasons: list[str], client: GradingClient, km) -> list[str]:
    """The reasons, with where a stopped notebook was, which limit stopped it, and dropped output."""
    if status in (RunStatus.TIMEOUT, RunStatus.CRASHED) or reasons[:1] == [TOO_LARGE]:
        reasons = [reasons[0] + client.where(), *reasons[1:]]
    if status in (RunStatus.TIMEOUT, RunStatus.CRASHED):
        limit = sandbox.limit_hit(km)
        if limit:
            reasons.append(f"the submission {limit}")
    if client.output_bytes > MAX_OUTPUT_BYTES:
        reasons.append(
            f"printed more than {MAX_OUTPUT_BYTES // 1_000_000} MB of output; the grader keeps none"
        )
    if client.inbox.doubled:
        n = len(client.inbox.doubled)
        reasons.append(f"{n} calls sent two results (forged?): neither was counted")
    if client.inbox.rejected:
        reasons.append(f"{client.inbox.rejected} forged or unreadable result records were ignored")
    return reasons
