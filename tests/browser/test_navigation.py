"""Moving around the book: sidebar drawers and collapse, one search box, real launch links.

In headless Chromium, offline, on the built site (``NNCOURSE_BUILD_DIR`` as for ``test_site.py``):

- on a phone (390 px) and a tablet or half-screen window (900 px), the ☰ button opens the chapter
  list in a drawer and the contents button opens the page's contents; Escape closes them;
- on a laptop (1280 px) the same ☰ button collapses the sidebar and brings it back;
- the laptop shows one search box, not two;
- no launch link (Binder, Colab, a JupyterHub) of any notebook page points at a placeholder host
  such as ``jupyterhub.example.org``, and the Binder and Colab links are there.

These failed with pydata-sphinx-theme 0.17 until ``book/_static/sidebar-toggles.js``.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from test_site import BOOK_PAGES, REPOSITORY

NOTEBOOK_PAGES = [page for page in BOOK_PAGES if (REPOSITORY / f"{page}.ipynb").exists()]
# Hosts that are never a real server: RFC 2606 / 6761 names and the machine itself.
PLACEHOLDER_HOST = re.compile(
    r"(^|\.)(example\.(org|com|net)|invalid|test|example|localhost)$|^127\.|^0\.0\.0\.0$"
)
DRAWERS = {
    "primary": ("#pst-primary-sidebar-modal", "a.reference.internal[href*='softmax']"),
    "secondary": ("#pst-secondary-sidebar-modal", "nav.page-toc a, .page-toc a"),
}


def is_placeholder(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return bool(PLACEHOLDER_HOST.search(host))


@pytest.mark.parametrize("screen", ["phone", "tablet"])
@pytest.mark.parametrize("drawer", sorted(DRAWERS))
@pytest.mark.parametrize("name", ["book/sigmoid", "book/notation"])
def test_drawer_opens_and_closes(open_site_page, name, screen, drawer):
    page = open_site_page(name, screen)
    dialog_selector, link_selector = DRAWERS[drawer]
    button = page.locator(f".{drawer}-toggle:visible")
    assert button.count() == 1, f"{name} ({screen}): {button.count()} visible {drawer} buttons"
    button.click()
    dialog = page.locator(dialog_selector)
    assert dialog.evaluate("d => d.open"), f"{name} ({screen}): the {drawer} drawer did not open"
    links = dialog.locator(link_selector)
    assert links.count() > 0 and links.first.is_visible(), (
        f"{name} ({screen}): the {drawer} drawer opened empty"
    )
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open"), f"{name} ({screen}): Escape did not close it"


@pytest.mark.parametrize("name", ["book/sigmoid", "book/notation"])
def test_sidebar_collapses_on_a_laptop(open_site_page, name):
    page = open_site_page(name, "laptop")
    sidebar = page.locator("#pst-primary-sidebar")
    visible = (
        "s => getComputedStyle(s).visibility !== 'hidden' && s.getBoundingClientRect().right > 0"
    )
    assert sidebar.evaluate(visible), f"{name}: the sidebar is not shown to begin with"
    button = page.locator(".primary-toggle:visible")
    assert button.count() == 1, f"{name}: {button.count()} visible sidebar buttons"
    button.click()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#pst-primary-sidebar')).visibility"
        " === 'hidden'",
        timeout=15_000,  # a wait, not a limit: a loaded CI machine may be slow
    )
    assert not page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")
    button.click()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#pst-primary-sidebar')).visibility"
        " === 'visible'",
        timeout=15_000,  # a wait, not a limit: a loaded CI machine may be slow
    )


def test_one_search_box_on_a_laptop(open_site_page):
    page = open_site_page("book/sigmoid", "laptop")
    boxes = page.locator(".search-button-field:visible, .search-button:visible")
    assert boxes.count() == 1, f"{boxes.count()} search boxes are visible"


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_launch_links_are_real(open_site_page, name):
    page = open_site_page(name, "laptop")
    links = page.eval_on_selector_all(
        ".bd-header-article a[href], .dropdown-launch-buttons a[href]",
        "links => links.map((a) => a.href)",
    )
    placeholders = [link for link in links if is_placeholder(link)]
    assert placeholders == [], f"{name}: launch links to placeholder hosts: {placeholders}"
    hosts = {urlparse(link).hostname for link in links}
    assert {"mybinder.org", "colab.research.google.com"} <= hosts, f"{name}: launch links {links}"


def test_placeholder_check():
    assert is_placeholder("https://jupyterhub.example.org/hub/user-redirect/git-pull?repo=x")
    assert is_placeholder("http://localhost:8888/lab")
    assert is_placeholder("https://hub.invalid/")
    assert not is_placeholder("https://mybinder.org/v2/gh/nncourse/nncourse/main")
    assert not is_placeholder("https://colab.research.google.com/github/nncourse/nncourse")
