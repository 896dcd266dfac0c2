"""Reading the book's pages in tests: a page's prose and code, and its cells run with glue collected.

The notebooks are stored without outputs, so the test_book_*.py files read their sources and run the
cells they check. Shared by those files (import it as ``bookpages``: pytest puts tests/ on the path).
"""

import contextlib
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def read(path: str | Path) -> nbformat.NotebookNode:
    """The notebook at ``path``, relative to the repository root (or absolute)."""
    return nbformat.read(ROOT / path, as_version=4)


def source(path: str | Path, cell_type: str | None = None) -> str:
    """A page's text: a Markdown file's, or its notebook cells of ``cell_type`` (None: all), joined."""
    path = ROOT / path
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = read(path).cells
    return "\n".join(c.source for c in cells if cell_type in (None, c.cell_type))


@contextlib.contextmanager
def collected_glue():
    """Within the block, ``from myst_nb import glue`` records ``name -> value`` in the dict yielded.

    Outside a book build myst-nb's own ``glue`` would only display the value; the tests want it.
    """
    glued: dict = {}
    fake = SimpleNamespace(glue=lambda name, value, display=True: glued.__setitem__(name, value))
    saved = sys.modules.get("myst_nb")
    sys.modules["myst_nb"] = fake
    try:
        yield glued
    finally:
        if saved is None:
            sys.modules.pop("myst_nb", None)
        else:
            sys.modules["myst_nb"] = saved
