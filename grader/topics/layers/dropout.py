"""``dropout``: judged by its properties (mask values, identity and extremes, rate, seeds, arguments).

What dropout is for weighs most: the identity at test time (``training=False``, the core of its check), and
while training a fraction p dropped (``dropout_rate``) with the survivors scaled by 1 / (1 - p)
(``dropout_mask_values``). Edge cases (p = 0, p = 1, NaN), the seeds, the order of the options and the input
left unchanged are parts of their own, each costing its share only. Only the identity check calls dropout
with its options by position; the others name them, so that an order of parameters other than the
contract's costs once.
"""

from __future__ import annotations

import math

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Generator,
    Misconception,
    Mistake,
    NotApplicable,
    allowed_error,
    as_tensor,
    compare,
    crashed,
    inputs_unchanged,
    mistake_lines,
    number,
    outcome_value,
    returned_tensor,
)
from grader.checks.strategies import DTYPES, tensors
from grader.topics.arguments import Bad
from grader.topics.layers.common import _finite_or_not, _shapes

KEEPS_WITH_P = Mistake(
    "layers.dropout_keeps_with_p",
    "elements are kept with probability p; p is the probability "
    "of dropping (keep when rand >= p, or when rand < 1 - p)",
)
DROPS_NOTHING = Mistake("layers.dropout_drops_nothing", "nothing is dropped while training")
GLOBAL_GENERATOR = Mistake(
    "layers.dropout_global_generator",
    "it uses PyTorch's global random generator; draw the "
    "random numbers from `generator` (torch.rand(x.shape, generator=generator)) so that a "
    "seed makes the mask reproducible",
)
OPTIONS_BY_POSITION = Mistake(
    "layers.calling_options_position_fails_signature",
    "calling it with its options by position fails: the signature is dropout(x, p, "
    "training=True, generator=None), these names in this order, as the slides call it "
    "(dropout(x, 0.5, False))",
)


DROPOUT_ARGS = ("x", "p", "training", "generator")
DROPOUT_DEFAULTS = {"training": True, "generator": None}


def _dropout_case(x, p, training, generator, draw, positional: bool = False):
    """The arguments in one of the ways a caller may write them: p by name or by position, the options by name
    (``positional``: sometimes all by position, in the contract's order), defaults given or left out."""
    kwargs = {}
    if training is not True or draw(st.booleans()):
        kwargs["training"] = training
    if generator is not None:
        kwargs["generator"] = generator
    case = Case((x,), {"p": p, **kwargs}) if draw(st.booleans()) else Case((x, p), kwargs)
    if not positional:
        return case
    # by position first, as the slides call it (dropout(x, 0.5, False)): hypothesis draws the first choice often
    return draw(st.sampled_from([case.as_positional(DROPOUT_ARGS, DROPOUT_DEFAULTS), case]))


def _by_name(case: Case) -> Case:
    """``case`` with its options by name (x and p by position)."""
    names = dict(zip(DROPOUT_ARGS, case.args), **case.kwargs)
    return Case((names.pop("x"), names.pop("p")), names)


def _arg(case, name):
    """The value of dropout's argument ``name`` in ``case``, by position or by name (or its default)."""
    index = DROPOUT_ARGS.index(name)
    if len(case.args) > index:
        return case.args[index]
    return case.kwargs[name] if name in case.kwargs else DROPOUT_DEFAULTS[name]


def _p(case):
    return _arg(case, "p")


def _generators():
    return st.one_of(st.none(), st.integers(0, 2**31 - 1).map(Generator))


@st.composite
def dropout_mask_cases(draw):
    dtype = draw(DTYPES)
    x = draw(tensors(draw(_shapes(1, 4, 1, 5)), dtype))
    p = draw(st.one_of(st.sampled_from([0.1, 0.25, 0.5, 0.8]), st.floats(0.01, 0.95)))
    return _dropout_case(x, p, True, draw(_generators()), draw)


