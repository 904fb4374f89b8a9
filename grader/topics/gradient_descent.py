"""Hidden tests for ``gradient_descent``: the derivative of f and the descent trajectory.

The values here are plain Python floats, not arrays: references are the exact recurrence,
computed in the grader with the same float operations, and compared with a relative
tolerance of 1e-9 (of the magnitude of the terms behind each value).
"""
from __future__ import annotations

import math

from hypothesis import strategies as st

from grader.checks import Affine, Case, Failure, Property, outcome_value, raises_value_error

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
    x = draw(st.one_of(st.integers(-1000, 1000).map(float),
                       st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)))
    return Case((x,))


@st.composite
def descent_cases(draw, custom_grad: bool = False):
    """Readable numbers: start in quarters, learning rates in hundredths, 0 to 20 epochs."""
    start = draw(st.integers(-400, 400)) / 4
    learning_rate = draw(st.integers(1, 120)) / 100
    epochs = draw(st.integers(0, 20))
    args, kwargs = [start, learning_rate, epochs], {}
    if draw(st.booleans()):  # keyword arguments are legal too
        kwargs = {"learning_rate": args.pop(1), "epochs": args.pop(1)}
    if custom_grad:
        grad = Affine(draw(st.integers(-8, 8)) / 4, draw(st.integers(-20, 20)) / 2)
        if not kwargs and draw(st.booleans()):
            args.append(grad)
        else:
            kwargs["grad"] = grad
    return Case(tuple(args), kwargs)


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


def _trajectory(case, sign=-1.0, grad=None, rate=True, record=None):
    """The recurrence, or a mistaken version of it (``sign`` +1: ascent; ``rate`` False: no learning rate)."""
    start, learning_rate, epochs, function = _options(case)
    grad = grad or function
    x = float(start)
    path = [x]
    for _ in range(epochs):
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


# (explanation, mistaken output) pairs; the first whose output matches the student's is shown.
DESCENT_MISTAKES = [
    ("the start is missing: the trajectory begins with x0 = start and has epochs + 1 entries",
     lambda c: _trajectory(c)[1:]),
    ("the last step is missing: after `epochs` updates the trajectory has epochs + 1 entries, "
     "from x0 = start to x_epochs", lambda c: _trajectory(c)[:-1]),
    ("it returns only the final x; return the whole trajectory [x0, x1, ..., x_epochs] as a list",
     lambda c: _trajectory(c)[-1]),
    ("it climbs uphill: gradient descent subtracts, x_(k+1) = x_k - learning_rate * grad(x_k)",
     lambda c: _trajectory(c, sign=1.0)),
    ("the `grad` argument is ignored: call the `grad` that was passed in (it defaults to deriv), "
     "not deriv itself", lambda c: _trajectory(c, grad=deriv)),
    ("the learning rate is missing: each step is learning_rate * grad(x_k)",
     lambda c: _trajectory(c, rate=False)),
    ("it records f(x_k); the trajectory holds the points x_k themselves",
     lambda c: _trajectory(c, record=f)),
]

DERIV_MISTAKES = [
    ("it returns f(x) itself; the derivative of x**2 - 6*x + 1 is 2*x - 6", f),
    ("the sign of the constant is wrong: the derivative of -6*x is -6, so f'(x) = 2*x - 6", lambda x: 2 * x + 6),
    ("the -6 is missing: the derivative of -6*x is -6, so f'(x) = 2*x - 6", lambda x: 2 * x),
    ("the factor 2 is missing: the derivative of x**2 is 2*x", lambda x: x - 6),
]


# ------------------------------------------------------------------ verdicts

def _number(value, function: str, what: str) -> float:
    """A returned int/float (NumPy float scalars are floats too), or a ``Failure``."""
    if isinstance(value, bool) or value is None:
        raise Failure(f"`{function}` returned {value!r} as {what}; expected a float")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict) and value.get("$special", [None])[0] == "numpy_scalar":
        number = value["$special"][2]
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return float(number)
    kind = "a tensor" if hasattr(value, "kind") and value.kind == "tensor" else \
        "an array" if hasattr(value, "kind") else f"a {type(value).__name__}"
    raise Failure(f"`{function}` returned {kind} as {what}; expected a plain Python float "
                  "(float(...) converts a 0-d tensor or NumPy number)")


def _close(got: float, expected: float, size: float) -> bool:
    if math.isnan(got):
        return False
    return got == expected or abs(got - expected) <= RTOL * max(size, abs(expected))


def verify_deriv(ctx, case):
    x = case.args[0]
    expected = deriv(x)
    try:
        got = _number(outcome_value(ctx.call("deriv", case), "deriv"), "deriv", "the derivative")
        if not _close(got, expected, 2 * abs(x) + 6):
            text = f"`deriv` returned {got!r}; expected 2*x - 6 = {expected!r}"
            for explanation, mistake in DERIV_MISTAKES:
                if _close(got, mistake(x), 2 * abs(x) + 6 + abs(f(x))):
                    text += f"\n    Likely mistake: {explanation}"
                    break
            else:
                if abs(got - expected) <= 1e-3 * (2 * abs(x) + 6):
                    text += ("\n    Likely mistake: it approximates the derivative numerically; "
                             "write the exact formula 2*x - 6")
            raise Failure(text)
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(DERIV_ARGS)}", failure.fatal) from None


