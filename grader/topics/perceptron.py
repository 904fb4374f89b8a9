"""Hidden tests for ``perceptron``: a stable sigmoid (torch.sigmoid) and the perceptron's output."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
    Property,
    as_tensor,
    check_array_call,
    compare,
    crashed,
    float32_result,
    mistake_lines,
    outcome_value,
)
from grader.checks.forbidden import Rule
from grader.checks.strategies import DTYPES, tensors, values
from grader.topics.arguments import Bad, argument_errors

POINTS = 5

SIGMOID_RULE = Rule(
    "a built-in sigmoid (torch.sigmoid, Tensor.sigmoid, torch.special.expit, F.sigmoid or nn.Sigmoid)",
    runtime=r"^(fn:(sigmoid|sigmoid_|special_expit|expit)|aten:(sigmoid|sigmoid_|special_expit))$",
    static=r"\.(sigmoid|sigmoid_|expit|Sigmoid)$",
)
BY_LOOPS = {"sigmoid": [SIGMOID_RULE]}

PERCEPTRON_ARGS = ("x", "w", "b")

# Values where naive formulas break down: exp overflows past 88.7 (float32) and 709.8 (float64).
EXTREMES = [1e4, -1e4, 1e3, -1e3, 800.0, -800.0, 100.0, -100.0, 89.0, -89.0, 30.0, -30.0, 0.0]


# ------------------------------------------------------------------ strategies

UNCHANGED = "input unchanged"  # a feature: only its search demands the inputs unchanged after the call
SIGMOID_FEATURES = ("float64", "any shape", UNCHANGED)
PERCEPTRON_FEATURES = ("batch", "float64", "tensor bias", "large |x @ w + b|", UNCHANGED)


@st.composite
def shapes(draw):
    return tuple(draw(st.lists(st.integers(1, 5), min_size=0, max_size=3)))


@st.composite
def sigmoid_cases(draw, enabled: frozenset):
    """A tensor ``z`` with values in [-30, 30], drawing only the ``enabled`` features; the core is a
    float32 vector. With it, whether the input must come back unchanged (the "input unchanged" feature)."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    shape = draw(shapes()) if "any shape" in enabled else (draw(st.integers(1, 5)),)
    return Case((draw(tensors(shape, dtype, -30.0, 30.0)),)), UNCHANGED in enabled


@st.composite
def extreme_sigmoid_cases(draw):
    """A tensor ``z`` of any shape (0-d included) and dtype with |z| up to 1e4."""
    dtype = draw(DTYPES)
    shape = draw(shapes())
    # integers and the listed extremes first: a failure shrinks to whole numbers such as -100 or 1e4 where it can
    z = draw(
        st.one_of(
            tensors(shape, dtype, -120.0, 120.0, specials=EXTREMES, patterns=("integers", "specials")),
            tensors(
                shape, dtype, -1e4, 1e4, specials=EXTREMES, patterns=("specials", "integers", "uniform", "negative")
            ),
        )
    )
    return Case((z,))


@st.composite
def perceptron_cases(draw, enabled: frozenset):
    """perceptron arguments drawing only the ``enabled`` features, and whether the inputs must come back
    unchanged; the core is one float32 sample ``x (n,)``, ``w (n,)`` and a Python float bias."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    n = draw(st.integers(1, 6))
    batch = draw(st.one_of(st.none(), st.integers(1, 5))) if "batch" in enabled else None  # None: x of shape (n,)
    # |x @ w + b| <= 6 * 1 * 1 + 3 = 9 but for "large |x @ w + b|": small enough that sigmoid, tanh and a
    # step function give different values (tanh(z) and the step agree to 1e-4 beyond |z| = 5)
    x = draw(tensors((n,) if batch is None else (batch, n), dtype, -1.0, 1.0))
    w = draw(tensors((n,), dtype, -1.0, 1.0))
    # |b| >= 1.5 (shrinking to 2): where x @ w is 0, z = b still tells the mistakes apart
    # (z = 0 or 1 would make "no activation", "step function" and "no bias" look alike)
    b = draw(st.one_of(values(dtype, 1.5, 3.0), values(dtype, -3.0, -1.5)))
    if "large |x @ w + b|" in enabled and draw(st.booleans()):  # exp(|z|) overflows beyond 88.7 (float32)
        b = draw(st.sampled_from([800.0, -800.0, 1e4, -1e4, 100.0, -100.0, 1e3, -1e3]))
    if "tensor bias" in enabled and draw(st.booleans()):
        b = torch.tensor(b, dtype=dtype)
    return Case((x, w, b)), UNCHANGED in enabled


# ------------------------------------------------------------------ references


def _sigmoid_scale(z):
    """Sigmoid's outputs lie in (0, 1): the magnitude behind each is 1 (atol 1e-5 / 1e-9)."""
    return torch.ones_like(z)


