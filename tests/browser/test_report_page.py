"""The class report's page in a real browser: offline from the file system, accessible, narrow.

The page (``nncourse report``'s ``report.html``, of a small synthetic class with a hostile student name)
is opened from ``file://`` with every request that would leave the machine aborted and recorded; none
may be attempted. axe-core finds no serious or critical violation; on a 390 px phone the page does not
scroll sideways (wide tables scroll inside their own box).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from nncourse.exercises import load_exercise
from nncourse.grading.gradebook import Gradebook, columns_for
from nncourse.grading.harness import CallStatus, RunStatus, encode_array
from nncourse.grading.plan import plan_calls
from nncourse.grading.reporting import write_report
from nncourse.grading.results import CallResult, KernelRun, call_result
from nncourse.grading.runinfo import run_info, write_run_info
from nncourse.grading.score import grade_one
from nncourse.grading.submissions import Submission

REPOSITORY = Path(__file__).resolve().parents[2]
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
SERIOUS = {"serious", "critical"}
SIGMOID = load_exercise("sigmoid")
HOSTILE = '<img src=x onerror="fetch(`https://evil.example/`)">' + "W" * 3000


def _results(planned, mistake: str) -> dict[str, CallResult]:
    results = {}
    for p in planned:
        value = np.asarray(p.expected[0])
        if p.question.function == "sigmoid" and mistake == "sign":
            value = -value
        if p.question.function == "neuron_predict" and mistake == "raise":
            results[p.id] = CallResult(CallStatus.RAISED, error="Withheld: nncourse.step")
            continue
        results[p.id] = call_result({"status": "returned", "parts": [encode_array(value)]})
    return results


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> Path:
    """report.html of twelve synthetic submissions, one of them named to break the page."""
    folder = tmp_path_factory.mktemp("report-page")
    planned = plan_calls(SIGMOID, "browser")
    students = {f"student-{i}": ("sign", "raise", "none")[i % 3] for i in range(11)}
    students[HOSTILE] = "sign"
    with Gradebook(folder, columns_for([q.function for q in SIGMOID.questions])) as book:
        for i, (name, mistake) in enumerate(students.items()):
            status = RunStatus.TIMEOUT if i == 4 else RunStatus.OK
            run = KernelRun(status, (f"reason of {name}",), _results(planned, mistake), 1.0 + i)
            row, results = grade_one(
                SIGMOID, planned, Submission(f"{name}.ipynb", name, Path(name)), run, "none"
            )
            book.add(row, results)
    write_run_info(folder, run_info(SIGMOID, "browser"))
    return write_report([folder], book_url="https://nncourse.example/book").html_path


def _open(browser, path: Path, external: list[str], **context):
    page = browser.new_context(**context).new_page()

    def on_route(route) -> None:
        if urlparse(route.request.url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", on_route)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    return page, errors


def test_the_report_loads_offline_and_asks_the_network_for_nothing(browser, report_page):
    external: list[str] = []
    page, errors = _open(browser, report_page, external)
    assert page.locator("h1").inner_text().startswith("Class report")
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert external == [] and errors == []
    page.context.close()


def test_the_report_has_no_serious_accessibility_violation(browser, report_page):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE} missing): run `npm install`")
    page, _ = _open(browser, report_page, [])
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"], preload: false}))
           .violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"""
    )
    page.context.close()
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert serious == [], serious


def test_headings_go_in_order_and_charts_have_text(browser, report_page):
    page, _ = _open(browser, report_page, [])
    levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3')].map((h) => +h.tagName[1])")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    labels = page.evaluate(
        "[...document.querySelectorAll('svg')].map((s) => s.getAttribute('aria-label'))"
    )
    assert labels and all(label and len(label) > 20 for label in labels)
    page.context.close()


def test_the_report_fits_a_phone_without_sideways_scrolling(browser, report_page):
    phone = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
    page, _ = _open(browser, report_page, [], **phone)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.context.close()
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
