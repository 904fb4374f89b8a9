"""Stub generation and the student release."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv

import pytest
from helpers import ROOT

from grader.authoring import AuthoringError, make_stub, stale_exercises, student_readme, write_release
from grader.load.submission import load_submission
from grader.topics import TOPIC_NAMES, TOPICS

SOLUTION = '''"""Doc."""
import torch

GIVEN = 1


def add(a, b):
    """Add."""
    ### BEGIN SOLUTION
    ### HINT: use +
    return a + b
    ### END SOLUTION


class Net:
    def forward(self, x):
        ### BEGIN SOLUTION
        return x
        ### END SOLUTION
'''


def test_stub_replaces_each_region_with_a_hinted_not_implemented_error():
    stub = make_stub(SOLUTION)
    assert "raise NotImplementedError('add: use +')" in stub
    assert "raise NotImplementedError('Net.forward is not implemented yet')" in stub
    assert "return a + b" not in stub and "GIVEN = 1" in stub and '"""Add."""' in stub
    namespace = {}
    exec(compile(stub, "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="add: use"):
        namespace["add"](1, 2)


@pytest.mark.parametrize(
    "broken",
    [
        SOLUTION.replace("    ### END SOLUTION\n\n\nclass", "\n\nclass"),
        SOLUTION.replace("### BEGIN SOLUTION\n    ### HINT", "### HINT", 1),
        "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",
    ],
)
def test_broken_markers_are_reported(broken):
    with pytest.raises(AuthoringError):
        make_stub(broken)


def test_committed_exercises_match_the_generator():
    assert stale_exercises() == [], "run `grader exercises` and commit exercises/"


def _table_points(markdown: str) -> dict[str, float]:
    """``| `topic` | ... | points |`` rows of a Markdown topic table: topic -> points."""
    rows = [line.split("|") for line in markdown.splitlines() if line.startswith("| `")]
    return {row[1].strip().strip("`"): float(row[-2]) for row in rows if row[1].strip().strip("`") in TOPICS}


@pytest.mark.parametrize("readme", ["student", "README.md", "docs/reference.md"])
def test_readme_topic_tables_list_every_topic_with_its_default_points(readme):
    text = student_readme() if readme == "student" else (ROOT / readme).read_text(encoding="utf-8")
    assert _table_points(text) == {name: float(module.POINTS) for name, module in TOPICS.items()}
    assert sum(module.POINTS for module in TOPICS.values()) == 100


@pytest.mark.parametrize("document", ["README.md", "docs/reference.md", "docs/extending.md"])
def test_documents_link_only_to_files_inside_the_repository(document):
    path = ROOT / document
    text = path.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text) + re.findall(r"`(\.\./[^`]*)`", text)
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert local or document != "README.md"
    for target in local:
        assert (path.parent / target).resolve().is_relative_to(ROOT), target
        assert (path.parent / target).exists(), target


def test_the_reference_lists_the_forbidden_built_ins_of_every_by_loops_function():
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    forbidden = text.split("## Forbidden built-ins")[1].split("\n## ")[0]
    rows = [line.split("|")[1] for line in forbidden.splitlines() if line.startswith("| `")]
    listed = {name.strip().strip("`") for row in rows for name in row.split(",")}
    assert listed == {function for module in TOPICS.values() for function in module.BY_LOOPS}


def test_student_readme_says_which_functions_are_by_loops_and_what_each_may_not_call():
    text = student_readme()
    for module in TOPICS.values():
        for function, rules in module.BY_LOOPS.items():
            assert f"`{function}` (by loops)" in text
            listed = next(line for line in text.splitlines() if line.startswith(f"- `{function}` ("))
            assert all(rule.label in listed for rule in rules), function
    assert "python handin.py" in text


def test_handin_checks_the_modules_then_zips_them_as_the_grader_takes_them(tmp_path):
    release = tmp_path / "course"
    write_release(release)
    handin = [sys.executable, "handin.py"]
    done = subprocess.run(handin, cwd=release, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Still not implemented (they score zero): deriv, gradient_descent, sigmoid" in done.stdout
    assert "SimpleNet.__init__" in done.stdout
    assert sorted(load_submission(release / "handin.zip", TOPIC_NAMES).modules) == sorted(TOPIC_NAMES)

    (release / "handin.zip").unlink()
    (release / "exercises" / "pooling.py").write_text("def max_pool2d(input:\n")
    (release / "exercises" / "hooks.py").unlink()
    refused = subprocess.run(handin, cwd=release, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and not (release / "handin.zip").exists()
    assert "exercises/pooling.py, line 1:" in refused.stderr and "exercises/hooks.py is missing" in refused.stderr


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(AuthoringError, match="not empty"):
        write_release(tmp_path)


def _fresh_env(tmp_path):
    """A new virtual environment that sees this interpreter's packages (torch etc.) through a .pth."""
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    site = next((env / "lib").glob("python3*/site-packages"))
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "outer.pth").write_text("\n".join(sorted(paths)) + "\n")
    return env / "bin" / "python"


@pytest.mark.slow
def test_release_installs_and_fails_only_with_not_implemented_until_solved(tmp_path):
    release = tmp_path / "course"
    files = write_release(release)
    names = {p.relative_to(release).as_posix() for p in files}
    assert "README.md" in names and "pyproject.toml" in names and "exercises/convolution.py" in names
    assert not any(n.startswith(("solutions/", "grader/")) for n in names)
    assert not any("BEGIN SOLUTION" in p.read_text(errors="ignore") for p in files if p.suffix == ".py")

    python = _fresh_env(tmp_path)
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-e", release],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    env = {k: v for k, v in os.environ.items() if k != "CONVGRADE_IMPL"}
    run = subprocess.run(
        [python, "-m", "pytest", "-q"], cwd=release, capture_output=True, text=True, timeout=900, env=env
    )
    out = run.stdout
    assert "error" not in out.splitlines()[-1], out[-3000:]
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, out[-3000:]
    assert "NOT IMPLEMENTED YET" in out and "not implemented" in out.splitlines()[-1], out[-3000:]
    assert "known_mistakes/convolution.py" in names
    assert "ImportError" not in out and "ModuleNotFoundError" not in out, out[-3000:]

    # Solved, the release's tests pass: those that read its datasets/ (augmentation) and convolution's (the
    # repository's own run already passes every visible test against solutions/).
    shutil.rmtree(release / "exercises")
    shutil.copytree(ROOT / "solutions", release / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    solved = subprocess.run(
        [python, "-m", "pytest", "-q", "tests/test_augmentation.py", "tests/test_convolution.py"],
        cwd=release,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert solved.returncode == 0 and " passed" in solved.stdout, solved.stdout[-3000:]
