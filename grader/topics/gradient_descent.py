"""Hidden tests for ``gradient_descent``: the derivative of f and the descent trajectory.

The values here are plain Python floats, not arrays: references are the exact recurrence,
computed in the grader with the same float operations, and compared with a relative
tolerance of 1e-9 (of the magnitude of the terms behind each value).
"""

from __future__ import annotations

import math

import torch
from hypothesis import strategies as st

from grader.checks import (
    Affine,
    Case,
    Failure,
    Misconception,
    Mistake,
    NotApplicable,
    Property,
    crashed,
    number,
    numbers_apart,
    outcome_value,
)
from grader.sandbox.wire import numpy_scalar
from grader.topics.arguments import Bad, argument_errors

POINTS = 5
BY_LOOPS = {}

RTOL = 1e-9
DERIV_ARGS = ("x",)
DESCENT_ARGS = ("start", "learning_rate", "epochs", "grad")


def f(x):
    return x**2 - 6 * x + 1


def deriv(x):
    return 2 * x - 6


# ------------------------------------------------------------------ strategies


@st.composite
def deriv_cases(draw):
    x = draw(
        st.one_of(st.integers(-1000, 1000).map(float), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
    )
    return Case((x,))


DESCENT_FEATURES = ("by position", "start by name", "zero epochs", "any start and rate")
CUSTOM_FEATURES = ("any start and rate",)


@st.composite
def descent_cases(draw, enabled: frozenset, custom_grad: bool = False):
    """The core: ``gradient_descent(start, learning_rate=..., epochs=...)`` with a small integer start (not
    the minimum 3), a learning rate in tenths and 1 to 5 epochs; a custom grad ``a * x + b`` (a > 0, b != 0,
    so that the first step moves) is given as ``grad=``.

    Features: ``by position`` (every argument by position, as the slides call it); ``start by name``
    (``start=`` too); ``zero epochs``; ``any start and rate`` (start in quarters up to 100, rates in
    hundredths up to 1.2, up to 20 epochs, any grad slope and offset, zero included).
    """
    on = enabled.__contains__
    if on("any start and rate"):
        start, learning_rate = draw(st.integers(-400, 400)) / 4, draw(st.integers(1, 120)) / 100
        epochs = draw(st.integers(1, 20))
        a, b = draw(st.integers(-8, 8)) / 4, draw(st.integers(-20, 20)) / 2
    else:
        start = float(draw(st.integers(-5, 5).filter(lambda n: n != 3)))
        learning_rate, epochs = draw(st.integers(1, 9)) / 10, draw(st.integers(1, 5))
        a, b = draw(st.integers(1, 8)) / 4, draw(st.integers(1, 20).flatmap(lambda n: st.sampled_from([n, -n]))) / 2
    if on("zero epochs") and draw(st.booleans()):
        epochs = 0
    options = {"learning_rate": learning_rate, "epochs": epochs} | ({"grad": Affine(a, b)} if custom_grad else {})
    if on("by position") and draw(st.booleans()):
        return Case((start, *options.values()))
    if on("start by name") and draw(st.booleans()):
        return Case((), {"start": start, **options})
    return Case((start,), options)


# ------------------------------------------------------------------ references


def _options(case):
    """(start, learning_rate, epochs, grad callable) of a case."""
    names = ("start", "learning_rate", "epochs", "grad")
    values = dict(zip(names, case.args), **case.kwargs)
    grad = values.get("grad")
    if isinstance(grad, Affine):
        a, b = grad.a, grad.b
        function = lambda x: a * x + b  # noqa: E731 -- exactly what the child builds
    else:
        function = deriv
    return values["start"], values["learning_rate"], values["epochs"], function


def _trajectory(case, sign=-1.0, grad=None, rate=True, record=None, steps=None):
    """The recurrence, or a mistaken version of it (``sign`` +1: ascent; ``rate`` False: no learning rate;
    ``steps``: a number of updates other than ``epochs``)."""
    start, learning_rate, epochs, function = _options(case)
    grad = grad or function
    x = float(start)
    path = [x]
    for _ in range(epochs if steps is None else steps(epochs)):
        step = grad(x) * learning_rate if rate else grad(x)
        x = x - step if sign < 0 else x + step
        path.append(x)
    return [record(v) for v in path] if record else path


def _magnitudes(case, path):
    """The size of the terms behind each x_k: |x_(k-1)| + learning_rate * |grad(x_(k-1))|, carried along."""
    start, learning_rate, epochs, function = _options(case)
    sizes, carried = [abs(path[0])], abs(path[0])
    for previous in path[:-1]:
        carried = max(carried, abs(previous) + learning_rate * abs(function(previous)))
        sizes.append(carried)
    return sizes


def _vector(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _rejects_zero_epochs(case):
    if _options(case)[2] == 0:
        raise ValueError("epochs must be positive")
    return _vector(_trajectory(case))


def _rate_and_epochs_swapped(case):
    """gradient_descent(start, epochs, learning_rate, ...): by position, range() of a float rate raises TypeError
    (with epochs = 0 the rate of 0 is rejected: there the crash says no more than a rejected zero)."""
    if _options(case)[2] == 0:
        raise NotApplicable("epochs = 0: the rejected-zero mistake's case")
    if len(case.args) >= 3:
        raise TypeError("'float' object cannot be interpreted as an integer")
    return _vector(_trajectory(case))


def _start_renamed(case):
    """A first parameter named otherwise (x0, x, initial): a call naming ``start`` raises TypeError."""
    if "start" in case.kwargs:
        raise TypeError("gradient_descent() got an unexpected keyword argument 'start'")
    return _vector(_trajectory(case))


DESCENT_MISTAKES = [
    Misconception(
        "gradient_descent.start_missing_trajectory_begins_x0",
        "the start is missing: the trajectory begins with x0 = start and has epochs + 1 entries",
        lambda c: _vector(_trajectory(c)[1:]),
    ),
    Misconception(
        "gradient_descent.last_step_missing_one_update",
        "the last step is missing (one update too few): after `epochs` updates the trajectory has "
        "epochs + 1 entries, from x0 = start to x_epochs",
        lambda c: _vector(_trajectory(c, steps=lambda n: max(n - 1, 0))),
    ),
    Misconception(
        "gradient_descent.one_update_too_many_epochs",
        "one update too many: `epochs` updates give epochs + 1 entries, x0 = start included",
        lambda c: _vector(_trajectory(c, steps=lambda n: n + 1)),
    ),
    Misconception(
        "gradient_descent.returns_only_final_x_return",
        "it returns only the final x; return the whole trajectory [x0, x1, ..., x_epochs] as a list",
        lambda c: _vector(_trajectory(c)[-1]),
    ),
    Misconception(
        "gradient_descent.climbs_uphill_gradient_descent_subtracts",
        "it climbs uphill: gradient descent subtracts, x_(k+1) = x_k - learning_rate * grad(x_k)",
        lambda c: _vector(_trajectory(c, sign=1.0)),
    ),
    Misconception(
        "gradient_descent.grad_argument_ignored_call_grad",
        "the `grad` argument is ignored: call the `grad` that was passed in (it defaults to deriv), not deriv itself",
        lambda c: _vector(_trajectory(c, grad=deriv)),
    ),
    Misconception(
        "gradient_descent.learning_rate_missing_each_step",
        "the learning rate is missing: each step is learning_rate * grad(x_k)",
        lambda c: _vector(_trajectory(c, rate=False)),
    ),
    Misconception(
        "gradient_descent.records_f_x_k_trajectory",
        "it records f(x_k); the trajectory holds the points x_k themselves",
        lambda c: _vector(_trajectory(c, record=f)),
    ),
    Misconception(
        "gradient_descent.epochs_0_rejected_valid_gives",
        "epochs = 0 is rejected: it is valid and gives [start] (only negative epochs are an error)",
        _rejects_zero_epochs,
    ),
    Misconception(
        "gradient_descent.arguments_another_order_signature_gradient",
        "the arguments are in another order: the signature is gradient_descent(start, learning_rate, "
        "epochs, grad=deriv), and the slides call it by position (gradient_descent(18, 0.05, 1000))",
        _rate_and_epochs_swapped,
    ),
    Misconception(
        "gradient_descent.first_parameter_has_another_name",
        "the first parameter has another name: callers may pass it by name, "
        "gradient_descent(start=..., learning_rate=..., epochs=...), so it must be called `start`",
        _start_renamed,
    ),
]


def _deriv_mistake(function):
    return lambda case: _vector(function(case.args[0]))


DERIV_MISTAKES = [
    Misconception(
        "gradient_descent.returns_f_x_itself_derivative",
        "it returns f(x) itself; the derivative of x**2 - 6*x + 1 is 2*x - 6",
        _deriv_mistake(f),
    ),
    Misconception(
        "gradient_descent.sign_constant_wrong_derivative_6",
        "the sign of the constant is wrong: the derivative of -6*x is -6, so f'(x) = 2*x - 6",
        _deriv_mistake(lambda x: 2 * x + 6),
    ),
    Misconception(
        "gradient_descent.6_missing_derivative_6_x",
        "the -6 is missing: the derivative of -6*x is -6, so f'(x) = 2*x - 6",
        _deriv_mistake(lambda x: 2 * x),
    ),
    Misconception(
        "gradient_descent.factor_2_missing_derivative_x",
        "the factor 2 is missing: the derivative of x**2 is 2*x",
        _deriv_mistake(lambda x: x - 6),
    ),
    Misconception(
        "gradient_descent.1_f_kept_constants_derivative",
        "the +1 of f is kept: a constant's derivative is 0, so f'(x) = 2*x - 6",
        _deriv_mistake(lambda x: 2 * x - 6 + 1),
    ),
]
NUMERIC = [
    Misconception(
        "gradient_descent.approximates_derivative_numerically_difference_quotient",
        "it approximates the derivative numerically (a difference quotient); write the exact formula 2*x - 6",
        _deriv_mistake(lambda x: (f(x + 1e-6) - f(x)) / 1e-6),
    )
]


# ------------------------------------------------------------------ verdicts


def _number(value, function: str, what: str) -> float:
    """A returned int/float (NumPy float scalars are floats too), or a ``Failure``."""
    if isinstance(value, bool) or value is None:
        raise Failure(f"`{function}` returned {value!r} as {what}; expected a float")
    if isinstance(value, (int, float)):
        return float(value)
    number = numpy_scalar(value)
    if number is not value and isinstance(number, (int, float)) and not isinstance(number, bool):
        return float(number)
    kind = (
        "a tensor"
        if hasattr(value, "kind") and value.kind == "tensor"
        else "an array"
        if hasattr(value, "kind")
        else f"a {type(value).__name__}"
    )
    raise Failure(
        f"`{function}` returned {kind} as {what}; expected a plain Python float "
        "(float(...) converts a 0-d tensor or NumPy number)"
    )


def _close(got: float, expected: float, size: float) -> bool:
    if math.isnan(got):
        return False
    return got == expected or abs(got - expected) <= RTOL * max(size, abs(expected))


def verify_deriv(ctx, case):
    """deriv(x) is 2*x - 6, exactly."""
    x = case.args[0]
    expected = deriv(x)
    size = 2 * abs(x) + 6
    try:
        got = _number(outcome_value(ctx.call("deriv", case), "deriv"), "deriv", "the derivative")
        if not _close(got, expected, size):
            ctx.evidence.observe(DERIV_MISTAKES, case, _vector(got), _vector(expected), _vector(size + abs(f(x))))
            ctx.evidence.observe(NUMERIC, case, _vector(got), _vector(expected), _vector(1e6 * size))
            shown_expected, shown_got = numbers_apart(expected, got)
            raise Failure(f"`deriv` returned {shown_got}; expected 2*x - 6 = {shown_expected}")
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(DERIV_ARGS)}", failure.fatal) from None


def _as_path(value) -> list[float]:
    if isinstance(value, tuple):
        raise Failure("`gradient_descent` returned a tuple; return a list [x0, x1, ..., x_epochs]")
    if not isinstance(value, list):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise Failure(
                f"`gradient_descent` returned the single number {number(value)}; "
                "expected the list [x0, x1, ..., x_epochs]"
            )
        _number(value, "gradient_descent", "the trajectory")  # a better message for tensors/arrays
        raise Failure("`gradient_descent` must return a list [x0, x1, ..., x_epochs]")
    return [_number(v, "gradient_descent", f"entry {i} of the trajectory") for i, v in enumerate(value)]


def _plain(value) -> torch.Tensor | None:
    """``value`` as a float64 tensor when it is a number or a list of numbers, else None (for matching mistakes)."""
    try:
        if isinstance(value, list):
            return _vector([_number(v, "gradient_descent", "") for v in value])
        return _vector(_number(value, "gradient_descent", ""))
    except Failure:
        return None


TRUSTED_DERIV = Affine(2.0, -6.0)  # exactly deriv: 2.0 * x + -6.0 rounds as 2 * x - 6


def _with_right_grad(case: Case) -> Case:
    """``case`` with the contract's derivative given as ``grad`` (the default ``grad=deriv`` is bound when the
    student's module is defined, so a wrong ``deriv`` cannot be swapped out any other way)."""
    if len(case.args) >= 3:
        return Case(case.args[:3] + (TRUSTED_DERIV,))
    return Case(case.args, {**case.kwargs, "grad": TRUSTED_DERIV})


def verify_descent(ctx, case):
    """gradient_descent returns [x0, ..., x_epochs] of x_(k+1) = x_k - learning_rate * grad(x_k); with the
    contract's derivative as ``grad`` where the student's ``deriv`` failed its own test."""
    if "grad" not in case.kwargs and len(case.args) < 4 and "deriv" in ctx.known_wrong:
        case = _with_right_grad(case)
    expected = _trajectory(case)
    sizes = _magnitudes(case, expected)
    epochs = _options(case)[2]
    try:
        outcome = ctx.call("gradient_descent", case, callees=("deriv",))
        if crashed(outcome):
            ctx.evidence.observe_crash(DESCENT_MISTAKES, case)
        value = outcome_value(outcome, "gradient_descent")
        try:
            path = _as_path(value)
            if len(path) != len(expected):
                raise Failure(
                    f"the trajectory of `gradient_descent` has {len(path)} entries; expected "
                    f"epochs + 1 = {epochs + 1} (x0 = start, then one per epoch)"
                )
            for k, (g, e, s) in enumerate(zip(path, expected, sizes)):
                if not _close(g, e, s):
                    shown_expected, shown_got = numbers_apart(e, g)
                    raise Failure(
                        f"the trajectory of `gradient_descent` is wrong at index {k}: expected "
                        f"x{k} = {shown_expected}, got {shown_got}"
                    )
        except Failure:
            got = _plain(value)
            if got is not None:
                ctx.evidence.observe(DESCENT_MISTAKES, case, got, _vector(expected), _vector(sizes))
            raise
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(DESCENT_ARGS)}", failure.fatal) from None


