"""Every route to a forbidden built-in scores zero for that function, and only for it."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest
import torch
from helpers import CASES, ROOT, as_module, grade_json, solution_source, submission_with

from grader.checks.forbidden import EVASION, computed_access, static_hits
from grader.topics import TOPICS

pytestmark = pytest.mark.slow

CONV_HEADER = "def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):\n"
ROUTES = {
    "direct": (
        "convolution",
        "conv2d",
        CONV_HEADER
        + """
    import torch.nn.functional as F
    return F.conv2d(input, weight, bias, stride, padding, dilation)
""",
    ),
    "renamed_import": (
        "convolution",
        "conv2d",
        "from torch.nn.functional import conv2d as correlate_all\n"
        + CONV_HEADER
        + """
    return correlate_all(input, weight, bias, stride, padding, dilation)
""",
    ),
    "getattr": (
        "convolution",
        "conv2d",
        CONV_HEADER
        + """
    import torch
    op = getattr(torch.nn.functional, "con" + "v2d")
    return op(input, weight, bias, stride, padding, dilation)
""",
    ),
    "torch_ops_aten": (
        "convolution",
        "conv2d",
        CONV_HEADER
        + """
    import torch
    import torch.nn.functional as F_
    if isinstance(padding, str):
        return getattr(F_, "conv" + "2d")(input, weight, bias, stride, padding, dilation)
    pair = lambda v: list(v) if isinstance(v, tuple) else [v, v]
    return torch.ops.aten.convolution(input, weight, bias, pair(stride), pair(padding), pair(dilation),
                                      False, [0, 0], 1)
""",
    ),
    "torch_C": (
        "convolution",
        "conv2d",
        CONV_HEADER
        + """
    import torch
    return torch._C._VariableFunctions.conv2d(input, weight, bias, stride, padding, dilation)
""",
    ),
    "nn_module": (
        "convolution",
        "conv2d",
        CONV_HEADER
        + """
    import torch
    layer = torch.nn.Conv2d(weight.shape[1], weight.shape[0], tuple(weight.shape[2:]), stride=stride,
                            padding=padding, dilation=dilation, bias=bias is not None, dtype=input.dtype)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias is not None:
            layer.bias.copy_(bias)
        return layer(input)
""",
    ),
    "exec_string": (
        "convolution",
        "conv2d",
        CONV_HEADER
        + """
    scope = {"args": (input, weight, bias, stride, padding, dilation)}
    exec("import torch.nn.functional as G\\nout = G.conv2d(*args)", scope)
    return scope["out"]
""",
    ),
    "max_pool_renamed": (
        "pooling",
        "max_pool2d",
        """
from torch.nn.functional import max_pool2d as biggest
def max_pool2d(input, kernel_size, stride=None, padding=0):
    return biggest(input, kernel_size, stride, padding)
""",
    ),
    "filter2d_opencv": (
        "edges",
        "filter2d",
        """
import cv2 as _cv
import numpy as _np
def filter2d(image, kernel):
    return getattr(_cv, "filter" + "2D")(_np.asarray(image, _np.float32), _cv.CV_32F, kernel)
""",
    ),
    "softmax_method": (
        "classification",
        "softmax",
        """
def softmax(logits, dim=-1):
    return logits.softmax(dim)
""",
    ),
    "relu_clamp": (
        "layers",
        "relu",
        """
def relu(x):
    return x.clamp(min=0)