def _logit(case):
    x, w, b = case.args
    return x @ w + b


def _perceptron_scale(case):
    """Rounding in ``x @ w + b`` (terms of size |x| @ |w| + |b|), damped by sigmoid's slope, plus 1."""
    x, w, b = case.args
    z = _logit(case).double()
    slope = torch.sigmoid(z) * torch.sigmoid(-z)
    b_abs = b.abs().double() if isinstance(b, torch.Tensor) else abs(b)
    return 1.0 + (x.abs().double() @ w.abs().double() + b_abs) * slope


def _dot_only(case):
    """torch.dot(x, w): right for one sample, a RuntimeError for a batch."""
    x, w, b = case.args
    return torch.sigmoid(torch.dot(x, w) + b)


def _summed_batch(case):
    """(x * w).sum(): one 0-d output for a whole batch (N, n); right for one sample (n,)."""
    x, w, b = case.args
    return torch.sigmoid((x * w).sum() + b)


# A result computed in float32 for float64 inputs is reported by its dtype (values this close to the
# float64 answer cannot name a mistake).
SIGMOID_MISTAKES = [
    Misconception(
        "perceptron.exp_z_overflows_inf_large",
        "exp(z) overflows to inf for large z and inf / inf is nan: exp(z) / (1 + exp(z)) is only "
        "safe for z < 0; for z >= 0 use 1 / (1 + exp(-z)) (pick per element with torch.where)",
        lambda c: torch.exp(c.args[0]) / (1 + torch.exp(c.args[0])),
    ),
    Misconception(
        "perceptron.sign_wrong_sigmoid_z_1",
        "the sign is wrong: sigmoid(z) = 1 / (1 + exp(-z)), which is close to 1 for large positive z",
        lambda c: 1 / (1 + torch.exp(c.args[0])),
    ),
    Misconception(
        "perceptron.tanh_logistic_sigmoid_1_1",
        "that is tanh, not the logistic sigmoid 1 / (1 + exp(-z)) (whose values lie in (0, 1))",
        lambda c: torch.tanh(c.args[0]),
    ),
]

PERCEPTRON_MISTAKES = [
    Misconception(
        "perceptron.bias_missing_perceptron_computes_sigmoid",
        "the bias is missing: the perceptron computes sigmoid(x @ w + b)",
        lambda c: torch.sigmoid(c.args[0] @ c.args[1]),
    ),
    Misconception(
        "perceptron.bias_subtracted_perceptron_computes_sigmoid",
        "the bias is subtracted: the perceptron computes sigmoid(x @ w + b)",
        lambda c: torch.sigmoid(c.args[0] @ c.args[1] - c.args[2]),
    ),
    Misconception(
        "perceptron.activation_missing_apply_sigmoid_x",
        "the activation is missing: apply the sigmoid to x @ w + b",
        _logit,
    ),
    Misconception(
        "perceptron.uses_step_function_classic_perceptron",
        "it uses a step function (the classic perceptron); this one uses the sigmoid of x @ w + b",
        lambda c: (_logit(c) > 0).to(c.args[0].dtype),
    ),
    Misconception(
        "perceptron.uses_tanh_perceptrons_activation_here",
        "it uses tanh; the perceptron's activation here is the logistic sigmoid 1 / (1 + exp(-z))",
        lambda c: torch.tanh(_logit(c)),
    ),
    Misconception(
        "perceptron.sigmoids_sign_wrong_sigmoid_z",
        "the sigmoid's sign is wrong: sigmoid(z) = 1 / (1 + exp(-z)) with z = x @ w + b",
        lambda c: torch.sigmoid(-_logit(c)),
    ),
    Misconception(
        "perceptron.inline_exp_z_overflows",
        "it computes exp(z) / (1 + exp(z)) with z = x @ w + b: exp(z) overflows to inf for large z and "
        "inf / inf is nan; call your sigmoid (or use 1 / (1 + exp(-z)) where z >= 0)",
        lambda c: torch.exp(_logit(c)) / (1 + torch.exp(_logit(c))),
    ),
    Misconception(
        "perceptron.torch_dot_takes_two_1",
        "torch.dot takes two 1-D tensors: for a batch x of shape (N, n) use x @ w (torch.matmul), "
        "which gives one output per sample",
        _dot_only,
    ),
    Misconception(
        "perceptron.sums_every_element_x_w",
        "it sums every element of x * w, the whole batch at once: sum each sample's row "
        "((x * w).sum(dim=-1), or x @ w) to get one output per sample",
        _summed_batch,
    ),
]


