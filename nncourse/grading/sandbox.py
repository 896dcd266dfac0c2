"""Start a student's kernel fenced off from the grader, hold it to its limits, and make sure it all ends.

Every submission's kernel is started through a small launcher (this file run as a script, standard
library only) that stays outside the sandbox, watches everything the submission started and kills it
all when a limit is passed or when the grader goes away. Three levels of isolation:

``bwrap``
    bubblewrap shows the kernel only the system folders it needs (``/usr``, the ``/lib`` links, a few
    files of ``/etc``), the Python installation, the extra folders the grader passes (a copy of nncourse
    without its reference answers) and its scratch folder; its own ``/dev``, ``/proc``, a size-limited
    ``/tmp`` and ``/dev/shm``; no network, no other process, no new user namespace. When the grader runs
    as root the kernel also runs as a user id of its own (bubblewrap run as root would keep root's
    capabilities and files).
``user``
    for a grader that runs as root where bubblewrap cannot (many containers): the kernel runs as a user id
    of its own in its own process, mount, network and IPC namespaces; home folders, ``/run``, the grader's
    checkout and the folders the grader names are covered, ``/tmp`` is a size-limited file system of its own.
    The rest of the file system stays visible, readable as far as its permissions allow. Where even
    root cannot make namespaces (``Isolation.namespaces`` False), only the user id separates the kernel,
    and what it leaves in ``/tmp`` and co is counted and removed.
``none``
    the kernel runs as the grading user; limits and clean-up still apply, but the notebook can read and
    change that user's files: scores are only as trustworthy as the notebooks.

``auto`` takes the strongest level that works here and says so (:attr:`Isolation.warning`) when that is not
``bwrap``. The instructor guide (book/instructors.md) says what each level guarantees.

API for the grader: :func:`resolve`, :class:`Limits`, :func:`make_scratch`, :func:`submission_kernel`,
:func:`start_options`, :func:`kill_kernel`, :func:`limit_hit`, :func:`terminate_all`,
:func:`cleanup_leftovers`, :func:`remove_scratch`, :func:`protect_grader`.

Taught in: the instructor guide (book/instructors.md), section on the sandbox.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The environment variable that tags every process of one submission (the launcher's cannot be changed).
MARKER = "NNCOURSE_GRADING_RUN"
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "PYTHONPATH")
LEVELS = ("auto", "bwrap", "user", "none")
SCRATCH_PREFIX = "nncourse-grade-"
UID_BASE = 1_900_000_000  # submission user ids: UID_BASE + slot, no passwd entry needed
UID_SLOTS = 256
POLL = 0.05  # seconds between two looks of the launcher's watchdog
# The launcher's exit status when it stopped a submission, and why.
LIMIT_EXITS = {
    120: "used more memory than the limit of {memory_mb} MB (all its processes together)",
    121: "started more processes than the limit of {processes}",
    122: "wrote more than the limit of {disk_mb} MB into its folder",
    123: "ran longer than the limit of {seconds:g} s",
}
WEAKER = {
    "user": (
        "sandbox: unprivileged user (bubblewrap unavailable): the kernel cannot read the grader's or "
        "other submissions' files, but sees the rest of the file system as far as its permissions allow"
    ),
    "user-plain": (
        "sandbox: unprivileged user WITHOUT namespaces (this container forbids them): the kernel cannot "
        "read the grader's 0600/0700 files or other submissions' folders, but sees every process, reaches "
        "the network and every file and socket that permissions allow (chmod 0700 the checkout and the "
        "secret's folder)"
    ),
    "none": (
        "sandbox: NONE: the notebooks run as the grading user and can read or change its files, "
        "the gradebook included: scores are only as trustworthy as the notebooks"
    ),
}


@dataclass(frozen=True)
class Limits:
    """What all of one submission's processes together may use (``None``: no limit)."""

    memory_mb: int | None = 4096
    processes: int | None = 64
    disk_mb: int | None = 256
    seconds: float | None = None

    def __post_init__(self) -> None:
        for name in ("memory_mb", "processes", "disk_mb", "seconds"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not value > 0):
                raise ValueError(f"{name} must be a positive number or None; got {value!r}")


@dataclass(frozen=True)
class Isolation:
    """The isolation level in effect, what was asked, and a warning when it is weaker than ``bwrap``."""

    level: str
    asked: str
    bwrap: str | None = None
    warning: str | None = None
    namespaces: bool = (
        True  # level "user": False where even root cannot make namespaces (containers)
    )

    def summary(self) -> str:
        """A few words for the progress line and the gradebook."""
        return {"bwrap": "bubblewrap", "user": "unprivileged user", "none": "none"}[self.level]