def _close(got, target, scale, dtype):
    g, t = got.to(torch.float64), target.to(torch.float64)
    return (g == t) | ((g - t).abs() <= allowed_error(t, scale, dtype))


MASK_PARTS = ("zero or x / (1 - p)", "input unchanged")


def _mask_mistakes(x, p, got):
    """What a dropout with the student's own mask returns when it scales the survivors wrongly."""
    dropped = got == 0
    return [
        Misconception(
            "layers.survivors_scaled_inverted_dropout_multiply",
            "the survivors are not scaled. This is inverted dropout: multiply the kept values by "
            "1 / (1 - p) during training so that nothing changes at test time",
            lambda c: torch.where(dropped, torch.zeros_like(x), x),
        ),
        Misconception(
            "layers.survivors_multiplied_1_p_inverted",
            "the survivors are multiplied by (1 - p); inverted dropout divides them by (1 - p)",
            lambda c: torch.where(dropped, torch.zeros_like(x), x * (1 - p)),
        ),
    ]


def _in_place(outcome, got) -> Mistake:
    """The in-place mistake, in the words of what the student returned: x itself, or another tensor."""
    after = (outcome.inputs_after or [None])[0]
    returned = after is not None and torch.equal(torch.from_numpy(after.data.copy()), got)
    return Mistake(
        "layers.dropout_mask_in_place",
        "the mask is applied to x in place (x *= mask, x[mask] = 0 or x.mul_)"
        + (" and x is returned" if returned else "")
        + "; the caller's tensor must stay as it was: compute a new tensor (x * mask)",
    )


def verify_dropout_mask(ctx, case):
    """Every element of dropout(x, p) is 0 or x / (1 - p), and x is left unchanged."""
    x, p = case.args[0], _p(case)
    outcome, got = returned_tensor(ctx, "dropout", case, arg_names=DROPOUT_ARGS)
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    if got.dtype != x.dtype or got.shape != x.shape:
        raise Failure(
            f"the result of `dropout` is a {str(got.dtype).replace('torch.', '')} tensor of shape "
            f"{tuple(got.shape)}; expected {str(x.dtype).replace('torch.', '')} of shape "
            f"{tuple(x.shape)} (same as x){where}",
            part=MASK_PARTS[0],
        )
    scale = x.to(torch.float64).abs() / (1 - p)
    kept = x / (1 - p)
    ok = _close(got, torch.zeros_like(x), scale, x.dtype) | _close(got, kept, scale, x.dtype)
    if not bool(ok.all()) and MASK_PARTS[0] not in ctx.waived:
        index = tuple(int(i) for i in (~ok).nonzero()[0])
        at = f"at index {list(index)}" if index else "the value"
        # the right answer for the elements the student dropped
        ctx.evidence.observe(
            _mask_mistakes(x, p, got), case, got, torch.where(got == 0, torch.zeros_like(x), kept), scale
        )
        ctx.require(
            MASK_PARTS[0],
            False,
            f"every element of the result of `dropout` must be 0 (dropped) or x / (1 - p) (kept); "
            f"{at} x = {number(x[index])}, so expected 0 or {number(kept[index])}, "
            f"got {number(got[index])}{where}",
        )
    try:
        inputs_unchanged(outcome, case, "dropout")
    except Failure as failure:
        named = _in_place(outcome, got)
        ctx.require(MASK_PARTS[1], False, f"{failure}{where}\n    {named}", mistakes=(named,))


@st.composite
def dropout_identity_cases(draw):
    dtype = draw(DTYPES)
    mode = draw(st.sampled_from(["eval", "p0", "p1"]))
    # the identity passes NaN and ±inf through (as F.dropout does); p = 1 gives zeros, drawn from finite x only
    # (F.dropout's x * 0 would give NaN there)
    x = draw(_finite_or_not(draw(_shapes(1, 4, 1, 5)), dtype, -10.0, 10.0, {"NaN and ±inf"} if mode != "p1" else set()))
    if mode == "eval":
        p = draw(st.one_of(st.sampled_from([0.5, 0.0, 1.0]), st.floats(0.0, 1.0)))  # 0.5 first: the slides' call
        return _dropout_case(x, p, False, draw(_generators()), draw, positional=True)
    return _dropout_case(x, 0.0 if mode == "p0" else 1.0, True, draw(_generators()), draw, positional=True)


