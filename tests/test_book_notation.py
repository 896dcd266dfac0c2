"""Mechanical checks of the book's one notation (issue 15, items 1 and 5).

The notation page (book/notation.md) lists every symbol in the first column of its tables. Each page in
``PAGES`` may use in its maths only symbols listed there, must avoid, in its prose and in its code, the
notations the page replaced, and, for notebooks, must define with ``glue`` every number its prose takes
from the code (issue 11).

To bring another chapter under these checks, add its file to ``PAGES`` (and, if it legitimately uses a
replaced notation, say where in ``ALLOWED``).
"""

import re

import bookpages
import numpy as np
import pytest

NOTATION = bookpages.ROOT / "book" / "notation.md"

PAGES = [
    "book/sigmoid.ipynb",
    "book/softmax.ipynb",
    "book/cross_entropy.ipynb",
    "book/gradient_descent.ipynb",
    "book/backpropagation.ipynb",
    "book/maths.ipynb",
    "book/glossary.md",
    "exercises/sigmoid.ipynb",
    "exercises/softmax.ipynb",
    "exercises/cross_entropy.ipynb",
    "exercises/gradient_descent.ipynb",
    "exercises/backprop.ipynb",
]

GREEK = set(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi "
    "rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi "
    "Psi Omega".split()
)
SPECIAL = {"nabla", "odot", "top", "partial", "ell"}
NAMED = r"\\(operatorname|mathrm|mathbb|mathcal)\{([^}]*)\}"

# Notations the notation page replaced (review 2026-12, S6-S16, and the decisions it states), and what to
# write instead. They are looked for in a page's whole text: prose, maths and code (names, shapes).
REPLACED = {
    r"\\mathbf": "bold vectors: write w · x + b with plain letters",
    r"\\mathbf\{w\}\^\\top|w\^\\top ?x": "w^T x: write w \\cdot x",
    r"a\^\{?\(L\)": "a^(L): the output is a^M (L is the loss)",
    r"\\cos\s*\\theta": "an angle theta: the angle is \\varphi (theta is the parameters)",
    r"m = \\max": "m as the largest score: write z_{\\max} (m is the layer index)",
    r"\\ell\b": "ell for a loss: the loss is L",
    r"\\lceil n / B \\rceil": "n / B: the batch size is |B|",
    r"n_\{\\text\{in\}\}": "n_in in formulas: write d_in (n counts examples)",
    r"\\hat\{y\}_?\w* - t\b|\bt_l\b|\bT_g\b": "t or T for targets: they are y and Y (t is a step counter)",
    r"\\mu\b(?!\$ for the momentum coefficient)": "mu for momentum: momentum is beta (mu is a mean)",
    r"\$h\$|\(n, h\)|\(h, k\)|\(h,\)": "h for the hidden width: it is d_1 (d1 in code)",
    r"\bp = sigmoid": "p for the predicted probability: it is y_hat (p is what happened)",
}
# A page may use a replaced notation where it explains it, e.g. the sigmoid chapter's optional dropdown,
# whose Gaussian derivation also writes a class mean as mu.
ALLOWED = {
    "book/sigmoid.ipynb": {
        r"\\mathbf\{w\}\^\\top|w\^\\top ?x",
        r"\\mu\b(?!\$ for the momentum coefficient)",
    },
}


def _markdown(path):
    return bookpages.source(path, "markdown")


def _code(path):
    return bookpages.source(path, "code")


def math_spans(text):
    """The LaTeX of every $...$ and $$...$$ outside code, in the order met."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    spans = re.findall(r"\$\$(.*?)\$\$", text, flags=re.S)
    text = re.sub(r"\$\$(.*?)\$\$", " ", text, flags=re.S)
    return spans + [m for m in re.findall(r"\$([^$]+?)\$", text) if "\n\n" not in m]


def symbols(latex):
    """The symbols of a piece of LaTeX: Latin letters, Greek letters, hats and named operators."""
    found = {f"\\{kind}{{{name}}}" for kind, name in re.findall(NAMED, latex)}
    latex = re.sub(
        r"\\(operatorname|mathrm|mathbb|mathcal|text|texttt|mathbf|boldsymbol)\{[^}]*\}", " ", latex
    )
    hat = r"\\hat\s*\{?\s*([A-Za-z])\}?"
    found |= {f"\\hat {letter}" for letter in re.findall(hat, latex)}
    latex = re.sub(hat, " ", latex)
    latex = re.sub(r"\\(begin|end)\{\w+\}", " ", latex)
    found |= {
        "\\" + name for name in re.findall(r"\\([A-Za-z]+)", latex) if name in GREEK | SPECIAL
    }
    return found | set(re.findall(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", " ", latex)))


def listed_symbols():
    """Symbols in the first column of the notation page's tables (rows of "| symbol | ... |")."""
    listed = set()
    for line in NOTATION.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            first = line.split("|")[1]
            for span in math_spans(first):
                listed |= symbols(span)
    return listed


