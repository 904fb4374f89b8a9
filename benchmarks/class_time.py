"""A class graded by `grader grade-all`: seconds per submission, speed-up, overhead; report, never assert.

    python benchmarks/class_time.py [--students 8] [--correct 20] [--dask]

The class is taken from the test suite's generated class (tests/grader/test_batch.py): right ones
(a folder, a zip, a notebook), the unfilled stubs, a syntax error, a hostile one, then wrong ones.
Each way of grading starts from a warm drawn-input cache (a
first ``grade-all`` fills it) and an empty results folder:
``-j 1``, ``-j 2`` and, with ``--dask``, 1 and 2 local Dask workers. Beside them, one ``grader grade``
per submission, as an instructor without grade-all would run them. Printed: wall seconds, seconds per
submission, the speed-up from 1 to 2 workers, a batch's cost per submission relative to a
standalone grade, and, for a class of ``--correct`` correct submissions (copies of a right one; at
least the 20 of the test class, so that one start-up is shared as in a real class) at ``-j 2``, the
wall time per submission against the student-code time one grade measures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "grader")]


def grader(*args, env) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def dask_cluster(workers: int, folder: Path, env: dict):
    """A local `dask scheduler` with ``workers`` single-threaded `dask worker` processes."""
    address_file = folder / f"scheduler-{workers}.json"
    processes = [
        subprocess.Popen(
            [
                "dask",
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--dashboard-address",
                ":0",
                "--scheduler-file",
                str(address_file),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]
    while not address_file.exists():
        time.sleep(0.2)
    processes.append(
        subprocess.Popen(
            [
                "dask",
                "worker",
                "--scheduler-file",
                str(address_file),
                "--nthreads",
                "1",
                "--nworkers",
                str(workers),
                "--no-dashboard",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )
    time.sleep(10)  # workers connect and import
    return json.loads(address_file.read_text())["address"], processes


STUDENT_CODE = """
import sys
from grader.score.grade import grade_submission
from grader.load.submission import load_submission
from grader.topics import TOPICS
result = grade_submission(load_submission(sys.argv[1], TOPICS))
print(sum(topic.timings.student for topic in result.topics.values()))
"""


def student_code_seconds(path: Path, env: dict) -> float:
    """CPU seconds spent inside the student's code in one grade of ``path`` (the child measures them)."""
    run = subprocess.run(
        [sys.executable, "-c", STUDENT_CODE, str(path)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return float(run.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=8, help="class size (at most 20)")
    parser.add_argument("--correct", type=int, default=20, help="size of the class of correct submissions")
    parser.add_argument("--dask", action="store_true", help="also grade on 1 and 2 local Dask workers")
    args = parser.parse_args()
    from test_batch import make_class

    work = Path(tempfile.mkdtemp(prefix="convgrade-class-"))
    env = {**os.environ, "CONVGRADE_CACHE": str(work / "cache")}
    full = make_class(work / "all")
    folder = work / "class"
    folder.mkdir()
    # right (folder, zip, notebook), unfilled, broken, hostile, then wrong ones; not the unreadable
    # zip or the endless loop, which a standalone grade cannot be compared with
    first = ["alice", "gina.zip", "nora.ipynb", "bob", "dave", "harry"]
    students = ([full / name for name in first] + sorted(full.glob("wrong*")))[: args.students]
    for entry in students:
        (shutil.copytree if entry.is_dir() else shutil.copy)(entry, folder / entry.name)
    console = Console(stderr=True)
    console.print(f"{len(students)} students in {folder}; warming the cache")
    grader("grade-all", folder, "--out", work / "warm", "--quiet", env=env)

    runs = {}
    for jobs in (1, 2):
        runs[f"grade-all -j {jobs}"] = grader(
            "grade-all", folder, "--out", work / f"j{jobs}", "-j", jobs, "--quiet", env=env
        )
        console.print(f"-j {jobs}: {runs[f'grade-all -j {jobs}']:.1f} s")
    if args.dask:
        for workers in (1, 2):
            address, processes = dask_cluster(workers, work, env)  # workers share the warm cache
            try:
                runs[f"Dask, {workers} worker(s)"] = grader(
                    "grade-all", folder, "--out", work / f"dask{workers}", "--scheduler", address, "--quiet", env=env
                )
            finally:
                for process in processes:
                    os.killpg(process.pid, signal.SIGKILL)
            console.print(f"Dask {workers}: {runs[f'Dask, {workers} worker(s)']:.1f} s")
    right = work / "right"  # a class of correct submissions only: copies of alice
    right.mkdir()
    for n in range(args.correct):
        shutil.copytree(full / "alice", right / f"right{n}")
    grader("grade-all", right, "--out", work / "right-warm", "--quiet", "-j", 2, env=env)
    runs[f"grade-all -j 2, {args.correct} correct ones only"] = grader(
        "grade-all", right, "--out", work / "right-out", "-j", 2, "--quiet", env=env
    )
    student_code = student_code_seconds(full / "alice", env)
    standalone = sum(
        grader("grade", folder / entry.name, "--format", "json", "--quiet", "-j", 1, env=env) for entry in students
    )
    runs["grader grade, one by one (-j 1)"] = standalone

    table = Table("how", "wall s", "s / submission", title=f"{len(students)} submissions, warm cache")
    for how, seconds in runs.items():
        size = args.correct if "correct ones" in how else len(students)
        table.add_row(how, f"{seconds:.1f}", f"{seconds / size:.2f}")
    Console().print(table)
    one, two = runs["grade-all -j 1"], runs["grade-all -j 2"]
    Console().print(f"speed-up 1 -> 2 workers: {one / two:.2f} (target >= 1.8)")
    Console().print(f"batch cost per submission / standalone grade: {one / standalone:.2f} (target <= 0.5)")
    per_right = runs[f"grade-all -j 2, {args.correct} correct ones only"] / args.correct
    Console().print(
        f"correct submissions at -j 2: {per_right:.2f} s wall each; the student code of one takes "
        f"{student_code:.2f} s: ratio {per_right / student_code:.2f} (target <= 1)"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
