"""Hostile and broken submissions: the grader survives them, scores them right, loses nothing.

Each case is the reference perceptron module with something added or swapped
in; `sigmoid` is the function under attack, `perceptron` must keep its points
whenever it is intact. Cases run through the real grading pipeline; bombs are
bounded, writes go to unique names, network probes only to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pytest
from helpers import ROOT, solution_source

from grader.load.submission import Submission
from grader.sandbox.session import Limits, child_uids
from grader.score.config import Config
from grader.score.grade import grade_submission
from grader.topics import TOPICS

pytestmark = pytest.mark.slow
TOPIC = "perceptron"
FAST = Config(limits=Limits(call_cpu_seconds=2, import_seconds=5, memory_mb=1024))


def grade(source, config=FAST):
    data = source.encode() if isinstance(source, str) else source
    started = time.monotonic()
    result = grade_submission(Submission({TOPIC: data}, "<test>"), config, topics=[TOPIC])
    return result.topics[TOPIC], time.monotonic() - started


def by_function(topic_result):
    functions = {c.title: c.function for c in TOPICS[TOPIC].CHECKS}
    scores = {}
    for test in topic_result.tests:
        scores.setdefault(functions[test.name], []).append(test)
    return scores


def assert_only_sigmoid_fails(topic_result, feedback_contains=None):
    tests = by_function(topic_result)
    assert all(not t.passed and t.score == 0 for t in tests["sigmoid"]), [t.feedback for t in tests["sigmoid"]]
    assert all(t.passed for t in tests["perceptron"]), [t.feedback for t in tests["perceptron"]]
    if feedback_contains:
        text = "\n".join(t.feedback for t in tests["sigmoid"]).lower()
        assert feedback_contains.lower() in text, text


# A perceptron that does not call the module's sigmoid: it must keep its points whatever sigmoid does.
INDEPENDENT_PERCEPTRON = """
def perceptron(x, w, b):
    if x.dim() not in (1, 2) or w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x {tuple(x.shape)} and w {tuple(w.shape)} do not match")
    z = x @ w + (b.reshape(()) if isinstance(b, torch.Tensor) else b)
    e = torch.exp(-torch.abs(z))
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""


def with_sigmoid(body: str, prelude: str = "") -> str:
    return (
        solution_source(TOPIC)
        + "\n\n"
        + textwrap.dedent(prelude)
        + "\n"
        + INDEPENDENT_PERCEPTRON
        + "\n\ndef sigmoid(z):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


WRONG_SIGMOID = "return 1 / (1 + torch.exp(z))"  # sign error: a realistic wrong answer


# ---------------------------------------------------------------- tampering

TAMPER_PRELUDE = """
import math, numpy, numpy.testing, torch, torch.testing
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
math.isclose = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
"""


def test_monkeypatched_comparisons_do_not_help_a_wrong_answer():
    result, _ = grade(with_sigmoid(WRONG_SIGMOID, TAMPER_PRELUDE))
    assert_only_sigmoid_fails(result)


def test_rigged_tensor_subclass_scores_what_its_values_deserve():
    prelude = """
    import torch
    class Always(torch.Tensor):
        def __eq__(self, other): return True
        def __sub__(self, other): return torch.zeros(())
        def __abs__(self): return torch.zeros(())
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return super().__torch_function__(func, types, args, kwargs or {})
    """
    result, _ = grade(with_sigmoid("return Always(1 / (1 + torch.exp(z)))", prelude))
    assert_only_sigmoid_fails(result)


def test_rigged_plain_object_is_reported_as_not_a_tensor():
    prelude = """
    class Liar:
        def __eq__(self, other): return True
        def __sub__(self, other): return 0
        def __abs__(self): return 0
    """
    result, _ = grade(with_sigmoid("return Liar()", prelude))
    assert_only_sigmoid_fails(result, "expected a torch.Tensor")


def test_fake_results_printed_or_written_change_nothing(tmp_path):
    fake = json.dumps({"score": 100.0, "max_score": 100.0, "tests": [], "topics": {}})
    leak = f"/tmp/convgrade-leak-{uuid.uuid4().hex}.json"
    prelude = f"""
    import sys
    print({fake!r})
    print({fake!r}, file=sys.stderr)
    open("results.json", "w").write({fake!r})
    try:
        open({leak!r}, "w").write({fake!r})
    except OSError:
        pass
    """
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / f"{TOPIC}.py").write_text(with_sigmoid(f"print({fake!r})\n" + WRONG_SIGMOID, prelude))
    run = subprocess.run(
        [sys.executable, "-m", "grader", "grade", folder, "--format", "json", "--topic", TOPIC],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)  # exactly one JSON document, nothing else on stdout
    assert report["score"] < report["max_score"]
    assert not (tmp_path / "results.json").exists() and not os.path.exists(leak)
    assert '"score": 100.0' not in run.stderr