MATH_EXP_OVERFLOW = Mistake(
    "perceptron.math_exp_overflow",
    "math.exp works on Python floats and raises OverflowError past exp(709): compute on the tensor with "
    "torch.exp (inf, not an error, where it overflows), and never exponentiate a large positive number",
)
EXP_OVERFLOW_WARNING = Mistake(
    "perceptron.exp_overflow_warning",
    "exp overflows: NumPy warns when exp(-z) passes its largest float (z below about -88 in float32, -709 in "
    "float64). Never exponentiate a positive number: with e = exp(-|z|), take 1 / (1 + e) where z >= 0 and "
    "e / (1 + e) elsewhere (torch.where), or stay in torch (torch.exp returns inf without a warning)",
)


def verify_sigmoid(ctx, drawn):
    """sigmoid(z) equals torch.sigmoid(z)."""
    case, unchanged = drawn
    z = case.args[0]
    check_array_call(
        ctx,
        "sigmoid",
        case,
        torch.sigmoid(z),
        scale=_sigmoid_scale(z),
        misconceptions=SIGMOID_MISTAKES,
        dtype_mistakes=[float32_result(lambda c: torch.sigmoid(c.args[0]), "z")],
        arg_names=("z",),
        check_inputs=unchanged,
    )


EXTREME_PARTS = ("finite and exact", "warning-free")


def verify_sigmoid_extreme(ctx, case):
    """sigmoid(z) equals torch.sigmoid(z) for |z| up to 1e4, without issuing a RuntimeWarning. The values are
    judged in the dtype the student returned: the dtype is sigmoid_matches_reference's requirement."""
    if EXTREME_PARTS[0] in ctx.waived:  # the core part failed: the check earns nothing, warnings or not
        return
    z = case.args[0]
    outcome = ctx.call("sigmoid", case)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(SIGMOID_MISTAKES, case)
        got = as_tensor(outcome_value(outcome, "sigmoid"), "sigmoid")
        expected = torch.sigmoid(z)
        expected = expected.to(got.dtype) if got.is_floating_point() else expected
        try:
            compare(got, expected, scale=_sigmoid_scale(z), function="sigmoid")
        except Failure:
            if got.shape == z.shape:
                ctx.evidence.observe(SIGMOID_MISTAKES, case, got, expected.to(z.dtype), _sigmoid_scale(z))
            raise
    except Failure as failure:
        if failure.fatal:
            raise
        named = (MATH_EXP_OVERFLOW,) if (outcome.error or {}).get("type") == "OverflowError" else ()
        raise Failure(
            f"{failure}\n    Input: {case.describe(('z',))}" + mistake_lines(named),
            part=EXTREME_PARTS[0],
            mistakes=named,
        ) from None
    warned = outcome.warned("RuntimeWarning")
    if warned:
        first = warned[0]
        where = (
            f"\n    at {first['where']}" + (f": {first['line']}" if first.get("line") else "")
            if first.get("where")
            else ""
        )
        named = (EXP_OVERFLOW_WARNING,) if "overflow" in first["message"] else ()
        ctx.require(
            EXTREME_PARTS[1],
            False,
            f"`sigmoid` issued RuntimeWarning: {first['message']}{where}\n"
            "    The values are right, but sigmoid must be warning-free for |z| up to 1e4."
            f"\n    Input: {case.describe(('z',))}" + mistake_lines(named),
            mistakes=named,
        )


def verify_perceptron(ctx, drawn):
    """perceptron(x, w, b) equals torch.sigmoid(x @ w + b), with the grader's sigmoid if the student's is wrong."""
    case, unchanged = drawn
    check_array_call(
        ctx,
        "perceptron",
        case,
        torch.sigmoid(_logit(case)),
        scale=_perceptron_scale(case),
        misconceptions=PERCEPTRON_MISTAKES,
        dtype_mistakes=[float32_result(lambda c: torch.sigmoid(_logit(c)), "x")],
        arg_names=PERCEPTRON_ARGS,
        check_inputs=unchanged,
        callees=("sigmoid",),
    )


