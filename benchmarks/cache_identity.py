"""Every case of tests/grader/cases/ graded with and without the drawn-case cache: the same bytes?

    python benchmarks/cache_identity.py [--examples N] [--topic NAME ...]

For each topic: solutions/ is graded first (that records its searches in a fresh cache), then each
case is graded from the cache and afresh (``cache=False``), and the two JSON reports compared.
The suite checks one right and one wrong case per topic (tests/grader/test_cache.py); this runs them
all. It prints a line per difference and a table per topic; the exit status is 1 if any differ.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per property (grades use 100)")
    parser.add_argument("--topic", action="append", help="only these topics (default: all)")
    args = parser.parse_args()
    os.environ["CONVGRADE_CACHE"] = tempfile.mkdtemp(prefix="convgrade-identity-")

    import torch
    from helpers import CASES, as_module, solution_source

    from grader.load.submission import Submission
    from grader.report import render
    from grader.score.config import Config
    from grader.score.grade import grade_submission

    torch.set_num_threads(1)
    config = Config(examples={"default": args.examples})
    console = Console(stderr=True)
    table = Table("topic", "cases", "identical", "cached s", "uncached s")
    differing = 0
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir() and (not args.topic or p.name in args.topic)):
        topic = folder.name
        grade_submission(Submission({topic: solution_source(topic).encode()}, "solutions"), config, topics=[topic])
        same, seconds = 0, [0.0, 0.0]
        cases = sorted(folder.glob("*.py"))
        for case in cases:
            submission = Submission({topic: as_module(case).encode()}, case.name)
            reports = []
            for n, cache in enumerate((True, False)):
                started = time.perf_counter()
                reports.append(render(grade_submission(submission, config, topics=[topic], cache=cache), "json"))
                seconds[n] += time.perf_counter() - started
            if reports[0] == reports[1]:
                same += 1
            else:
                console.print(f"[red]differs[/red] {topic}/{case.name}")
        differing += len(cases) - same
        table.add_row(topic, str(len(cases)), str(same), f"{seconds[0]:.0f}", f"{seconds[1]:.0f}")
        console.print(f"{topic}: {same}/{len(cases)} identical")
    Console().print(table)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