@dataclass
class _Run:
    """What the grader process remembers of one running submission."""

    uid: int | None = None
    lock: int | None = None
    launchers: list[int] = field(default_factory=list)


_ACTIVE: dict[str, _Run] = {}  # marker -> run, for kill_kernel and terminate_all
_SCRATCHES: set[Path] = set()


# -- choosing the level ----------------------------------------------------------------------------


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None when it is not installed or cannot create a sandbox here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = [path, "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-all", "--die-with-parent"]
    ok = _probe([*probe, "true"], as_uid=_probe_uid())
    return path if ok else None


NEWER_OPTIONS = {  # bubblewrap options this module uses that older versions lack, and what is lost
    "--size": "its /tmp and /dev/shm are not size-limited",
    "--disable-userns": "the notebook can create user namespaces (and mount unlimited file systems)",
}


@functools.cache
def bwrap_lacks(bwrap: str) -> tuple[str, ...]:
    """The options of :data:`NEWER_OPTIONS` that this bubblewrap does not know (it is older than 0.8)."""
    try:
        text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return tuple(NEWER_OPTIONS)
    return tuple(option for option in NEWER_OPTIONS if f"{option} " not in text)


def _probe_uid() -> int | None:
    return UID_BASE + UID_SLOTS if os.geteuid() == 0 else None  # a uid no submission gets


def _probe(cmd: list[str], as_uid: int | None) -> bool:
    def drop() -> None:
        if as_uid is not None:
            os.setgroups([])
            os.setgid(as_uid)
            os.setuid(as_uid)

    try:
        run = subprocess.run(cmd, capture_output=True, timeout=20, preexec_fn=drop, cwd="/")
    except (OSError, subprocess.SubprocessError):
        return False
    return run.returncode == 0


def resolve(choice: str = "auto") -> Isolation:
    """The isolation level for ``choice`` (one of :data:`LEVELS`), with a warning when weaker than bwrap.

    Raises ValueError for an unknown choice and when the level asked for cannot work here.
    """
    if choice not in LEVELS:
        raise ValueError(f"sandbox must be one of {', '.join(LEVELS)}; got {choice!r}")
    root = os.geteuid() == 0
    bwrap = bwrap_path() if choice in ("auto", "bwrap") else None
    if choice == "bwrap" and bwrap is None:
        raise ValueError(
            "sandbox 'bwrap' asked for, but bubblewrap is not installed or cannot run here"
        )
    if choice == "user" and not root:
        raise ValueError(
            "sandbox 'user' needs a grader running as root (it starts kernels as other users)"
        )
    if bwrap is not None:
        lacks = bwrap_lacks(bwrap)
        losses = "; ".join(NEWER_OPTIONS[option] for option in lacks)
        warning = f"sandbox: bubblewrap without {', '.join(lacks)} (older than 0.8): {losses}"
        return Isolation("bwrap", choice, bwrap, warning if lacks else None)
    if root and choice in ("auto", "user"):
        if namespaces_work():
            return Isolation("user", choice, None, WEAKER["user"])
        if _probe([sys.executable, "-c", "pass"], as_uid=_probe_uid()):
            return Isolation("user", choice, None, WEAKER["user-plain"], namespaces=False)
        if choice == "user":
            raise ValueError(
                "sandbox 'user' cannot work here: no namespaces, and other users cannot run "
                f"{sys.executable} (make the Python installation readable by all, or install bubblewrap)"
            )
    as_root = " (as root here: the whole machine)" if root else ""
    return Isolation("none", choice, None, WEAKER["none"] + as_root)


def namespaces_work() -> bool:
    """Whether this process may create the namespaces of level ``user`` (root in most containers may not)."""
    probe = [sys.executable, "-I", "-S", str(Path(__file__).resolve()), "--probe"]
    return _probe(probe, as_uid=None)


# -- scratch folders and user ids ------------------------------------------------------------------


def make_scratch() -> Path:
    """A new scratch folder (mode 0700), named after this process so that leftovers can be found."""
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    _SCRATCHES.add(scratch)
    return scratch


def remove_scratch(scratch: Path) -> None:
    """Remove a scratch folder and all in it (hidden inputs, kernel keys)."""
    shutil.rmtree(scratch, ignore_errors=True)
    _SCRATCHES.discard(Path(scratch))


def _lock_dir() -> Path:
    folder = Path("/run/nncourse-sandbox")
    if not os.access("/run", os.W_OK):
        folder = Path(tempfile.gettempdir()) / "nncourse-sandbox-locks"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.geteuid():
        raise RuntimeError(f"{folder} is not owned by the grader; remove it")
    return folder


