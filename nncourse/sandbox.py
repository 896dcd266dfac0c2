"""Start a student's kernel fenced off from the grader, and make sure it and its children end.

Each submission's kernel runs in its own scratch folder, with a minimal environment (no secret, HOME in
the scratch folder), in its own process session, talking to the grader over Unix sockets in that folder.
When bubblewrap (``bwrap``) is installed, the kernel also runs inside it: the whole file system read-only
except the scratch folder, the grading output and submission folders hidden, no network, its own process
tree (everything in it dies with the kernel). Without bubblewrap the kernel runs as the grading user:
it cannot change the score (scoring happens in the grader), but it can read and write that user's files.

Taught in: the instructor guide (book/instructors.md), section on the sandbox.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode

MARKER = (
    "NNCOURSE_GRADING_RUN"  # environment variable that tags every process of one grading kernel
)
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "PYTHONPATH")


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None when it is not installed or cannot create a sandbox here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = [
        path,
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--unshare-all",
        "--die-with-parent",
        "true",
    ]
    try:
        ok = subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return path if ok else None


def resolve_sandbox(choice: str) -> str | None:
    """The bwrap path for ``choice`` in "auto", "bwrap", "none"; raises when "bwrap" is unavailable."""
    if choice not in ("auto", "bwrap", "none"):
        raise ValueError(f"sandbox must be 'auto', 'bwrap' or 'none'; got {choice!r}")
    if choice == "none":
        return None
    path = bwrap_path()
    if path is None and choice == "bwrap":
        raise ValueError(
            "sandbox 'bwrap' asked for, but bubblewrap is not installed or does not work here"
        )
    return path


def bwrap_prefix(bwrap: str, scratch: Path, hidden: list[Path]) -> list[str]:
    """The bubblewrap command line that runs a kernel with only ``scratch`` writable.

    ``hidden`` folders (grading output, submissions) are covered by empty temporary file systems,
    except a folder that holds the Python installation, which must stay visible.
    """
    prefix = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    needed = [
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(__file__).resolve().parent,
    ]
    # A virtual environment or a checkout under /tmp (a CI clone, say) would vanish under the empty
    # /tmp: show those folders again, read-only.
    tmp = Path("/tmp").resolve()
    for folder in dict.fromkeys(needed):
        if tmp in folder.parents:
            prefix += ["--ro-bind", str(folder), str(folder)]
    for folder in hidden:
        folder = folder.resolve()
        if folder.is_dir() and not any(n == folder or folder in n.parents for n in needed):
            prefix += ["--tmpfs", str(folder)]
    prefix += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch)]
    # Inside its own process tree the kernel's parent is pid 1, which ipykernel reads as "orphaned":
    # turn its parent polling off; --die-with-parent ends the sandbox with the grader instead.
    prefix += ["--unsetenv", "JPY_PARENT_PID"]
    prefix += ["--unshare-all", "--die-with-parent", "--new-session", "--"]
    return prefix


def kernel_env(scratch: Path, marker: str) -> dict[str, str]:
    """A minimal environment for a student's kernel: nothing of the grader's secrets."""
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    env.update(
        HOME=str(scratch),
        IPYTHONDIR=str(scratch / ".ipython"),
        MPLCONFIGDIR=str(scratch / ".matplotlib"),
        JUPYTER_RUNTIME_DIR=str(scratch / ".jupyter"),
        MPLBACKEND="Agg",
        PYTHONDONTWRITEBYTECODE="1",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        NNCOURSE_GRADING="1",
    )
    env[MARKER] = marker
    return env


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that puts ``sandbox_prefix`` (e.g. bubblewrap) before the kernel's command."""

    sandbox_prefix = List(Unicode(), help="Command put before the kernel's, e.g. bubblewrap's.")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [*self.sandbox_prefix, *super().format_kernel_cmd(extra_arguments)]


def memory_prefix(limit_mb: int | None) -> list[str]:
    """``prlimit`` capping the kernel's address space at ``limit_mb`` megabytes (nothing when not installed
    or no limit): a notebook that allocates without end gets a MemoryError instead of starving the machine."""
    prlimit = shutil.which("prlimit")
    if not limit_mb or prlimit is None:
        return []
    return [prlimit, f"--as={int(limit_mb) * 1024 * 1024}", "--"]


def kernel_manager(
    scratch: Path, bwrap: str | None, hidden: list[Path], memory_mb: int | None = None
) -> tuple[SandboxedKernelManager, str]:
    """A kernel manager for one submission, and the marker that tags its processes."""
    marker = f"{os.getpid()}.{uuid.uuid4().hex}"  # the grader's pid first: runs stay apart
    km = SandboxedKernelManager(
        kernel_name="python3",
        transport="ipc",
        ip=str(scratch / "kernel"),
        connection_file=str(scratch / "kernel.json"),
    )
    km.sandbox_prefix = memory_prefix(memory_mb) + (
        bwrap_prefix(bwrap, scratch, hidden) if bwrap else []
    )
    return km, marker


def start_options(scratch: Path, marker: str) -> dict:
    """Keyword arguments for ``km.start_kernel``: environment, working folder, silenced terminal."""
    return {
        "env": kernel_env(scratch, marker),
        "cwd": str(scratch),
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
    }


def kill_kernel(km: AsyncKernelManager, marker: str) -> None:
    """Kill the kernel's whole process group, then any process still tagged with ``marker``."""
    provisioner = getattr(km, "provisioner", None)
    pgid = getattr(provisioner, "pgid", None)
    if pgid:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process = getattr(provisioner, "process", None)
    if process is not None:
        try:
            process.wait(timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            pass
    kill_tagged(marker)


def tagged_processes(marker: str) -> list[int]:
    """Process ids whose environment carries ``marker`` (children that left the process group too)."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours
            continue
    return found


def kill_tagged(marker: str, wait: float = 3.0) -> None:
    """SIGKILL every process tagged with ``marker``, until none is left (or ``wait`` seconds passed).

    Killed processes vanish asynchronously (a sandbox's processes end after the sandbox), so look again.
    """
    deadline = time.monotonic() + wait
    while True:
        pids = tagged_processes(marker)
        if not pids or time.monotonic() > deadline:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.02)
