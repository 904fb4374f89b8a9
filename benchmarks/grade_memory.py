"""Peak memory of a whole grade (every process together) and its wall time on half a CPU; report only.

    sudo python benchmarks/grade_memory.py [--submission solutions] [--limits 768 1024 1536]

Each run of ``grader grade SUBMISSION --format json`` starts inside fresh cgroup v1 groups (root
and a writable /sys/fs/cgroup are needed): a memory group, whose ``memory.max_usage_in_bytes``
is the peak of the grader, its zygote, its workers and every sandboxed child together, and a cpu
group for the CPU quota. Runs:

1. all cores, no memory limit: the peak (page cache charged to the group included) and the wall time;
2. half a CPU (quota 50 ms per 100 ms, as a Gradescope default container): the wall time;
3. half a CPU under each memory limit of ``--limits`` (MiB): whether the grade completes with the
   same score as run 1, or is killed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
CGROUP = Path("/sys/fs/cgroup")


def run_in_groups(submission: Path, cpus: float | None, memory_mb: int | None) -> dict:
    """One grade in new memory and cpu groups: wall time, peak bytes, exit code, score."""
    name = f"convgrade-bench-{os.getpid()}"
    memory, cpu = CGROUP / "memory" / name, CGROUP / "cpu" / name
    memory.mkdir()
    cpu.mkdir()
    try:
        if memory_mb:
            (memory / "memory.limit_in_bytes").write_text(str(memory_mb * 2**20))
        if cpus:
            (cpu / "cpu.cfs_quota_us").write_text(str(int(cpus * 100_000)))
        script = (
            f"echo $$ > {memory}/cgroup.procs && echo $$ > {cpu}/cgroup.procs && "
            f"exec {sys.executable} -m grader grade {submission} --format json --quiet"
        )
        started = time.perf_counter()
        run = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = int((memory / "memory.max_usage_in_bytes").read_text())
        killed = int(
            dict(line.split() for line in (memory / "memory.oom_control").read_text().splitlines()).get("oom_kill", 0)
        )
    finally:
        for group in (memory, cpu):
            for _ in range(50):  # the group empties once its last process is reaped
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
    score = json.loads(run.stdout)["score"] if run.returncode == 0 and run.stdout else None
    return {"seconds": seconds, "peak_mib": peak / 2**20, "code": run.returncode, "score": score, "oom": killed}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submission", type=Path, default=ROOT / "solutions")
    parser.add_argument("--limits", type=int, nargs="*", default=[768, 1024, 1536], metavar="MIB")
    args = parser.parse_args()
    if not os.access(CGROUP / "memory", os.W_OK):
        sys.exit("needs root and a writable cgroup v1 hierarchy under /sys/fs/cgroup")
    runs = [("all cores", None, None), ("half a CPU", 0.5, None)]
    runs += [(f"half a CPU, {mib} MiB", 0.5, mib) for mib in args.limits]
    table = Table(title=f"grader grade {args.submission.name}/: every process of the grade together")
    for column in ("run", "wall s", "peak MiB", "exit", "score", "OOM kills"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for label, cpus, mib in runs:
        result = run_in_groups(args.submission.resolve(), cpus, mib)
        table.add_row(
            label,
            f"{result['seconds']:.1f}",
            f"{result['peak_mib']:.0f}",
            str(result["code"]),
            "-" if result["score"] is None else f"{result['score']:g}",
            str(result["oom"]),
        )
    Console().print(table)


if __name__ == "__main__":
    main()
