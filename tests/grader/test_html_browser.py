"""The HTML report in a real browser: Debian's Chromium, headless, driven by Selenium with the system driver.

The reports are real grades of convolution cases (a right one, a flipped kernel, a transposed
correlation). In each, every image loads, nothing scrolls sideways on a phone (375 px wide), the
console stays quiet, the mistake the grader named is on a laptop's first screen (1280x800), and the
print stylesheet unfolds the passed tests. ``.ci/run`` installs ``chromium`` and ``chromium-driver``
with apt; where they are missing these tests fail and say how to install them.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from helpers import CASES, as_module
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from grader.load.submission import Submission
from grader.report.html import to_html
from grader.score.grade import grade_submission

# One xdist worker grades the cases and runs the browser once (`--dist loadgroup`).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("html_browser")]

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CASE_NAMES = ["right_loop_over_outputs", "wrong_flipped_kernel", "wrong_correlate_transposed"]
PHONE, LAPTOP = (375, 812), (1280, 800)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    """Each case's HTML report as a file:// URL, graded by the real grader."""
    folder = tmp_path_factory.mktemp("reports")
    urls = {}
    for name in CASE_NAMES:
        case = CASES / "convolution" / f"{name}.py"
        result = grade_submission(Submission({"convolution": as_module(case).encode()}, name), topics=["convolution"])
        path = folder / f"{name}.html"
        path.write_text(to_html(result), encoding="utf-8")
        urls[name] = path.as_uri()
    return urls


@pytest.fixture(scope="module")
def browser():
    missing = [str(path) for path in (CHROMIUM, DRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"the browser tests need Debian's Chromium and its driver ({', '.join(missing)} missing): "
            "apt-get update && apt-get install -y chromium chromium-driver (.ci/run does it)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # the system's browser and driver: Selenium downloads nothing
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    yield driver
    driver.quit()


def visible(driver, selector: str) -> bool:
    """Whether the first element ``selector`` finds is rendered (not inside a closed ``<details>``)."""
    return driver.execute_script(f"return document.querySelector({selector!r}).checkVisibility()")


def show(driver, url: str, size: tuple[int, int], media: str = "screen"):
    """``url`` in a viewport of ``size`` CSS pixels (a phone's when narrow), the console's old lines dropped."""
    width, height = size
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
    driver.get_log("browser")
    driver.get(url)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_every_picture_loads_and_the_console_stays_quiet(browser, reports, name):
    show(browser, reports[name], LAPTOP)
    images = browser.find_elements(By.TAG_NAME, "img")
    assert len(images) >= (2 if name.startswith("wrong") else 0)
    for image in images:
        loaded = browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image)
        assert loaded > 0, image.get_attribute("alt")
        assert len(image.get_attribute("alt")) > 40  # says in words what it shows
    for svg in browser.find_elements(By.CSS_SELECTOR, "svg"):  # inline drawings, if any, take room
        assert svg.rect["width"] > 0 and svg.rect["height"] > 0
    assert browser.get_log("browser") == []


@pytest.mark.parametrize("name", CASE_NAMES)
def test_nothing_scrolls_sideways_on_a_phone_even_unfolded(browser, reports, name):
    show(browser, reports[name], PHONE)
    assert browser.execute_script("return window.innerWidth") == PHONE[0]
    overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert browser.execute_script(overflow) <= 0
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert browser.execute_script(overflow) <= 0
    for image in browser.find_elements(By.TAG_NAME, "img"):
        assert image.rect["x"] >= 0 and image.rect["x"] + image.rect["width"] <= PHONE[0]


@pytest.mark.parametrize("name, mistake", [("wrong_flipped_kernel", "flipped"), ("wrong_correlate_transposed", "rows")])
def test_the_named_mistake_is_on_a_laptops_first_screen(browser, reports, name, mistake):
    show(browser, reports[name], LAPTOP)
    named = [m for m in browser.find_elements(By.CSS_SELECTOR, ".mistake") if mistake in m.text]
    assert named, [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".mistake")]
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", named[0])
    assert 0 <= top < LAPTOP[1] and named[0].is_displayed()


def test_a_right_case_shows_full_marks_with_its_tests_folded(browser, reports):
    show(browser, reports["right_loop_over_outputs"], LAPTOP)
    assert browser.find_elements(By.CSS_SELECTOR, ".mistake, .test") == []
    assert not visible(browser, "details.passed li") and "20 / 20" in browser.find_element(By.TAG_NAME, "h1").text


def test_printing_unfolds_the_passed_tests_and_gives_a_pdf(browser, reports):
    show(browser, reports["wrong_flipped_kernel"], LAPTOP)
    assert not visible(browser, "details.passed li")
    show(browser, reports["wrong_flipped_kernel"], LAPTOP, media="print")
    assert visible(browser, "details.passed li")
    assert base64.b64decode(browser.print_page()).startswith(b"%PDF")
