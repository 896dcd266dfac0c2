"""End to end: the static website's sliders respond, offline, with the mouse and the keyboard.

A tiny book (one notebook showing an interactive figure) is built in a temporary folder with the
project's own ``_config.yml``, so these tests check the whole path: the notebook's output carries
both the widget and the HTML, myst-nb picks the HTML, no widget JavaScript is fetched from a CDN,
and the inline script swaps the frames. A second test walks the real sigmoid chapter.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[2]

TINY_NOTEBOOK_CODE = """\
from matplotlib.figure import Figure

from nncourse.figures.interactive import Slider, interactive_figure
from nncourse.figures.palette import new_figure
from nncourse.figures.scene import Scene
from nncourse.figures.sigmoid import sigmoid_weight_bias


def dot(a, b, c):
    fig = Figure(figsize=(2, 2), dpi=40, facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5))
    ax.plot([a], [b], "o", ms=4 + 4 * c, color="#0072B2")
    return fig


interactive_figure(
    dot,
    {
        "a": Slider(-1, 1, 0.5, 0, "across a"),
        "b": Slider(-1, 1, 0.5, 0.5, "up b"),
        "c": Slider(0, 2, 1, 1, "size c"),
    },
    alt="A dot at (a, b) of size c.",
)
"""

PLAYING_NOTEBOOK_CODE = """\
def walk_scene():
    figure = new_figure(2, 1.5)
    ax = figure.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set(xlim=(-0.5, 5.5), ylim=(-1, 1), title="a walk")
    (dot,) = ax.plot([], [], "o", color="#D55E00", ms=8, animated=True)

    def update(steps, size):
        dot.set_data([steps], [0])
        dot.set_markersize(4 + 4 * size)
        return [dot]

    return figure, update


