"""What a grading folder was graded with: ``DIR/grading.json``, so that parts can be merged safely.

``nncourse grade`` writes it on every run; ``nncourse report`` reads it from each folder it is given and
refuses to merge folders graded for different exercises, with different checks or with different secrets.
The secret itself is never written: only ``secret_id``, a keyed hash of it that tells two secrets apart
without revealing either.

Taught in: the instructor guide (book/instructors.md), section "Grading on several machines".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import nncourse
from nncourse.exercises.spec import Exercise

FILE_NAME = "grading.json"
FORMAT = 1


@dataclass(frozen=True)
class RunInfo:
    """The exercise, the checks and the secret a folder was graded with, and which part it holds.

    ``shard`` is ``(k, n)`` for the k-th of n parts (1 <= k <= n), None for a whole class.
    """

    exercise: str
    secret_id: str
    checks_id: str
    shard: tuple[int, int] | None = None
    nncourse_version: str = nncourse.__version__
    format: int = FORMAT


def secret_id(secret: str) -> str:
    """A keyed hash of the secret (16 hex digits): equal for equal secrets, and reveals nothing."""
    digest = hmac.new(secret.encode("utf-8"), b"nncourse grading run", hashlib.sha256)
    return digest.hexdigest()[:16]


def checks_id(exercise: Exercise) -> str:
    """A hash (16 hex digits) of every check's function, name, points and kind (public or hidden)."""
    checks = [
        [q.function, c.name, c.points, c.hidden] for q in exercise.questions for c in q.checks
    ]
    text = json.dumps([exercise.id, checks], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_info(exercise: Exercise, secret: str, shard: tuple[int, int] | None = None) -> RunInfo:
    """The :class:`RunInfo` of grading ``exercise`` with ``secret`` (``shard``: the part, or None)."""
    return RunInfo(exercise.id, secret_id(secret), checks_id(exercise), shard)


def write_run_info(folder: Path | str, info: RunInfo) -> Path:
    """Write ``folder/grading.json`` atomically; its path."""
    path = Path(folder) / FILE_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(info), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_run_info(folder: Path | str) -> RunInfo | None:
    """The :class:`RunInfo` of ``folder``, or None when it has no ``grading.json`` (an older run).

    Raises
    ------
    ValueError
        When the file exists but is not a grading.json this version can read.
    """
    path = Path(folder) / FILE_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        shard = tuple(data["shard"]) if data.get("shard") is not None else None
        info = RunInfo(
            str(data["exercise"]),
            str(data["secret_id"]),
            str(data["checks_id"]),
            shard,
            str(data.get("nncourse_version", "")),
            int(data["format"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a readable grading.json ({error})") from None
    if info.format != FORMAT:
        raise ValueError(f"{path} has format {info.format}; this nncourse reads format {FORMAT}")
    return info
