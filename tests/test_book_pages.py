"""Checks every chapter notebook shares: stored clean, opens with the install cell, one labelled H1 and
headings in order, links to notation and its exercise, real package source, alt text on figures."""

import importlib
import re
from itertools import pairwise
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"

# chapter file: (label, title, exercise pages it links, literalincludes it must show, least static figures)
CHAPTERS = {
    "sigmoid": ("chapter-sigmoid", "The sigmoid", ["exercises/sigmoid"],
                [("activations", "sigmoid"), ("activations", "sigmoid_grad")], 1),
    "softmax": ("chapter-softmax", "Softmax and one-hot encoding", ["exercises/softmax"],
                [("activations", "softmax")], 1),
    "cross_entropy": ("chapter-cross-entropy", "Cross-entropy and maximum likelihood",
                      ["exercises/cross_entropy", "exercises/softmax_regression"],
                      [("losses", "softmax_cross_entropy")], 2),
    "gradient_descent": ("chapter-gradient-descent", "Gradient descent",
                         ["exercises/gradient_descent", "exercises/softmax_regression"],
                         [("optim", "gradient_descent")], 1),
    "backpropagation": ("chapter-backpropagation", "Backpropagation",
                        ["exercises/backprop", "exercises/autodiff"],
                        [("network", "MLP._backprop")], 1),
    "training": ("chapter-training", "Training in practice",
                 ["exercises/training", "exercises/backprop"], [], 1),
}  # fmt: skip

INCLUDE = re.compile(
    r"```\{literalinclude\} \.\./nncourse/(\w+)\.py\n(?::[^\n]*\n)*?:pyobject: ([\w.]+)"
)


def _read(name):
    return nbformat.read(BOOK / f"{name}.ipynb", as_version=4)


def _markdown(notebook):
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def _heading_levels(text):
    levels, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and (match := re.match(r"(#+) ", line)):
            levels.append(len(match.group(1)))
    return levels


@pytest.mark.parametrize("name", CHAPTERS)
def test_stored_without_outputs(name):
    for cell in _read(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("name", CHAPTERS)
def test_starts_with_the_hidden_install_cell(name):
    first = _read(name).cells[0]
    assert first.cell_type == "code" and "remove-cell" in first.metadata.get("tags", [])
    assert "%pip install" in first.source


@pytest.mark.parametrize("name", CHAPTERS)
def test_label_one_h1_headings_in_order_and_links(name):
    label, title, exercises, _, _ = CHAPTERS[name]
    notebook = _read(name)
    first_markdown = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    assert first_markdown.source.startswith(f"({label})=\n# {title}")
    text = _markdown(notebook)
    levels = _heading_levels(text)
    assert levels.count(1) == 1 and levels[0] == 1
    for previous, current in pairwise(levels):
        assert current <= previous + 1, "a heading level is skipped"
    assert "{doc}`notation`" in text
    assert all(f"{{doc}}`{exercise}`" in text for exercise in exercises)


@pytest.mark.parametrize("name", CHAPTERS)
def test_literalincludes_name_real_package_objects(name):
    found = INCLUDE.findall(_markdown(_read(name)))
    for required in CHAPTERS[name][3]:
        assert required in found
    for module, dotted in found:
        obj = importlib.import_module(f"nncourse.{module}")
        for part in dotted.split("."):
            obj = getattr(obj, part)
        assert callable(obj)


@pytest.mark.parametrize("name", CHAPTERS)
def test_static_figures_have_alt_text(name):
    plotting = [c for c in _read(name).cells if c.cell_type == "code" and "plt.show()" in c.source]
    assert len(plotting) >= CHAPTERS[name][4]
    for cell in plotting:
        assert len(cell.metadata["mystnb"]["image"]["alt"]) > 40


# An answer box of any page: a ``{dropdown}`` or an admonition titled "Answer ...".
ANSWER_BOX = re.compile(r"^ *(?:`{3,}|:{3,})\{([\w-]+)\} *(Answers?\b.*)$", flags=re.MULTILINE)
# The other way to hide an answer: sphinx-togglebutton's toggle admonitions and ``{toggle}``.
TOGGLE = re.compile(r"^ *:class: [\w ]*\b(?:dropdown|toggle)\b|\{toggle\}", flags=re.MULTILINE)


def _book_sources():
    for path in sorted(BOOK.rglob("*.ipynb")) + sorted(BOOK.rglob("*.md")):
        if ".ipynb_checkpoints" not in path.parts:
            text = (
                _markdown(nbformat.read(path, as_version=4))
                if path.suffix == ".ipynb"
                else path.read_text()
            )
            yield path.relative_to(BOOK), text


def test_every_answer_box_is_one_style():
    """Every answer in the book is a sphinx-design dropdown: the review found two styles (blue toggle
    admonitions in the sigmoid chapter, grey dropdowns everywhere else)."""
    answers = 0
    for path, text in _book_sources():
        assert TOGGLE.findall(text) == [], (
            f"{path}: a toggle admonition; use :::{{dropdown}} Answer"
        )
        for directive, title in ANSWER_BOX.findall(text):
            assert directive == "dropdown", f"{path}: the answer box {title!r} is a {directive}"
            answers += 1
    assert answers >= 30  # every chapter's "Check your understanding" and "Play with it" answers
