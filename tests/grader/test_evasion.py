"""A determined student's ways around the detection of forbidden built-ins: each one is caught.

Every evasion is the reference convolution module with ``conv2d`` replaced by one that returns
``F.conv2d(...)`` while hiding it from the recording modes, and avoids every name the static scan
zeroes (so that what catches it is the run time). Graded for real, through the ``grader`` command and
the sandbox: ``conv2d`` must score zero with feedback that says how the detection was tampered with
(or, where the denial at the dispatcher stops the built-in first, names it), every other function
must keep its points. Without the tripwires, the audit hook, the plausibility check and the denial
these submissions get full marks. ``test_denial.py`` has the routes only the denial closes.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
import textwrap

import pytest
from helpers import CASES, as_module, grade_json, solution_source, submission_with

from grader.integrations.class_reports import gradebook
from grader.report import to_json, to_markdown
from grader.score import grade
from grader.topics import TOPICS

pytestmark = pytest.mark.slow
TOPIC = "convolution"

# F.conv2d, raising ValueError where the contract wants it (PyTorch raises RuntimeError or accepts 3-D input);
# the mode stacks and the arguments of their pops (a dispatch stack's pop takes an infra mode's key, None).
BUILTIN = """
STACKS = (("function", ()), ("dispatch", (None,)))

def _builtin(input, weight, bias, stride, padding, dilation):
    import torch.nn.functional as F_
    if input.dim() != 4 or weight.dim() != 4:
        raise ValueError("input and weight must be 4-D")
    try:
        return getattr(F_, "con" + "v2d")(input, weight, bias, stride, padding, dilation)
    except RuntimeError as error:
        raise ValueError(str(error)) from None
"""
HEADER = "def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):\n"
ARGS = "input, weight, bias, stride, padding, dilation"

# Pops both recording modes off their stacks, runs the built-in, pushes them back.
POP_AND_PUSH = f"""
import torch
C = vars(torch)["".join(["_", "C"])]
modes = [getattr(C, "_pop_torch_" + s + "_stack")(*key) for s, key in STACKS]
try:
    out = _builtin({ARGS})
finally:
    for (s, _), mode in zip(STACKS, modes):
        getattr(C, "_push_on_torch_" + s + "_stack")(mode)
