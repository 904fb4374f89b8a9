"""Screenshots of the HTML report of one wrong case, as a phone and a laptop show it (for the README).

    python docs/make_report_screenshots.py

Grades ``tests/grader/cases/convolution/wrong_flipped_kernel.py`` (the convolution topic), renders its
HTML report and photographs it in Debian's headless Chromium (``apt-get install chromium
chromium-driver``) into ``docs/report-wrong-case-phone.png`` (375 px wide) and
``docs/report-wrong-case-laptop.png`` (1280x800).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]

CASE = ROOT / "tests" / "grader" / "cases" / "convolution" / "wrong_flipped_kernel.py"
SHOTS = {"phone": (375, 1200), "laptop": (1280, 800)}  # viewport in CSS pixels


def main() -> int:
    import torch
    from helpers import as_module
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from grader.load.submission import Submission
    from grader.report.html import to_html
    from grader.score.grade import grade_submission

    torch.set_num_threads(1)
    result = grade_submission(Submission({"convolution": as_module(CASE).encode()}, CASE.stem), topics=["convolution"])
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        page.write_text(to_html(result), encoding="utf-8")
        try:
            for name, (width, height) in SHOTS.items():
                metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                driver.get(page.as_uri())
                target = ROOT / "docs" / f"report-wrong-case-{name}.png"
                target.write_bytes(driver.get_screenshot_as_png())
                print(f"wrote {target.relative_to(ROOT)} ({width}x{height})")
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
