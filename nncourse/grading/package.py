"""The copy of nncourse that a grading kernel imports: the helpers, without the answers.

The copy has the numerics modules (so ``import nncourse as nn`` and the helpers an exercise allows, such
as ``nn.sigmoid`` in the backprop exercise, still work) but not ``nncourse/exercises`` (every
reference), not the grader, and not the exercise's own answers: each top-level function or class of
nncourse named like one of the exercise's functions, or listed in :data:`WITHHELD` (what the
exercise's references are built from), is replaced by a stub that raises :class:`Withheld`, and a module
listed in :data:`WITHHELD_MODULES` (``nncourse.autodiff`` in the autodiff exercise) by one that cannot be
imported.
``nncourse.checks`` is replaced by a stub that does nothing, so a notebook that imports it still runs.

Taught in: the instructor guide (book/instructors.md), section "What the grader trusts".
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import nncourse
from nncourse.exercises.spec import Exercise

# What an exercise's references are built from, beyond nncourse's functions named like its questions.
WITHHELD = {
    # log σ(x) is log_softmax of the pair (0, x); σ(x) is softmax([0, x])[1].
    "sigmoid": ("softmax", "log_softmax", "softmax_cross_entropy", "softmax_cross_entropy_grad"),
    # logsumexp(z) is z[:, 0] - log_softmax(z)[:, 0]; softmax is softmax_cross_entropy_grad + Y.
    "softmax": ("log_softmax", "softmax_cross_entropy", "softmax_cross_entropy_grad"),
    # entropy + kl_divergence add up to the cross-entropy, with the same clamp of the logarithm.
    "cross_entropy": ("entropy", "kl_divergence", "log_softmax"),
    # MLP([d, 1]) gives the logistic gradients; momentum_step is the heavy-ball update.
    "gradient_descent": ("gradient_descent", "momentum_step", "MLP"),
    "softmax_regression": (
        "softmax",
        "log_softmax",
        "softmax_cross_entropy",
        "softmax_cross_entropy_grad",
        "categorical_cross_entropy",
        "entropy",
        "kl_divergence",
        "MLP",
    ),
    "backprop": ("MLP",),
}
# Whole modules an exercise's references are (the learner writes a Value class in "autodiff").
WITHHELD_MODULES = {"autodiff": ("autodiff.py",)}
LEFT_OUT = {"exercises", "grading", "assign.py", "__main__.py", "checks.py"}

CHECKS_STUB = '''"""nncourse.checks while a notebook is graded: the checks do nothing (the grader calls the functions)."""


class ExerciseChecker:
    def __init__(self, exercise_id=None):
        self.exercise_id = exercise_id

    def __call__(self, function=None, name=None):
        print("(public checks are skipped while the grader runs this notebook)")

    def summary(self):
        print("(public checks are skipped while the grader runs this notebook)")


def exercise(exercise_id=None):
    return ExerciseChecker(exercise_id)
'''

LEFT_OUT_STUB = """raise ImportError("nncourse.{name} is not available while a notebook is graded")
"""

WITHHELD_ERROR = '''

class Withheld(RuntimeError):
    """Raised by what the grading kernel's copy of nncourse leaves out: the exercise's own answers."""
'''


def withheld_names(exercise: Exercise) -> set[str]:
    """The names whose definitions the kernel's copy leaves out for ``exercise``."""
    return {q.function for q in exercise.questions} | set(WITHHELD.get(exercise.id, ()))


def _stub(node: ast.FunctionDef | ast.ClassDef, exercise_id: str) -> str:
    message = f"nncourse.{node.name} is not available while the {exercise_id!r} exercise is graded"
    if isinstance(node, ast.ClassDef):
        body = f"    def __init__(self, *args, **kwargs):\n        raise Withheld({message!r})\n"
        return f"class {node.name}:\n{body}"
    return f"def {node.name}(*args, **kwargs):\n    raise Withheld({message!r})\n"


def strip_definitions(source: str, names: set[str], exercise_id: str) -> str:
    """``source`` with its top-level functions and classes called one of ``names`` replaced by stubs."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    targets = [
        n
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name in names
    ]
    if not targets:
        return source
    for node in sorted(targets, key=lambda n: n.lineno, reverse=True):
        first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        lines[first : node.end_lineno] = [_stub(node, exercise_id)]
    text = "".join(lines)
    return text + ("" if "class Withheld(" in text else WITHHELD_ERROR)


def build_kernel_package(exercise: Exercise, folder: Path) -> Path:
    """Write the kernel's copy of nncourse into ``folder`` (which goes on the kernel's PYTHONPATH)."""
    source = Path(nncourse.__file__).parent
    target = folder / "nncourse"
    names = withheld_names(exercise)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in LEFT_OUT or "__pycache__" in relative.parts or path.is_dir():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".py":
            text = strip_definitions(path.read_text(encoding="utf-8"), names, exercise.id)
            destination.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(path, destination)
    for name in (LEFT_OUT - {"checks.py"}) | set(WITHHELD_MODULES.get(exercise.id, ())):
        # found here first, so that nothing finds the real ones
        stub = target / name / "__init__.py" if "." not in name else target / name
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(LEFT_OUT_STUB.format(name=name.removesuffix(".py")), encoding="utf-8")
    (target / "checks.py").write_text(CHECKS_STUB, encoding="utf-8")
    return folder
