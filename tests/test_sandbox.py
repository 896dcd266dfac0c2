"""Tests for nncourse.grading.sandbox: each isolation level keeps what it promises (see its module docstring).

Most tests start plain Python processes through the launcher (what a kernel would be started with);
two start real kernels. Levels that cannot run here are skipped with the reason.
"""

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nncourse.grading import sandbox

ROOT = os.geteuid() == 0
BWRAP = sandbox.bwrap_path()
CHECKOUT = Path(sandbox.__file__).resolve().parents[2]
NAMESPACES = ROOT and sandbox.namespaces_work()


def isolation(level: str) -> sandbox.Isolation:
    """The level's isolation; "user-plain" is level user where namespaces cannot be made (containers)."""
    if level == "bwrap" and BWRAP is None:
        pytest.skip("bubblewrap is not installed or cannot create a sandbox here")
    if level.startswith("user") and not ROOT:
        pytest.skip("the unprivileged-user level needs the tests to run as root")
    if level == "user" and not NAMESPACES:
        pytest.skip("root cannot create namespaces here (a container): only user-plain can run")
    if level == "user-plain":
        if python_for(level) is None:
            pytest.skip("no Python here that other users may run (level user without namespaces)")
        return sandbox.Isolation("user", "user", namespaces=False)
    return sandbox.Isolation(level, level, BWRAP if level == "bwrap" else None)


@functools.cache
def python_for(level: str) -> str | None:
    """The Python to run under ``level``: without namespaces the submission's user must reach it."""
    if level != "user-plain":
        return sys.executable
    uid = sandbox.UID_BASE + sandbox.UID_SLOTS + 2
    for python in (sys.executable, "/usr/bin/python3"):
        try:
            subprocess.run([python, "-c", "pass"], preexec_fn=lambda: as_user(uid), check=True)
        except (OSError, subprocess.SubprocessError):
            continue
        return python
    return None


ALL = pytest.mark.parametrize("level", ["bwrap", "user", "user-plain", "none"])
# Limits and lifetime exact (not only by the watchdog).
ISOLATED = pytest.mark.parametrize("level", ["bwrap", "user", "user-plain"])
# What the kernel can see and reach: levels with namespaces.
VIEW = pytest.mark.parametrize("level", ["bwrap", "user"])


def run(level, code, limits=None, visible=(), hidden=(), args=(), timeout=60):
    """Run ``code`` with Python under the launcher; the finished process and the submission's marker."""
    scratch = sandbox.make_scratch()
    limits = limits or sandbox.Limits(memory_mb=512, processes=32, disk_mb=64, seconds=30)
    prefix, marker = sandbox.launch_prefix(scratch, isolation(level), limits, visible, hidden)
    env = sandbox.kernel_env(scratch, marker)
    command = [*prefix, python_for(level), "-c", textwrap.dedent(code), *args]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    finally:
        sandbox.kill_submission(marker)
        sandbox.remove_scratch(scratch)
    return done, marker


