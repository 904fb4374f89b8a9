"""Run a topic's visible tests (tests/test_<topic>.py) against each case of tests/grader/cases/<topic>/.

Usage: python tests/grader/visible.py TOPIC WORKDIR [GLOB]  -> prints JSON {case file: fails a visible test}

Each case becomes a course package ``case_<n>`` in WORKDIR (every reference module, with the
case's topic replaced by the reference followed by the case) and the visible tests run against
it through ``CONVGRADE_IMPL``. All cases of a topic run in this one process, so torch and the
tests' dependencies are imported once; ``-x`` stops a case at its first failing test.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"


def build_package(workdir: Path, name: str, topic: str, case: Path) -> None:
    package = workdir / name
    shutil.copytree(ROOT / "solutions", package, ignore=shutil.ignore_patterns("__pycache__"))
    reference = (ROOT / "solutions" / f"{topic}.py").read_text()
    (package / f"{topic}.py").write_text(reference + "\n\n# ---- the case ----\n" + case.read_text())


def fails_visible(topic: str, package: str) -> bool:
    os.environ["CONVGRADE_IMPL"] = package
    for module in [m for m in sys.modules if m in ("course", "failures", f"test_{topic}") or m.startswith("case_")]:
        del sys.modules[module]
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(
            [
                str(ROOT / "tests" / f"test_{topic}.py"),
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                "--rootdir",
                str(ROOT),
                "-W",
                "ignore",
            ]
        )
    return code != pytest.ExitCode.OK


def main() -> None:
    topic, workdir = sys.argv[1], Path(sys.argv[2])
    pattern = sys.argv[3] if len(sys.argv) > 3 else "*.py"
    sys.path[:0] = [str(workdir), str(ROOT / "tests"), str(ROOT)]
    verdicts = {}
    for n, case in enumerate(sorted((CASES / topic).glob(pattern))):
        build_package(workdir, f"case_{n}", topic, case)
        verdicts[case.name] = fails_visible(topic, f"case_{n}")
    print(json.dumps(verdicts))


if __name__ == "__main__":
    main()
