"""Routes around the recording that the denial at the dispatcher closes: each scores zero.

Every route is the reference convolution module with ``conv2d`` (or the reference edges module with
``filter2d``) replaced by one that computes the forbidden built-in while hiding it from the recording
modes, the tripwires and the static scan. Graded for real, through the ``grader`` command and the
sandbox: the function must score zero, naming the built-in or the tampering; every other function
keeps its points. Before the denial, the thread-local switches, the import-time thread, the torch
decorator and OpenCV's native alias got full marks (or all but a point); the other three were caught
by the recording's side checks, which a padded answer or a cached label can defeat.
"""

from __future__ import annotations

import itertools
import textwrap

import pytest
import torch
import torch.nn.functional as F
from helpers import grade_json, solution_source, submission_with

from grader.sandbox import torch_private
from grader.sandbox.denial import Denial, Denied
from grader.topics import TOPICS
from grader.topics.convolution import CONVOLUTION_RULES

HEADER = "def _conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):\n"
# One elementwise op on the answer: enough recorded work to pass the old plausibility check.
PADDED = """

def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    return _conv2d(input, weight, bias, stride, padding, dilation) * 1
"""
ARGS = "input, weight, bias, stride, padding, dilation"
# F.conv2d by a computed name, raising ValueError where the contract wants it.
CONVOLVE = """
import torch as _t

def _convolve(input, weight, bias, stride, padding, dilation):
    if input.dim() != 4 or weight.dim() != 4:
        raise ValueError("input and weight must be 4-D")
    return getattr(_t.nn.functional, "con" + "v2d")(input, weight, bias, stride, padding, dilation)
"""