def processes_with(word: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if word.encode() in argv and entry.name.isdigit() and str(os.getpid()) != entry.name:
            found.append(int(entry.name))
    return found


def gone_within(word: str, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while processes_with(word):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- choosing the level ----------------------------------------------------------------------------


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="sandbox must be one of"):
        sandbox.resolve("docker")


def test_auto_without_bubblewrap_says_so_as_root(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    chosen = sandbox.resolve("auto")
    assert chosen.level == "user" and "unprivileged user" in chosen.warning


def test_auto_as_root_in_a_container_without_namespaces_says_so(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "namespaces_work", lambda: False)
    monkeypatch.setattr(sandbox, "_probe", lambda cmd, as_uid: True)  # others may run Python
    chosen = sandbox.resolve("auto")
    assert (
        chosen.level == "user" and not chosen.namespaces and "WITHOUT namespaces" in chosen.warning
    )
    monkeypatch.setattr(sandbox, "_probe", lambda cmd, as_uid: False)
    assert sandbox.resolve("auto").level == "none"
    with pytest.raises(ValueError, match="readable by all"):
        sandbox.resolve("user")


def test_auto_without_bubblewrap_or_root_says_scores_are_untrustworthy(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    chosen = sandbox.resolve("auto")
    assert chosen.level == "none" and "only as trustworthy as the notebooks" in chosen.warning
    with pytest.raises(ValueError, match="needs a grader running as root"):
        sandbox.resolve("user")
    with pytest.raises(ValueError, match="bubblewrap"):
        sandbox.resolve("bwrap")


def test_only_bubblewrap_comes_without_a_warning():
    chosen = sandbox.resolve("auto")
    assert (chosen.warning is None) == (chosen.level == "bwrap")
    assert sandbox.resolve("none").warning is not None


def test_an_old_bubblewrap_is_used_with_a_warning_saying_what_is_lost(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(sandbox, "bwrap_lacks", lambda path: ("--size",))
    chosen = sandbox.resolve("auto")
    assert chosen.level == "bwrap" and "/tmp and /dev/shm are not size-limited" in chosen.warning


@pytest.mark.skipif(BWRAP is None, reason="bubblewrap is not installed or cannot run here")
def test_the_installed_bubblewrap_knows_every_option_used():
    assert sandbox.bwrap_lacks(BWRAP) == ()


def test_limits_are_checked():
    with pytest.raises(ValueError, match="memory_mb"):
        sandbox.Limits(memory_mb=0)


# -- limits on all of a submission's processes together --------------------------------------------

FORKED_MEMORY = """
    import os, sys, time
    for _ in range(3):
        if os.fork() == 0:
            block = bytearray(b"x") * (int(sys.argv[1]) * 1024 * 1024)  # touched, so resident
            time.sleep(20)
            os._exit(0)
    time.sleep(20)
"""


@ALL
def test_forked_children_over_the_memory_limit_together_are_killed(level):
    limits = sandbox.Limits(memory_mb=512, processes=32, disk_mb=64, seconds=30)
    done, _ = run(level, FORKED_MEMORY, limits, args=["250"])
    assert done.returncode == 120, done.stderr
    assert "memory" in sandbox._limit_sentence(
        120, ["x", json.dumps({"limits": limits.__dict__}), "--"]
    )


@ALL
def test_memory_in_nameless_files_counts_too(level):
    code = """
        import os, time
        for i in range(8):  # 8 x 100 MB, each below the file size limit, no process grows
            fd = os.memfd_create(f"m{i}")
            for _ in range(100):
                os.write(fd, b"x" * 1024 * 1024)
        time.sleep(20)
    """
    limits = sandbox.Limits(memory_mb=512, processes=32, disk_mb=128, seconds=30)
    done, _ = run(level, code, limits)
    assert done.returncode == 120, done


@pytest.mark.parametrize("level", ["user"])
def test_system_v_shared_memory_is_bounded_by_the_memory_limit(level):
    code = """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmget.restype = ctypes.c_int
        made = [libc.shmget(0, 100 * 1024 * 1024, 0o1600) for _ in range(8)]  # IPC_PRIVATE|IPC_CREAT
        print(sum(m >= 0 for m in made))
    """
    limits = sandbox.Limits(memory_mb=512, processes=32, disk_mb=128, seconds=30)
    done, _ = run(level, code, limits)
    assert int(done.stdout) <= 5, done


@ALL
def test_forked_children_under_the_memory_limit_are_left_alone(level):
    limits = sandbox.Limits(memory_mb=512, processes=32, disk_mb=64, seconds=2)
    done, _ = run(level, FORKED_MEMORY, limits, args=["50"])
    assert done.returncode == 123, done.stderr  # stopped by the time limit, not by memory


LINEAR_FORKS = """
    import os, time
    started = 0
    for _ in range(300):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        started += 1
    print(started, flush=True)
    time.sleep(2)
"""


@ALL
def test_the_number_of_processes_is_bounded(level):
    done, marker = run(level, LINEAR_FORKS)
    started = int(done.stdout) if done.stdout.strip() else None
    assert done.returncode == 121 or (started is not None and started <= 32), (done, started)
    assert not sandbox.tagged_processes(marker)


@ISOLATED
def test_a_fork_bomb_is_bounded(level):
    bomb = """
        import os, time
        while True:
            try:
                os.fork()
            except OSError:
                time.sleep(0.05)
    """
    limits = sandbox.Limits(memory_mb=2048, processes=24, disk_mb=64, seconds=3)
    started = time.monotonic()
    done, marker = run(level, bomb, limits)
    assert done.returncode in (121, 123) and time.monotonic() - started < 20
    assert not sandbox.tagged_processes(marker)


WRITE = """
    import os, sys
    folder, files = sys.argv[1] or os.getcwd(), int(sys.argv[2])
    chunk, written = b"x" * (16 * 1024 * 1024), 0
    try:
        for i in range(files):
            with open(os.path.join(folder, f"big{i}"), "wb") as out:
                for _ in range(2048 // 16 // files):
                    out.write(chunk)
                    out.flush()
                    written += 16
    except OSError as error:
        print("refused after", written, "MB:", error)
        sys.exit(3)
    print("wrote", written, "MB")
"""


@pytest.mark.parametrize("folder", ["/tmp", "/dev/shm", ""])
@ISOLATED
def test_writing_2_gb_into_a_writable_folder_fails(level, folder):
    for files in (1, 32):  # one big file, and many files each below the file size limit
        done, _ = run(level, WRITE, args=[folder, str(files)])
        refused = done.returncode == 3 and "refused after" in done.stdout
        assert refused or done.returncode == 122, (files, done)


@ALL
def test_writing_2_gb_into_the_scratch_folder_fails(level):
    done, _ = run(level, WRITE, args=["", "32"])
    assert done.returncode in (3, 122), done


@ISOLATED
def test_nothing_a_submission_wrote_to_the_shared_folders_is_left_for_the_next(level):
    name = f"/tmp/nncourse-test-left-{os.getpid()}"
    done, _ = run(level, f"open({name!r}, 'w').write('my answers')")
    assert done.returncode == 0, done
    assert not Path(name).exists()


# -- nothing outlives the submission ---------------------------------------------------------------

ESCAPE = """
    import os, sys, time
    tag = sys.argv[1]
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execve("/bin/sleep", ["sleep", tag], {})  # its own session, an empty environment
        os._exit(0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for pid in os.listdir("/proc"):
            try:
                if tag.encode() in open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0"):
                    print("sleeper running", flush=True)
                    time.sleep(float(sys.argv[2]))
                    sys.exit(0)
            except OSError:
                pass
        time.sleep(0.01)
"""


@ALL
def test_a_double_forked_sleeper_in_its_own_session_ends_with_the_submission(level):
    tag = f"{3000 + os.getpid() % 1000}.{time.monotonic_ns() % 10**6}"
    done, _ = run(level, ESCAPE, args=[tag, "0"])
    assert "sleeper running" in done.stdout, done
    assert gone_within(tag)


GRADER = """
    import json, os, shutil, signal, subprocess, sys, time
    from nncourse.grading import sandbox
    level, code, tag, out, python = sys.argv[1:6]
    bwrap = shutil.which("bwrap") if level == "bwrap" else None
    chosen = sandbox.Isolation(level.split("-")[0], level, bwrap, None, level != "user-plain")
    scratch = sandbox.make_scratch()
    prefix, marker = sandbox.launch_prefix(scratch, chosen, sandbox.Limits(seconds=60))

    def stop(signum, frame):
        sandbox.terminate_all()
        sys.exit(1)

    signal.signal(signal.SIGTERM, stop)
    command = [*prefix, python, "-c", code, tag, "60"]
    subprocess.Popen(command, env=sandbox.kernel_env(scratch, marker), stdout=subprocess.PIPE)
    with open(out, "w") as file:
        json.dump({"scratch": str(scratch)}, file)
    time.sleep(60)
"""


def start_grader(level: str, tmp_path: Path) -> tuple[subprocess.Popen, str, Path]:
    isolation(level)  # skips when the level cannot run here
    tag = f"{4000 + os.getpid() % 1000}.{time.monotonic_ns() % 10**6}"
    out = tmp_path / "grader.json"
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    code = textwrap.dedent(ESCAPE)
    grader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(GRADER),
            level,
            code,
            tag,
            str(out),
            python_for(level),
        ],
        env=env,
    )
    deadline = time.monotonic() + 20
    while not (processes_with(tag) and out.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(tag), "the sleeper never started"
    return grader, tag, Path(json.loads(out.read_text())["scratch"])


@ISOLATED
def test_nothing_outlives_a_grader_killed_with_sigkill(level, tmp_path):
    grader, tag, _ = start_grader(level, tmp_path)
    grader.kill()
    grader.wait()
    assert gone_within(tag)


@ALL
def test_sigterm_ends_everything_and_removes_the_scratch_folder(level, tmp_path):
    grader, tag, scratch = start_grader(level, tmp_path)
    grader.terminate()
    grader.wait(timeout=20)
    assert gone_within(tag)
    assert not scratch.exists()


def test_leftovers_of_a_dead_grader_are_cleaned_up(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = Path(sandbox.tempfile.gettempdir()) / f"{sandbox.SCRATCH_PREFIX}{dead.pid}-test"
    left.mkdir()
    (left / "inputs.npz").write_bytes(b"hidden")
    tagged = subprocess.Popen(["sleep", "30"], env={sandbox.MARKER: f"{dead.pid}.x"})
    try:
        cleaned = sandbox.cleanup_leftovers()
        assert not left.exists() and any(str(left) in line for line in cleaned)
        assert tagged.wait(timeout=5) == -signal.SIGKILL
    finally:
        tagged.kill()
        shutil.rmtree(left, ignore_errors=True)


@pytest.mark.skipif(not ROOT, reason="needs root to start processes as another user")
def test_processes_of_a_submission_user_id_no_grader_holds_are_cleaned_up():
    uid = sandbox.UID_BASE + sandbox.UID_SLOTS - 1
    left = subprocess.Popen(["sleep", "30"], preexec_fn=lambda: as_user(uid), env={})
    try:
        cleaned = sandbox.cleanup_leftovers()
        assert left.wait(timeout=5) == -signal.SIGKILL
        assert f"killed the processes of user id {uid}" in cleaned
    finally:
        left.kill()


# -- what the kernel can see -----------------------------------------------------------------------

READ = """
    import sys
    for path in sys.argv[1:]:
        try:
            open(path, "rb").read(1)
            print("READ", path)
        except OSError as error:
            print("refused", path, type(error).__name__)
"""


@VIEW
def test_the_checkout_solutions_and_secrets_are_not_readable(level, tmp_path):
    secret = tmp_path / "out" / "secret.txt"  # readable by everyone: only the view protects it
    secret.parent.mkdir()
    secret.write_text("the hidden inputs' seed")
    secret.chmod(0o644)
    solution = next((CHECKOUT / "exercises" / "solutions").glob("*.ipynb"))
    paths = [str(solution), str(CHECKOUT / "nncourse" / "grading" / "sandbox.py"), str(secret)]
    done, _ = run(level, READ, hidden=[secret.parent], args=paths)
    assert done.stdout.count("refused") == len(paths), done
    control, _ = run("none", READ, args=paths)  # the test itself can read them
    assert control.stdout.count("READ") == len(paths), control


@VIEW
def test_the_folders_shown_are_read_only_and_on_the_python_path(level, tmp_path):
    package = tmp_path / "shown" / "nncourse_copy"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("ANSWER = 42\n")
    os.chmod(tmp_path, 0o755)
    code = """
        import nncourse_copy, sys
        print(nncourse_copy.ANSWER)
        try:
            open(nncourse_copy.__file__, "a")
        except OSError:
            print("read-only")
    """
    done, _ = run(level, code, visible=[package.parent])
    assert done.stdout.split() == ["42", "read-only"], done


def test_a_hidden_folder_inside_a_shown_one_is_covered(tmp_path):
    """nncourse installed into the shown site-packages: its reference answers stay out of view."""
    if isolation("bwrap").level != "bwrap":
        pytest.skip("bubblewrap does not work here")
    shown = tmp_path / "site-packages"
    (shown / "nncourse" / "exercises").mkdir(parents=True)
    (shown / "nncourse" / "exercises" / "softmax.py").write_text("REFERENCE = 1\n")
    (shown / "numpy_like.py").write_text("X = 1\n")
    os.chmod(tmp_path, 0o755)
    paths = [str(shown / "nncourse" / "exercises" / "softmax.py"), str(shown / "numpy_like.py")]
    done, _ = run("bwrap", READ, visible=[shown], hidden=[shown / "nncourse"], args=paths)
    assert done.stdout.split("\n")[:2] == [
        f"refused {paths[0]} FileNotFoundError",
        f"READ {paths[1]}",
    ], done


@pytest.mark.skipif(not ROOT, reason="needs root to make a file that only root may read")
@ISOLATED
def test_a_root_only_file_is_not_readable(level, tmp_path):
    shown = tmp_path / "shown"
    shown.mkdir()
    os.chmod(tmp_path, 0o755)
    private = shown / "gradebook.csv"
    private.write_text("alice,32\n")
    private.chmod(0o600)
    done, _ = run(level, READ, visible=[shown], args=[str(private)])
    assert "refused" in done.stdout and "READ" not in done.stdout, done


CONNECT = """
    import socket, sys
    for address in sys.argv[1:]:
        client = socket.socket(socket.AF_UNIX)
        try:
            client.connect(address.replace("@", "\\0", 1))
            print("CONNECTED", address)
        except OSError as error:
            print("refused", address, type(error).__name__)
"""


@VIEW
def test_host_unix_sockets_cannot_be_reached(level, tmp_path):
    folder = Path("/var/tmp") / f"nncourse-test-{os.getpid()}"
    folder.mkdir(mode=0o755)
    servers = []
    try:
        path = folder / "host.sock"
        for address in (str(path), f"@nncourse-test-{os.getpid()}"):
            server = socket.socket(socket.AF_UNIX)
            server.bind(address.replace("@", "\0", 1))
            server.listen()
            servers.append(server)
        path.chmod(0o777)
        addresses = [str(path), f"@nncourse-test-{os.getpid()}"]
        done, _ = run(level, CONNECT, args=addresses)
        assert done.stdout.count("refused") == 2, done
        control, _ = run("none", CONNECT, args=addresses)
        assert control.stdout.count("CONNECTED") == 2, control
    finally:
        for server in servers:
            server.close()
        shutil.rmtree(folder)


@VIEW
def test_no_network(level):
    code = """
        import socket
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=2)
            print("CONNECTED")
        except OSError as error:
            print("refused", error)
    """
    done, _ = run(level, code)
    assert "refused" in done.stdout, done


# -- real kernels ----------------------------------------------------------------------------------


def execute(level: str, cells: list[str], memory_mb: int = 2048):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    scratch = sandbox.make_scratch()
    limits = sandbox.Limits(memory_mb=memory_mb, processes=32, disk_mb=64, seconds=60)
    km, marker = sandbox.submission_kernel(scratch, isolation(level), limits)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, km=km, timeout=30, startup_timeout=60, allow_errors=True)
    try:
        client.execute(**sandbox.start_options(scratch, marker))
    except DeadKernelError:
        nb.metadata["died"] = True
    finally:
        sandbox.kill_kernel(km, marker)
        sandbox.remove_scratch(scratch)
    return nb, km


@ALL
def test_a_real_kernel_runs_and_leaves_nothing_behind(level):
    if python_for(level) != sys.executable:
        pytest.skip("the kernel's Python cannot be run by other users here")
    tag = f"{5000 + os.getpid() % 1000}.{time.monotonic_ns() % 10**6}"
    start = f"""
        import os, subprocess
        subprocess.Popen(["/bin/sleep", "{tag}"], env={{}}, start_new_session=True)
        import numpy as np
        print(int(np.arange(4).sum()), os.getuid() != 0 or "{level}" == "none")
    """
    nb, km = execute(level, [textwrap.dedent(start)])
    assert nb.cells[0].outputs[0]["text"].split() == ["6", "True"], nb.cells[0].outputs
    assert gone_within(tag)
    assert sandbox.limit_hit(km) is None


def as_user(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def environ_readable_by_same_user(protect: bool) -> bool:
    uid = sandbox.UID_BASE + sandbox.UID_SLOTS + 1
    ready, told = os.pipe()
    child = os.fork()
    if child == 0:  # a grader running as an ordinary user
        as_user(uid)
        sandbox._prctl(sandbox.PR_SET_DUMPABLE, 1)  # as if started so (a uid change clears it)
        if protect:
            sandbox.protect_grader()
        os.write(told, b"x")
        time.sleep(30)
        os._exit(0)
    try:
        os.read(ready, 1)
        spy = ["cat", f"/proc/{child}/environ"]
        return (
            subprocess.run(spy, preexec_fn=lambda: as_user(uid), capture_output=True).returncode
            == 0
        )
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


@pytest.mark.skipif(not ROOT, reason="needs root to start processes as another user")
def test_a_protected_grader_keeps_its_environment_from_its_own_user():
    assert environ_readable_by_same_user(protect=False)
    assert not environ_readable_by_same_user(protect=True)


def test_the_managers_launch_and_kill_are_the_ones_every_jupyter_client_calls():
    # jupyter_client 7 (with ipykernel 6.4, the lowest versions) calls _launch_kernel and
    # _kill_kernel, aliases of the base class's methods; without these, limit_hit said None there.
    manager = sandbox._manager_class()
    assert manager._launch_kernel is manager._async_launch_kernel
    assert manager._kill_kernel is manager._async_kill_kernel


def test_a_real_kernel_stopped_by_a_limit_says_which():
    level = "bwrap" if BWRAP else "user" if NAMESPACES else "none"
    hog = """
        import subprocess, sys, time
        child = "block = bytearray(b'x') * (300 * 1024 * 1024); import time; time.sleep(20)"
        children = [subprocess.Popen([sys.executable, "-c", child]) for _ in range(3)]
        time.sleep(20)
    """
    nb, km = execute(level, [textwrap.dedent(hog)], memory_mb=768)
    assert nb.metadata.get("died"), nb.cells[0].outputs
    assert sandbox.limit_hit(km) == (
        "used more memory than the limit of 768 MB (all its processes together)"
    )