interactive_figure(
    Scene(walk_scene),
    {"steps": Slider(0, 5, 1, 0, "steps", play=True), "size": Slider(0, 1, 1, 0, "size")},
    alt="A dot that walks to the right, one step at a time.",
)
"""


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory, chromium_path, build_book) -> Path:
    """A one-page book built with the project's configuration; returns its index.html."""
    source = tmp_path_factory.mktemp("tiny_book")
    config = yaml.safe_load((REPOSITORY / "_config.yml").read_text())
    config["title"] = "Slider test"
    (source / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    for folder in config.get("sphinx", {}).get("config", {}).get("html_static_path", []):
        shutil.copytree(REPOSITORY / folder, source / folder)  # scripts the config adds
    (source / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Sliders\n\nTwo interactive figures."),
        nbformat.v4.new_code_cell(TINY_NOTEBOOK_CODE),
        nbformat.v4.new_code_cell("sigmoid_weight_bias()"),
        nbformat.v4.new_code_cell(PLAYING_NOTEBOOK_CODE),
    ]
    nbformat.write(notebook, source / "index.ipynb")
    build_book(source, source)
    return source / "_build" / "html" / "index.html"


def shown_frame_is_right(figure) -> None:
    """The image shows the frame the inputs select, and each value is printed beside its input."""
    frames = json.loads(figure.locator("script.nncourse-frames").text_content())
    index = 0
    for position in range(figure.locator("input[type=range]").count()):
        slider = figure.locator("input[type=range]").nth(position)
        k = int(slider.input_value())
        values = json.loads(slider.get_attribute("data-values"))
        index = index * len(values) + k
        output = figure.locator(f"output[for='{slider.get_attribute('id')}']")
        assert output.text_content() == values[k]
        assert slider.get_attribute("aria-valuetext") == values[k]
    assert figure.locator("img").get_attribute("src") == f"data:image/png;base64,{frames[index]}"


def move_every_slider(page, figure) -> None:
    """Move each slider with the mouse, then with the keyboard; the image changes each time."""
    image = figure.locator("img")
    sliders = figure.locator("input[type=range]")
    assert sliders.count() >= 1
    assert image.get_attribute("alt")
    shown_frame_is_right(figure)
    for position in range(sliders.count()):
        slider = sliders.nth(position)
        label = figure.locator(f"label[for='{slider.get_attribute('id')}']")
        assert label.is_visible() and label.text_content().strip()
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        top = int(slider.get_attribute("max"))
        for fraction, expected in ((0.995, top), (0.005, 0)):  # mouse: click near each end
            before, before_value = image.get_attribute("src"), int(slider.input_value())
            page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
            assert int(slider.input_value()) == expected
            if expected != before_value:
                assert image.get_attribute("src") != before
            shown_frame_is_right(figure)
        slider.focus()  # keyboard: End, then one step back with the arrow key
        for key, expected in (("End", top), ("ArrowLeft", top - 1)):
            before = image.get_attribute("src")
            page.keyboard.press(key)
            assert int(slider.input_value()) == expected
            assert image.get_attribute("src") != before
            shown_frame_is_right(figure)
        assert re.search(
            re.escape(label.text_content().strip()) + " = ", image.get_attribute("alt")
        )


def test_tiny_book_sliders_respond_offline(tiny_site, offline_page):
    page = offline_page
    page.goto(tiny_site.as_uri())
    figures = page.locator(".nncourse-figure")
    assert figures.count() == 3
    # myst-nb chose the HTML view: no widget view, no widget manager loaded from anywhere
    assert page.locator(".jupyter-widgets, .widget-subarea").count() == 0
    assert "embed-amd" not in page.content() and "require.min.js" not in page.content()
    for i in range(figures.count()):
        move_every_slider(page, figures.nth(i))
    assert page.log.external == []
    assert page.log.errors == []


def walking_figure(page):
    """The tiny book's third figure: a steps slider with ▶, and a size slider without."""
    figure = page.locator(".nncourse-figure").nth(2)
    return figure, figure.locator("input[type=range]").first, figure.locator("button.nncourse-play")


def wait_for_value(page, slider, predicate: str) -> None:
    """Wait until ``predicate`` (JavaScript, of the number ``v``) holds for the slider's value."""
    page.wait_for_function(
        f"input => {{ const v = Number(input.value); return {predicate}; }}",
        arg=slider.element_handle(),
        timeout=15_000,
    )


def test_play_walks_the_slider_to_its_end_and_stops(tiny_site, offline_page):
    page = offline_page
    page.goto(tiny_site.as_uri())
    figure, steps, play = walking_figure(page)
    assert play.count() == 1 and figure.locator("button.nncourse-play").count() == 1  # only steps
    assert play.get_attribute("aria-label") == "Play steps"
    play.focus()
    page.keyboard.press("Enter")  # a real <button>: the keyboard works
    assert play.get_attribute("aria-pressed") == "true"
    wait_for_value(page, steps, "v === 5")
    page.wait_for_function(
        "b => b.getAttribute('aria-pressed') === 'false'", arg=play.element_handle()
    )
    shown_frame_is_right(figure)
    page.wait_for_timeout(1000)
    assert steps.input_value() == "5"  # it stopped at the end
    page.keyboard.press("Space")  # from the end, ▶ goes back to the start
    assert steps.input_value() == "0"
    shown_frame_is_right(figure)
    page.keyboard.press("Space")
    wait_for_value(page, steps, "v >= 1")
    page.keyboard.press("Space")  # pause
    paused = steps.input_value()
    page.wait_for_timeout(1000)
    assert steps.input_value() == paused and play.get_attribute("aria-pressed") == "false"
    assert page.log.errors == []


def test_play_respects_reduced_motion(tiny_site, browser):
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(tiny_site.as_uri())
        figure, steps, play = walking_figure(page)
        play.click()
        assert steps.input_value() == "1"  # one position per press, no animation
        page.wait_for_timeout(1200)
        assert steps.input_value() == "1" and play.get_attribute("aria-pressed") == "false"
        shown_frame_is_right(figure)
    finally:
        context.close()


def test_minus_and_plus_move_a_slider_one_position(tiny_site, offline_page):
    """Fine-tuning without dragging: − and + beside each slider, by mouse, Enter or Space."""
    page = offline_page
    page.goto(tiny_site.as_uri())
    figure, steps, play = walking_figure(page)
    minus = figure.locator(f"button.nncourse-step[data-for='{steps.get_attribute('id')}']").first
    plus = figure.locator(f"button.nncourse-step[data-for='{steps.get_attribute('id')}']").last
    assert (minus.get_attribute("aria-label"), plus.get_attribute("aria-label")) == (
        "Decrease steps",
        "Increase steps",
    )
    assert steps.input_value() == "0"
    minus.click()  # at the start: stays there
    assert steps.input_value() == "0"
    plus.click()
    assert steps.input_value() == "1"
    assert steps.get_attribute("aria-valuetext") == "1"
    shown_frame_is_right(figure)
    plus.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert steps.input_value() == "3"
    minus.focus()
    page.keyboard.press("Enter")
    assert steps.input_value() == "2"
    shown_frame_is_right(figure)
    for _ in range(10):  # at the end: stays there
        plus.click()
    assert steps.input_value() == "5"
    play.click()  # from the end ▶ goes back to 0; + while playing stops it
    play.click()
    wait_for_value(page, steps, "v >= 1")
    plus.click()
    assert play.get_attribute("aria-pressed") == "false"
    assert page.log.errors == []


def test_frames_are_drawn_at_twice_their_size(tiny_site, offline_page):
    page = offline_page
    page.goto(tiny_site.as_uri())
    images = page.locator(".nncourse-figure img")
    for i in range(images.count()):
        image = images.nth(i)
        natural = image.evaluate("img => img.naturalWidth")
        assert natural == 2 * int(image.get_attribute("width"))


def test_slider_targets_are_large_on_a_phone(tiny_site, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(tiny_site.as_uri())
        for target in page.locator(".nncourse-figure input[type=range]").all():
            target.scroll_into_view_if_needed()
            box = target.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 200
            label = page.locator(f"label[for='{target.get_attribute('id')}']").bounding_box()
            assert label["y"] + label["height"] <= box["y"] + 1  # the label sits above
        buttons = page.locator(
            ".nncourse-figure button.nncourse-play, .nncourse-figure button.nncourse-step"
        )
        assert buttons.count() == 2 * page.locator(".nncourse-figure input[type=range]").count() + 1
        for button in buttons.all():
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        _, steps, _ = walking_figure(page)
        steps.scroll_into_view_if_needed()
        box = steps.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] - 3, box["y"] + box["height"] / 2)
        assert steps.input_value() == "5"
    finally:
        context.close()


