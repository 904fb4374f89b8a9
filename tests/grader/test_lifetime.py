"""Nothing the grader starts outlives it, and no submission holds a grader for long.

``kill -9`` of ``grader grade-all`` or ``grader grade`` ends its workers, the sandbox's zygote and
the children running student code (``die_with_parent``, the zygote's watch on the grader); Ctrl-C
prints one line. A call that ignores every catchable signal and busy-loops is stopped by the
parent at its CPU budget, and its topic ends within the bound the README states.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time

import psutil
import pytest
from helpers import ROOT, grade_json, solution_source, submission_with

pytestmark = pytest.mark.slow


def _class_of(folder, students: int):
    folder.mkdir()
    for n in range(students):
        shutil.copytree(ROOT / "solutions", folder / f"student{n}", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@contextlib.contextmanager
def _started_and_watched(command, tmp_path, timeout: float = 120):
    """Start ``command``; once a child runs student code (or it has three descendants where children
    keep the grader's uid), the process and every process it has started so far. Whatever the test
    found, all of them are killed when the block ends."""
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[int, psutil.Process] = {}
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                descendants = psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                break
            seen.update((p.pid, p) for p in descendants)
            if any(_uid(p) >= 1_200_000 for p in descendants) or (os.geteuid() != 0 and len(descendants) >= 3):
                break
            time.sleep(0.2)
        yield process, seen
    finally:
        for leftover in [process, *seen.values()]:
            with contextlib.suppress(psutil.Error, ProcessLookupError):
                leftover.kill()
        process.communicate()


def _uid(process) -> int:
    try:
        return process.uids().real
    except psutil.Error:
        return -1


def _alive(processes) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(process.cmdline())[:80]}")
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize("command", ["grade-all", "grade"])
def test_kill_9_leaves_no_process_behind(command, tmp_path):
    folder = _class_of(tmp_path / "class", 3)
    argv = (
        [sys.executable, "-m", "grader", "grade-all", str(folder), "--out", str(tmp_path / "out"), "-j", "2"]
        if command == "grade-all"
        else [sys.executable, "-m", "grader", "grade", str(folder / "student0"), "-j", "2"]
    )
    with _started_and_watched(argv, tmp_path) as (process, seen):
        assert process.poll() is None, "the grade ended before it could be killed"
        assert seen, "no process was started"
        process.kill()
        process.wait()
        time.sleep(5)
        assert _alive(seen.values()) == []


def test_ctrl_c_prints_one_line_and_leaves_no_process(tmp_path):
    folder = _class_of(tmp_path / "class", 2)
    with _started_and_watched(
        [
            sys.executable,
            "-m",
            "grader",
            "grade-all",
            str(folder),
            "--out",
            str(tmp_path / "out"),
            "-j",
            "2",
            "--quiet",
        ],
        tmp_path,
    ) as (process, seen):
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 130
        assert "Traceback" not in stderr, stderr
        assert stderr.strip().splitlines() == [
            "grader: interrupted; run the same command again to resume (the students graded so far are kept)"
        ], stderr
        time.sleep(5)
        assert _alive(seen.values()) == []


# Ignores every catchable signal, cancels the timers, and busy-loops for ten minutes.
STUBBORN = """

def train_epoch(*args, **kwargs):
    import signal, time
    for number in range(1, signal.NSIG):
        try:
            signal.signal(number, signal.SIG_IGN)
        except (OSError, ValueError, RuntimeError):
            pass
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    signal.setitimer(signal.ITIMER_PROF, 0)
    end = time.time() + 600
    while time.time() < end:
        pass
"""


def test_a_call_that_ignores_every_signal_is_stopped_by_its_cpu_budget(tmp_path):
    submission = submission_with(tmp_path, "training", solution_source("training") + STUBBORN)
    started = time.monotonic()
    report = grade_json(submission, "--topic", "training", "--config", _config(tmp_path))
    took = time.monotonic() - started
    tests = report["topics"]["training"]["tests"]
    stopped = [t for t in tests if "CPU time" in t["feedback"]]
    assert stopped and all(t["score"] == 0 for t in stopped), [t["feedback"] for t in tests]
    assert any(t["passed"] for t in tests)  # the rest of the topic is graded normally
    # the README's bound with these limits: topic_cpu_seconds + import_seconds + 5 s, plus the start-up
    assert took < 30 + 20 + 5 + 30, took


def _config(tmp_path):
    config = tmp_path / "limits.toml"
    config.write_text("[limits]\ncall_cpu_seconds = 3\ntopic_cpu_seconds = 30\n")
    return config
