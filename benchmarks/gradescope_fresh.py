"""A fresh Gradescope container's first grade, with and without the cache the bundle ships; report, never assert.

    python benchmarks/gradescope_fresh.py [--submission DIR] [--runs 1]

Builds the bundle twice (``grader gradescope build``, with its cache and with ``--no-cache``), unpacks
each into an ``/autograder`` of its own as Gradescope does, and times ``run_autograder`` on the
submission (default: solutions/) in a container that has never graded anything (an empty cache and
home). Then times a warm local ``grader grade SUBMISSION -j 1`` for comparison. Each figure is the
median of ``--runs``; the bundle is rebuilt for every run, so each run is a fresh container.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_container(bundle: Path, submission: Path) -> float:
    """Seconds of run_autograder in a new /autograder made from ``bundle``."""
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    try:
        with zipfile.ZipFile(bundle) as archive:
            archive.extractall(root / "source")
        os.chmod(root / "source" / "run_autograder", 0o755)
        shutil.copytree(submission, root / "submission", ignore=shutil.ignore_patterns("__pycache__"))
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CONVGRADE_CACHE")}
        env |= {"AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable, "HOME": str(root / "home")}
        started = time.perf_counter()
        subprocess.run([str(root / "source" / "run_autograder")], env=env, cwd="/", check=True, capture_output=True)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(root, ignore_errors=True)


def build(bundle: Path, *options: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "gradescope", "build", str(bundle), *options], cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submission", type=Path, default=ROOT / "solutions")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gradescope-fresh-"))
    figures: dict[str, list[float]] = {"build with cache": [], "fresh, shipped cache": [], "fresh, no cache": []}
    for run in range(args.runs):
        warm, cold = work / f"warm{run}.zip", work / f"cold{run}.zip"
        figures["build with cache"].append(build(warm))
        build(cold, "--no-cache")
        figures["fresh, shipped cache"].append(fresh_container(warm, args.submission))
        figures["fresh, no cache"].append(fresh_container(cold, args.submission))
    local = []
    for _ in range(args.runs + 1):  # the first run warms the local cache
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "grader", "grade", str(args.submission), "-j", "1", "--format", "json", "--quiet"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        local.append(time.perf_counter() - started)
    figures["local warm grade, -j 1"] = local[1:]
    shutil.rmtree(work, ignore_errors=True)
    print(f"submission: {args.submission}   runs: {args.runs}")
    for name, values in figures.items():
        print(f"  {name:<26}{statistics.median(values):8.1f} s")


if __name__ == "__main__":
    main()
