"""Search results with excerpts and a better ranking, also when the book is opened from file://.

Sphinx's search page shows an excerpt under each result by fetching the result's page. A browser
does not let a page opened from the file system fetch another file, so offline every result was a
bare title. This extension writes the text of every section, once per build, into
``_static/search-text.js`` (a script, which a file:// page may load), and on the search page only
adds that file, ``search-excerpts.js`` (which answers Sphinx's fetch of a page from it) and
``search-scorer.js`` (the ranking). Code, outputs and maths are left out of the excerpts.

Loaded by ``sphinx: local_extensions`` in ``_config.yml``; tests/browser/test_search.py checks it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

SKIPPED = (nodes.literal_block, nodes.raw, nodes.comment, nodes.math_block, nodes.image)
SEARCH_PAGE_SCRIPTS = ["search-text.js", "search-excerpts.js", "search-scorer.js"]
# Inline maths in an excerpt: TeX commands as the characters they stand for, so that an excerpt
# reads "σ(w · x + b)" rather than "\\sigma(w \\cdot x + b)".
SYMBOLS = {
    **{
        name: chr(0x3B1 + i)
        for i, name in enumerate(
            "alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau upsilon varphi chi psi omega".split()
        )
    },
    "epsilon": "ε",
    "phi": "φ",
    "Sigma": "Σ",
    "Delta": "Δ",
    "sum": "Σ",
    "prod": "Π",
    "cdot": "·",
    "times": "×",
    "partial": "∂",
    "nabla": "∇",
    "infty": "∞",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "in": "∈",
    "frac": "",
    "dfrac": "",
    "tfrac": "",
    "dots": "…",
    "ldots": "…",
    "cdots": "⋯",
    "lvert": "|",
    "rvert": "|",
    "top": "ᵀ",
}
TEX_WRAPPER = re.compile(
    r"\\(?:hat|bar|tilde|vec|mathbf|mathrm|mathcal|operatorname|text|boldsymbol)\{([^{}]*)\}"
)
TEX_COMMAND = re.compile(r"\\([A-Za-z]+)")


def plain_tex(tex: str) -> str:
    """``\\hat{y} = \\sigma(z)`` -> ``y = σ(z)``: the TeX of inline maths as plain characters, for an excerpt."""
    tex = TEX_WRAPPER.sub(r"\1", tex)
    tex = TEX_COMMAND.sub(lambda m: SYMBOLS.get(m.group(1), m.group(1)), tex)
    return re.sub(r"[{}]|\\[,;!]", "", tex).replace("\\", "")


def _prose(node: nodes.Node) -> str:
    """The reader's text of ``node`` without code, outputs, display maths and subsections."""
    if isinstance(node, nodes.Text):
        return node.astext()
    if isinstance(node, nodes.math):
        return plain_tex(node.astext())
    if isinstance(node, (*SKIPPED, nodes.section, nodes.title)):
        return ""
    if isinstance(node, nodes.Element) and "cell_output" in node.get("classes", []):
        return ""
    text = "".join(_prose(child) for child in node.children)
    return text if isinstance(node, nodes.Inline) else text + " "


def section_texts(doctree: nodes.document) -> list[list[str]]:
    """``[[id, title, text, parent id], ...]``: each section of the page, in reading order, with
    its own text (its subsections come as entries of their own) and the id of the section it is in
    (``""`` at the top); then each glossary term with its definition."""
    sections = []
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        text = " ".join("".join(_prose(child) for child in section.children).split())
        title = title.astext() if title else ""
        sections.append([section["ids"][0], title, text, _section_id(section.parent)])
    # Glossary terms are search results of their own (#term-...): their definition is the excerpt.
    for term in doctree.findall(nodes.term):
        definition = term.next_node(nodes.definition, siblings=True)
        if term["ids"] and definition is not None:
            text = " ".join(_prose(definition).split())
            sections.append([term["ids"][0], term.astext(), text, _section_id(term)])
    return sections


def _section_id(node: nodes.Node | None) -> str:
    """The id of the section ``node`` is in, ``""`` outside every section."""
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    return node["ids"][0] if node is not None else ""


def write_search_text(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    pages = {
        docname: section_texts(app.env.get_and_resolve_doctree(docname, app.builder))
        for docname in sorted(app.env.found_docs)
    }
    static = Path(app.outdir) / "_static"
    static.mkdir(exist_ok=True)
    payload = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    (static / "search-text.js").write_text(f"window.NNCOURSE_SEARCH_TEXT = {payload};\n")


def add_search_page_scripts(app: Sphinx, pagename: str, *_args) -> None:
    if pagename == "search":
        for script in SEARCH_PAGE_SCRIPTS:
            app.add_js_file(script)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_search_page_scripts)
    app.connect("build-finished", write_search_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
