"""Judging what the training probes send back: numbers, state_dicts, and the mistakes behind them."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
    Property,
    allowed_error,
    first_difference,
    outcome_value,
    predictions_of,
)
from grader.sandbox.wire import Array, numpy_scalar
from grader.topics.arguments import MESSAGE, MESSAGE_SHARE, names_one


def close(got: float, expected: float, dtype=torch.float32) -> bool:
    """``got`` is within the contract's tolerance of the number ``expected`` (of magnitude at least 1)."""
    return abs(got - expected) <= allowed_error(expected, max(1.0, abs(expected)), dtype)


def scalar(value: float, dtype=torch.float32) -> torch.Tensor:
    """A number as a 0-d tensor, so ``Evidence`` can weigh mistakes about it."""
    return torch.tensor(float(value), dtype=dtype)


def as_float(value, function: str, what: str, ctx=None, part: str | None = None, words: str = "") -> float | None:
    """A returned number as a float; tensors are refused (return ``loss.item()``).

    With ``ctx`` and ``part`` a wrong kind of value is that part's failure (``None`` once it is waived).
    """
    value = numpy_scalar(value)
    named = ()
    if isinstance(value, Array) and value.requires_grad:
        named = (LOSS_TENSORS_ADDED,)
        problem = (
            f"`{function}` returned a tensor that requires grad as {what}; expected a Python float\n"
            f"    {LOSS_TENSORS_ADDED}"
        )
    elif isinstance(value, Array):
        problem = (
            f"`{function}` returned a tensor as {what}; expected a Python float: use `loss.item()` for each "
            "batch (float(...) converts a 0-d tensor)"
        )
    elif type(value) not in (float, int) or isinstance(value, bool):
        shown = "None (did you forget `return`?)" if value is None else f"a {type(value).__name__}"
        problem = f"`{function}` returned {shown} as {what}; expected a float"
    else:
        return float(value)
    if ctx is None or part is None:
        raise Failure(problem + words, mistakes=named)
    ctx.require(part, False, problem + words, mistakes=named)
    return None


LOSS_TENSORS_ADDED = Mistake(
    "training.loss_tensors_added",
    "the losses are added up as tensors (total += loss); "
    "add loss.item() instead (a loss tensor keeps its whole computation graph alive)",
)


def state_difference(got: dict, expected: dict) -> str:
    """Words for the first entry of a state_dict outside tolerance, or ""."""
    for name, want in expected.items():
        have = got.get(name)
        if not isinstance(have, Array):
            return f"`{name}` is missing"
        have = torch.from_numpy(have.data.copy())
        if have.numel() == want.numel():
            have = have.reshape(want.shape)  # the state's shapes are the trusted model's (0-d may cross as (1,))
        if tuple(have.shape) != tuple(want.shape):
            return f"`{name}` has shape {tuple(have.shape)}, expected {tuple(want.shape)}"
        if not want.is_floating_point():
            if not torch.equal(have.to(want.dtype), want):
                return f"`{name}` is {have.tolist()}, expected {want.tolist()}"
            continue
        index, detail = first_difference(have.to(want.dtype), want, _entry_scale(want))
        if index is not None:
            return f"`{name}` {detail}"
    return ""


def _entry_scale(want: torch.Tensor) -> torch.Tensor:
    return torch.full_like(want, max(1.0, float(want.abs().max()) if want.numel() else 1.0))


def flat_state(state: dict, like: dict) -> torch.Tensor | None:
    """The floating entries of ``state`` (tensors or wire arrays) in ``like``'s order, as one vector."""
    parts = []
    for name, want in like.items():
        if not want.is_floating_point():
            continue
        have = state.get(name)
        if isinstance(have, Array):
            have = torch.from_numpy(have.data.copy())
        if not isinstance(have, torch.Tensor) or have.numel() != want.numel():
            return None
        parts.append(have.reshape(-1).to(want.dtype))
    return torch.cat(parts) if parts else None


def flat_scale(like: dict) -> torch.Tensor:
    return torch.cat([_entry_scale(v).reshape(-1) for v in like.values() if v.is_floating_point()])


def mean_mistakes(losses: list[float], sizes: list[int], dtype) -> list[Misconception]:
    """How a mean of per-batch losses goes wrong, given the losses and the batch sizes."""

    def loss(value):
        return lambda case: scalar(value, dtype)

    return [
        Misconception(
            "training.returns_last_batchs_loss_return",
            "it returns the last batch's loss; return the mean of all per-batch losses",
            loss(losses[-1]),
        ),
        Misconception(
            "training.returns_sum_batch_losses_divide",
            "it returns the sum of the batch losses; divide by the number of batches",
            loss(sum(losses)),
        ),
        Misconception(
            "training.weights_each_batchs_loss_size",
            "it weights each batch's loss by its size (a per-sample mean); the contract asks for the "
            "plain mean of the per-batch losses",
            loss(sum(v * s for v, s in zip(losses, sizes)) / sum(sizes)),
        ),
        Misconception(
            "training.multiplies_each_batchs_loss_batch",
            "it multiplies each batch's loss by the batch size but divides by the number of batches; "
            "return the plain mean of the per-batch losses",
            loss(sum(v * s for v, s in zip(losses, sizes)) / len(losses)),
        ),
        Misconception(
            "training.divides_summed_batch_losses_number",
            "it divides the summed batch losses by the number of samples; divide by the number of batches",
            loss(sum(losses) / sum(sizes)),
        ),
    ]


