"""Where a grade's time goes, and how it compares with the student's own code; report, never assert.

    python benchmarks/grade_time.py [--runs 3]

1. Wall time (median of ``--runs``) of ``grader grade ... --format json`` as an instructor runs it:
   solutions/ with a warm and a cold drawn-case cache, at the default ``-j`` and at ``-j 1``,
   without the cache, the unfilled stubs, one topic (convolution), and a usage error.
2. One grade of solutions/ in this process (``-j 1``, warm cache), split per topic into the
   student's code (CPU time the child measures inside each call and probe), transport, the
   grader's references and comparisons, hypothesis's input generation, and sandbox start-up with
   the import; then the ratio of the full grade's wall time (warm, default ``-j``) to the
   student-code time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]


def wall(*args: str, cache: Path, runs: int, fresh_cache: bool = False) -> float:
    times = []
    for _ in range(runs):
        if fresh_cache:
            cache = Path(tempfile.mkdtemp(prefix="convgrade-cold-"))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "grader", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "CONVGRADE_CACHE": str(cache)},
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def breakdown(cache: Path):
    os.environ["CONVGRADE_CACHE"] = str(cache)
    import torch

    from grader.load.submission import load_submission
    from grader.score.grade import grade_submission
    from grader.topics import TOPICS

    torch.set_num_threads(1)
    result = grade_submission(load_submission(ROOT / "solutions", TOPICS))
    return {name: topic.timings for name, topic in result.topics.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is shown)")
    args = parser.parse_args()
    console = Console()
    cache = Path(tempfile.mkdtemp(prefix="convgrade-warm-"))
    grade = ["grade", "solutions", "--format", "json", "--quiet"]
    wall(*grade, cache=cache, runs=1)  # warm the cache
    runs = args.runs
    figures = [
        ("solutions/, warm cache", wall(*grade, cache=cache, runs=runs)),
        ("solutions/, cold cache", wall(*grade, cache=cache, runs=runs, fresh_cache=True)),
        ("solutions/, warm cache, -j 1", wall(*grade, "-j", "1", cache=cache, runs=runs)),
        ("solutions/, --no-cache", wall(*grade, "--no-cache", cache=cache, runs=runs)),
        ("solutions/, --no-cache, -j 1", wall(*grade, "--no-cache", "-j", "1", cache=cache, runs=runs)),
        (
            "stubs (exercises/), warm cache",
            wall("grade", "exercises", "--format", "json", "--quiet", cache=cache, runs=runs),
        ),
        ("--topic convolution, warm cache", wall(*grade, "--topic", "convolution", cache=cache, runs=runs)),
        ("usage error (grade /nonexistent)", wall("grade", "/nonexistent", cache=cache, runs=runs)),
    ]
    table = Table(title=f"grader grade: wall time, median of {runs} (2 cores: {os.cpu_count()})")
    table.add_column("run")
    table.add_column("wall s", justify="right")
    for label, seconds in figures:
        table.add_row(label, f"{seconds:.1f}")
    console.print(table)

    timings = breakdown(cache)
    parts = list(next(iter(timings.values())).breakdown())
    table = Table(title="one grade of solutions/, -j 1, warm cache: seconds per topic")
    for column in ["topic", *parts, "total"]:
        table.add_column(column, justify="left" if column == "topic" else "right")
    sums = dict.fromkeys(parts + ["total"], 0.0)
    for name, timing in timings.items():
        split = timing.breakdown()
        for part in parts:
            sums[part] += split[part]
        sums["total"] += timing.total
        table.add_row(name, *(f"{split[p]:.2f}" for p in parts), f"{timing.total:.2f}")
    table.add_row("all", *(f"{sums[p]:.2f}" for p in parts), f"{sums['total']:.2f}", style="bold")
    console.print(table)
    student = sums["student code"]
    full = figures[0][1]
    console.print(
        f"student code {student:.2f} s; full grade (warm, default -j) {full:.1f} s wall: "
        f"ratio {full / student:.1f} (target <= 2)"
    )


if __name__ == "__main__":
    main()