ROUTES = {
    # name: (module-level code, body of conv2d)
    "thread_local_switches": (
        """
        _core = vars(_t)["_" + "C"]
        _set_state = getattr(_core, "_set_torch_function" + "_state")
        # a tripwired setter, called through a wrapper of torch's (whose frames the tripwires trust)
        _exclude = getattr(_t, "_disable" + "_dynamo")(getattr(_core, "_dispatch_tls_set_dispatch_key" + "_excluded"))
        _python_key = getattr(_core, "Dispatch" + "Key").Python
        """,
        f"""
        before = getattr(_core, "_get_torch_function" + "_state")()
        _set_state(getattr(_core, "_TorchFunction" + "State").ALL_DISABLED)
        _exclude(_python_key, True)
        try:
            return _convolve({ARGS})
        finally:
            _exclude(_python_key, False)
            _set_state(before)
        """,
    ),
    "torchscript_from_a_string": (
        """
        _SOURCE = "def run(x, w, b: Optional[Tensor], s: List[int], p: List[int], d: List[int]):\\n" \\
                  "    return torch.con" + "v2d(x, w, b, s, p, d)\\n"
        """,
        """
        if input.dim() != 4 or weight.dim() != 4:
            raise ValueError("input and weight must be 4-D")
        pair = lambda v: [v, v] if isinstance(v, int) else list(v)
        unit = getattr(_t.jit, "Compilation" + "Unit")(_SOURCE)
        return unit.run(input, weight, bias, pair(stride), pair(padding), pair(dilation))
        """,
    ),
    "lazy_tensor_subclass": (
        """
        class _Later(_t.Tensor):
            @staticmethod
            def __new__(cls, args):
                made = _t.Tensor._make_wrapper_subclass(cls, _shape(*args), dtype=args[0].dtype)
                made.args = args
                return made

            @classmethod
            def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
                real = [_convolve(*a.args) if isinstance(a, _Later) else a for a in args]
                return func(*real, **(kwargs or {}))

        def _shape(input, weight, bias, stride, padding, dilation):
            s = stride if isinstance(stride, tuple) else (stride, stride)
            p = padding if isinstance(padding, tuple) else (padding, padding)
            d = dilation if isinstance(dilation, tuple) else (dilation, dilation)
            size = [(input.shape[2 + i] + 2 * p[i] - d[i] * (weight.shape[2 + i] - 1) - 1) // s[i] + 1
                    for i in range(2)]
            return (input.shape[0], weight.shape[0], *size)
        """,
        f"""
        if input.dim() != 4 or weight.dim() != 4 or isinstance(padding, str):
            return _convolve({ARGS})
        return _Later(({ARGS}))
        """,
    ),
    "thread_started_at_import": (
        """
        import queue, threading
        _requests, _answers = queue.Queue(), queue.Queue()

        def _serve():
            while True:
                args = _requests.get()
                try:
                    _answers.put(_convolve(*args))
                except BaseException as error:
                    _answers.put(error)

        threading.Thread(target=_serve, daemon=True).start()
        """,
        f"""
        _requests.put(({ARGS}))
        answer = _answers.get()
        if isinstance(answer, BaseException):
            raise ValueError(str(answer))
        return answer
        """,
    ),
    "tripwire_called_through_a_torch_decorator": (
        """
        _core = vars(_t)["_" + "C"]
        _through_torch = getattr(_t, "_disable" + "_dynamo")
        """,
        f"""
        stacks = [(s, key) for s, key in (("function", ()), ("dispatch", (None,)))
                  if _through_torch(getattr(_core, "_len_torch_" + s + "_stack"))()]
        modes = [_through_torch(getattr(_core, "_pop_torch_" + s + "_stack"))(*key) for s, key in stacks]
        try:
            return _convolve({ARGS})
        finally:
            for (s, _), mode in zip(stacks, modes):
                getattr(_core, "_push_on_torch_" + s + "_stack")(mode)
        """,
    ),
    "ops_aten_default_overload": (
        "",
        """
        if input.dim() != 4 or weight.dim() != 4:
            raise ValueError("input and weight must be 4-D")
        pair = lambda v: [v, v] if isinstance(v, int) else list(v)
        if isinstance(padding, str):
            return _convolve(input, weight, bias, stride, padding, dilation)
        op = getattr(getattr(_t.ops.aten, "con" + "volution"), "default")
        return op(input, weight, bias, pair(stride), pair(padding), pair(dilation), False, [0, 0], 1)
        """,
    ),
}


def route_source(name: str) -> str:
    prelude, body = ROUTES[name]
    return (
        solution_source("convolution")
        + "\n\n"
        + CONVOLVE
        + "\n"
        + textwrap.dedent(prelude)
        + "\n\n"
        + HEADER
        + textwrap.indent(textwrap.dedent(body), "    ")
        + PADDED
    )


def scores_by_function(report, topic) -> dict[str, list[dict]]:
    functions = {c.title: c.function for c in TOPICS[topic].CHECKS}
    tests = {}
    for test in report["topics"][topic]["tests"]:
        tests.setdefault(functions[test["name"]], []).append(test)
    return tests


def assert_zero_for(report, topic: str, function: str, named: str):
    tests = scores_by_function(report, topic)
    for test in tests.pop(function):
        assert not test["passed"] and test["score"] == 0.0, test
        assert f"forbidden built-in: {named}" in test["feedback"], test["feedback"]
    for test in itertools.chain(*tests.values()):
        assert test["passed"], test


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_around_the_recording_scores_zero(name, tmp_path):
    report = grade_json(submission_with(tmp_path, "convolution", route_source(name)), "--topic", "convolution")
    assert_zero_for(report, "convolution", "conv2d", "a built-in convolution")


# OpenCV's package copies the native module's functions: cv2._native holds the same filter2D.
NATIVE_FILTER2D = """

import cv2 as _cv


def filter2d(image, kernel):
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError("a 2-D image and an odd 2-D kernel")
    native = getattr(_cv, "_na" + "tive")
    return getattr(native, "filter" + "2D")(image.astype(np.float32), -1, kernel.astype(np.float32))
"""


