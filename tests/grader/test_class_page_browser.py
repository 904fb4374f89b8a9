"""The class page (``DIR/index.html``) in a real browser, after ``grade-all --similarity`` on a small class."""

from __future__ import annotations

import shutil

import pytest
from helpers import CASES, ROOT, as_module, run_grader
from selenium.webdriver.common.by import By
from test_html_browser import LAPTOP, PHONE, browser, show  # noqa: F401 -- the browser fixture

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("class_page_browser")]


@pytest.fixture(scope="module")
def class_page(tmp_path_factory):
    """ada (right), ben and cleo (the same flipped kernel), dan (the stubs), each with convolution only."""
    root = tmp_path_factory.mktemp("class")
    folder, out, config = root / "class", root / "out", root / "config.toml"
    flipped = as_module(CASES / "convolution" / "wrong_flipped_kernel.py")
    modules = {
        "ada": (ROOT / "solutions" / "convolution.py").read_text(),
        "ben": flipped,
        "cleo": flipped.replace("    ", "  "),
        "dan": (ROOT / "exercises" / "convolution.py").read_text(),
    }
    for name, text in modules.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "convolution.py").write_text(text)
    config.write_text("[examples]\ndefault = 10\n")
    done = run_grader("grade-all", folder, "--out", out, "--config", config, "--similarity", "--quiet", timeout=1800)
    assert done.returncode == 0, done.stderr
    yield out
    shutil.rmtree(root, ignore_errors=True)


def test_the_class_page_shows_scores_groups_pairs_and_every_student(browser, class_page):  # noqa: F811
    show(browser, (class_page / "index.html").as_uri(), LAPTOP)
    images = browser.find_elements(By.TAG_NAME, "img")
    assert images
    for image in images:
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0
        assert "convolution: median" in image.get_attribute("alt")
    assert browser.get_log("browser") == []
    text = browser.find_element(By.TAG_NAME, "body").text
    flipped = [p.text for p in browser.find_elements(By.TAG_NAME, "p") if "flipped" in p.text]
    assert flipped and "ben" in flipped[0] and "cleo" in flipped[0] and "ada" not in flipped[0]
    assert "ben" in text and "Similar submissions" in text and "left out:" in text
    links = {a.get_attribute("href").rsplit("/", 1)[-1] for a in browser.find_elements(By.TAG_NAME, "a")}
    assert {f"{name}.html" for name in ("ada", "ben", "cleo", "dan")} <= links
    assert all((class_page / name).exists() for name in links)


def test_the_class_page_does_not_scroll_sideways_on_a_phone(browser, class_page):  # noqa: F811
    show(browser, (class_page / "index.html").as_uri(), PHONE)
    overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert browser.execute_script(overflow) <= 0
