"""Time full grades of solutions/ and of the stubs; report, never assert.

    python benchmarks/grade_time.py [--runs 3]

Prints, per submission, the median wall and CPU time (grader + children) of
`grader grade ... --format json` over several runs, and the number of
hypothesis examples each topic ran.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(submission: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "grade", str(submission), "--format", "json", "--quiet",
                    "--output", "/dev/null"], check=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def examples_per_topic(submission: Path) -> dict[str, int]:
    from grader.grade import grade_submission
    from grader.load import load_submission
    from grader.topics import TOPICS

    result = grade_submission(load_submission(submission, TOPICS))
    return {name: topic.examples for name, topic in result.topics.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for name in ("solutions", "exercises"):
        times = [one_run(ROOT / name) for _ in range(args.runs)]
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(f"{name:10s} wall {wall:6.1f} s   cpu {cpu:6.1f} s   (median of {args.runs})")
    print("hypothesis examples per topic (solutions):")
    print(json.dumps(examples_per_topic(ROOT / "solutions"), indent=2))


if __name__ == "__main__":
    main()
