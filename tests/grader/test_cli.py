"""The `grader` command line: formats, exit codes, configs, zip and exercises/ layouts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, grade_json, run_grader

from grader.score.config import ConfigError, load_config

pytestmark = pytest.mark.slow
TOPIC = ["--topic", "gradient_descent"]


def test_help_lists_the_commands():
    result = run_grader("--help")
    assert result.returncode == 0
    for command in ("grade", "exercises", "release", "tests"):
        assert command in result.stdout


def test_missing_submission_exits_2_with_a_clear_message(tmp_path):
    result = run_grader("grade", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "does not exist" in result.stderr and result.stdout == ""


def test_unreadable_config_exits_2(tmp_path):
    bad = tmp_path / "grading.toml"
    bad.write_text("[points\nconvolution = 3")
    result = run_grader("grade", ROOT / "solutions", "--config", bad)
    assert result.returncode == 2 and "not valid TOML" in result.stderr


@pytest.mark.parametrize(
    "text, words",
    [
        ("[points]\nconvolutoin = 3\n", "unknown topic"),
        ('[tests]\n"convolution.nope" = 3\n', "unknown test"),
        ("[limits]\nmemory = 3\n", "unknown key"),
        ("[examples]\ndefault = 0\n", "positive"),
        ("[scores]\n", "unknown table"),
        ("[limits]\nisolate = 1\n", "true or false"),
        ('[visibility]\nconvolution = "students"\n', "must be one of visible, after_due_date"),
        ('[visibility]\n"convolution.nope" = "hidden"\n', "unknown key"),
    ],
)
def test_config_errors_say_what_to_fix(tmp_path, text, words):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words):
        load_config(path)


def test_config_overrides_points_per_topic_and_per_test(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[points]\ngradient_descent = 8\n[tests]\n"gradient_descent.deriv_exact" = 2\n'
        "[examples]\ngradient_descent = 20\n"
    )
    report = grade_json(ROOT / "solutions", "--config", path, *TOPIC)
    topic = report["topics"]["gradient_descent"]
    assert topic["max_score"] == topic["score"] == 8.0
    assert [t["max_score"] for t in topic["tests"] if t["name"].startswith("deriv ")] == [2.0]


def test_text_markdown_and_gradescope_formats(tmp_path):
    text = run_grader("grade", ROOT / "exercises", "--format", "text", *TOPIC, "--quiet")
    assert text.returncode == 0 and "NOT IMPLEMENTED YET deriv  (0 / 1) in 1 test" in text.stdout
    markdown = tmp_path / "feedback.md"
    run_grader("grade", ROOT / "exercises", "--format", "markdown", "--output", markdown, *TOPIC, "--quiet")
    assert markdown.read_text().startswith(f"# Feedback for {ROOT / 'exercises'}: 0 / 5")
    config = tmp_path / "grading.toml"
    config.write_text('[visibility]\ndefault = "after_due_date"\n"gradient_descent.deriv_exact" = "visible"\n')
    scope = run_grader("grade", ROOT / "solutions", "--format", "gradescope", "--config", config, *TOPIC, "--quiet")
    scope = json.loads(scope.stdout)
    assert scope["score"] == 5.0
    assert all(
        {"name", "score", "max_score", "output", "output_format", "visibility"} <= set(t) for t in scope["tests"]
    )
    assert [t["visibility"] for t in scope["tests"]].count("visible") == 1
    page = run_grader("grade", ROOT / "exercises", "--format", "html", *TOPIC, "--quiet").stdout
    assert page.startswith("<!DOCTYPE html>") and "Not implemented yet" in page


def test_zip_and_exercises_folder_layouts_are_found(tmp_path):
    folder = tmp_path / "alice" / "exercises"
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in folder.glob("*.py"):
            handle.write(path, f"alice/exercises/{path.name}")
    for submission in (tmp_path / "alice", archive):
        report = grade_json(submission, *TOPIC)
        assert report["score"] == report["max_score"] == 5.0


def test_missing_module_scores_zero_and_names_the_file(tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(ROOT / "solutions" / "perceptron.py", tmp_path / "sub" / "perceptron.py")
    report = grade_json(tmp_path / "sub", *TOPIC, "--topic", "perceptron")
    assert report["topics"]["perceptron"]["score"] == 5.0
    missing = report["topics"]["gradient_descent"]
    assert missing["score"] == 0.0 and "gradient_descent.py was not found" in missing["tests"][0]["feedback"]


def test_not_a_zip_folder_or_notebook_exits_2(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = run_grader("grade", path)
    assert (
        result.returncode == 2 and "notes.txt is neither a folder, a .zip file nor a Jupyter notebook" in result.stderr
    )


def test_exercises_check_passes_on_the_committed_stubs_and_says_what_it_checked():
    result = run_grader("exercises", "--check")
    files = len(list((ROOT / "solutions").glob("*.py")))
    assert (
        result.returncode == 0
        and result.stdout == f"exercises/: all {files} files match the stubs generated from solutions/\n"
    )


def test_the_default_number_of_jobs_follows_a_cgroup_cpu_quota(tmp_path):
    """On half a CPU (Gradescope's default container) topics are graded one at a time."""
    group = Path("/sys/fs/cgroup/cpu") / f"convgrade-test-{os.getpid()}"
    try:
        group.mkdir()
    except OSError as exc:
        pytest.skip(f"needs a writable cgroup v1 cpu controller (root): {exc}")
    try:
        (group / "cpu.cfs_quota_us").write_text("50000")  # of the default 100000 us period
        script = f"echo $$ > {group}/cgroup.procs && exec {sys.executable} -m grader grade --help"
        run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    finally:
        group.rmdir()
    assert run.returncode == 0, run.stderr
    assert "1 here" in " ".join(run.stdout.split())


@pytest.mark.parametrize(
    "args, config",
    [
        (["grade", "/nonexistent"], None),
        (["grade", "solutions", "--topic", "convolutio"], None),
        (["grade", "solutions", "--config", "{config}"], "[limits]\ncall_cpu_second = 3\n"),
        (["grade", "solutions", "--config", "{config}"], "[points]\nconvolutio = 3\n"),
    ],
)
def test_usage_errors_come_before_the_sandbox_or_pytorch_start(args, config, tmp_path):
    """An instructor's typo is reported at once: nothing slow (PyTorch, the zygote) has started."""
    if config:
        (tmp_path / "c.toml").write_text(config)
    args = [a.replace("{config}", str(tmp_path / "c.toml")) for a in args]
    script = (
        "import sys; from grader.cli import main; from grader.sandbox.session import Zygote\n"
        f"code = main({args!r})\n"
        "print(code, 'torch' in sys.modules, Zygote._instance is not None)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.stdout.split() == ["2", "False", "False"], run.stdout + run.stderr
    assert run.stderr.startswith("grader: error: ")
