"""The ``nncourse`` console command (also ``python -m nncourse``).

Subcommands::

    nncourse assign [ID ...] [--check]             student + solutions notebooks from the sources
    nncourse grade ID SUBMISSION ... --out DIR     grade notebooks into DIR/grades.csv [--shard K/N]
    nncourse gradescope ID -o autograder.zip       a Gradescope autograder bundle
    nncourse report OUT [OUT ...] [--out DIR]      the class report: report.html and report.json

Taught in: the instructor guide (book/instructors.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nncourse.exercises import EXERCISE_IDS
from nncourse.grading.options import SANDBOX_CHOICES


def _assign(args: argparse.Namespace) -> int:
    """``nncourse assign``: write (or with ``--check``, compare) the generated notebooks."""
    from nncourse.assign import assign

    try:
        changed = assign(args.exercises or None, root=args.root, check=args.check)
    except ValueError as error:
        print(f"nncourse assign: {error}", file=sys.stderr)
        return 2
    if args.check:
        for path in changed:
            print(f"out of date: {path} (run `nncourse assign`)")
        return 1 if changed else 0
    for path in changed:
        print(f"wrote {path}")
    return 0


def _say(args: argparse.Namespace):
    """A progress printer to stderr, silent with ``--quiet``."""

    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    return say


def _grade(args: argparse.Namespace) -> int:
    """``nncourse grade``: exit 0 when every submission has a row in grades.csv."""
    from nncourse.grading import GradingOptions, Limits, grade
    from nncourse.grading.options import parse_shard

    try:
        limits = Limits(args.timeout, args.call_timeout, args.memory or None)
        shard = parse_shard(args.shard) if args.shard is not None else None
        options = GradingOptions(
            limits, args.jobs, args.secret, args.sandbox, args.regrade, shard=shard
        )
        report = grade(args.exercise, args.submissions, args.out, options, progress=_say(args))
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
    if report.ungraded:
        print(
            f"nncourse grade: {len(report.ungraded)} submissions not graded: "
            + ", ".join(report.ungraded),
            file=sys.stderr,
        )
        return 1
    warning = f" (WARNING: {report.isolation.warning})" if report.isolation.warning else ""
    _say(args)(f"wrote {report.gradebook}; sandbox: {report.isolation.summary()}{warning}")
    return 0


def _gradescope(args: argparse.Namespace) -> int:
    """``nncourse gradescope EXERCISE -o ZIP``."""
    from nncourse.grading.gradescope import write_bundle

    try:
        path = write_bundle(args.exercise, args.output, timeout=args.timeout, secret=args.secret)
    except ValueError as error:
        print(f"nncourse gradescope: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment")
    return 0


def _report(args: argparse.Namespace) -> int:
    """``nncourse report OUT ...``: the class report; exit 2 when the folders cannot be read or merged."""
    from nncourse.grading.report_text import summary_lines
    from nncourse.grading.reporting import LmsRequest, write_report

    given = [args.roster is not None, args.lms is not None, args.match is not None]
    if any(given) and not all(given):
        print("nncourse report: --roster, --lms and --match go together", file=sys.stderr)
        return 2
    lms = LmsRequest(args.lms, args.roster, args.match, args.assignment) if all(given) else None
    try:
        written = write_report(args.folders, args.out, args.book_url, lms)
    except ValueError as error:
        print(f"nncourse report: {error}", file=sys.stderr)
        return 2
    for line in summary_lines(written.report):
        print(line)
    print(f"wrote {written.html_path} and {written.json_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nncourse`` command."""
    parser = argparse.ArgumentParser(
        prog="nncourse", description="Exercises and grading for nncourse."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser(
        "assign", help="generate student and solutions notebooks from the sources"
    )
    p.add_argument(
        "exercises", nargs="*", metavar="ID", help="exercise ids (default: every source)"
    )
    p.add_argument("--root", type=Path, default=Path("."), help="course root folder (default: .)")
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a notebook is stale"
    )
    p.set_defaults(run=_assign)
    _add_grade(commands)
    _add_gradescope(commands)
    _add_report(commands)
    return parser


