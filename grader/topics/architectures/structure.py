"""The builders' structure: children (name: class) and parameter shapes, from ``probes.architecture_summary``."""

from __future__ import annotations

import torch.nn as nn
from hypothesis import strategies as st

from grader.checks import Case, Failure, Property, Scripted, mistake_lines, outcome_value
from grader.sandbox import probes
from grader.topics.architectures.references import TARGETS, Target


def summary_of(model: nn.Module) -> dict:
    """What ``probes.architecture_summary`` reports, for a model built here."""
    return {
        "children": [[n, type(c).__name__] for n, c in model.named_children()],
        "parameters": [[n, list(p.shape)] for n, p in model.named_parameters()],
        "count": sum(p.numel() for p in model.parameters()),
    }


def _children(summary) -> list[str]:
    return [f"{name}: {kind}" for name, kind, *_ in summary["children"]]


def _shapes(summary) -> dict:
    return {name: tuple(shape) for name, shape in summary["parameters"]}


def _matches(got: dict, wrong: nn.Module, sequential: bool) -> bool:
    mine = summary_of(wrong)
    if sequential and [c[:2] for c in got["children"]] != mine["children"]:
        return False
    return _shapes(got) == _shapes(mine)


def verify_structure(ctx, target: Target, args: tuple, kwargs: dict | None = None):
    """The builder's model has the contract's children (name: class) and parameter shapes."""
    function, kwargs = target.name, kwargs or {}
    called = f"{function}({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kwargs.items())])})"
    try:
        got = outcome_value(ctx.probe(function, probes.architecture_summary, function, list(args), kwargs), function)
    except Failure as failure:
        raise Failure(f"{failure}\n    Call: {called}", failure.fatal) from None
    args = args + tuple(kwargs.values())  # the reference's arguments (the builders have one option at most)
    if not got.get("module"):
        raise Failure(f"{called} gave a {got.get('type')}, not an nn.Module")
    problem, named = structure_verdict(target, got, args)
    if problem:
        raise Failure(f"{called}: {problem}{mistake_lines(named)}", mistakes=named)


def structure_verdict(target: Target, got: dict, args: tuple) -> tuple[str, tuple]:
    """Words on how the summary ``got`` of the builder's model (called with ``args``) differs from the contract's
    ("" if it does not), and the known mistake that explains it (if one does)."""
    problem = structure_problem(target, got, summary_of(target.reference(*args)))
    if not problem:
        return "", ()
    fitting = [m for m in target.structure_mistakes if _matches(got, m.compute(Case(args)), target.sequential)]
    if len(fitting) > 1:
        problem += "\n    Your model fits more than one known mistake:\n" + "\n".join(
            f"    - {m.explanation}" for m in fitting
        )
    return problem, (fitting[0].mistake,) if len(fitting) == 1 else ()


def structure_problem(target: Target, got: dict, expected: dict) -> str:
    if target.sequential:
        if not got["sequential"]:
            return f"it must be an nn.Sequential, but it is a {got['type']}"
        mine, theirs = _children(got), _children(expected)
        if mine != theirs:
            common = min(len(mine), len(theirs))
            first = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), common)
            where = (
                f"child {first} is `{mine[first]}`, expected `{theirs[first]}`"
                if first < common
                else f"it has {len(mine)} children, expected {len(theirs)}"
            )
            return (
                f"the children (name: class) are wrong: {where}.\n    Yours:    {', '.join(mine)}"
                f"\n    Expected: {', '.join(theirs)}"
            )
    else:
        kinds = {name: kind for name, kind, *_ in got["children"]}
        for name, kind in expected["children"]:
            if kind in ("Conv2d", "Linear", "MaxPool2d") and kinds.get(name) != kind:
                now = f"a {kinds[name]}" if name in kinds else "missing"
                return f"the attribute `self.{name}` must be an nn.{kind}; it is {now}"
    mine, theirs = _shapes(got), _shapes(expected)
    if mine != theirs:
        for name, shape in theirs.items():
            if name not in mine:
                return f"there is no parameter `{name}` (expected shape {shape}); parameters: {_list(mine)}"
            if mine[name] != shape:
                return f"parameter `{name}` has shape {mine[name]}, expected {shape}"
        extra = [n for n in mine if n not in theirs]
        return f"unexpected parameters {extra}; expected exactly {_list(theirs)}"
    if got["count"] != expected["count"]:
        return f"it has {got['count']} parameters, expected {expected['count']}"
    return ""


def _list(shapes: dict) -> str:
    return ", ".join(f"{n} {tuple(s)}" for n, s in shapes.items()) or "none"


def structure_check(id, title, name, args=(), weight=1.0):
    """A fixed check of ``name``'s structure, built with ``args``."""
    return Scripted(id, title, name, weight=weight, body=lambda ctx: verify_structure(ctx, TARGETS[name], args))


CASE_STUDY_CALLS = {  # part -> how build_case_study_cnn is called for it
    "n_channels by position": lambda n: ((n,), {}),
    "n_channels= by name": lambda n: ((), {"n_channels": n}),
    "default n_channels=1": lambda n: ((), {}),
}


def verify_case_study_structure(ctx, case: Case):
    """build_case_study_cnn(n), (n_channels=n) and () (the default, 1) have the case-study children and shapes;
    the name and the default of the option are parts of their own."""
    n = case.args[0]
    for part, called in CASE_STUDY_CALLS.items():
        args, kwargs = called(n)
        try:
            verify_structure(ctx, TARGETS["build_case_study_cnn"], args, kwargs)
        except Failure as failure:
            if failure.fatal or failure.not_implemented:
                raise
            ctx.require(part, False, str(failure))  # keeps the failure's mistakes


CASE_STUDY_STRUCTURE = Property(
    "build_case_study_cnn_structure",
    "build_case_study_cnn has the case-study children for every n_channels, "
    "passed by position or by name, 1 by default",
    "build_case_study_cnn",
    weight=1.0,
    strategy=st.integers(1, 4).map(lambda n: Case((n,))),
    verify=verify_case_study_structure,
    examples=6,
    array_valued=False,
    parts=tuple(CASE_STUDY_CALLS),
    core_part="n_channels by position",
    part_weights={"n_channels by position": 2.0},
)
