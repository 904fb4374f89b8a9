"""Finding the student's modules: what was found where, what was not, and folders without any. Fast."""

from __future__ import annotations

import zipfile

import pytest
from helpers import run_grader, solution_source

from grader.load.submission import MAX_MODULE_BYTES, Submission, SubmissionError, load_submission
from grader.score.config import Config
from grader.score.grade import grade_topic
from grader.topics import TOPIC_NAMES


def test_the_summary_says_which_modules_were_found_where_and_where_the_grader_looked(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "pooling.py").write_text(solution_source("pooling"))
    (tmp_path / "hooks.py").write_text(solution_source("hooks"))
    submission = load_submission(tmp_path, TOPIC_NAMES)
    summary = submission.summary(("hooks", "pooling", "convolution"))
    assert summary.startswith(
        "found 2 of 3 modules: hooks.py at the top; pooling.py in exercises/; not found: convolution.py (looked in "
    )
    assert "at its top level, in exercises/ and in each folder one level down" in summary
    assert submission.summary(("pooling",)) == "found pooling.py in exercises/"


def test_a_submission_built_from_bytes_says_what_it_holds():
    submission = Submission({"hooks": b"x = 1\n"}, "<test>")
    assert submission.summary(("hooks",)) == "found hooks.py"
    assert submission.summary(("hooks", "pooling")).startswith("found 1 of 2 modules: hooks.py; not found: pooling.py")


def test_a_module_over_the_size_limit_is_reported_as_too_large_with_the_limit(tmp_path):
    (tmp_path / "hooks.py").write_text("x = 1\n" + "#" * MAX_MODULE_BYTES)
    (tmp_path / "pooling.py").write_text(solution_source("pooling"))
    submission = load_submission(tmp_path, TOPIC_NAMES)
    assert "hooks" not in submission.modules
    assert "too large to grade: hooks.py (the limit is 2048 KiB)" in submission.summary(("hooks", "pooling"))
    result = grade_topic("hooks", submission, Config())  # no module: nothing runs
    assert result.score == 0 and "hooks.py is larger than the limit of 2048 KiB" in result.reason
    assert all(test.feedback == result.reason for test in result.tests)
    assert "not found" not in result.reason


def test_a_folder_without_any_module_is_an_error_listing_the_expected_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SubmissionError) as error:
        load_submission(tmp_path, TOPIC_NAMES)
    message = str(error.value)
    assert "holds none of the course's modules" in message
    assert all(f"{topic}.py" in message for topic in TOPIC_NAMES)
    assert "deeper" not in message


def test_modules_nested_too_deep_are_an_error_that_names_their_folder(tmp_path):
    nested = tmp_path / "alice" / "homework" / "cnn"
    nested.mkdir(parents=True)
    for topic in ("pooling", "hooks"):
        (nested / f"{topic}.py").write_text(solution_source(topic))
    with pytest.raises(
        SubmissionError,
        match=r"2 of them are in homework/cnn/, deeper than the grader looks: "
        r"grade that folder \(grader grade .*alice/homework/cnn\)",
    ):
        load_submission(tmp_path / "alice", TOPIC_NAMES)
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(nested / "hooks.py", "alice/homework/cnn/hooks.py")
    with pytest.raises(
        SubmissionError, match="1 of them is in alice/homework/cnn/, deeper than the grader looks: zip that folder"
    ):
        load_submission(archive, TOPIC_NAMES)


def test_the_command_exits_2_when_no_module_is_found(tmp_path):
    result = run_grader("grade", tmp_path, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert "holds none of the course's modules" in result.stderr and "Traceback" not in result.stderr
