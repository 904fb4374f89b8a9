"""How much a student's `pytest` prints: for the unwritten convolution stubs, and for a conv2d that flips its kernel.

Usage: python benchmarks/student_pytest_lines.py [--before COMMIT]

In a student release of this tree (``grader release``): `pytest -k convolution` with the stubs, and with
convolution.py solved but its conv2d flipping the kernel. In the repository's files (this tree, and with
``--before`` also COMMIT's, from `git archive`): `pytest tests/test_*.py -k convolution --impl exercises` and
`pytest tests/test_convolution.py --impl FOLDER` on a copy of solutions/ with the flipped conv2d. Each run has
a hypothesis database of its own. Prints the lines each run printed, whether it names the flipped kernel, and
its wall time.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.authoring import write_release  # noqa: E402

RIGHT = 'torch.einsum("nchw,oc->nohw", patch, weight[:, :, i, j])'
FLIPPED = 'torch.einsum("nchw,oc->nohw", patch, weight[:, :, kh - 1 - i, kw - 1 - j])'
NAMED = "matches a *flipped* kernel"


def flipped_convolution(solutions: Path) -> str:
    """solutions/convolution.py with conv2d reading the kernel rotated by 180 degrees."""
    source = (solutions / "convolution.py").read_text()
    if source.count(RIGHT) != 1:
        raise SystemExit(f"{solutions}/convolution.py: the line to flip ({RIGHT}) is not there once")
    return source.replace(RIGHT, FLIPPED)


def lines_printed(cwd: Path, *args: str) -> tuple[int, bool, float]:
    """(lines printed, whether they name the flipped kernel, seconds) of `pytest ARGS` run in ``cwd``."""
    with tempfile.TemporaryDirectory() as hypothesis:
        env = {k: v for k, v in os.environ.items() if k != "CONVGRADE_IMPL"} | {
            "HYPOTHESIS_STORAGE_DIRECTORY": hypothesis
        }
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    out = run.stdout + run.stderr
    return len(out.splitlines()), NAMED in out, time.perf_counter() - start


def repository_runs(tree: Path, label: str, scratch: Path) -> list[tuple]:
    flipped = scratch / f"flipped-{label}"
    shutil.copytree(tree / "solutions", flipped, ignore=shutil.ignore_patterns("__pycache__"))
    (flipped / "convolution.py").write_text(flipped_convolution(tree / "solutions"))
    visible = sorted(str(p.relative_to(tree)) for p in (tree / "tests").glob("test_*.py"))
    return [
        (label, "stubs", "pytest tests/test_*.py -k convolution --impl exercises")
        + lines_printed(tree, *visible, "-k", "convolution", "--impl", "exercises"),
        (label, "flipped kernel", "pytest tests/test_convolution.py --impl FOLDER")
        + lines_printed(tree, "tests/test_convolution.py", "--impl", str(flipped)),
    ]


def release_runs(scratch: Path) -> list[tuple]:
    release = scratch / "release"
    write_release(release)
    stubs = ("release", "stubs", "pytest -k convolution") + lines_printed(release, "-k", "convolution")
    (release / "exercises" / "convolution.py").write_text(flipped_convolution(ROOT / "solutions"))
    flipped = ("release", "flipped kernel", "pytest -k convolution") + lines_printed(release, "-k", "convolution")
    return [stubs, flipped]


def archived(commit: str, scratch: Path) -> Path:
    """The files of ``commit`` (``git archive``: the repository and its working tree are left alone)."""
    tree = scratch / f"tree-{commit}"
    data = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(tree, filter="data")
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="COMMIT", help="also measure the repository's files at COMMIT")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        rows = []
        if options.before:
            rows += repository_runs(archived(options.before, scratch), options.before[:10], scratch)
        rows += repository_runs(ROOT, "this tree", scratch) + release_runs(scratch)
    print(f"{'where':<12} {'what':<15} {'command':<56} {'lines':>5}  {'names it':<8} {'seconds':>7}")
    for where, what, command, lines, named, seconds in rows:
        named_text = ("yes" if named else "no") if what == "flipped kernel" else ""
        print(f"{where:<12} {what:<15} {command:<56} {lines:>5}  {named_text:<8} {seconds:>7.1f}")


if __name__ == "__main__":
    main()
