"""Hidden tests for ``perceptron``: a stable sigmoid (torch.sigmoid) and the perceptron's output."""
from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import Case, Misconception, Property, check_array_call, raises_value_error
from grader.forbidden import Rule
from grader.strategies import DTYPES, tensors, values

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

@st.composite
def shapes(draw):
    return tuple(draw(st.lists(st.integers(1, 5), min_size=0, max_size=3)))


@st.composite
def sigmoid_cases(draw, extreme: bool = False):
    """A tensor ``z`` of any shape (0-d included); ``extreme``: |z| up to 1e4."""
    dtype = draw(DTYPES)
    shape = draw(shapes())
    if not extreme:
        return Case((draw(tensors(shape, dtype, -30.0, 30.0)),))
    z = draw(st.one_of(tensors(shape, dtype, -120.0, 120.0, specials=EXTREMES, patterns=("specials",)),
                       tensors(shape, dtype, -1e4, 1e4, patterns=("uniform", "integers", "negative"))))
    return Case((z,))


@st.composite
def perceptron_cases(draw):
    dtype = draw(DTYPES)
    n = draw(st.integers(1, 6))
    batch = draw(st.one_of(st.none(), st.integers(1, 5)))  # None: a single sample (n,)
    # |x @ w + b| <= 6 * 3 * 3 + 10 = 64: below exp's overflow (88.7 in float32), so an overflowing
    # sigmoid loses the sigmoid_extreme_values points only, not these too
    x = draw(tensors((n,) if batch is None else (batch, n), dtype, -3.0, 3.0))
    w = draw(tensors((n,), dtype, -3.0, 3.0))
    # |b| >= 1.5 (shrinking to 2): where x @ w is 0, z = b still tells the mistakes apart
    # (z = 0 or 1 would make "no activation", "step function" and "no bias" look alike)
    b = draw(st.one_of(values(dtype, 1.5, 10.0), values(dtype, -10.0, -1.5)))
    if draw(st.booleans()):
        b = torch.tensor(b, dtype=dtype)
    return Case((x, w, b))


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


SIGMOID_MISTAKES = [
    Misconception("it computes in float32: keep the input's dtype (float64 inputs need float64 arithmetic; "
                  "build new tensors with dtype=z.dtype)",
                  lambda c: torch.sigmoid(c.args[0].float()).to(c.args[0].dtype)),
    Misconception("exp(z) overflows to inf for large z and inf / inf is nan: exp(z) / (1 + exp(z)) is only "
                  "safe for z < 0; for z >= 0 use 1 / (1 + exp(-z)) (pick per element with torch.where)",
                  lambda c: torch.exp(c.args[0]) / (1 + torch.exp(c.args[0]))),
    Misconception("the sign is wrong: sigmoid(z) = 1 / (1 + exp(-z)), which is close to 1 for large positive z",
                  lambda c: 1 / (1 + torch.exp(c.args[0]))),
    Misconception("that is tanh, not the logistic sigmoid 1 / (1 + exp(-z)) (whose values lie in (0, 1))",
                  lambda c: torch.tanh(c.args[0])),
]

PERCEPTRON_MISTAKES = [
    Misconception("it computes in float32: keep the input's dtype (float64 inputs need float64 arithmetic)",
                  lambda c: torch.sigmoid(_logit(Case(tuple(a.float() if isinstance(a, torch.Tensor) else a
                                                            for a in c.args)))).to(c.args[0].dtype)),
    Misconception("the bias is missing: the perceptron computes sigmoid(x @ w + b)",
                  lambda c: torch.sigmoid(c.args[0] @ c.args[1])),
    Misconception("the bias is subtracted: the perceptron computes sigmoid(x @ w + b)",
                  lambda c: torch.sigmoid(c.args[0] @ c.args[1] - c.args[2])),
    Misconception("the activation is missing: apply the sigmoid to x @ w + b",
                  _logit),
    Misconception("it uses a step function (the classic perceptron); this one uses the sigmoid of x @ w + b",
                  lambda c: (_logit(c) > 0).to(c.args[0].dtype)),
    Misconception("it uses tanh; the perceptron's activation here is the logistic sigmoid 1 / (1 + exp(-z))",
                  lambda c: torch.tanh(_logit(c))),
    Misconception("the sigmoid's sign is wrong: sigmoid(z) = 1 / (1 + exp(-z)) with z = x @ w + b",
                  lambda c: torch.sigmoid(-_logit(c))),
    Misconception("its sigmoid overflows: for z = x @ w + b above ~88 (float32) or ~709 (float64), exp(z) is "
                  "inf and exp(z) / (1 + exp(z)) is nan; see the sigmoid checks",
                  lambda c: torch.exp(_logit(c)) / (1 + torch.exp(_logit(c)))),
]


def verify_sigmoid(ctx, case):
    z = case.args[0]
    check_array_call(ctx, "sigmoid", case, torch.sigmoid(z), scale=_sigmoid_scale(z),
                     misconceptions=SIGMOID_MISTAKES, arg_names=("z",))


def verify_perceptron(ctx, case):
    check_array_call(ctx, "perceptron", case, torch.sigmoid(_logit(case)), scale=_perceptron_scale(case),
                     misconceptions=PERCEPTRON_MISTAKES, arg_names=PERCEPTRON_ARGS)


BAD_PERCEPTRON = [
    (lambda: Case((torch.ones(3), torch.ones(4), 0.0)), "when x has 3 features and w has 4 weights"),
    (lambda: Case((torch.ones(2, 3), torch.ones(2), 0.5)),
     "when x has shape (2, 3) (3 features) and w has 2 weights (the features are x's last dimension)"),
    (lambda: Case((torch.ones(4, 5), torch.ones(4), torch.tensor(0.0))),
     "when x has shape (4, 5) (5 features) and w has 4 weights"),
]

CHECKS = [
    Property("sigmoid_matches_reference", "sigmoid matches torch.sigmoid (float32 and float64, any shape)",
             "sigmoid", 1.25, strategy=sigmoid_cases(), verify=verify_sigmoid),
    Property("sigmoid_extreme_values", "sigmoid stays finite and exact for |z| up to 1e4 (no overflow to nan)",
             "sigmoid", 1.0, strategy=sigmoid_cases(extreme=True), verify=verify_sigmoid),
    Property("perceptron_matches_reference", "perceptron computes sigmoid(x @ w + b) for one sample and for batches",
             "perceptron", 2.0, strategy=perceptron_cases(), verify=verify_perceptron),
    raises_value_error("perceptron_errors",
                       "perceptron raises ValueError when x and w have different numbers of features",
                       "perceptron", BAD_PERCEPTRON, PERCEPTRON_ARGS, weight=0.75),
]