def check_mean(
    ctx,
    part: str,
    function: str,
    value: float | None,
    losses: list[float],
    sizes: list[int],
    dtype,
    words: str,
    what: str = "the mean of the per-batch losses",
):
    """``ctx.require`` that ``value`` is the mean of ``losses``; a wrong value is weighed against ``mean_mistakes``."""
    if value is None:  # not a number, and that part is waived
        return
    expected = sum(losses) / len(losses)
    holds = close(value, expected, dtype)
    if not holds and part not in ctx.waived:
        ctx.evidence.observe(
            mean_mistakes(losses, sizes, dtype),
            None,
            scalar(value, dtype),
            scalar(expected, dtype),
            scalar(max(1.0, abs(expected)), dtype),
        )
    ctx.require(
        part,
        holds,
        f"`{function}` returned {value:.7g}; expected {expected:.7g}, {what} {[round(v, 5) for v in losses]}{words}",
    )


def observe_right(evidence, misconceptions, case, expected: torch.Tensor, known_as: str):
    """The student's function was right on ``case``: a mistake that predicts anything else there is not theirs.

    ``known_as`` names the list of ``misconceptions`` (its predictions are remembered under it). A wish for
    ``grader.checks.Evidence``, which only hears about failing cases: this uses its ``_rule_out``.
    """
    for mistake, (answer, predicted) in zip(misconceptions, predictions_of(misconceptions, case, known_as)):
        if answer == "not applicable":
            continue
        if answer == "raised":  # the mistake crashes where the student's code did not
            evidence._rule_out(mistake)
            continue
        if isinstance(predicted, torch.Tensor) and (
            predicted.dtype != expected.dtype
            or predicted.shape != expected.shape
            or first_difference(predicted, expected)[0] is not None
        ):
            evidence._rule_out(mistake)


def observe_typed(evidence, misconceptions, case, got: torch.Tensor, expected: torch.Tensor, scale=None):
    """``Evidence.observe``, but a dtype counts: a mistake that gives the right values in another dtype explains a
    result of that dtype, and is not the right answer (``Evidence`` compares values only; this uses its
    ``_fit`` and ``_rule_out``)."""
    for mistake in misconceptions:
        try:
            predicted = mistake.compute(case)
        except Exception:  # noqa: BLE001 -- a mistake that crashes cannot explain a returned value
            evidence._rule_out(mistake)
            continue
        if predicted is None:
            continue
        if not isinstance(predicted, torch.Tensor) or predicted.shape != got.shape or predicted.dtype != got.dtype:
            evidence._rule_out(mistake)
            continue
        if (
            predicted.dtype == expected.dtype
            and predicted.shape == expected.shape
            and first_difference(predicted, expected)[0] is None
        ):
            evidence._rule_out(mistake)  # the right answer explains nothing
            continue
        fits = first_difference(got, predicted, scale if scale is not None and scale.shape == got.shape else None)
        evidence._fit(mistake) if fits[0] is None else evidence._rule_out(mistake)


def raises_naming(id, title, function, cases, argument, *, call, weight=1.0) -> Property:
    """``grader.topics.arguments.argument_errors`` for a function a probe must run: each ``(make_case, why, part)``
    of ``cases``, run by ``call(ctx, case)``, must raise ValueError (each ``part`` earns its share on its own),
    and the messages must name ``argument`` (``MESSAGE_SHARE`` of the points)."""
    parts = tuple(dict.fromkeys(part for _, _, part in cases))

    def verify(ctx, _):
        """Every invalid call raises ValueError; each message names the wrong argument."""
        vague, raised = None, False
        for make_case, why, part in cases:
            outcome = call(ctx, make_case())
            error = outcome.error or {}
            if outcome.status == "raised" and error.get("type") == "ValueError":
                raised = True
                if vague is None and not names_one(error.get("message", ""), (argument,)):
                    vague = (why, error.get("message", ""))
                continue
            if outcome.status != "ok" and (error.get("type") == "NotImplementedError" or outcome.status != "raised"):
                outcome_value(outcome, function)  # a stub, a missing function, a call that did not return
            got = f"raised {error.get('type')}: {error.get('message', '')}" if outcome.status == "raised" else ""
            ctx.require(part, False, f"`{function}` should raise ValueError {why}, but it {got or 'returned normally'}")
        if vague is not None:
            why, message = vague
            ctx.require(
                MESSAGE,
                False,
                f"`{function}` raised ValueError {why}, but its message does not say which argument is wrong: "
                f"{message!r}; name `{argument}` in it",
            )
        ctx.require(MESSAGE, raised, f"`{function}` raised no ValueError at all, so no message names an argument")

    return Property(
        id,
        title,
        function,
        weight=weight,
        strategy=st.just(Case(())),
        verify=verify,
        array_valued=False,
        parts=parts + (MESSAGE,),
        part_weights={MESSAGE: MESSAGE_SHARE / (1 - MESSAGE_SHARE) * len(parts)},
    )