NEGATIVE_EPOCHS, RATE = "negative epochs", "learning_rate <= 0"
EPOCHS, RATES = ("epochs",), ("learning_rate", "learning rate", "rate")
BAD_DESCENT = [  # the options by name: the order of the parameters is the trajectory checks' business
    Bad(lambda: Case((0.0,), {"learning_rate": 0.1, "epochs": -1}), "for epochs = -1", NEGATIVE_EPOCHS, EPOCHS),
    Bad(lambda: Case((5.0,), {"learning_rate": 0.25, "epochs": -10}), "for epochs = -10", NEGATIVE_EPOCHS, EPOCHS),
    Bad(lambda: Case((0.0,), {"learning_rate": 0.0, "epochs": 5}), "for learning_rate = 0", RATE, RATES),
    Bad(lambda: Case((0.0,), {"learning_rate": -0.1, "epochs": 5}), "for a negative learning_rate", RATE, RATES),
    Bad(
        lambda: Case((1.0,), {"learning_rate": -0.5, "epochs": 3, "grad": Affine(1.0, 0.0)}),
        "for a negative learning_rate (with a custom grad)",
        RATE,
        RATES,
    ),
]

EPOCHS_UNCHECKED = Mistake(
    "gradient_descent.epochs_unchecked",
    "epochs is not checked: negative epochs must raise ValueError (`if epochs < 0: raise ValueError(...)`)",
)
ZERO_RATE_ACCEPTED = Mistake(
    "gradient_descent.zero_rate_accepted",
    "learning_rate = 0 slips through (`< 0` instead of `<= 0`): a rate of 0 never moves, reject it too",
)
RATE_UNCHECKED = Mistake(
    "gradient_descent.rate_unchecked",
    "learning_rate is not checked: a learning_rate <= 0 must raise ValueError "
    "(`if learning_rate <= 0: raise ValueError(...)`)",
)


