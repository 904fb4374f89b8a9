"""The autograded cell of each topic's notebook, as nbgrader's own ``autograde`` runs it in a kernel."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def grade_notebook(topic: str, path: str | Path | None = None) -> float:
    """The autograded cell: grade ``<topic>.ipynb`` (this notebook's file) in a fresh process.

    Earlier cells of the kernel are not trusted: nothing of theirs is used, only the file. The
    feedback of failed tests is printed; the value is the topic's score (nbgrader's partial credit).
    """
    path = Path(path or f"{topic}.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(path), "--topic", topic, "--format", "json", "--quiet"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(f"grading {path.name} failed: {result.stderr.strip()[-2000:]}")
        return 0.0
    report = json.loads(result.stdout)["topics"][topic]
    for test in report["tests"]:
        if not test["passed"]:
            print(
                f"{test['name']} ({round(test['score'], 2):g} / {round(test['max_score'], 2):g}):\n{test['feedback']}\n"
            )
    print(f"{topic}: {round(report['score'], 2):g} / {round(report['max_score'], 2):g}")
    return report["score"]
