"""Reading the book's pages in tests: which pages there are, a page's prose and code, and its cells
run with glue collected.

The notebooks are stored without outputs, so the test_book_*.py files read their sources and run the
cells they check. Shared by those files, the site checks and the browser tests (import it as
``bookpages``: pytest puts tests/ on the path).
"""

import contextlib
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
# The six chapters, in reading order: the pages with interactive figures.
CHAPTERS = [
    "book/sigmoid",
    "book/softmax",
    "book/cross_entropy",
    "book/gradient_descent",
    "book/backpropagation",
    "book/training",
]


def toc_pages() -> list[str]:
    """Every document of ``_toc.yml``, in reading order (``book/sigmoid``, ...)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [page.removesuffix(".md").removesuffix(".ipynb") for page in pages]


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
