"""``argument_errors``: a check that invalid arguments raise ValueError whose message says which argument is
wrong (the contract's general rule), credited per requirement. Used by gradient_descent, perceptron, layers
and classification.

Each requirement (a ``Bad.part``, such as "negative epochs") earns its share on its own, so a check left out
costs that check only; the messages earn ``MESSAGE_SHARE`` of the points, judged on the ValueErrors raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from grader.checks import Case, Failure, Mistake, Property, crashed, mistake_lines, not_implemented, outcome_value
from grader.sandbox.wire import Array

MESSAGE = "messages name the argument"
MESSAGE_SHARE = 0.2  # of the check's points; the requirements share the rest

OTHER_EXCEPTION = Mistake(
    "arguments.other_exception",
    "the argument is checked, but the check raises another exception (its own `raise` or `assert`): "
    "invalid arguments raise ValueError",
)


@dataclass(frozen=True)
class Bad:
    """An invalid call: ``make`` builds its case, ``why`` says what is invalid ("for p = 1.5"), ``part`` is the
    requirement it proves, ``names`` the words a message may use for the wrong argument (the first is the
    argument's own name; empty for a function of one argument, where any message says which)."""

    make: Callable[[], Case]
    why: str
    part: str
    names: tuple[str, ...] = ()


def names_one(message: str, names) -> bool:
    """Some spelling of ``names`` stands as a word of ``message`` ("learning_rate" also as "learning rate")."""
    for name in names:
        for spelling in {name, name.replace("_", " ")}:
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(spelling)}(?![A-Za-z0-9_])", message, re.IGNORECASE):
                return True
    return False


def _did(outcome) -> str:
    if outcome.status != "raised":
        return "returned normally"
    error = outcome.error or {}
    text = f"raised {error.get('type')}: {error.get('message', '')}".rstrip(": ")
    if error.get("line"):
        text += f"\n    at {error.get('where', '')}: {error['line'].strip()}"
    return text


def argument_errors(
    id: str,
    title: str,
    function: str,
    bad: list[Bad],
    arg_names=(),
    weight: float = 1.0,
    misconceptions=(),
    diagnose: Callable[[str, list], tuple[Mistake, ...]] | None = None,
) -> Property:
    """The check that every call of ``bad`` makes ``function`` raise ValueError, its message naming the argument.

    What a failing call did instead is weighed against ``misconceptions`` (its tensor or its crash); where only
    the whole set of failing calls tells the mistake (only ``learning_rate = 0`` slipped through),
    ``diagnose(part, failed)`` names it from the ``(Bad, Outcome)`` pairs of every call that did not raise
    ValueError. A call that raised another exception from the student's own ``raise`` or ``assert`` is named so.
    """
    parts = tuple(dict.fromkeys(b.part for b in bad))
    judged = any(b.names for b in bad)

    def verify(ctx, _):
        """Every invalid call raises ValueError; each message names the wrong argument."""
        failed, vague, raised = [], None, False
        for b in bad:
            case = b.make()
            outcome = ctx.call(function, case)
            error = outcome.error or {}
            if outcome.status == "raised" and not crashed(outcome):
                raise Failure(not_implemented(function), fatal=True, stub=True)
            if outcome.status not in ("ok", "raised"):
                outcome_value(outcome, function)  # missing, killed: its own failure
            if outcome.status == "raised" and error.get("type") == "ValueError":
                raised = True
                if vague is None and b.names and not names_one(error.get("message", ""), b.names):
                    vague = (b, case, error.get("message", ""))
                continue
            failed.append((b, case, outcome))
        for b, case, outcome in failed:
            if b.part in ctx.waived:
                continue
            if _own_raise(outcome):
                named = (OTHER_EXCEPTION,)
            else:
                _observe(ctx, misconceptions, case, outcome)
                named = diagnose(b.part, [(b, o) for b, _, o in failed]) if diagnose else ()
            ctx.require(
                b.part,
                False,
                f"`{function}` should raise ValueError {b.why}, but it {_did(outcome)}\n"
                f"    Input: {case.describe(arg_names)}" + mistake_lines(named),
                mistakes=named,
            )
        if not judged:
            return
        if vague is not None:
            b, case, message = vague
            ctx.require(
                MESSAGE,
                False,
                f"`{function}` raised ValueError {b.why}, but its message does not say which argument is wrong: "
                f"{message!r}; name `{b.names[0]}` in it\n    Input: {case.describe(arg_names)}",
            )
        ctx.require(MESSAGE, raised, f"`{function}` raised no ValueError at all, so no message names an argument")

    message = (MESSAGE,) if judged else ()
    return Property(
        id,
        title,
        function,
        weight,
        strategy=st.just(None),
        verify=verify,
        array_valued=False,
        parts=parts + message,
        part_weights={MESSAGE: MESSAGE_SHARE / (1 - MESSAGE_SHARE) * len(parts)} if judged else {},
    )


def _own_raise(outcome) -> bool:
    """The call raised from a ``raise`` or ``assert`` statement of the student's (not from inside PyTorch)."""
    line = ((outcome.error or {}).get("line") or "").strip() if outcome.status == "raised" else ""
    return line.startswith(("raise ", "assert "))


def _observe(ctx, misconceptions, case: Case, outcome):
    """What a call that did not raise ValueError says about ``misconceptions``: its crash or its tensor."""
    if not misconceptions:
        return
    if crashed(outcome):
        ctx.evidence.observe_crash(misconceptions, case)
    elif outcome.ok and isinstance(outcome.value, Array) and outcome.value.kind == "tensor":
        ctx.evidence.observe(misconceptions, case, torch.from_numpy(outcome.value.data.copy()), None)