""",
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_forbidden_route_scores_zero_for_that_function(route, tmp_path):
    topic, function, override = ROUTES[route]
    source = solution_source(topic) + "\n\n" + textwrap.dedent(override)
    report = grade_json(submission_with(tmp_path, topic, source), "--topic", topic)
    titles = {c.title: c.function for c in TOPICS[topic].CHECKS}
    for test in report["topics"][topic]["tests"]:
        if titles[test["name"]] == function:
            assert not test["passed"] and test["score"] == 0.0, test
            assert "forbidden built-in" in test["feedback"], test["feedback"]
        else:
            assert test["passed"], test


def test_scipy_imported_after_the_guards_are_installed_is_guarded_too():
    """A one-topic grade's zygote loads SciPy only if the code imports it: a later import is guarded."""
    script = textwrap.dedent("""
        import sys
        from grader.sandbox import child
        child.install_guards()
        assert "scipy.signal" not in sys.modules
        import scipy.signal
        from scipy.ndimage import convolve
        child.RECORDER.active = True
        scipy.signal.convolve2d([[1.0]], [[2.0]])
        convolve([1.0, 2.0], [1.0])
        print(sorted(child.RECORDER.names))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    recorded = set(ast.literal_eval(run.stdout.split("\n")[-2]))  # with what they call in SciPy's native modules
    assert {"scipy.ndimage.convolve", "scipy.signal.convolve2d"} <= recorded, recorded


BUILT_IN_EVERYWHERE = """
import torch.nn.functional as F


def correlate2d(image, kernel):
    return F.conv2d(image[None, None], kernel[None, None])[0, 0]


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    return F.conv2d(input, weight, bias, stride, padding, dilation)
"""


def test_only_the_functions_a_rule_is_about_run_under_the_denial():
    """A function no rule is about (here: ``correlate2d``, for this session) may use the built-in."""
    from grader.checks import to_wire
    from grader.sandbox.session import TopicSession
    from grader.topics.convolution import CONVOLUTION_RULES

    session = TopicSession(
        "convolution",
        {"convolution": BUILT_IN_EVERYWHERE.encode()},
        denied={"conv2d": tuple(rule.runtime for rule in CONVOLUTION_RULES)},
    )
    try:
        assert session.start().ok
        x, w = torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2)
        denied = session.call("conv2d", *to_wire((x, w)))
        allowed = session.call("correlate2d", *to_wire((x[0, 0], w[0, 0])))
        denied_again = session.call("conv2d", *to_wire((x, w)))
    finally:
        session.close()
    for outcome in (denied, denied_again):
        assert outcome.status == "raised" and outcome.error["type"] == "Denied", outcome
        assert "aten:conv2d" in outcome.names
    assert allowed.ok and allowed.value.data.tolist() == [[4.0] * 3] * 3 and allowed.names == frozenset()


def test_no_solution_nor_case_is_flagged_by_the_tampering_scans():
    """Right and wrong cases are honest code: neither the computed-access scan nor the static tampering
    rule may flag any of them (benchmarks/false_positives.py prints the same count)."""
    modules = [(t, (ROOT / "solutions" / f"{t}.py").read_text()) for t in TOPICS if TOPICS[t].BY_LOOPS]
    modules += [
        (case.parent.name, as_module(case))
        for case in sorted(CASES.glob("*/*.py"))
        if TOPICS[case.parent.name].BY_LOOPS
    ]
    flagged = {
        source[-300:]: computed_access(source.encode()) for _, source in modules if computed_access(source.encode())
    }
    flagged |= {
        f"{topic}.{function}": EVASION.label
        for topic, source in modules
        for function in TOPICS[topic].BY_LOOPS
        if EVASION.label in static_hits(source.encode(), function, [])
    }
    assert len(modules) > 200 and flagged == {}


@pytest.mark.parametrize(
    "code, found",
    [
        ('C = vars(torch)["".join(["_", "C"])]', "vars() lookup"),
        ('op = getattr(F, "con" + "v2d")', "getattr with a computed name"),
        ('op = torch.nn.functional.__dict__["conv2d"]', "__dict__ access"),
        ('op = globals()["F"].conv2d', "globals() lookup"),
        ("import importlib", "imports importlib"),
        ("import gc", "imports gc"),
        ("from inspect import currentframe", "imports inspect"),
        ('m = sys.modules["torch"]', "sys.modules"),
        ("f = torch.Tensor.__subclasses__()", "__subclasses__ access"),
    ],
)
def test_computed_access_is_listed_with_function_and_line(code, found):
    source = f"import sys, torch\nimport torch.nn.functional as F\n\ndef conv2d(x):\n    {code}\n    return x\n"
    assert computed_access(source.encode()) == [f"conv2d, line 5: {found}"]
