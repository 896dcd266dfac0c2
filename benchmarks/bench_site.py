"""How long the website takes to build, and how heavy its pages are, against the issue's targets.

Three figures, each printed with its target and the ratio ``measured / target`` (at most 1 is met):

- **clean build**: ``jupyter-book build`` into an empty folder, so every notebook is executed;
  target 5 minutes on 2 cores.
- **rebuild with the execution cache**: the HTML and the Sphinx environment are deleted, the
  execution cache (``_build/.jupyter_cache``) is kept, and the book is built again: every page is
  read and written anew, no notebook is executed. Target 1 minute.
- **heaviest page**: the HTML of each page plus the images it shows from ``_images`` (pictures
  inlined as ``data:`` URIs, such as the frames of the static sliders, are in the HTML already);
  theme files shared by every page are not counted. Target 6 MB.

The reference, measured in the same run on the same machine, is the build of a one-page book with a
one-cell notebook (start-up of Sphinx, the theme and one kernel): the build times are also printed as
multiples of it, which says how much of a build is the book itself and how much is fixed cost.

Run from the repository root (it builds into a temporary folder, never into ``_build``)::

    python benchmarks/bench_site.py
    python benchmarks/bench_site.py --keep /tmp/bench-site   # keep the built site there
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
MB = 1_000_000
TARGETS = {"clean build": 300.0, "rebuild with the execution cache": 60.0, "heaviest page": 6 * MB}


def build(source: Path, path_output: Path) -> float:
    """Build the book in ``source`` into ``path_output/_build/html``; return the wall time."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(source), "--path-output", str(path_output)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"jupyter-book build failed:\n{result.stdout[-3000:]}{result.stderr}")
    return seconds


def reference_book(folder: Path) -> Path:
    """A one-page book: one notebook with one code cell, and the project's configuration."""
    source = folder / "reference_book"
    source.mkdir()
    shutil.copy(REPOSITORY / "_config.yml", source / "_config.yml")
    config = yaml.safe_load((REPOSITORY / "_config.yml").read_text())
    for folder in config.get("sphinx", {}).get("config", {}).get("html_static_path", []):
        shutil.copytree(REPOSITORY / folder, source / folder)  # scripts the configuration adds
    (source / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_markdown_cell("# Reference"), nbformat.v4.new_code_cell("1")]
    nbformat.write(notebook, source / "index.ipynb")
    return source


IMAGE = re.compile(r'<img[^>]+src="([^"]+)"')


def page_weights(html_root: Path) -> list[tuple[int, int, str]]:
    """``(total bytes, html bytes, page)`` for every page, heaviest first."""
    weights = []
    for page in html_root.rglob("*.html"):
        if "_sources" in page.parts or "_static" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        images = {
            (page.parent / src.split("?")[0]).resolve()
            for src in IMAGE.findall(html)
            if not src.startswith(("data:", "http:", "https:")) and "_static" not in src
        }
        size = len(html.encode())
        extra = sum(image.stat().st_size for image in images if image.is_file())
        weights.append((size + extra, size, str(page.relative_to(html_root))))
    return sorted(weights, reverse=True)


def report(name: str, value: float, unit: str, reference: float | None = None) -> None:
    target = TARGETS[name]
    scale = MB if unit == "MB" else 1
    ratio = value / target
    verdict = "met" if ratio <= 1 else "MISSED"
    line = (
        f"{name:<34} {value / scale:8.2f} {unit:<3}  target {target / scale:6.1f} {unit:<3}"
        f"  measured/target {ratio:5.2f}  {verdict}"
    )
    if reference:
        line += f"  ({value / reference:5.1f} x the one-page reference build)"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the book here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        tmp = Path(tmp)
        out = args.keep or tmp / "book"
        if out.exists():
            shutil.rmtree(out)
        reference = build(reference_book(tmp), tmp / "reference")
        print(f"{'reference: one-page book':<34} {reference:8.2f} s", flush=True)
        clean = build(REPOSITORY, out)
        report("clean build", clean, "s", reference)
        shutil.rmtree(out / "_build" / "html")
        shutil.rmtree(out / "_build" / ".doctrees", ignore_errors=True)
        rebuild = build(REPOSITORY, out)
        report("rebuild with the execution cache", rebuild, "s", reference)
        weights = page_weights(out / "_build" / "html")
        report("heaviest page", weights[0][0], "MB")
        print("\nheaviest pages (HTML + its images):")
        for total, html, page in weights[:5]:
            print(f"  {page:<36} {total / MB:6.2f} MB  (HTML {html / MB:5.2f} MB)")


if __name__ == "__main__":
    main()