IDENTITY_PARTS = ("training=False", "p = 0", "p = 1", "NaN and ±inf", "options by position")
IDENTITY_WEIGHTS = {"training=False": 2.0, "NaN and ±inf": 0.5, "options by position": 0.5}


def _identity_mistakes(x, p, got):
    """Mistakes of the identity and p = 1 scenarios; the dropping ones predicted with the student's own mask."""

    def ignores_training(case):
        if _arg(case, "training") or p == 0:
            raise NotApplicable("training mode, or nothing to drop")
        if got is None:
            return x  # a value (no crash) that the mistake's mask would decide
        return torch.zeros_like(x) if p == 1 else torch.where(got == 0, torch.zeros_like(x), x / (1 - p))

    def divides_by_zero(case, crash: bool):
        if p != 1 or not _arg(case, "training"):
            raise NotApplicable("no division by 1 - p = 0 here")
        if crash:
            raise ZeroDivisionError("float division by zero")
        return torch.full_like(x, float("nan"))

    def nan_replaced(case):
        if (_arg(case, "training") and p != 0) or bool(torch.isfinite(x).all()):
            raise NotApplicable("something is dropped, or x is finite")
        return torch.nan_to_num(x)

    return [
        Misconception(
            "layers.drops_scales_even_when_training",
            "it drops and scales even when training=False: at test time dropout returns x unchanged "
            "(test `training` before drawing the mask)",
            ignores_training,
        ),
        Misconception(
            "layers.p_1_divides_1_p",
            "with p = 1 it divides by 1 - p = 0 (0 / 0 = nan): handle p == 1 on its own and return zeros",
            lambda c: divides_by_zero(c, crash=False),
        ),
        Misconception(
            "layers.p_1_divides_1_p_2",
            "with p = 1 it divides by 1 - p = 0 (ZeroDivisionError): handle p == 1 on its own and return zeros",
            lambda c: divides_by_zero(c, crash=True),
        ),
        Misconception(
            "layers.nan_inf_replaced_torch_nan",
            "NaN and inf are replaced (torch.nan_to_num): when nothing is dropped dropout returns x "
            "exactly as it is, NaN and inf included",
            nan_replaced,
        ),
    ]


def _identity_expected(case):
    """x when training=False or p = 0, zeros when p = 1."""
    x = case.args[0]
    return x if (not _arg(case, "training") or _p(case) == 0) else torch.zeros_like(x)


def _identity_failure(ctx, case) -> tuple[Failure, torch.Tensor | None] | None:
    """Call dropout on ``case``: None if it returned the identity (or zeros for p = 1), else the failure and what
    it returned. What the answer says about the known mistakes goes to ``ctx.evidence``."""
    x, p = case.args[0], _p(case)
    outcome = ctx.call("dropout", case)
    expected, got = _identity_expected(case), None
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(_identity_mistakes(x, p, None), case)
        got = as_tensor(outcome_value(outcome, "dropout"), "dropout")
        try:
            compare(got, expected, function="dropout")
        except Failure:
            if got.shape == x.shape:
                ctx.evidence.observe(_identity_mistakes(x, p, got), case, got, expected)
            raise
    except Failure as failure:
        if failure.fatal:
            raise
        return Failure(f"{failure}\n    Input: {case.describe(DROPOUT_ARGS)}"), got
    return None


def _only_non_finite_differ(case, got) -> bool:
    """``got`` is the right answer wherever x is finite, and x holds NaN or ±inf."""
    x, expected = case.args[0], _identity_expected(case)
    finite = torch.isfinite(x)
    if got is None or got.shape != x.shape or bool(finite.all()):
        return False
    return bool((got[finite] == expected[finite]).all())