def _add_grade(commands) -> None:
    """The ``grade`` subcommand and its options (book/instructors.md, section "Grading")."""
    p = commands.add_parser("grade", help="grade submitted notebooks")
    p.add_argument("exercise", choices=EXERCISE_IDS, metavar="EXERCISE")
    p.add_argument(
        "submissions",
        nargs="+",
        type=Path,
        metavar="SUBMISSION",
        help="notebooks or folders of notebooks",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="where grades.csv goes")
    _add_limits(p)
    p.add_argument(
        "--secret",
        metavar="TEXT",
        help="seed of the hidden inputs (default: $NNCOURSE_GRADING_SECRET, else DIR/secret.txt)",
    )
    p.add_argument(
        "--sandbox",
        choices=SANDBOX_CHOICES,
        default="auto",
        help="isolation of the kernels: auto (the strongest that works here, saying so when it is not"
        " bwrap), bwrap (bubblewrap, required), user (an unprivileged user; the grader runs as root),"
        " none (scores only as trustworthy as the notebooks)",
    )
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only the K-th of N deterministic parts of the submissions, e.g. 2/4 (one part per"
        " machine, the same --secret on each; merge the folders with `nncourse report`)",
    )
    p.add_argument("--regrade", action="store_true", help="grade again those in grades.csv")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(run=_grade)


def _add_limits(p) -> None:
    """The limits of ``grade``: time per submission and per call, memory, jobs."""
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="time limit per submission, whole notebook (default: 60)",
    )
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="submissions graded at once")
    p.add_argument(
        "--call-timeout",
        type=float,
        metavar="SECONDS",
        help="time limit of one call of a student function (default: timeout/4, between 1 and 10)",
    )
    p.add_argument(
        "--memory",
        type=int,
        default=4096,
        metavar="MB",
        help="memory limit of each submission, all its processes together, 0 for none (default: 4096)",
    )


def _add_gradescope(commands) -> None:
    """The ``gradescope`` subcommand (book/instructors.md, section "Grading on Gradescope")."""
    p = commands.add_parser("gradescope", help="write a Gradescope autograder bundle")
    p.add_argument("exercise", choices=EXERCISE_IDS, metavar="EXERCISE")
    p.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"), metavar="ZIP")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS")
    p.add_argument(
        "--secret", metavar="TEXT", help="seed of the hidden inputs (default: a random one)"
    )
    p.set_defaults(run=_gradescope)


def _add_report(commands) -> None:
    """The ``report`` subcommand (book/instructors.md, section "The class report")."""
    from nncourse.grading.report import DEFAULT_BOOK_URL

    p = commands.add_parser("report", help="the class report of one or more grading folders")
    p.add_argument(
        "folders",
        nargs="+",
        type=Path,
        metavar="OUT",
        help="grading folders (the --out of `nncourse grade`)",
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="where the report goes (default: the first OUT)"
    )
    p.add_argument(
        "--book-url",
        default=DEFAULT_BOOK_URL,
        metavar="URL",
        help=f"the course's book, for the links to chapters (default: {DEFAULT_BOOK_URL})",
    )
    p.add_argument("--roster", type=Path, metavar="ROSTER.csv", help="the LMS's roster export")
    p.add_argument("--lms", choices=("canvas", "moodle"), help="write a gradebook import file")
    p.add_argument("--match", metavar="COLUMN", help="the roster column holding the students")
    p.add_argument(
        "--assignment",
        default="",
        metavar="NAME",
        help="the LMS grade column (default: the exercise id)",
    )
    p.set_defaults(run=_report)


def main(argv: list[str] | None = None) -> int:
    """Run the ``nncourse`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
