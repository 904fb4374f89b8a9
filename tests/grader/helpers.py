"""Shared helpers for the grader's own tests: run the real `grader` command on folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"


def run_grader(*args, timeout=600, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def grade_json(submission, *extra, timeout=600) -> dict:
    result = run_grader("grade", submission, "--format", "json", "--quiet", *extra, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def submission_with(tmp_path: Path, topic: str, source: str | bytes) -> Path:
    """A submission folder holding only ``<topic>.py`` with ``source``."""
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    data = source.encode() if isinstance(source, str) else source
    (folder / f"{topic}.py").write_bytes(data)
    return folder


def solution_source(topic: str) -> str:
    return (ROOT / "solutions" / f"{topic}.py").read_text()


def as_module(case):
    """A case file holds only what differs from the reference: the reference module, then the case."""
    return solution_source(case.parent.name) + "\n\n# ---- the case ----\n" + case.read_text()


def copy_solutions(tmp_path: Path) -> Path:
    folder = tmp_path / "solutions_copy"
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def case_expectations(path: Path) -> tuple[set[str], list[str]]:
    """The `expect-fail:` check ids and `expect-feedback:` strings of a case file's docstring."""
    fail, feedback = set(), []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("expect-fail:"):
            fail |= {part.strip() for part in line.split(":", 1)[1].split(",") if part.strip()}
        elif line.startswith("expect-feedback:"):
            feedback.append(line.split(":", 1)[1].strip())
    return fail, feedback


def case_credits(path: Path) -> dict[str, float]:
    """The `expect-credit: <check id> = <share>` lines: the share of a check's points the case keeps."""
    credits = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("expect-credit:"):
            check, share = line.split(":", 1)[1].split("=")
            credits[check.strip()] = float(share)
    return credits


def named_mistakes(feedback: str) -> list[str]:
    """The mistakes a feedback text names ("Likely mistake: ..." lines and "fits more than one" lists)."""
    named, listing = [], False
    for line in feedback.splitlines():
        text = line.strip()
        if text.startswith("Likely mistake:"):
            named.append(text.removeprefix("Likely mistake:").strip())
        elif text.startswith("Your output fits more than one known mistake"):
            listing = True
            continue
        elif listing and text.startswith("- "):
            named.append(text[2:])
            continue
        listing = False
    return named
