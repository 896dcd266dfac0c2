"""Step 1 of grading: find the submissions, name them, read each one cheaply, and find the secret.

A submission's ``key`` (its ``submission`` column) is its path as given: a file's name, or a path
relative to the folder given, or the whole path when two would share a key. Keys are never normalised
into each other; characters that would make a CSV row unreadable (tab, newline, other control
characters, the backslash) are escaped, which keeps different names different. The ``student`` column
is the first folder of a nested key, else the file's name without ``.ipynb``.

Reading a notebook costs at most about its size: the file is read only when smaller than
``MAX_NOTEBOOK_BYTES`` and holding at most ``MAX_JSON_STRINGS`` strings, parsed as JSON (no schema validation, no parsing of its code), and only its code
cells are kept, within ``MAX_CODE_BYTES`` and ``MAX_CELLS``. A symbolic link is not followed.

With ``--shard K/N`` a run grades only the submissions of part K: a key belongs to part
``int(sha256(key), 16) mod N + 1``. The part of a submission depends on its key alone, not on which other
submissions exist or in what order they are found, so a late submission added to the folder lands in one
part and moves no other submission between parts (sorting the keys and cutting the list into N slices
would move them).

Taught in: the instructor guide (book/instructors.md), sections "Grading", "Reading the gradebook" and
"Grading on several machines".
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from nncourse.grading.options import (
    MAX_CELLS,
    MAX_CODE_BYTES,
    MAX_JSON_STRINGS,
    MAX_NOTEBOOK_BYTES,
    SECRET_ENV,
)


@dataclass(frozen=True)
class Submission:
    """One notebook to grade: ``key`` names it in grades.csv, ``student`` is a readable name."""

    key: str
    student: str
    path: Path


def escape_name(name: str) -> str:
    """``name`` with backslashes and control characters escaped (``\\t``, ``\\n``, ``\\x07``)."""
    out = []
    for ch in name:
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\t\n\r":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}[ch])
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def notebooks_under(folder: Path) -> list[Path]:
    """The ``*.ipynb`` files under ``folder``, sorted, without Jupyter's checkpoint copies."""
    return sorted(
        p
        for p in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.relative_to(folder).parts
    )


def _found(paths: list[Path]) -> list[tuple[str, str, Path]]:
    """(short key, full key, path) for every notebook, in the order given."""
    found = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for p in notebooks_under(path):
                found.append((p.relative_to(path).as_posix(), p.as_posix(), p))
        elif path.exists() or path.is_symlink():
            found.append((path.name, path.as_posix(), path))
        else:
            raise ValueError(f"submission {str(path)!r} does not exist")
    return list(dict.fromkeys(found))  # the same path given twice is one submission


def _student(key: str) -> str:
    parts = [p for p in Path(key).parts if p not in ("/", "..", ".")]
    if len(parts) > 1:
        return parts[-2] if Path(key).is_absolute() else parts[0]
    return parts[0].removesuffix(".ipynb") if parts else key


def collect_submissions(paths: list[Path]) -> list[Submission]:
    """Every notebook named by ``paths`` (files as given; folders searched for ``*.ipynb``)."""
    found = _found([Path(p) for p in paths])
    shorts = [short for short, _, _ in found]
    submissions = []
    for short, full, path in found:
        key = short if shorts.count(short) == 1 else full
        submissions.append(Submission(escape_name(key), escape_name(_student(key)), path))
    return submissions


def shard_of(key: str, n: int) -> int:
    """The part (1 to ``n``) that the submission ``key`` belongs to: ``int(sha256(key), 16) % n + 1``."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest, "big") % n + 1


def select_shard(submissions: list[Submission], shard: tuple[int, int] | None) -> list[Submission]:
    """The submissions of part ``shard = (k, n)``, in the order given (all of them for None)."""
    if shard is None:
        return list(submissions)
    k, n = shard
    return [s for s in submissions if shard_of(s.key, n) == k]


def resolve_secret(secret: str | None, out: Path, create: bool = True) -> tuple[str, str]:
    """The secret that seeds the hidden inputs, and where it came from.

    ``create=False`` (a folder graded before, with a secret given then): refuse to make a new
    ``secret.txt``, whose random secret could only be refused by the folder's ``grading.json``.
    """
    if secret:
        return secret, "--secret"
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV], f"${SECRET_ENV}"
    path = out / "secret.txt"
    if not path.exists() and not create:
        raise ValueError(
            f"{out} was graded with a secret given by --secret or ${SECRET_ENV}: give the same one"
        )
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(new_secret() + "\n")
    return path.read_text().strip(), str(path)


def new_secret() -> str:
    """A fresh random secret (for DIR/secret.txt and Gradescope bundles)."""
    return secrets.token_hex(16)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing links and files too large to read."""
    if path.is_symlink():
        raise ValueError("the submission is a symbolic link: not followed, not graded")
    if not path.is_file():
        raise ValueError("the submission is not a regular file")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the file is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read(MAX_NOTEBOOK_BYTES + 1)


def _source(cell: object) -> str | None:
    """A code cell's source, or None for a cell that is not code; raises ValueError for a broken one."""
    if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
        raise ValueError("not a notebook: a cell is not a JSON object with a cell_type")
    if cell["cell_type"] != "code":
        return None
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise ValueError("not a notebook: a code cell's source is not text")
    return source


def read_code_cells(path: Path) -> list[str]:
    """The sources of the notebook's code cells; raises ValueError with a reason a student may read."""
    data = _read_bytes(path)
    if data.count(b'"') > 2 * MAX_JSON_STRINGS:  # counted before parsing, which costs per string
        raise ValueError(f"the notebook has more than {MAX_JSON_STRINGS:,} lines of text")
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not a notebook: the file is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("not a notebook: its JSON is nested too deeply") from None
    except ValueError as error:
        where = f"line {error.lineno}, column {error.colno}" if hasattr(error, "lineno") else ""
        raise ValueError(f"not a notebook: the file is not valid JSON ({where})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: no list of cells")
    if len(nb["cells"]) > MAX_CELLS:
        raise ValueError(f"the notebook has more than {MAX_CELLS} cells")
    sources = [s for s in (_source(c) for c in nb["cells"]) if s is not None]
    if not sources:
        raise ValueError("the notebook has no code cells")
    if sum(len(s) for s in sources) > MAX_CODE_BYTES:
        raise ValueError(f"the notebook has more than {MAX_CODE_BYTES // 1_000_000} MB of code")
    return sources