@pytest.mark.parametrize(
    "ending",
    [
        "import sys; sys.exit(0)",
        "import os; os._exit(0)",
        "raise SystemExit(0)",
        "raise KeyboardInterrupt",
        "raise BaseException('stop')",
        "import ctypes; ctypes.string_at(0)",
    ],
)
def test_exits_and_crashes_fail_only_that_function(ending):
    result, seconds = grade(with_sigmoid(ending))
    assert_only_sigmoid_fails(result)
    assert seconds < 120


def test_exit_at_import_fails_the_topic_with_a_reason():
    result, _ = grade(solution_source(TOPIC) + "\nimport os\nos._exit(0)\n")
    assert result.score == 0
    assert "could not be imported" in result.tests[0].feedback


# ---------------------------------------------------------------- limits


def test_sleeping_import_is_cut_at_the_import_limit():
    result, seconds = grade(solution_source(TOPIC) + "\nimport time\ntime.sleep(600)\n")
    assert result.score == 0 and "import time limit" in result.tests[0].feedback
    assert seconds < 60


def test_endless_loop_hits_the_cpu_limit():
    result, seconds = grade(with_sigmoid("while True:\n    pass"))
    assert_only_sigmoid_fails(result)
    assert "CPU time" in "".join(t.feedback for t in result.tests) or "wall time" in "".join(
        t.feedback for t in result.tests
    )
    assert seconds < 120


def test_memory_bomb_fails_that_test_and_names_the_limit():
    result, seconds = grade(with_sigmoid("hoard = []\nwhile True:\n    hoard.append(bytearray(64 * 2**20))"))
    assert_only_sigmoid_fails(result, "memory")
    assert seconds < 120


@pytest.mark.skipif(os.geteuid() != 0, reason="the process cap needs the child's own uid (root grader)")
def test_fork_bomb_is_capped_and_nothing_survives():
    bomb = """
    import os, time
    for _ in range(200):
        try:
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
        except OSError:
            break
    return 1 / (1 + torch.exp(-z))
    """
    result, seconds = grade(with_sigmoid(bomb))
    assert seconds < 180
    time.sleep(0.5)
    leftovers = subprocess.run(["ps", "-eo", "uid=,stat="], capture_output=True, text=True).stdout.split("\n")
    alive = [
        line
        for line in leftovers
        if line.strip() and int(line.split()[0]) in child_uids() and not line.split()[1].startswith("Z")
    ]
    assert alive == []


