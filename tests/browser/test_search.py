"""Search, offline from file://: each chapter first for its title word, results with excerpts.

In headless Chromium, offline, on the built site (``NNCOURSE_BUILD_DIR`` as for ``test_site.py``),
the search page is asked for the first word of each chapter's title ("sigmoid", "softmax",
"cross-entropy", ...):

- that chapter is the first result (the glossary and the pages that only mention the word come
  after it: ``book/_static/search-scorer.js``);
- every result carries an excerpt (or, for a glossary term, its description), the first one with
  the word in it (a file:// page may not fetch the pages
  excerpts are cut from: ``book/_static/nncourse_search.py`` ships the text).
"""

from __future__ import annotations

import re

import pytest
from bookpages import CHAPTERS

ARTICLES = {"the", "a", "an"}

# Wait until Sphinx's search has listed every result, then read them.
RESULTS = """
async () => {
  for (let i = 0; i < 300; i++) {
    const status = document.querySelector("#search-results .search-summary");
    if (status && status.textContent.trim()) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));  // excerpts arrive after the titles
  return [...document.querySelectorAll("#search-results ul.search > li")].map((li) => ({
    href: li.querySelector("a").getAttribute("href"),
    title: li.querySelector("a").textContent,
    excerpt: (li.querySelector("p.context") || {}).textContent || "",
    described: Boolean(li.querySelector(":scope > span")),  // a glossary term: "(term, in ...)"
  }));
}
"""


def title_word(title: str) -> str:
    """The first word of a title that is not an article: "The sigmoid" -> "sigmoid"."""
    words = [w for w in re.split(r"\s+", title.strip()) if w]
    while len(words) > 1 and words[0].lower() in ARTICLES:
        words.pop(0)
    return words[0].lower()


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_ranks_first_for_its_title_word(open_site_page, built_site, name):
    chapter = open_site_page(name, "laptop")
    word = title_word(chapter.locator("article h1").first.inner_text().rstrip("#"))
    page = open_site_page("search", "laptop", query=f"?q={word}")
    results = page.evaluate(RESULTS)
    assert results, f"searching {word!r} found nothing"
    first = results[0]["href"].split("#")[0]
    assert first == f"{name}.html", (
        f"searching {word!r}: first result {results[0]['title']!r} ({first}), not {name}; "
        f"order: {[r['title'] for r in results[:6]]}"
    )
    stem = word.split("-")[0][:5]
    assert stem in results[0]["excerpt"].lower(), (
        f"searching {word!r}: the first result has no excerpt with the word: "
        f"{results[0]['excerpt']!r}"
    )
    bare = [r["title"] for r in results if not r["excerpt"].strip() and not r["described"]]
    assert bare == [], f"searching {word!r}: results without an excerpt: {bare}"


def test_title_word():
    assert title_word("The sigmoid") == "sigmoid"
    assert title_word("Cross-entropy and maximum likelihood") == "cross-entropy"
    assert title_word("Gradient descent") == "gradient"
