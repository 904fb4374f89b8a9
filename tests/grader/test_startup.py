"""What a grade pays before the first check: one zygote, only the imports it needs, no calls to stubs."""

from __future__ import annotations

import os

import pytest
from helpers import ROOT

from grader.load.submission import load_submission
from grader.sandbox.session import Zygote, packages_needed
from grader.score.config import Config
from grader.score.grade import grade_submission, unimplemented
from grader.topics import CHILD_IMPORTS, SLOWEST_FIRST, TOPIC_NAMES


def test_the_zygote_loads_what_the_topics_probes_and_the_graded_code_import():
    sources = {
        "layers": b"from . import helper\nimport numpy as np\n",
        "helper": b"def f():\n    from scipy.signal import convolve2d\n",
        "edges": b"import matplotlib.pyplot as plt\n",
        "pooling": b"this is not python(",
    }
    assert packages_needed(["layers"], sources, CHILD_IMPORTS) == ("scipy",)  # through the module it imports
    assert packages_needed(["pooling", "augmentation"], sources, CHILD_IMPORTS) == ("torchvision",)  # the probes
    assert packages_needed(["layers", "edges"], sources, CHILD_IMPORTS) == ("matplotlib", "scipy")
    assert packages_needed(["perceptron"], sources, CHILD_IMPORTS) == ()


def test_a_stub_is_recognised_only_when_it_cannot_return():
    source = b'''
import functools

def stub(x):
    """Docstring."""
    raise NotImplementedError("write me")

def partly(x):
    if x:
        raise NotImplementedError
    return x

@functools.cache
def decorated(x):
    raise NotImplementedError

def rebound(x):
    raise NotImplementedError

rebound = partly

def other_error(x):
    raise ValueError("no")

class StubNet(nn.Module):
    """Docstring."""
    def __init__(self):
        raise NotImplementedError("write me")

class MadeElsewhere:
    def __new__(cls):
        return object()

    def __init__(self):
        raise NotImplementedError
'''
    functions = {"stub", "partly", "decorated", "rebound", "other_error", "absent", "StubNet", "MadeElsewhere"}
    assert unimplemented(source, functions) == {"stub", "StubNet"}
    assert unimplemented(b"def stub(:", functions) == set()


def test_unfilled_stubs_score_zero_without_a_child(monkeypatch):
    def no_child(*args, **kwargs):
        raise AssertionError("a stub-only topic started a child")

    monkeypatch.setattr("grader.score.grade.TopicSession", no_child)
    result = grade_submission(load_submission(ROOT / "exercises", TOPIC_NAMES), topics=["convolution", "pooling"])
    for topic in result.topics.values():
        assert topic.score == 0 and topic.tests
        assert all("is not implemented yet" in test.feedback for test in topic.tests)


def test_a_forked_worker_sees_its_parents_zygote_alive():
    zygote = Zygote.shared(preload=())
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, b"1" if zygote.alive() else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"


@pytest.mark.slow
def test_a_concurrent_grade_starts_one_zygote(monkeypatch, tmp_path):
    started = tmp_path / "zygotes"
    original = Zygote.__init__

    def counted(self, control=None, pid=None, preload=()):
        original(self, control, pid, preload)
        if control is None:
            with open(started, "a") as log:
                log.write(f"{os.getpid()}\n")

    monkeypatch.setattr(Zygote, "__init__", counted)
    monkeypatch.setattr(Zygote, "_instance", None)
    events = []
    result = grade_submission(
        load_submission(ROOT / "solutions", TOPIC_NAMES),
        Config(examples={"default": 5}),
        topics=["perceptron", "gradient_descent", "pooling"],
        jobs=2,
        cache=False,
        progress=lambda *event: events.append(event),
    )
    assert result.score == result.max_score
    assert len(started.read_text().split()) == 1
    for topic, graded in result.topics.items():  # the workers' progress reached this process, in order
        total = len(graded.tests)
        assert [e for e in events if e[0] == topic] == [(topic, done, total) for done in range(total + 1)]


def test_the_slowest_first_order_names_every_topic_once():
    """A concurrent grade orders the topics by it: a topic missing there fails only with -j above 1."""
    assert sorted(SLOWEST_FIRST) == sorted(TOPIC_NAMES) and len(set(SLOWEST_FIRST)) == len(SLOWEST_FIRST)