def test_network_is_unreachable_even_on_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted = []

    def accept():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not accepted:
            try:
                accepted.append(server.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    probe = f"""
    import socket
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"leak")
    except OSError:
        pass
    return 1 / (1 + torch.exp(-z))
    """
    grade(with_sigmoid(probe))
    accepted.append(None)
    thread.join()
    server.close()
    assert accepted == [None]


def test_200_megabytes_of_printing_neither_floods_nor_stalls():
    noisy = with_sigmoid(
        "print('x' * 1000)\nreturn 1 / (1 + torch.exp(-z))",
        "import sys\nfor _ in range(200_000):\n    sys.stdout.write('y' * 1000 + '\\n')",
    )
    result, seconds = grade(noisy)
    assert all(t.passed for t in result.tests), [t.feedback for t in result.tests if not t.passed]
    assert any("printed" in note for note in result.notes)
    assert len(json.dumps([t.feedback for t in result.tests])) < 20_000
    assert seconds < 120


def test_reading_the_hidden_tests_is_refused():
    spy = f"""
    try:
        leaked = open({str(ROOT / "grader" / "topics" / "perceptron.py")!r}).read()
    except OSError:
        leaked = ""
    if leaked:
        raise ValueError(leaked[:400])
    return 1 / (1 + torch.exp(-z))
    """
    result, _ = grade(with_sigmoid(spy))
    assert all(t.passed for t in result.tests), [t.feedback for t in result.tests if not t.passed]


# ---------------------------------------------------------------- broken submissions


@pytest.mark.parametrize(
    "source, words",
    [
        ("def sigmoid(z):\n    return 1 / (1 + \n", "could not be imported"),
        ("import tensorflow\n", "No module named"),
        (b"\xff\xfe\x00 not utf-8 \x81\n", "could not be imported"),
    ],
)
def test_unimportable_module_scores_zero_with_the_reason(source, words):
    result, _ = grade(source)
    assert result.score == 0
    assert words in result.tests[0].feedback


def test_empty_file_reports_missing_functions():
    result, _ = grade("")
    assert result.score == 0
    assert "defines no function" in result.tests[0].feedback


def test_misspelled_function_loses_only_its_points():
    source = (
        solution_source(TOPIC).replace("def sigmoid(", "def sigmod(").replace("sigmoid(x @ w + b)", "sigmod(x @ w + b)")
    )
    result, _ = grade(source)
    assert_only_sigmoid_fails(result, "defines no function or class named `sigmoid`")


@pytest.mark.parametrize(
    "body, words",
    [
        ("return (1 / (1 + torch.exp(-z))).tolist()", "expected a torch.Tensor"),
        ("return (1 / (1 + torch.exp(-z))).numpy()", "NumPy array"),
        ("return torch.full_like(z, float('nan'))", "nan"),
        ("return (1 / (1 + torch.exp(-z))).to(torch.float16)", "dtype"),
        ("return (1 / (1 + torch.exp(-z))).reshape(-1)[:1]", "shape"),
        ("return torch.nn.Parameter(1 / (1 + torch.exp(-z)))", "requires grad"),
        ("z.mul_(-1).exp_().add_(1).reciprocal_()\nreturn z.clone()", "in place"),
    ],
)
def test_broken_results_get_feedback_that_says_what_is_wrong(body, words):
    result, _ = grade(with_sigmoid(body))
    tests = by_function(result)["sigmoid"]
    assert not all(t.passed for t in tests)
    assert words.lower() in "\n".join(t.feedback for t in tests).lower()


def test_wrong_signature_is_reported():
    result, _ = grade(with_sigmoid("return 1 / (1 + torch.exp(-z))").replace("def sigmoid(z):", "def sigmoid():"))
    assert_only_sigmoid_fails(result, "TypeError")


def test_a_call_slowed_by_a_busy_machine_is_not_cut_at_the_wall_limit():
    """The wall limit is for code that waits; code that computes has its CPU limit. Here the child runs
    a fifth of the time (stopped and continued, as on a busy machine), so 1.5 s of computing take
    about 7.5 s, past the 7 s wall limit of a 2 s CPU limit: the call must still finish."""
    from grader.sandbox.session import TopicSession

    spin = (
        "\n\ndef spin(seconds):\n    end = time.process_time() + seconds\n    while time.process_time() < end:\n"
        "        pass\n    return seconds\n"
    )
    session = TopicSession(
        TOPIC, {TOPIC: (solution_source(TOPIC) + "\nimport time" + spin).encode()}, Limits(call_cpu_seconds=2)
    )
    assert session.start().ok
    done = threading.Event()

    def busy_machine(pid):
        while not done.is_set():
            os.kill(pid, signal.SIGSTOP)
            time.sleep(0.4)
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.1)

    throttle = threading.Thread(target=busy_machine, args=(session._pid,))
    throttle.start()
    started = time.monotonic()
    try:
        outcome = session.call("spin", 1.5)
    finally:
        done.set()
        throttle.join()
        session.close()
    assert outcome.status == "ok" and outcome.value == 1.5, outcome.message
    assert time.monotonic() - started > Limits(call_cpu_seconds=2).wall_seconds()