SHAPES_UNCHECKED = Mistake(
    "perceptron.shapes_checked_x_w_raises",
    "the shapes are not checked: x @ w raises PyTorch's RuntimeError when the numbers of features differ, and "
    "a w of shape (n, 1) slips through; raise ValueError unless w is 1-D and x.shape[-1] == w.shape[0]",
)
COUNTS_UNCHECKED = Mistake(
    "perceptron.numbers_of_features_not_compared",
    "the numbers of features are not compared: x @ w raises PyTorch's RuntimeError when they differ; "
    "compare x.shape[-1] with w.shape[0] first and raise ValueError",
)
ONLY_COUNTS = Mistake(
    "perceptron.only_numbers_features_compared_w",
    "only the numbers of features are compared: a w of shape (n, 1) passes, and x @ w gives a "
    "result of shape (1,) or (N, 1) instead of () or (N,); w must be 1-D (w.dim() != 1: ValueError)",
)


def _shape_mistakes(part: str, failed) -> tuple[Mistake, ...]:
    """What the failing calls of the other requirement tell: both failing means nothing is checked."""
    both = {b.part for b, _ in failed} == {MISMATCH, NOT_FLAT}
    if both:
        return (SHAPES_UNCHECKED,)
    return (COUNTS_UNCHECKED,) if part == MISMATCH else (ONLY_COUNTS,)


MISMATCH, NOT_FLAT = "numbers of features differ", "w not 1-D"
X_OR_W = ("x", "w")  # a mismatch is told by naming either side
BAD_PERCEPTRON = [
    Bad(
        lambda: Case((torch.ones(3), torch.ones(4), 0.0)), "when x has 3 features and w has 4 weights", MISMATCH, X_OR_W
    ),
    Bad(
        lambda: Case((torch.ones(2, 3), torch.ones(2), 0.5)),
        "when x has shape (2, 3) (3 features) and w has 2 weights (the features are x's last dimension)",
        MISMATCH,
        X_OR_W,
    ),
    Bad(
        lambda: Case((torch.ones(4, 5), torch.ones(4), torch.tensor(0.0))),
        "when x has shape (4, 5) (5 features) and w has 4 weights",
        MISMATCH,
        X_OR_W,
    ),
    Bad(
        lambda: Case((torch.tensor([0.5, -1.0, 2.0]), torch.ones(3, 1), 0.0)),
        "when w has shape (3, 1) (w has shape (n,): one weight per feature)",
        NOT_FLAT,
        ("w",),
    ),
    Bad(
        lambda: Case((torch.ones(2, 3), torch.full((3, 1), 0.5), 1.0)),
        "when x has shape (2, 3) and w has shape (3, 1)",
        NOT_FLAT,
        ("w",),
    ),
]
CHECKS = [
    Property(
        "sigmoid_matches_reference",
        "sigmoid matches torch.sigmoid (float32 and float64, any shape)",
        "sigmoid",
        1.25,
        strategy=sigmoid_cases,
        verify=verify_sigmoid,
        features=SIGMOID_FEATURES,
    ),
    Property(
        "sigmoid_extreme_values",
        "sigmoid stays finite, exact and warning-free for |z| up to 1e4 (no overflow to nan or inf)",
        "sigmoid",
        1.0,
        strategy=extreme_sigmoid_cases(),
        verify=verify_sigmoid_extreme,
        parts=EXTREME_PARTS,
        core_part=EXTREME_PARTS[0],
        part_weights={EXTREME_PARTS[0]: 3.0},
    ),
    Property(
        "perceptron_matches_reference",
        "perceptron computes sigmoid(x @ w + b) for one sample and for batches, finite for large |x @ w + b|",
        "perceptron",
        2.0,
        strategy=perceptron_cases,
        verify=verify_perceptron,
        features=PERCEPTRON_FEATURES,
    ),
    argument_errors(
        "perceptron_errors",
        "perceptron raises ValueError naming x or w when they have different numbers of features or w is not 1-D",
        "perceptron",
        BAD_PERCEPTRON,
        PERCEPTRON_ARGS,
        0.75,
        diagnose=_shape_mistakes,
    ),
]
