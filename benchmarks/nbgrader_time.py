"""`nbgrader autograde` against `grader nbgrader autograde` on one course; report, never assert.

    python benchmarks/nbgrader_time.py

The course is the test suite's (tests/grader/test_nbgrader.py): convolution and classification, two
students, one right and one with a flipped-kernel conv2d and an overflowing softmax. Both commands
grade the same submitted notebooks, side by side in this run, from a warm drawn-input cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]


def timed(command, cwd) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="convgrade-nbgrader-"))
    os.environ["CONVGRADE_CACHE"] = str(work / "cache")
    from test_nbgrader import TOPICS, nbgrader, submit

    course = work / "course"
    grader = [sys.executable, "-m", "grader"]
    subprocess.run(
        grader + ["nbgrader", "init", str(course), *(a for t in TOPICS for a in ("--topic", t))],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    nbgrader(course, "generate_assignment", "cnn")
    submit(course, "good", wrong=False)
    submit(course, "bad", wrong=True)
    ours = grader + ["nbgrader", "autograde", str(course), "cnn", "--quiet"]
    timed(ours, ROOT)  # warms the drawn-input cache, as grading solutions/ once does
    theirs = timed([shutil.which("nbgrader"), "autograde", "cnn", "--force"], course)
    shutil.rmtree(course / "convgrade")  # its saved results: the timed run grades every notebook again
    mine = timed(ours, ROOT)
    console = Console()
    console.print(f"nbgrader autograde:          {theirs:6.1f} s")
    console.print(f"grader nbgrader autograde:   {mine:6.1f} s")
    console.print(f"speed-up: {theirs / mine:.1f}x (target >= 5)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