"""

EVASIONS = {
    # name: (module-level code, body of conv2d, words the feedback must contain)
    "computed_names_popped_modes": ("", POP_AND_PUSH + "return out", "_pop_torch_function_stack"),
    "disabled_modes_context_manager": (
        "",
        f"""
        import sys, torch
        C = getattr(torch, "_" + "C")
        dispatch = sys.modules["torch.utils." + "_python" + "_dispatch"]
        with getattr(C, "Disable" + "TorchFunction")(), getattr(dispatch, "_disable_" + "current_modes")():
            return _builtin({ARGS})
        """,
        "DisableTorchFunction",
    ),
    "alias_from_internal_module": (
        """
        from torch.overrides import _pop_torch_function_stack as _tidy, _push_on_torch_function_stack as _untidy
        from torch._library.fake_class_registry import _disable_current_modes as _quiet
        """,
        f"""
        mode = _tidy()
        try:
            with _quiet():
                return _builtin({ARGS})
        finally:
            _untidy(mode)
        """,
        "_pop_torch_function_stack",
    ),
    "gc_found_originals": (
        "",
        f"""
        import gc, torch
        def original(name):
            for obj in gc.get_objects():
                if type(obj).__name__ == "function" and obj.__closure__:
                    for cell in obj.__closure__:
                        found = cell.cell_contents if cell != type(cell)() else None
                        if type(found).__name__ == "builtin_function_or_method" and found.__name__ == name:
                            return found
            return getattr(vars(torch)["_" + "C"], name)
        modes = [original("_pop_torch_" + s + "_stack")(*key) for s, key in STACKS]
        try:
            return _builtin({ARGS})
        finally:
            for (s, _), mode in zip(STACKS, modes):
                original("_push_on_torch_" + s + "_stack")(mode)
        """,
        "walked gc's objects",
    ),
    "ctypes_call_into_the_library": (
        "",
        f"""
        import ctypes, torch
        C = vars(torch)["_" + "C"]
        ctypes.CDLL(C.__file__)
        call = ctypes.pythonapi.PyObject_CallObject
        call.restype, call.argtypes = ctypes.py_object, [ctypes.py_object, ctypes.py_object]
        modes = [call(getattr(C, "_pop_torch_" + s + "_stack"), key) for s, key in STACKS]
        try:
            return _builtin({ARGS})
        finally:
            for (s, _), mode in zip(STACKS, modes):
                getattr(C, "_push_on_torch_" + s + "_stack")(mode)
        """,
        "used ctypes",
    ),
    "importlib_reload": (
        "",
        f"""
        import importlib, sys
        dispatch = importlib.reload(sys.modules["torch.utils._python_" + "dispatch"])
        functions = sys.modules["torch." + "overrides"]  # (a reload of it fails: docstrings added twice)
        with functions._pop_mode_temporarily(), dispatch._disable_current_modes():
            return _builtin({ARGS})
        """,
        "again (a reload)",
    ),
    "exec_of_base64": (
        "import base64, builtins\nPAYLOAD = " + repr(base64.b64encode(textwrap.dedent(POP_AND_PUSH).encode()).decode()),
        """
        scope = {"_builtin": _builtin, "STACKS": STACKS, "input": input, "weight": weight, "bias": bias,
                 "stride": stride, "padding": padding, "dilation": dilation}
        getattr(builtins, "ex" + "ec")(base64.b64decode(PAYLOAD).decode(), scope)
        return scope["out"]
        """,
        "ran dynamic code",
    ),
    # torch.load calls what a pickle names from torch's own frames, where the tripwires let calls through.
    "pickle_loaded_by_torch": (
        """
        class _Pop:
            def __init__(self, stack, key):
                self.stack, self.key = stack, key
            def __reduce__(self):
                import torch
                return getattr(vars(torch)["_" + "C"], "_pop_torch_" + self.stack + "_stack"), self.key
        """,
        f"""
        import io, torch
        buffer = io.BytesIO()
        torch.save([_Pop(s, key) for s, key in STACKS], buffer)
        buffer.seek(0)
        modes = torch.load(buffer, weights_only=False)
        try:
            return _builtin({ARGS})
        finally:
            for (s, _), mode in zip(STACKS, modes):
                getattr(vars(torch)["_" + "C"], "_push_on_torch_" + s + "_stack")(mode)
        """,
        "unpickled torch._C._pop_torch_function_stack",
    ),
    # No tripwire and no audit event: a new thread starts with empty mode stacks. The denial at the
    # dispatcher holds in every thread.
    "builtin_in_another_thread": (
        "",
        f"""
        import threading
        results = []
        def work():
            try:
                results.append(_builtin({ARGS}))
            except ValueError as error:
                results.append(error)
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        if isinstance(results[0], ValueError):
            raise results[0]
        return results[0]
        """,
        "forbidden built-in: a built-in convolution",
    ),
}


def evasion_source(name: str) -> str:
    prelude, body, _ = EVASIONS[name]
    return (
        solution_source(TOPIC)
        + "\n\n"
        + textwrap.dedent(prelude)
        + "\n"
        + BUILTIN
        + "\n\n"
        + HEADER
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


def scores_by_function(report) -> dict[str, list[dict]]:
    functions = {c.title: c.function for c in TOPICS[TOPIC].CHECKS}
    tests = {}
    for test in report["topics"][TOPIC]["tests"]:
        tests.setdefault(functions[test["name"]], []).append(test)
    return tests


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_evasion_is_caught_as_tampering(name, tmp_path):
    report = grade_json(submission_with(tmp_path, TOPIC, evasion_source(name)), "--topic", TOPIC)
    tests = scores_by_function(report)
    for test in tests.pop("conv2d"):
        assert not test["passed"] and test["score"] == 0.0, test
        assert "tampered with" in test["feedback"] or "forbidden built-in" in test["feedback"], test["feedback"]
        assert EVASIONS[name][2] in test["feedback"], test["feedback"]
    for test in itertools.chain(*tests.values()):
        assert test["passed"], test


def test_computed_access_is_reported_for_review(tmp_path):
    report = grade_json(
        submission_with(tmp_path, TOPIC, evasion_source("computed_names_popped_modes")), "--topic", TOPIC
    )
    review = report["topics"][TOPIC]["review"]
    assert any("vars() lookup" in item for item in review), review
    assert any("getattr with a computed name" in item for item in review), review


def test_unusual_but_legitimate_code_is_not_flagged(tmp_path):
    case = CASES / TOPIC / "right_unusual_python.py"
    report = grade_json(submission_with(tmp_path, TOPIC, as_module(case)), "--topic", TOPIC)
    topic = report["topics"][TOPIC]
    assert topic["score"] == topic["max_score"], [t["feedback"] for t in topic["tests"] if not t["passed"]]
    assert "review" not in topic


@pytest.mark.parametrize(
    "prelude, full_marks",
    [
        ("import doctest, pdb, unittest\n", True),  # their own import-time code reads frames: not the student's
        ("import inspect\n_frame = inspect.currentframe()\n", False),  # the student's code reads a frame
        ("import torch\ntorch.manual_seed(0)\n", True),  # torch keeps a stack for a lazy CUDA call: torch's use
        ("import traceback\n_stack = traceback.format_stack()\n", False),  # the student's, through the stdlib
    ],
)
def test_frames_read_while_a_library_is_first_imported_are_not_the_students(prelude, full_marks, tmp_path):
    report = grade_json(submission_with(tmp_path, TOPIC, prelude + solution_source(TOPIC)), "--topic", TOPIC)
    topic = report["topics"][TOPIC]
    assert (topic["score"] == topic["max_score"]) == full_marks, [t["feedback"] for t in topic["tests"]]


def test_review_reaches_markdown_and_gradebook_status():
    tests = [grade.TestResult("conv2d core", "core", "conv2d", 4.0, 4.0, True, "")]
    topic = grade.TopicResult(TOPIC, 4.0, 4.0, tests, review=["conv2d, line 3: vars() lookup"])
    result = grade.GradeResult("alice", {TOPIC: topic})
    assert "conv2d, line 3: vars() lookup" in to_markdown(result)
    document = json.loads(to_json(result))
    assert document["topics"][TOPIC]["review"] == ["conv2d, line 3: vars() lookup"]
    document["status"] = "graded"
    rows = list(csv.DictReader(io.StringIO(gradebook({"alice": document}))))
    assert rows[0]["status"] == f"graded; review: {TOPIC} (1)"


# Tampers while a function that is not watched runs (the recording modes are off then): it walks
# gc's objects for the modes and makes them record nothing for the functions that come after.
UNWATCHED_TAMPERING = """

_size = conv_output_size


def conv_output_size(*args, **kwargs):
    import gc
    from torch.overrides import TorchFunctionMode
    from torch.utils._python_dispatch import TorchDispatchMode

    def plain(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))

    for obj in gc.get_objects():
        if isinstance(obj, (TorchFunctionMode, TorchDispatchMode)):
            type(obj).__torch_function__ = type(obj).__torch_dispatch__ = plain
    return _size(*args, **kwargs)
"""


def test_tampering_while_an_unwatched_function_runs_counts_against_the_watched_ones(tmp_path):
    report = grade_json(
        submission_with(tmp_path, TOPIC, solution_source(TOPIC) + UNWATCHED_TAMPERING), "--topic", TOPIC
    )
    tests = scores_by_function(report)
    assert all(test["passed"] for test in tests.pop("conv_output_size"))
    assert set(tests) == set(TOPICS[TOPIC].BY_LOOPS)
    for test in itertools.chain(*tests.values()):
        assert test["score"] == 0.0 and "walked gc's objects" in test["feedback"], test
