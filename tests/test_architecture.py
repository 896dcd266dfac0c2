"""The package's layering, read from the imports of every module (see ``ARCHITECTURE.md``).

Imports point one way: the numerics import nothing from the figures, the grader or the course
tooling; the figures import nothing from the grader or the course tooling. Every module must
belong to a layer, so a new module is placed on purpose. The grader may be flat modules or the
``nncourse/grading/`` package: both are the grading layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nncourse"

NUMERICS = {
    "nncourse",  # __init__.py: the public numerics API
    *(
        f"nncourse.{name}"
        for name in (
            "_validation",
            "activations",
            "autodiff",
            "datasets",
            "encoding",
            "gradcheck",
            "init",
            "losses",
            "network",
            "optim",
        )
    ),
}
TOOLING = {"nncourse.assign", "nncourse.checks", "nncourse.__main__"}
FORBIDDEN = {  # layer: the layers it must not import
    "numerics": {"figures", "grading", "tooling"},
    "figures": {"grading", "tooling"},
}


def layer(module: str) -> str | None:
    """The layer of a module, by dotted name (``None`` for a module no layer claims)."""
    if module in NUMERICS:
        return "numerics"
    if module == "nncourse.figures" or module.startswith("nncourse.figures."):
        return "figures"
    if module == "nncourse.grading":
        return "grading"
    if module.startswith("nncourse.grading."):
        return "grading"
    if (
        module in TOOLING
        or module == "nncourse.exercises"
        or module.startswith("nncourse.exercises.")
    ):
        return "tooling"
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_module(name: str) -> bool:
    return name in MODULES


def imported_modules(module: str, *, ours: bool = True) -> set[str]:
    """Every module that ``module`` imports anywhere in its code (only ``nncourse``'s if ``ours``)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..figures import y
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}")}
    if not ours:
        return found
    return {name for name in found if name == "nncourse" or name.startswith("nncourse.")}


def test_every_module_belongs_to_a_layer():
    unplaced = [name for name in MODULES if layer(name) is None]
    assert not unplaced, f"add these modules to a layer in tests/test_architecture.py: {unplaced}"


@pytest.mark.parametrize("module", [m for m in MODULES if layer(m) in FORBIDDEN])
def test_imports_point_one_way(module):
    wrong = {
        name: layer(name)
        for name in imported_modules(module)
        if layer(name) in FORBIDDEN[layer(module)]
    }
    assert not wrong, f"{module} ({layer(module)}) must not import {wrong}"


def test_the_import_reader_sees_every_kind_of_import(tmp_path):
    # the rule is only as good as the reader: check it on this package's known imports
    assert "nncourse.activations" in imported_modules("nncourse")
    assert "nncourse.figures.palette" in imported_modules("nncourse.figures.scene")
    assert "nncourse.datasets" in imported_modules("nncourse.figures.training")  # from x import y
    assert layer("nncourse.grading.score") == layer("nncourse.grading.sandbox") == "grading"
    assert layer("nncourse.figures") == "figures"


# -- the figures' own house rules (issue 13) ------------------------------------------------------
FIGURE_MODULES = [m for m in MODULES if layer(m) == "figures"]


def _code_lines(function: ast.FunctionDef) -> int:
    """Lines of a function without its docstring."""
    lines = function.end_lineno - function.lineno + 1
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        lines -= body[0].end_lineno - body[0].lineno + 1
    return lines


@pytest.mark.parametrize("module", FIGURE_MODULES)
def test_figure_modules_say_where_they_are_taught_and_stay_short(module):
    tree = ast.parse(MODULES[module].read_text())
    docstring = ast.get_docstring(tree)
    assert docstring and "Taught in:" in docstring, f"{module}: say what it is for and where taught"
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    long = {f.name: _code_lines(f) for f in functions if _code_lines(f) > 50}
    assert not long, f"{module}: functions over 50 lines {long}"


@pytest.mark.parametrize("module", FIGURE_MODULES)
def test_figures_draw_without_pyplot(module):
    assert "matplotlib.pyplot" not in imported_modules(module, ours=False), module


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_says_what_it_is_for_and_no_function_is_long(module):
    """Issue 13: a module docstring in every module, and no function over 50 lines of code."""
    tree = ast.parse(MODULES[module].read_text())
    assert ast.get_docstring(tree), f"{module}: open with a docstring saying what it is for"
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    long = {f.name: _code_lines(f) for f in functions if _code_lines(f) > 50}
    assert not long, f"{module}: functions over 50 lines {long}"