def verify_dropout_identity(ctx, case):
    """dropout returns x (NaN and inf included) when training=False or p = 0, and zeros when p = 1; called by
    position as the slides do, or by name."""
    training, p = _arg(case, "training"), _p(case)
    mode = "training=False" if not training else "p = 0" if p == 0 else "p = 1"
    by_position = len(case.args) > 2
    found = _identity_failure(ctx, case)
    if found is not None and by_position:
        if _identity_failure(ctx, _by_name(case)) is None:  # right once the options are named
            ctx.require(
                "options by position",
                False,
                f"{found[0]}\n    With its options by name the answer is right.\n    {OPTIONS_BY_POSITION}",
                mistakes=(OPTIONS_BY_POSITION,),
            )
            return
    if found is not None:
        failure, got = found
        part = "NaN and ±inf" if _only_non_finite_differ(case, got) else mode
        ctx.require(part, False, str(failure))


@st.composite
def dropout_rate_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(st.sampled_from([(20000,), (200, 100), (20, 10, 100)]))
    p = draw(st.one_of(st.sampled_from([0.1, 0.2, 0.3, 0.75, 0.9]), st.floats(0.05, 0.95)))
    return Case((torch.ones(shape, dtype=dtype), p), {"generator": Generator(draw(st.integers(0, 2**31 - 1)))})


def _rate_bound(p, n):
    """A correct implementation stays this close to p (more than 6 standard deviations)."""
    return 6 * math.sqrt(p * (1 - p) / n) + 1e-3


def verify_dropout_rate(ctx, case):
    """dropout(ones, p) zeroes a fraction p of the elements (within 6 standard deviations)."""
    x, p = case.args
    outcome, got = returned_tensor(ctx, "dropout", case, arg_names=DROPOUT_ARGS)
    if got.shape != x.shape:
        raise Failure(
            f"the result of `dropout` has shape {tuple(got.shape)}; expected {tuple(x.shape)}"
            f"\n    Input: {case.describe(DROPOUT_ARGS)}"
        )
    n = x.numel()
    dropped = float((got == 0).to(torch.float64).mean())
    if abs(dropped - p) > _rate_bound(p, n):
        text = (
            f"`dropout` zeroed {dropped:.2%} of {n} ones with p = {p:.4g}; about {p:.2%} should be zeroed "
            f"(each element independently with probability p)"
        )
        named = (
            (KEEPS_WITH_P,) if abs(dropped - (1 - p)) <= _rate_bound(p, n) else (DROPS_NOTHING,) if dropped == 0 else ()
        )
        text += mistake_lines(named)
        raise Failure(f"{text}\n    Input: {case.describe(DROPOUT_ARGS)}", mistakes=named)


@st.composite
def dropout_seed_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(st.sampled_from([(100,), (10, 10), (4, 5, 6)]))
    x = draw(tensors(shape, dtype, 0.5, 10.0))
    p = draw(st.sampled_from([0.3, 0.5, 0.7]))
    seeds = draw(st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=2, unique=True))
    return _dropout_case(x, p, True, Generator(seeds[0]), draw), Generator(seeds[1])


def _with_generator(case, generator):
    """``case`` with its generator replaced (or left out, for None)."""
    kwargs = {k: v for k, v in case.kwargs.items() if k != "generator"}
    return Case(case.args, kwargs if generator is None else {**kwargs, "generator": generator})


SEED_PARTS = ("same seed, same mask", "other seed, other mask", "no generator: random")
SEED_WEIGHTS = {SEED_PARTS[0]: 2.0}
DROPS_NOTHING_ANY_SEED = Mistake(
    "layers.dropout_drops_nothing_any_seed",
    "nothing is dropped while training, so every seed (and every call) gives the same result: apply the mask",
)
OWN_SEED = Mistake(
    "layers.dropout_own_seed",
    "it seeds a generator of its own (torch.manual_seed or torch.Generator().manual_seed inside dropout); the "
    "random numbers must come from `generator`, not from a fixed seed of your own",
)
FIXED_WITHOUT_GENERATOR = Mistake(
    "layers.dropout_fixed_seed_without_generator",
    "without a generator every call gives the same mask: it seeds a generator of its own (torch.manual_seed, "
    "torch.Generator().manual_seed); with generator=None draw from PyTorch's global generator "
    "(torch.rand(x.shape, generator=None)), so that each call drops other elements",
)


