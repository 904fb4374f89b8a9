"""What a student sees when a visible test fails: the failing call and the values, not library internals."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import CASES, ROOT, as_module


def visible(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


@pytest.mark.slow
def test_a_failing_property_shows_the_call_its_values_and_no_library_explanation(tmp_path):
    attempt = tmp_path / "attempt"
    attempt.mkdir()
    (attempt / "convolution.py").write_text(as_module(CASES / "convolution" / "wrong_flipped_kernel.py"))
    run = visible("tests/test_convolution.py", "-x", "-k", "conv2d_matches_pytorch", "--impl", attempt)
    out = run.stdout
    assert run.returncode == 1, out[-3000:]
    assert "your code's last call" in out and "conv2d(\n    input=float32 tensor of shape (" in out
    assert "\nE       expected: float32 tensor of shape (1, 1, " in out and "\nE       actual:   float" in out
    assert "Explanation" not in out and "_comparison.py" not in out


def test_impl_names_a_folder_that_must_exist(tmp_path):
    run = visible("tests/test_convolution.py", "--impl", tmp_path / "nowhere")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR and "no such folder" in run.stderr