def test_dark_mode_shows_figures_on_their_own_light_ground_without_a_frame(tiny_site, browser):
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(tiny_site.as_uri())
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
        figure = page.locator(".nncourse-figure").nth(2)  # a scene: overlay on a background
        style = figure.evaluate(
            "f => { const s = getComputedStyle(f), i = getComputedStyle(f.querySelector('img'));"
            " const b = getComputedStyle(f.querySelector('.nncourse-stack'));"
            " return [s.paddingTop, s.backgroundColor, i.filter, b.backgroundImage.slice(0, 20)]; }"
        )
        # its own white box, once (the page's output frame is removed by book/_static/nncourse.css)
        assert style[0] == "8px" and style[1] == "rgb(255, 255, 255)"
        assert style[2] == "none"  # the theme's dimming filter is off for frames
        assert style[3].startswith('url("data:image/png')  # the figure's own white background
    finally:
        context.close()


def test_sigmoid_chapter_sliders_respond_offline(built_site, offline_page):
    page = offline_page
    page.goto((built_site / "book" / "sigmoid.html").as_uri())
    figures = page.locator(".nncourse-figure")
    assert figures.count() >= 1, "the sigmoid chapter shows no interactive figure"
    for i in range(figures.count()):
        move_every_slider(page, figures.nth(i))
    assert page.log.external == []
    assert page.log.errors == []


PAGE_BUDGET_MB = 6.0
FIGURE_BUDGET_MB = 3.5  # the gradient-descent figure: 10 learning rates × 31 steps


def test_every_page_with_figures_is_within_budget_and_responds(built_site, offline_page):
    pages = [p for p in sorted(built_site.rglob("*.html")) if "nncourse-figure" in p.read_text()]
    assert pages, "no page of the built site shows an interactive figure"
    for path in pages:
        text = path.read_text()
        assert len(text.encode()) / 1e6 <= PAGE_BUDGET_MB, f"{path.name} is over the page budget"
        for figure in re.findall(r'<div class="nncourse-figure".*?</script></div>', text, re.S):
            assert len(figure.encode()) / 1e6 <= FIGURE_BUDGET_MB, f"a figure of {path.name}"
        offline_page.goto(path.as_uri())
        figures = offline_page.locator(".nncourse-figure")
        for i in range(figures.count()):
            move_every_slider(offline_page, figures.nth(i))
    assert offline_page.log.external == []
    assert offline_page.log.errors == []


@pytest.fixture
def jupyterlab(tmp_path, chromium_path):
    """A JupyterLab server on 127.0.0.1 serving a notebook with one figure; yields its URL."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from nncourse.figures.sigmoid import sigmoid_weight_bias\nsigmoid_weight_bias()"
        )
    ]
    served = tmp_path / "notebooks"
    served.mkdir()
    nbformat.write(notebook, served / "live.ipynb")
    settings = tmp_path / "lab" / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "notified about Jupyter news?" toast over the notebook
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    lab_env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab" / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab" / "workspaces"),
    }
    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "jupyter-lab"),
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--ServerApp.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={served}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=lab_env,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start within 60 s")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_first_cell(page, attempts: int = 5) -> None:
    """Run the notebook's first cell with Shift+Enter, again if JupyterLab dropped the run.

    Under load JupyterLab can show the kernel "Idle" and still drop a run, leaving the prompt
    at ``[ ]`` and only moving to a new cell, so a run counts once the prompt shows ``[*]`` or
    a number.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # the page fixture needs it

    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)
    taken = (
        "() => /\\[[*0-9]/.test(document.querySelector('.jp-CodeCell .jp-InputPrompt').textContent)"
    )
    for _ in range(attempts):
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_function(taken, timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"JupyterLab did not run the first cell in {attempts} tries")