def test_the_tokeniser_on_a_known_formula():
    assert symbols(r"\hat y_i = \sigma(w \cdot x^{(i)} + b) + \operatorname{Var}(U)") == {
        "\\hat y",
        "i",
        "\\sigma",
        "w",
        "x",
        "b",
        "\\operatorname{Var}",
        "U",
    }
    assert math_spans("a $x$ and\n$$\ny\n$$ and `$z$`") == ["\ny\n", "x"]


def test_the_notation_page_lists_the_decisions():
    listed = listed_symbols()
    for symbol in ("\\beta", "\\eta", "\\varepsilon", "\\varphi", "\\theta", "\\hat y", "\\mathbb{E}",
                   "\\operatorname{Var}", "\\odot", "\\top", "M", "E", "L", "t", "y", "\\kappa", "P",
                   "\\hat m", "\\hat v", "J", "\\operatorname{diag}", "\\mathcal{N}"):  # fmt: skip
        assert symbol in listed, symbol
    text = NOTATION.read_text(encoding="utf-8")
    assert "## Reading other notes" in text and "PyTorch" in text
    assert "| $\\beta$ | momentum coefficient" in text


@pytest.mark.parametrize("page", PAGES)
def test_every_symbol_used_is_on_the_notation_page(page):
    used = set()
    for span in math_spans(_markdown(page)):
        used |= symbols(span)
    missing = used - listed_symbols()
    assert not missing, f"{page} uses symbols the notation page does not list: {sorted(missing)}"


@pytest.mark.parametrize("page", PAGES)
def test_no_replaced_notation(page):
    text = bookpages.source(page)
    for pattern, advice in REPLACED.items():
        if pattern in ALLOWED.get(page, set()):
            continue
        assert not re.search(pattern, text), f"{page}: {advice}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.startswith("book/") and p.endswith(".ipynb")]
)
def test_every_glued_number_is_defined_and_used(page):
    """Numbers in the prose come from the code through myst-nb glue (issue 11): none left undefined.

    A name glued in a loop, ``glue(f"bp221_{key}", ...)``, stands for every name of that form.
    """
    referenced = set(re.findall(r"\{glue(?::\w+)?\}`([\w-]+)", _markdown(page)))
    glued = set(re.findall(r"glue\(\s*f?\"([\w{}-]+)\"", _code(page)))
    defined = {name: re.compile(re.sub(r"\{\w*\}", r"[\\w-]+", name)) for name in glued}
    undefined = {r for r in referenced if not any(d.fullmatch(r) for d in defined.values())}
    assert not undefined, f"undefined glue: {sorted(undefined)}"
    unused = {name for name, d in defined.items() if not any(d.fullmatch(r) for r in referenced)}
    assert not unused, f"glued but never shown: {sorted(unused)}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.startswith("book/") and p.endswith(".ipynb")]
)
def test_finite_difference_step_is_eps(page):
    """The step of a finite difference is ε, `eps=` in code (review S9), never h."""
    code = _code(page)
    assert not re.search(r"\bh\s*=\s*1e-", code)
    assert "2h}" not in _markdown(page)


def test_glossary_numbers():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    text = bookpages.source("book/glossary.md")
    assert "\\sigma'(5) \\approx 0.0066" in text
    assert round(float(sigmoid(5) * sigmoid(-5)), 4) == 0.0066
    assert "0.25^{10} \\approx 10^{-6}" in text
    assert 0.5e-6 < 0.25**10 < 2e-6
    assert "a\n  probability of 0.8 is odds of 4" in text and 0.8 / 0.2 == pytest.approx(4)