def _as_path(value) -> list[float]:
    if isinstance(value, tuple):
        raise Failure("`gradient_descent` returned a tuple; return a list [x0, x1, ..., x_epochs]")
    if not isinstance(value, list):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise Failure(f"`gradient_descent` returned the single number {value!r}; "
                          "expected the list [x0, x1, ..., x_epochs]")
        _number(value, "gradient_descent", "the trajectory")  # a better message for tensors/arrays
        raise Failure("`gradient_descent` must return a list [x0, x1, ..., x_epochs]")
    return [_number(v, "gradient_descent", f"entry {i} of the trajectory") for i, v in enumerate(value)]


def _plain(value):
    """``value`` as a float or a list of floats when it is one, else None (for matching mistakes)."""
    try:
        if isinstance(value, list):
            return [_number(v, "gradient_descent", "") for v in value]
        return _number(value, "gradient_descent", "")
    except Failure:
        return None


def _hint(value, case) -> str:
    value = _plain(value)
    for explanation, mistake in DESCENT_MISTAKES:
        try:
            predicted = mistake(case)
        except Exception:  # noqa: BLE001 -- a mistake may not apply
            continue
        if isinstance(predicted, float) and isinstance(value, float):
            if _close(value, predicted, abs(predicted)):
                return explanation
        elif isinstance(predicted, list) and isinstance(value, list) and len(value) == len(predicted):
            if all(_close(v, p, abs(p)) for v, p in zip(value, predicted)):
                return explanation
    return ""


def _deriv_hint(ctx, case) -> str:
    """When the default grad is used and the student's deriv is wrong, that is the likely cause."""
    start, learning_rate, epochs, function = _options(case)
    if function is not deriv or epochs == 0:
        return ""
    outcome = ctx.call("deriv", Case((float(start),)))
    if not outcome.ok:
        return ""
    try:
        got = _number(outcome.value, "deriv", "the derivative")
    except Failure:
        return ""
    if _close(got, deriv(float(start)), 2 * abs(start) + 6):
        return ""
    return (f"your `deriv` is wrong (deriv({float(start)!r}) returned {got!r}, expected {deriv(float(start))!r}), "
            "and the default `grad` is `deriv`: fix `deriv` first")


def verify_descent(ctx, case):
    expected = _trajectory(case)
    sizes = _magnitudes(case, expected)
    epochs = _options(case)[2]
    try:
        value = outcome_value(ctx.call("gradient_descent", case), "gradient_descent")
        try:
            path = _as_path(value)
            if len(path) != len(expected):
                raise Failure(f"the trajectory of `gradient_descent` has {len(path)} entries; expected "
                              f"epochs + 1 = {epochs + 1} (x0 = start, then one per epoch)")
            for k, (g, e, s) in enumerate(zip(path, expected, sizes)):
                if not _close(g, e, s):
                    raise Failure(f"the trajectory of `gradient_descent` is wrong at index {k}: expected "
                                  f"x{k} = {e!r}, got {g!r}")
        except Failure as failure:
            hint = _deriv_hint(ctx, case) or _hint(value, case)
            raise Failure(str(failure) + (f"\n    Likely mistake: {hint}" if hint else "")) from None
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(DESCENT_ARGS)}", failure.fatal) from None


BAD_DESCENT = [
    (lambda: Case((0.0, 0.1, -1)), "for epochs = -1"),
    (lambda: Case((5.0, 0.25, -10)), "for epochs = -10"),
    (lambda: Case((0.0, 0.0, 5)), "for learning_rate = 0"),
    (lambda: Case((0.0, -0.1, 5)), "for a negative learning_rate"),
    (lambda: Case((1.0,), {"learning_rate": -0.5, "epochs": 3, "grad": Affine(1.0, 0.0)}),
     "for a negative learning_rate (with a custom grad)"),
]

CHECKS = [
    Property("deriv_exact", "deriv returns the exact derivative 2*x - 6 of f", "deriv", 1.0,
             strategy=deriv_cases(), verify=verify_deriv, array_valued=False),
    Property("gradient_descent_default_grad", "gradient_descent follows x - learning_rate * deriv(x) "
             "and returns the whole trajectory", "gradient_descent", 1.5,
             strategy=descent_cases(), verify=verify_descent, array_valued=False),
    Property("gradient_descent_custom_grad", "gradient_descent uses the grad callable it is given",
             "gradient_descent", 1.5, strategy=descent_cases(custom_grad=True), verify=verify_descent,
             array_valued=False),
    raises_value_error("gradient_descent_errors",
                       "gradient_descent raises ValueError for negative epochs and non-positive learning rates",
                       "gradient_descent", BAD_DESCENT, DESCENT_ARGS),
]