def test_jupyterlab_shows_live_ipywidgets_sliders(jupyterlab, page):
    """In a live kernel the same cell shows ipywidgets sliders (not the static HTML) that redraw."""
    page.goto(f"{jupyterlab}/lab/tree/live.ipynb")
    run_first_cell(page)
    sliders = page.locator(".widget-slider")
    sliders.first.wait_for(timeout=120_000)
    assert sliders.count() == 2
    assert page.locator(".nncourse-figure").count() == 0
    image = page.locator(".widget-html img")
    assert "weight w = 1.00" in image.get_attribute("alt")
    before = image.get_attribute("src")
    page.locator(".widget-slider .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('.widget-html img').src !== before",
        arg=before,
        timeout=60_000,
    )
    assert "weight w = 1.25" in image.get_attribute("alt")


# Every value the chapters name, as a slider shows it: (page, slider label, values)
NAMED_VALUES = [
    ("sigmoid", "weight w", ["2.00", "0.25", "-1.00"]),  # the question: w = 2, b = -2
    ("sigmoid", "bias b", ["-2.00"]),
    ("sigmoid", "weight w₁", ["4.0", "-4.0", "2.0", "0.0"]),  # worked example, flipped, halved
    ("sigmoid", "weight w₂", ["5.0", "-5.0", "2.5", "0.0"]),
    ("sigmoid", "bias b", ["-9.0", "9.0", "-4.5"]),
    ("softmax", "temperature T", ["0.1", "1.0", "4.0"]),
    ("cross_entropy", "probability p", ["0.10", "0.60", "1.00"]),
    ("gradient_descent", "learning rate η", ["0.01", "0.19", "0.20", "0.21"]),
    ("gradient_descent", "steps", [str(k) for k in range(31)]),
    ("gradient_descent", "momentum β", ["0.00", "0.50", "0.90"]),  # the momentum figure
    ("gradient_descent", "learning rate η", ["0.02", "0.19", "0.25"]),
    ("backpropagation", "epoch", ["0", "5", "10", "20", "50", "100", "200", "1000"]),
    ("training", "hidden units N", ["1", "2", "4", "8", "32"]),  # a step, a bump, doubling
    ("training", "steepness", ["1", "10", "50"]),
]
STARTS = {("gradient_descent", "learning rate η"): "0.01"}  # "up from its smallest value"


def static_sliders(page: str) -> list[tuple[str, list[str], str]]:
    """(label, values, starting value) of every static slider of a built page."""
    found = re.findall(
        r'<input type="range"[^>]* value="(\d+)" aria-valuetext="[^"]*" data-label="([^"]*)" '
        r"data-values='([^']*)'>",
        page,
    )
    return [(label, json.loads(html.unescape(values)), int(k)) for k, label, values in found]


@pytest.mark.parametrize(("name", "label", "values"), NAMED_VALUES)
def test_every_value_the_text_names_is_a_frame(built_site, name, label, values):
    sliders = static_sliders((built_site / "book" / f"{name}.html").read_text())
    candidates = [(shown, start) for found, shown, start in sliders if found == label]
    assert candidates, f"{name}: no static slider labelled {label!r}"
    assert any(set(values) <= set(shown) for shown, _ in candidates), (name, label, candidates)
    if (name, label) in STARTS:
        assert any(shown[start] == STARTS[name, label] for shown, start in candidates)


def test_figure_labels_keep_their_size_on_a_laptop(built_site, browser):
    """At 1280 px the frames are not shrunk, so tick labels stay at least 10 px (see the unit test)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        for name in ("sigmoid", "gradient_descent", "backpropagation"):
            page.goto((built_site / "book" / f"{name}.html").as_uri())
            for image in page.locator(".nncourse-figure img").all():
                shown = image.evaluate("img => img.getBoundingClientRect().width")
                assert shown >= 0.9 * int(image.get_attribute("width")), name
    finally:
        context.close()
