"""What a student sees when visible tests fail: per function, one hand-sized counterexample as grids and
the known mistake it fits; per unwritten function, one line; no frames of the test helpers or libraries."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from helpers import CASES, ROOT, as_module

HELPER_FRAMES = ("course.py", "failures.py", "grids.py", "conftest.py", "site-packages", "def assert_matches")


def visible(*args, hypothesis_home=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if hypothesis_home:  # a database of its own: no failing example replayed from another run
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(hypothesis_home)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env=env,
    )


@pytest.mark.slow
def test_a_flipped_kernel_is_named_in_under_40_lines_with_a_hand_sized_example(tmp_path):
    attempt = tmp_path / "attempt"
    shutil.copytree(ROOT / "solutions", attempt, ignore=shutil.ignore_patterns("__pycache__"))
    (attempt / "convolution.py").write_text(as_module(CASES / "convolution" / "wrong_flipped_kernel.py"))
    run = visible("tests/test_convolution.py", "--impl", attempt, hypothesis_home=tmp_path / "hypothesis")
    out, lines = run.stdout, run.stdout.splitlines()
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, out[-3000:]
    assert len(lines) < 40, out
    assert "Likely mistake: your conv2d matches a *flipped* kernel" in out, out

    failed = int(re.search(r"(\d+) failed", lines[-1]).group(1))
    assert failed > 1 and out.count("conv2d returned a wrong value here too") == failed - 1, out
    shown = out[out.index("conv2d(input, weight") : out.index("Likely mistake")].splitlines()
    assert 3 <= len(shown) <= 6, out  # the call, a row of grid titles, a few rows of numbers
    numbers = re.findall(r"-?\d+(?:\.\d+)?", "\n".join(shown[2:]))
    assert numbers and all(re.fullmatch(r"-?\d{1,2}", n) for n in numbers), shown  # small whole numbers

    assert not any(frame in out for frame in HELPER_FRAMES), out
    assert "Traceback" not in out and "Falsifying example" not in out and "_comparison.py" not in out


@pytest.mark.slow
def test_unwritten_functions_print_one_line_each(tmp_path):
    run = visible("tests/test_convolution.py", "--impl", "exercises", hypothesis_home=tmp_path / "hypothesis")
    out, lines = run.stdout, run.stdout.splitlines()
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, out[-3000:]
    section = lines[lines.index(next(line for line in lines if "NOT IMPLEMENTED YET" in line)) + 1 :]
    stubs = section[: section.index("")]
    assert [line.split(":")[0] for line in stubs] == ["conv_output_size", "correlate2d", "conv2d"], out
    assert all(re.search(r"\(exercises/convolution\.py, line \d+\)  \[\d+ tests?\]$", line) for line in stubs)
    assert re.search(r"\b40 not implemented\b", lines[-1]) and "FAILURES" not in out, out
    assert len(lines) < 20 and "Traceback" not in out and "NotImplementedError" not in out, out


def test_impl_names_a_folder_that_must_exist(tmp_path):
    run = visible("tests/test_convolution.py", "--impl", tmp_path / "nowhere")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR and "no such folder" in run.stderr