@pytest.mark.slow
def test_opencvs_native_alias_is_guarded_too(tmp_path):
    source = solution_source("edges") + NATIVE_FILTER2D
    report = grade_json(submission_with(tmp_path, "edges", source), "--topic", "edges")
    tests = scores_by_function(report, "edges")
    for test in tests["filter2d"]:
        assert not test["passed"] and test["score"] == 0.0, test
        assert "OpenCV filter" in test["feedback"], test["feedback"]


def test_every_private_torch_name_the_sandbox_needs_exists():
    assert torch_private.missing() == []


class _Recorder:
    def __init__(self):
        self.names = set()


@pytest.fixture
def denial():
    denial = Denial(_Recorder())
    denial.switch(tuple(rule.runtime for rule in CONVOLUTION_RULES))
    try:
        yield denial
    finally:
        denial.switch(None)


def test_the_denial_stops_every_route_to_a_convolution_and_lets_patches_through(denial):
    x, w = torch.randn(1, 1, 5, 5), torch.randn(1, 1, 3, 3)
    routes = {
        "F.conv2d": lambda: F.conv2d(x, w),
        "ops.aten": lambda: torch.ops.aten.convolution.default(x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1),
        "a CPU kernel": lambda: torch.ops.aten._slow_conv2d_forward(x, w, [3, 3], None, [1, 1], [0, 0]),
        "oneDNN's namespace": lambda: torch.ops.mkldnn._convolution_pointwise(
            x, w, None, [0, 0], [1, 1], [1, 1], 1, "none", [], None
        ),
        "autograd": lambda: F.conv2d(x.clone().requires_grad_(), w),
        "vmap": lambda: torch.vmap(F.conv2d)(x[None], w[None]),
        "an mkldnn tensor": lambda: F.conv2d(x.to_mkldnn(), w.to_mkldnn()),
        "F.unfold": lambda: F.unfold(x, 3),
        "Tensor.unfold": lambda: x.unfold(2, 3, 1),
    }
    for route in routes.values():
        with pytest.raises(Denied):
            route()
    assert {
        "aten:conv2d",
        "aten:convolution",
        "aten:_slow_conv2d_forward",
        "aten:im2col",
        "aten:unfold",
    } <= denial.recorder.names
    patches = x.as_strided((1, 1, 3, 3, 3, 3), (25, 25, 5, 1, 5, 1))  # allowed by the contract
    by_einsum = torch.einsum("ncijkl,ockl->noij", patches, w)
    by_matmul = (patches.reshape(9, 9) @ w.reshape(9)).reshape(1, 1, 3, 3)
    by_loops = torch.stack(
        [torch.stack([(x[0, 0, i : i + 3, j : j + 3] * w[0, 0]).sum() for j in range(3)]) for i in range(3)]
    )
    assert torch.allclose(by_einsum[0, 0], by_loops, atol=1e-5) and torch.allclose(by_matmul[0, 0], by_loops, atol=1e-5)
    assert denial.intact() == []


def test_a_removed_denial_is_noticed_and_armed_again(denial):
    x, w = torch.randn(1, 1, 5, 5), torch.randn(1, 1, 3, 3)
    for library, _, _ in denial._libraries:
        library._destroy()
    F.conv2d(x, w)  # the built-in works again: what a student who found the registration would do
    assert any("removed or replaced" in what for what in denial.intact())
    with pytest.raises(Denied):
        F.conv2d(x, w)


def test_disarming_gives_the_built_ins_back():
    denial = Denial(_Recorder())
    denial.switch(tuple(rule.runtime for rule in CONVOLUTION_RULES))
    denial.switch(None)
    x, w = torch.randn(1, 1, 5, 5), torch.randn(1, 1, 3, 3)
    assert F.conv2d(x, w).shape == (1, 1, 3, 3) and F.unfold(x, 3).shape == (1, 9, 9)