def _unchecked(part: str, failed) -> tuple[Mistake, ...]:
    """Which check is left out, from the calls of ``part`` that returned normally (a crash tells nothing)."""
    whys = {b.why for b, outcome in failed if b.part == part and outcome.status == "ok"}
    everyone = {b.why for b in BAD_DESCENT if b.part == part}
    if part == NEGATIVE_EPOCHS:
        return (EPOCHS_UNCHECKED,) if whys == everyone else ()
    if whys == {"for learning_rate = 0"}:
        return (ZERO_RATE_ACCEPTED,)
    return (RATE_UNCHECKED,) if whys == everyone else ()


CHECKS = [
    Property(
        "deriv_exact",
        "deriv returns the exact derivative 2*x - 6 of f",
        "deriv",
        weight=1.0,
        strategy=deriv_cases(),
        verify=verify_deriv,
        array_valued=False,
    ),
    Property(
        "gradient_descent_default_grad",
        "gradient_descent follows x - learning_rate * deriv(x) and returns the whole trajectory",
        "gradient_descent",
        weight=1.5,
        strategy=descent_cases,
        verify=verify_descent,
        array_valued=False,
        features=DESCENT_FEATURES,
    ),
    Property(
        "gradient_descent_custom_grad",
        "gradient_descent uses the grad callable it is given",
        "gradient_descent",
        weight=1.5,
        strategy=lambda enabled: descent_cases(enabled, custom_grad=True),
        verify=verify_descent,
        array_valued=False,
        features=CUSTOM_FEATURES,
    ),
    argument_errors(
        "gradient_descent_errors",
        "gradient_descent raises ValueError naming the argument for negative epochs and non-positive learning rates",
        "gradient_descent",
        BAD_DESCENT,
        DESCENT_ARGS,
        weight=1.0,
        diagnose=_unchecked,
    ),
]