def _same(a, b) -> bool:
    return a.shape == b.shape and torch.equal(a, b)


def verify_dropout_seed(ctx, drawn):
    """dropout gives the same result twice for one seed, another result for another seed, and another result
    at each call without a generator."""
    case, other = drawn
    call = lambda c: returned_tensor(ctx, "dropout", c, arg_names=DROPOUT_ARGS)[1]  # noqa: E731
    first, again = call(case), call(case)
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    ctx.require(
        SEED_PARTS[0],
        _same(first, again),
        "two calls of `dropout` with the same seeded generator gave different results"
        + where
        + f"\n    {GLOBAL_GENERATOR}",
        mistakes=(GLOBAL_GENERATOR,),
    )
    drops = not bool((first != 0).all())  # x holds no zeros: a zero in the result was dropped
    if _same(call(_with_generator(case, other)), first):
        cause = OWN_SEED if drops else DROPS_NOTHING_ANY_SEED
        ctx.require(
            SEED_PARTS[1],
            False,
            f"`dropout` gave the same mask for the generators seeded {_arg(case, 'generator').seed} "
            f"and {other.seed}" + where + f"\n    {cause}",
            mistakes=(cause,),
        )
    unseeded = _with_generator(case, None)
    if _same(call(unseeded), call(unseeded)):
        cause = FIXED_WITHOUT_GENERATOR if drops else DROPS_NOTHING_ANY_SEED
        ctx.require(
            SEED_PARTS[2],
            False,
            "two calls of `dropout` without a generator gave the same result; they must differ (dropout is random)"
            f"\n    Input: {unseeded.describe(DROPOUT_ARGS)}\n    {cause}",
            mistakes=(cause,),
        )


P_RANGE, P_RANGE_EVAL = "p outside [0, 1]", "p outside [0, 1] with training=False"
BAD_DROPOUT = [
    Bad(lambda: Case((torch.ones(3), -0.1)), "for p = -0.1", P_RANGE, ("p",)),
    Bad(lambda: Case((torch.ones(3), 1.5)), "for p = 1.5", P_RANGE, ("p",)),
    Bad(lambda: Case((torch.ones(2, 2),), {"p": 2.0}), "for p = 2.0", P_RANGE, ("p",)),
    Bad(
        lambda: Case((torch.ones(3), -0.1), {"training": False}),
        "for p = -0.1, also when training=False",
        P_RANGE_EVAL,
        ("p",),
    ),
    Bad(
        lambda: Case((torch.ones(2, 3), 1.5), {"training": False}),
        "for p = 1.5, also when training=False",
        P_RANGE_EVAL,
        ("p",),
    ),
]

CHECKED_ONLY_TRAINING = Mistake(
    "layers.p_checked_only_training_mode",
    "p is checked only in training mode: for training=False it returns x before looking at p; "
    "check p first, whatever `training` is",
)
P_UNCHECKED = Mistake(
    "layers.dropout_p_unchecked",
    "p is not checked: a p outside [0, 1] is no probability; raise ValueError unless 0 <= p <= 1",
)


def _p_unchecked(part: str, failed) -> tuple[Mistake, ...]:
    """Where p is left unchecked, from the requirements whose calls returned normally."""
    accepted = {b.part for b, outcome in failed if outcome.status == "ok"}
    if accepted == {P_RANGE_EVAL}:
        return (CHECKED_ONLY_TRAINING,)
    return (P_UNCHECKED,) if P_RANGE in accepted else ()
