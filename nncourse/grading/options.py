"""The settings of a grading run and the grader's own limits, in one place.

:class:`Limits` bounds what one submission may use, :class:`GradingOptions` is everything
``nncourse grade`` accepts besides the exercise, the submissions and ``--out``. The constants below bound
what the grader itself reads from a submission, so that no notebook can make the grader slow or large.

Taught in: the instructor guide (book/instructors.md), sections "Grading" and "Grading on several
machines" (``shard``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nncourse.exercises.compare import NUMERIC_KINDS, WARN_ON
from nncourse.grading.sandbox import LEVELS as SANDBOX_CHOICES

SECRET_ENV = "NNCOURSE_GRADING_SECRET"
MAX_NOTEBOOK_BYTES = 20_000_000  # a larger file is not read at all
MAX_CODE_BYTES = 2_000_000  # the notebook's code, all cells together
MAX_JSON_STRINGS = 300_000  # lines and other strings in the file (each costs memory to parse)
MAX_CELLS = 2_000
MAX_RESULT_BYTES = 10_000_000  # the numbers one call may return
MAX_RESULTS_BYTES = 40_000_000  # all results of one submission, as received
MAX_OUTPUT_BYTES = 1_000_000  # output counted before a note says it was dropped (none is kept)
MAX_ERRORS = 5  # cell errors quoted in the reason
MAX_FIELD_CHARS = 2_000  # every text field of grades.csv and of results.json


def kernel_settings() -> dict:
    """The constants :func:`nncourse.grading.harness.run_calls` needs, sent with the calls."""
    return {
        "numeric_kinds": NUMERIC_KINDS,
        "warn_on": WARN_ON,
        "max_result_bytes": MAX_RESULT_BYTES,
        "max_message_bytes": 2 * MAX_RESULT_BYTES,
    }


@dataclass(frozen=True)
class Limits:
    """What one submission may use.

    ``notebook_s`` bounds the whole notebook (kernel start excluded, up to ``startup_s``), ``call_s`` one
    call of a student function (None: a quarter of ``notebook_s``, kept within 1 to 10 s), ``memory_mb``
    all of a submission's processes together (None: no limit).
    """

    notebook_s: float = 60.0
    call_s: float | None = None
    memory_mb: int | None = 4096
    startup_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.notebook_s > 0:
            raise ValueError(
                f"timeout must be a positive number of seconds; got {self.notebook_s!r}"
            )
        if self.call_s is not None and not self.call_s > 0:
            raise ValueError(
                f"call_timeout must be a positive number of seconds; got {self.call_s!r}"
            )
        if self.memory_mb is not None and self.memory_mb < 64:
            raise ValueError(
                f"memory must be at least 64 MB (or 0 for none); got {self.memory_mb!r}"
            )

    @property
    def per_call_s(self) -> float:
        """The time limit of one call."""
        return self.call_s or max(1.0, min(10.0, self.notebook_s / 4))


@dataclass(frozen=True)
class GradingOptions:
    """Everything a grading run is told besides what to grade and where to write."""

    limits: Limits = field(default_factory=Limits)
    jobs: int = 1
    secret: str | None = None
    sandbox: str = "auto"
    regrade: bool = False
    hidden: tuple[Path, ...] = ()  # more folders the kernels must not see (the grader's own)
    shard: tuple[int, int] | None = None  # (k, n): grade only the k-th of n parts (parse_shard)

    def __post_init__(self) -> None:
        if self.shard is not None:
            check_shard(self.shard)
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise ValueError(f"jobs must be at least 1; got {self.jobs!r}")
        if self.sandbox not in SANDBOX_CHOICES:
            raise ValueError(
                f"sandbox must be one of {', '.join(SANDBOX_CHOICES)}; got {self.sandbox!r}"
            )


def check_shard(shard: object) -> tuple[int, int]:
    """``shard`` if it is a pair ``(k, n)`` of integers with ``1 <= k <= n``; else a ValueError."""
    ok = (
        isinstance(shard, tuple)
        and len(shard) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in shard)
        and 1 <= shard[0] <= shard[1]
    )
    if not ok:
        raise ValueError(f"shard must be a pair (k, n) with 1 <= k <= n; got {shard!r}")
    return shard


def parse_shard(text: str) -> tuple[int, int]:
    """The part ``K/N`` (the K-th of N) as ``(K, N)``: ``parse_shard("2/4") == (2, 4)``.

    Raises
    ------
    ValueError
        When ``text`` is not two whole numbers ``K/N`` with ``1 <= K <= N``.

    Taught in: the instructor guide (book/instructors.md), section "Grading on several machines".
    """
    message = f"shard must be K/N with 1 <= K <= N, got {text!r}"
    k, slash, n = str(text).strip().partition("/")
    if not slash or not (k.strip().isdecimal() and n.strip().isdecimal()):
        raise ValueError(message)
    shard = (int(k), int(n))
    if not 1 <= shard[0] <= shard[1]:
        raise ValueError(message)
    return shard