def _take_uid() -> tuple[int, int]:
    """A free submission user id and the open lock file that holds it (released when closed)."""
    folder = _lock_dir()
    for slot in range(UID_SLOTS):
        fd = os.open(folder / f"uid-{slot}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        uid = UID_BASE + slot
        _kill_uid(uid)  # a grader killed earlier may have left processes and files behind
        _remove_files_of(uid)
        return uid, fd
    raise RuntimeError(f"all {UID_SLOTS} submission user ids are in use")


# -- starting a kernel -----------------------------------------------------------------------------


def launch_prefix(
    scratch: Path,
    isolation: Isolation,
    limits: Limits,
    visible: Sequence[Path] = (),
    hidden: Sequence[Path] = (),
) -> tuple[list[str], str]:
    """The command to put before a submission's command, and the marker of this submission.

    ``visible`` folders are shown read-only at their own path and form the kernel's ``PYTHONPATH``;
    ``hidden`` folders are covered (level ``user``; ``bwrap`` shows only what it needs anyway).
    """
    if isolation.level not in ("bwrap", "user", "none"):
        raise ValueError(
            f"isolation level must be 'bwrap', 'user' or 'none'; got {isolation.level!r}"
        )
    scratch = Path(scratch).resolve()
    marker = f"{os.getpid()}.{uuid.uuid4().hex}"  # the grader's pid first: runs stay apart
    run = _Run()
    if os.geteuid() == 0 and isolation.level in ("bwrap", "user"):
        run.uid, run.lock = _take_uid()
    _ACTIVE[marker] = run
    visible = [str(Path(v).resolve()) for v in visible]
    config = {
        "level": isolation.level,
        "bwrap": isolation.bwrap,
        "bwrap_lacks": bwrap_lacks(isolation.bwrap) if isolation.bwrap else [],
        "parent": os.getpid(),
        "marker": marker,
        "uid": run.uid,
        "namespaces": isolation.namespaces,
        "lock": str(_lock_dir() / f"uid-{run.uid - UID_BASE}") if run.uid is not None else None,
        "stage": str(_lock_dir()) if run.uid is not None else None,
        "scratch": str(scratch),
        "limits": asdict(limits),
        "python": _python_folders(),
        "visible": visible,
        "hidden": [str(Path(h).resolve()) for h in (*hidden, *_default_hidden())],
    }
    return [
        sys.executable,
        "-I",
        "-S",
        str(Path(__file__).resolve()),
        json.dumps(config),
        "--",
    ], marker


def _python_folders() -> list[str]:
    """The folders of the Python installation and environment that the kernel needs."""
    import sysconfig

    folders = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix}
    folders |= {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    folders = {str(Path(f).resolve()) for f in folders if Path(f).exists()}
    return sorted(f for f in folders if not any(Path(g) in Path(f).parents for g in folders))


def _default_hidden() -> list[Path]:
    """Folders covered at level ``user`` whatever the grader names: homes, sockets, checkouts."""
    hidden = [Path(p) for p in ("/root", "/home", "/run", "/mnt", "/media", "/srv", "/autograder")]
    for checkout in (Path(__file__).resolve().parents[2], Path(sys.prefix).resolve().parent):
        if (checkout / "exercises").is_dir() or (checkout / ".git").exists():
            # The solutions live there; an environment inside it is shown again.
            hidden.append(checkout)
    return [p for p in hidden if p.is_dir()]


@functools.cache
def _manager_class():
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import List, Unicode

    class SandboxedKernelManager(AsyncKernelManager):
        """A kernel manager that puts ``sandbox_prefix`` (e.g. the launcher) before the kernel's command."""

        sandbox_prefix = List(
            Unicode(), help="Command put before the kernel's, e.g. the launcher's."
        )

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return [*self.sandbox_prefix, *super().format_kernel_cmd(extra_arguments)]

        launcher = None  # the launcher's Popen, kept after jupyter_client lets go of it

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            self.launcher = self.provisioner.process

        async def _async_kill_kernel(self, restart: bool = False) -> None:
            # SIGTERM first: the launcher then kills all the submission's processes before it exits
            # (SIGKILL would leave, at level "none", the ones that left its process tree to init).
            import asyncio

            process = self.launcher
            if process is not None and process.poll() is None:
                process.terminate()
                for _ in range(300):
                    if process.poll() is not None:
                        break
                    await asyncio.sleep(0.01)
            await super()._async_kill_kernel(restart=restart)

        # jupyter_client 7 calls these aliases of the base class's methods, not the ones above.
        _launch_kernel = _async_launch_kernel
        _kill_kernel = _async_kill_kernel

    return SandboxedKernelManager


def __getattr__(name: str):
    if name == "SandboxedKernelManager":
        return _manager_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _new_manager(scratch: Path, prefix: list[str]):
    km = _manager_class()(
        kernel_name="python3",
        transport="ipc",
        ip=str(scratch / "kernel"),
        connection_file=str(scratch / "kernel.json"),
    )
    km.sandbox_prefix = prefix
    return km


def submission_kernel(
    scratch: Path,
    isolation: Isolation,
    limits: Limits,
    visible: Sequence[Path] = (),
    hidden: Sequence[Path] = (),
):
    """A kernel manager (for nbclient) that starts the submission's kernel through the launcher, and
    the submission's marker (see :func:`launch_prefix`)."""
    prefix, marker = launch_prefix(scratch, isolation, limits, visible, hidden)
    return _new_manager(Path(scratch), prefix), marker


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


def start_options(scratch: Path, marker: str) -> dict:
    """Keyword arguments for ``km.start_kernel``: environment, working folder, silenced terminal."""
    return {
        "env": kernel_env(scratch, marker),
        "cwd": str(scratch),
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
    }


def protect_grader() -> None:
    """Make the grader's own memory and ``/proc/PID/environ`` (its secret) unreadable to other processes
    of its user, such as kernels at level ``none``; call once at the start of grading."""
    _prctl(PR_SET_DUMPABLE, 0)


# -- ending a submission ---------------------------------------------------------------------------


def kill_kernel(km, marker: str) -> None:
    """Kill everything the submission with ``marker`` started (its kernel included) and wait for it."""
    provisioner = getattr(km, "provisioner", None)
    process = getattr(km, "launcher", None) or getattr(provisioner, "process", None)
    run = _ACTIVE.get(marker)
    if run is not None and process is not None:
        run.launchers.append(process.pid)
    kill_submission(marker)
    pgid = getattr(provisioner, "pgid", None)
    if pgid:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if process is not None:
        try:
            process.wait(timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            pass
    kill_tagged(marker)


def kill_submission(marker: str) -> None:
    """Stop the launcher(s) of ``marker`` (which kill all below them), then every process left of it."""
    run = _ACTIVE.pop(marker, None)
    launchers = {*_launchers(marker), *(run.launchers if run else [])}
    for pid in launchers:  # SIGTERM: the launcher kills its whole tree before it exits
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while launchers and time.monotonic() < deadline:
        launchers = {pid for pid in launchers if _alive(pid)}
        time.sleep(0.01)
    for pid in launchers:
        _signal(pid, signal.SIGKILL)
    kill_tagged(marker)
    if run is not None and run.uid is not None:
        _kill_uid(run.uid)
        _remove_files_of(run.uid)
        os.close(run.lock)


def _remove_files_of(uid: int) -> None:
    """Remove what ``uid`` left in the shared folders (level ``user`` without namespaces writes there)."""
    for entry, _ in list(_owned_in_shared_folders(uid)):
        if Path(entry.path) in _SCRATCHES:  # the grader removes it when done with it
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def limit_hit(km) -> str | None:
    """Which limit made the launcher stop the kernel of ``km``, as a sentence; None when none did."""
    process = getattr(km, "launcher", None)
    code = None if process is None else process.poll()
    return _limit_sentence(code, km.sandbox_prefix)


def _limit_sentence(code: int | None, prefix: list[str]) -> str | None:
    if code not in LIMIT_EXITS:
        return None
    limits = json.loads(prefix[prefix.index("--") - 1])["limits"]
    return LIMIT_EXITS[code].format(**limits)


def terminate_all() -> None:
    """Kill every submission this process started and remove its scratch folders (for SIGTERM)."""
    for marker in list(_ACTIVE):
        kill_submission(marker)
    for scratch in list(_SCRATCHES):
        remove_scratch(scratch)


def cleanup_leftovers() -> list[str]:
    """Kill processes and remove scratch folders left by graders that are gone; say what was cleaned."""
    cleaned = []
    for pid in _tagged_all():
        marker = _environ(pid).get(MARKER, "")
        owner = marker.split(".")[0]
        if owner.isdigit() and not _alive(int(owner)):
            _signal(pid, signal.SIGKILL)
            cleaned.append(f"killed process {pid} left by grader {owner}")
    if os.geteuid() == 0:
        cleaned += _cleanup_uids()
    for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        owner, dash, _ = scratch.name[len(SCRATCH_PREFIX) :].partition("-")  # PID-random
        if dash and owner.isdigit() and not _alive(int(owner)) and scratch.is_dir():
            shutil.rmtree(scratch, ignore_errors=True)
            cleaned.append(f"removed {scratch}")
    return cleaned


def _cleanup_uids() -> list[str]:
    """Kill the processes of submission user ids that no running grader holds."""
    cleaned = []
    uids = {_uid_of(pid) for pid in _pids()}
    for uid in sorted(u for u in uids if u is not None and 0 <= u - UID_BASE < UID_SLOTS):
        fd = os.open(
            _lock_dir() / f"uid-{uid - UID_BASE}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a running grader's
            os.close(fd)
            continue
        if _kill_uid(uid):
            cleaned.append(f"killed the processes of user id {uid}")
        os.close(fd)
    return cleaned


# -- processes -------------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _pids() -> list[int]:
    return [int(e.name) for e in os.scandir("/proc") if e.name.isdigit()]


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or not ours
        return {}
    pairs = (item.partition(b"=") for item in raw.split(b"\0") if item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, _, v in pairs}


def _tagged_all() -> list[int]:
    return [pid for pid in _pids() if MARKER in _environ(pid)]


def _launchers(marker: str) -> list[int]:
    """The launcher processes of ``marker``: those running this file with the marker in their config."""
    me = str(Path(__file__).resolve()).encode()
    found = []
    for pid in tagged_processes(marker):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if me in argv and marker.encode() in b" ".join(argv):
            found.append(pid)
    return found


def _uid_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _kill_uid(uid: int, wait: float = 3.0) -> bool:
    """SIGKILL every process of ``uid`` until none is left; whether there was any."""
    deadline, found = time.monotonic() + wait, False
    while time.monotonic() < deadline:
        pids = [pid for pid in _pids() if _uid_of(pid) == uid and _alive(pid)]
        if not pids:
            return found
        found = True
        for pid in pids:
            _signal(pid, signal.SIGKILL)
        time.sleep(0.01)
    return found


def tagged_processes(marker: str) -> list[int]:
    """Process ids whose environment carries ``marker`` (children that left the process group too)."""
    return [pid for pid in _pids() if _environ(pid).get(MARKER) == marker]


def kill_tagged(marker: str, wait: float = 3.0) -> None:
    """SIGKILL every process tagged with ``marker``, until none is left (or ``wait`` seconds passed).

    Killed processes vanish asynchronously (a sandbox's processes end after the sandbox), so look again.
    """
    deadline = time.monotonic() + wait
    while True:
        pids = [pid for pid in tagged_processes(marker) if _alive(pid)]
        if not pids or time.monotonic() > deadline:
            return
        for pid in pids:
            _signal(pid, signal.SIGKILL)
        time.sleep(0.02)


# -- the launcher: this file run as a script, outside the sandbox (standard library only) -----------

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MB = 1024 * 1024
MAX_FILES = 1024  # open files per process: also bounds the watchdog's work per process
WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")  # covered by size-limited file systems
ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "nsswitch.conf",
    "passwd",
    "group",
    "mime.types",
    "fonts",
    "alternatives",
)
# Run inside bubblewrap: set the limits on the submission's side, then start its command.
LIMIT_STUB = (
    "import json, os, resource, sys\n"
    "for name, value in json.loads(sys.argv[1]).items():\n"
    "    resource.setrlimit(getattr(resource, name), (value, value))\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _prctl(option: int, value: int) -> None:
    _check(_libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None):
    def raw(text: str | None) -> bytes | None:
        return None if text is None else text.encode()

    result = _libc().mount(raw(source), raw(target), raw(fstype), ctypes.c_ulong(flags), raw(data))
    _check(result, f"mount {target}")


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent ends; end now if it already has."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _rlimits(limits: dict, nproc: bool) -> dict[str, int]:
    """The per-process limits that back up the watchdog (it sums over processes; these act at once),
    never above the limits the launcher itself has (a process may lower its limits, not raise them)."""
    import resource

    found = {"RLIMIT_CORE": 0, "RLIMIT_NOFILE": MAX_FILES}
    if limits["memory_mb"]:
        found["RLIMIT_AS"] = int(limits["memory_mb"] * MB)
    if limits["disk_mb"]:
        found["RLIMIT_FSIZE"] = int(limits["disk_mb"] * MB)
    if nproc and limits["processes"]:
        found["RLIMIT_NPROC"] = int(limits["processes"])
    for name, value in found.items():
        hard = resource.getrlimit(getattr(resource, name))[1]
        found[name] = value if hard == resource.RLIM_INFINITY else min(value, hard)
    return found


def _set_rlimits(rlimits: dict[str, int]) -> None:
    import resource

    for name, value in rlimits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def _child_env(config: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JPY_PARENT_PID", None)  # the kernel's parent is the launcher (or a namespace's init)
    if config["visible"]:
        env["PYTHONPATH"] = os.pathsep.join(config["visible"])
    else:
        env.pop("PYTHONPATH", None)
    return env


def _in_child(body) -> None:
    """Run ``body`` in a forked child, which never returns into the launcher's code."""
    try:
        # An ignored signal would stay ignored in the kernel.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        body()
    except BaseException as error:  # reported on stderr; the launcher sees the exit status
        os.write(2, f"nncourse sandbox: {error}\n".encode())
    os._exit(127)


def _drop_to(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _chown_tree(folder: str, uid: int) -> None:
    os.chown(folder, uid, uid)
    os.chmod(folder, 0o700)
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def _open_paths(paths: list[str]) -> dict[str, int]:
    """Open each path (O_PATH): bind mounts from these need no access to the folders above them."""
    return {p: os.open(p, os.O_PATH) for p in dict.fromkeys(paths) if os.path.exists(p)}


def _start_plain(config: dict, cmd: list[str]) -> int:
    launcher = os.getpid()

    def body() -> None:
        _die_with_parent(launcher)
        os.setsid()
        _set_rlimits(_rlimits(config["limits"], nproc=False))
        os.chdir(config["scratch"])
        os.execvpe(cmd[0], cmd, _child_env(config))

    pid = os.fork()
    if pid == 0:
        _in_child(body)
    return pid


def _bwrap_args(config: dict, source: dict[str, str]) -> list[str]:
    """bubblewrap's options: only what the kernel needs, read-only; size-limited /tmp and /dev/shm.

    ``source`` maps a folder to show to where it can be bound from (itself, or a staged copy).
    """
    args = ["--unshare-all", "--unshare-user", "--die-with-parent"]
    args += [] if "--disable-userns" in config["bwrap_lacks"] else ["--disable-userns"]
    args += ["--new-session", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    args += [a for f in ETC_FILES for a in ["--ro-bind-try", f"/etc/{f}", f"/etc/{f}"]]
    args += ["--dev", "/dev", "--proc", "/proc"]
    for folder in ("/tmp", "/dev/shm"):
        size = None if "--size" in config["bwrap_lacks"] else config["limits"]["disk_mb"]
        args += [*(["--size", str(int(size * MB))] if size else []), "--tmpfs", folder]
    scratch = config["scratch"]
    args += ["--bind", scratch, scratch]
    # After the scratch folder: a folder shown inside it stays read-only.
    for path in sorted(source, key=len):
        args += ["--ro-bind", source[path], path]
    # A hidden folder inside a shown one (nncourse installed in the shown site-packages, with the
    # references) is covered by an empty file system, mounted after the folder that contains it.
    for folder in _hidden_inside(config["hidden"], ["/usr", *source]):
        args += ["--tmpfs", folder]
    return [*args, "--chdir", scratch, "--remount-ro", "/"]


def _hidden_inside(hidden: list[str], shown: list[str]) -> list[str]:
    """The hidden folders that lie inside a shown folder, and contain none (all of them exist: the
    grader checked, and this process may not be allowed to look)."""
    inside = []
    for folder in sorted(set(hidden), key=len):
        path = Path(folder)
        contains_shown = any(path == Path(s) or path in Path(s).parents for s in shown)
        if not contains_shown and any(Path(s) in path.parents for s in shown):
            inside.append(folder)
    return inside


def _stage(paths: list[str], stage: str) -> dict[str, str]:
    """Bind ``paths`` (as root, in a mount namespace of this process only) into ``stage``, where the
    submission's user can reach them: the Python installation may sit in root's home, say."""
    _check(_libc().unshare(CLONE_NEWNS), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    _mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m")
    staged = {}
    for i, path in enumerate(paths):
        target = f"{stage}/{i}"
        if os.path.isdir(path):
            os.mkdir(target)
        else:
            open(target, "w").close()
        _mount(path, target, None, MS_BIND | MS_REC, None)
        staged[path] = target
    return staged


def _start_bwrap(config: dict, cmd: list[str]) -> int:
    shown = [p for p in config["python"] + config["visible"] if not _under(p, "/usr")]
    shown = [p for p in dict.fromkeys(shown) if os.path.exists(p)]
    inner = [sys.executable, "-I", "-S", "-c", LIMIT_STUB]
    inner += [json.dumps(_rlimits(config["limits"], nproc=True)), *cmd]
    launcher = os.getpid()

    def body() -> None:
        source = {p: p for p in shown}
        if config["uid"] is not None:
            source = _stage(shown, config["stage"])
            _drop_to(config["uid"])
        _die_with_parent(launcher)  # after the uid change, which clears it
        argv = [config["bwrap"], *_bwrap_args(config, source), "--", *inner]
        os.execvpe(argv[0], argv, _child_env(config))

    pid = os.fork()
    if pid == 0:
        _in_child(body)
    return pid


def _start_user(config: dict, cmd: list[str]) -> int:
    """Fork the init of a new PID namespace (as root); it sets up the view and starts the kernel."""
    if not config["namespaces"]:
        return _start_user_plain(config, cmd)
    lifeline, keep = os.pipe()  # the init sees end-of-file on it once the launcher is gone
    _check(_libc().unshare(CLONE_NEWPID), "unshare")
    pid = os.fork()
    if pid == 0:
        os.close(keep)
        _in_child(lambda: _user_init(config, cmd, lifeline))
    os.close(lifeline)
    _KEEP.append(keep)
    return pid


_KEEP: list[int] = []  # the launcher's end of the init's lifeline, open for the launcher's life


def _start_user_plain(config: dict, cmd: list[str]) -> int:
    """Level ``user`` without namespaces: the kernel as the submission's uid, and a sentinel that kills
    all that uid's processes once the launcher is gone (even SIGKILLed with the grader)."""

    def body() -> None:
        os.setsid()
        _set_rlimits(_rlimits(config["limits"], nproc=True))
        _drop_to(config["uid"])
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _die_with_parent(launcher)  # after the uid change, which clears it
        os.chdir(config["scratch"])
        os.execvpe(cmd[0], cmd, _child_env(config))

    launcher = os.getpid()
    pid = os.fork()
    if pid == 0:
        _in_child(body)
    return pid


def _start_sentinel(lock: str, uid: int, launcher: int) -> None:
    """A detached process (not below the grader, so it outlives it) that waits for the launcher to end,
    then for the uid's lock (no grader uses the uid any more), kills the uid's processes and exits."""
    if os.fork() != 0:
        os.wait()
        return
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # whoever reads the launcher's output must not wait for the sentinel
            os.dup2(null, fd)
        os.closerange(3, MAX_FILES)
        while _alive(launcher):
            time.sleep(0.1)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _kill_uid(uid)
    finally:
        os._exit(0)


def _user_init(config: dict, cmd: list[str], lifeline: int) -> None:
    import select

    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if select.select([lifeline], [], [], 0)[0]:  # end of file: the launcher died before prctl
        os._exit(1)
    _check(_libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)  # nothing below reaches the host
    _limit_ipc(config["limits"])
    _user_view(config)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    kernel = os.fork()
    if kernel == 0:
        _in_child(lambda: _exec_student(config, cmd))
    signal.signal(signal.SIGINT, lambda signum, frame: _signal(kernel, signal.SIGINT))
    os._exit(_reap_until(kernel))


def _limit_ipc(limits: dict) -> None:
    """Bound System V shared memory and message queues of the new IPC namespace (memory that no
    process's size shows); their defaults are practically unlimited."""
    pages = int(limits["memory_mb"] or 1024) * MB // 4096
    for name, value in (("shmall", pages), ("shmmni", 16), ("msgmni", 16)):
        Path(f"/proc/sys/kernel/{name}").write_text(f"{value}\n")


def _user_view(config: dict) -> None:
    """Cover the hidden folders (size-limited, writable ones for /tmp and co), then show again what the
    kernel needs below them: the Python installation and visible folders read-only, its scratch folder."""
    fds = _open_paths(config["python"] + config["visible"] + [config["scratch"]])
    covered: list[str] = []
    size = config["limits"]["disk_mb"]
    for folder in sorted({*config["hidden"], *WRITABLE}, key=len):
        if not os.path.isdir(folder) or any(_under(folder, c) for c in covered):
            continue
        writable = folder in WRITABLE
        options = f"mode={'1777' if writable else '755'}"
        options += f",size={int(size)}m" if writable and size else ("" if writable else ",size=1m")
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, options)
        covered.append(folder)
    for path, fd in sorted(fds.items(), key=lambda item: len(item[0])):
        if any(_under(path, c) for c in covered):
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
            if path != config["scratch"]:
                flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
                _mount(None, path, None, flags, None)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _exec_student(config: dict, cmd: list[str]) -> None:
    os.setsid()
    _set_rlimits(_rlimits(config["limits"], nproc=True))
    _drop_to(config["uid"])
    _prctl(PR_SET_NO_NEW_PRIVS, 1)  # no set-user-id program can give root back
    os.chdir(config["scratch"])
    os.execvpe(cmd[0], cmd, _child_env(config))


def _reap_until(child: int) -> int:
    """Reap every child (as a namespace's init) until ``child`` ended; its exit status."""
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 1
        if pid == child:
            return _exit_code(status)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


# -- the launcher's watchdog -----------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """All processes below ``pid`` (the launcher is a subreaper: orphans stay below it)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            found += map(int, children)
            todo += map(int, children)
    return found


def _usage(pids: list[int]) -> tuple[int, int]:
    """Memory (proportional set size, bytes) and tasks (threads) of ``pids`` together."""
    memory = tasks = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in (status + rollup).splitlines() if ":" in line)
        tasks += int(fields.get("Threads", "1"))
        memory += int(fields.get("Pss", fields.get("VmRSS", "0 kB")).split()[0]) * 1024
    return memory + _unlinked_bytes(pids), tasks


def _unlinked_bytes(pids: list[int]) -> int:
    """Space held by files that are open but have no name (memfd, deleted files), each counted once:
    memory or disk that neither the processes' memory nor the folders' sizes show."""
    seen: dict[tuple[int, int], int] = {}
    for pid in pids:
        try:
            fds = list(os.scandir(f"/proc/{pid}/fd"))
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd.path)
                if target.startswith("/memfd:") or target.endswith(" (deleted)"):
                    info = os.stat(fd.path)
                    seen[info.st_dev, info.st_ino] = info.st_blocks * 512
            except OSError:
                continue
    return sum(seen.values())


def _folder_bytes(folder: str, most: int = 20_000) -> float:
    """Space used in ``folder`` (infinite when it holds more than ``most`` entries)."""
    total, seen, todo = 0, 0, [folder]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        seen += len(entries)
        if seen > most:
            return float("inf")
        for entry in entries:
            try:
                total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                todo.append(entry.path)
    return total


def _over_limit(config: dict, started: float, tick: int) -> int | None:
    """The exit status for the limit the submission is over, or None."""
    limits = config["limits"]
    if limits["seconds"] and time.monotonic() - started > limits["seconds"]:
        return 123
    memory, tasks = _usage(_descendants(os.getpid()))
    if limits["memory_mb"] and memory > limits["memory_mb"] * MB:
        return 120
    if limits["processes"] and tasks > limits["processes"] + 2:  # + bubblewrap's or init's own
        return 121
    if limits["disk_mb"] and tick % 4 == 0:
        if _folder_bytes(config["scratch"]) > limits["disk_mb"] * MB:
            return 122
        if config["uid"] is not None and not config["namespaces"] and config["level"] == "user":
            if _shared_folders_bytes(config["uid"], config["scratch"]) > limits["disk_mb"] * MB:
                return 122
    return None


def _shared_folders_bytes(uid: int, scratch: str) -> float:
    """Space that ``uid`` uses in the world-writable folders, its ``scratch`` folder left out."""
    total: float = 0
    for entry, info in _owned_in_shared_folders(uid):
        if entry.path != scratch:
            directory = entry.is_dir(follow_symlinks=False)
            total += _folder_bytes(entry.path) if directory else info.st_blocks * 512
    return total


def _owned_in_shared_folders(uid: int):
    """The entries of ``uid`` in /tmp, /var/tmp, /dev/shm, /run/lock and world-writable folders in them."""
    folders = [*WRITABLE, "/run/lock"]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries[:20_000]:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_uid == uid:
                yield entry, info
            elif entry.is_dir(follow_symlinks=False) and info.st_mode & 0o002:
                folders.append(entry.path)  # world-writable, such as /tmp/.X11-unix


def _reap(child: int) -> int | None:
    """Reap ended children; the exit status of ``child`` once it has ended."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 1
        if pid == 0:
            return None
        if pid == child:
            return _exit_code(status)


def _kill_tree(wait: float = 5.0) -> None:
    """SIGKILL everything below the launcher until nothing is left."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        pids = _descendants(os.getpid())
        if not pids:
            return
        for pid in pids:
            _signal(pid, signal.SIGKILL)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        time.sleep(0.002)


def _watch(child: int, config: dict, stop: list[int]) -> int:
    """Watch the submission until it ends, passes a limit or the launcher is told to stop."""
    started, tick = time.monotonic(), 0
    while True:
        code = _reap(child)
        if code is None and stop:
            code = 128 + stop[0]
        if code is None:
            code = _over_limit(config, started, tick)
        if code is not None:
            _kill_tree()
            return code
        time.sleep(POLL)
        tick += 1


def _probe_namespaces() -> int:
    """Exit status 0 when the namespaces and mounts of level ``user`` can be made here."""
    flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    try:
        _check(_libc().unshare(flags), "unshare")
        _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")
    except OSError:
        return 1
    return 0


def _main(argv: list[str]) -> int:
    if argv == ["--probe"]:
        return _probe_namespaces()
    config, cmd = json.loads(argv[0]), argv[2:]
    _die_with_parent(config["parent"])
    if config["level"] == "user" and not config["namespaces"]:
        _start_sentinel(
            config["lock"], config["uid"], os.getpid()
        )  # before: not below the launcher
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    stop: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: stop.append(signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the kernel, not the launcher
    if config["uid"] is not None:
        _chown_tree(config["scratch"], config["uid"])
    start = {"bwrap": _start_bwrap, "user": _start_user, "none": _start_plain}[config["level"]]
    child = start(config, cmd)
    signal.signal(signal.SIGINT, lambda signum, frame: _signal(child, signal.SIGINT))
    return _watch(child, config, stop)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
