"""Time full grades of solutions/ and of the stubs; report, never assert.

    python benchmarks/grade_time.py [--runs 3]

Prints the median wall and CPU time (grader + sandbox) of `grader grade ...
--format json` over several runs for: solutions/ with the full sandbox,
solutions/ with `[limits] isolate = false` (rlimits only: the cost of the
hardening is the difference), and the unfilled stubs; then the number of
hypothesis examples each topic ran.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(submission: Path, config: Path | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    extra = ["--config", str(config)] if config else []
    subprocess.run([sys.executable, "-m", "grader", "grade", str(submission), "--format", "json", "--quiet",
                    "--output", "/dev/null", *extra], check=True, cwd=ROOT)
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
    with tempfile.TemporaryDirectory() as folder:
        unconfined = Path(folder) / "unconfined.toml"
        unconfined.write_text("[limits]\nisolate = false\n")
        for label, name, config in (("solutions", "solutions", None),
                                    ("solutions, isolate = false", "solutions", unconfined),
                                    ("stubs", "exercises", None)):
            times = [one_run(ROOT / name, config) for _ in range(args.runs)]
            wall = statistics.median(t[0] for t in times)
            cpu = statistics.median(t[1] for t in times)
            print(f"{label:28s} wall {wall:6.1f} s   cpu {cpu:6.1f} s   (median of {args.runs})")
    print("hypothesis examples per topic (solutions):")
    print(json.dumps(examples_per_topic(ROOT / "solutions"), indent=2))


if __name__ == "__main__":
    main()
