"""The Gradescope bundle: built without solutions/, run_autograder grading a folder laid out like
Gradescope's into results/results.json, with namespaces made unavailable as in its containers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, run_grader

from grader.cache import drawing_libraries

pytestmark = pytest.mark.slow

CONFIG = "[examples]\ndefault = 8\n[limits]\nnamespaces = false\n"


@pytest.fixture
def autograder(tmp_path):
    """/autograder as Gradescope lays it out: source/ (the bundle), submission/, results/."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    bundle = tmp_path / "autograder.zip"
    built = run_grader("gradescope", "build", bundle, "--config", config)
    assert built.returncode == 0, built.stderr
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    os.chmod(root, 0o755)  # as on Gradescope: the student's uid may pass through to datasets/
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        archive.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        os.chmod(root / "source" / name, 0o755)
    yield root, names
    shutil.rmtree(root, ignore_errors=True)


def run_autograder(root: Path) -> dict:
    """Run the bundle's run_autograder as Gradescope does, with the cache the bundle ships."""
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    env.pop("CONVGRADE_CACHE", None)
    done = subprocess.run(
        [str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=1800, cwd="/"
    )
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_the_bundle_holds_the_grader_and_datasets_but_no_solutions(autograder):
    _, names = autograder
    assert {"setup.sh", "run_autograder", "requirements.txt", "config.toml", "grader/cli.py"} <= set(names)
    assert any(n.startswith("datasets/shapes/") for n in names)
    assert not any(n.startswith(("solutions/", "tests/", "exercises/")) for n in names)
    setup = subprocess.run(["bash", "-n", str(Path(autograder[0]) / "source" / "setup.sh")])
    assert setup.returncode == 0
    assert "download.pytorch.org/whl/cpu" in (Path(autograder[0]) / "source" / "setup.sh").read_text()
    # the cache of grading the solutions, for the libraries that made it
    assert any(n.startswith("cache/") and n.endswith(".cases") for n in names)
    libraries = drawing_libraries()
    pinned = (Path(autograder[0]) / "source" / "requirements.txt").read_text().split()
    assert {f"hypothesis=={libraries['hypothesis']}", f"numpy=={libraries['numpy']}"} <= set(pinned)
    assert (Path(autograder[0]) / "source" / "torch-version.txt").read_text().strip() == libraries["torch"]


def test_run_autograder_grades_the_submission_and_the_checks_stay_unreadable(autograder):
    root, _ = autograder
    shutil.copytree(ROOT / "solutions", root / "submission", ignore=shutil.ignore_patterns("__pycache__"))
    checks = root / "source" / "grader" / "checks" / "running.py"
    # The student's perceptron.py tries to read the hidden checks at import time: if it could, the
    # import fails and the topic scores zero; as it cannot, the topic keeps its points.
    spy = (
        f"try:\n    open({str(checks)!r}).read()\nexcept PermissionError:\n    pass\n"
        "else:\n    raise RuntimeError('the hidden checks were readable')\n"
    )
    (root / "submission" / "perceptron.py").write_text(spy + (ROOT / "solutions" / "perceptron.py").read_text())
    shipped = {path: path.read_bytes() for path in (root / "source" / "cache").iterdir()}
    results = run_autograder(root)
    assert results["score"] == 100.0, [t for t in results["tests"] if t["status"] != "passed"][:3]
    assert {t["status"] for t in results["tests"]} == {"passed"}
    assert oct(checks.stat().st_mode & 0o777) == "0o600"
    # a fresh container grades a right submission from the shipped cache alone: nothing new to record
    assert {path: path.read_bytes() for path in (root / "source" / "cache").iterdir()} == shipped
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in shipped)


def test_a_submission_without_modules_shows_the_student_what_the_grader_expected(autograder):
    root, _ = autograder
    (root / "submission" / "homework" / "week1" / "cnn").mkdir(parents=True)
    (root / "submission" / "homework" / "week1" / "cnn" / "hooks.py").write_text("")
    results = run_autograder(root)
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith("Your submission could not be graded: ")
    assert "convolution.py" in results["output"] and "homework/week1/cnn/" in results["output"]
