"""``Signature``: the contract's parameter order and defaults, for cases drawn as positional calls or
with defaults left out (pooling and edges use it too); ``Drawn``, a case that knows the features it was
drawn for; and ``grown_values``, the inputs of a failing case's larger companion (``grader.checks.Companion``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
)


@dataclass
class Drawn(Case):
    """A case and the ``features`` it was drawn for. Some features are demands on the answer rather than
    inputs (the inputs left unchanged, the border, the result's dtype): ``verify`` makes them only where
    the case was drawn for them, so that the core's search leaves them alone and each is credited apart."""

    features: frozenset = frozenset()


def drawn(case: Case, enabled: frozenset) -> Drawn:
    """``case`` drawn for the ``enabled`` features."""
    return Drawn(case.args, case.kwargs, frozenset(enabled))


def demands(case: Case, feature: str) -> bool:
    """Whether ``verify`` demands ``feature`` of the answer to ``case`` (every demand, for a case not ``Drawn``)."""
    return not isinstance(case, Drawn) or feature in case.features


def pair(value) -> tuple[int, int]:
    """``(a, b)`` from an int or a pair."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


@dataclass(frozen=True)
class Signature:
    """A function's parameters in the contract's order: ``leading`` ones first, then options with ``defaults``.

    The grader's references and mistakes read a case in its ``canonical`` form (the ``leading`` parameters by
    position, the options given by keyword); the student gets the case as drawn: options by position
    (``positional``) or left out.
    """

    function: str
    names: tuple[str, ...]
    defaults: dict
    leading: int  # parameters the canonical form passes by position (defaults filled in)

    def text(self) -> str:
        return (
            f"{self.function}("
            + ", ".join(n if n not in self.defaults else f"{n}={self.defaults[n]!r}" for n in self.names)
            + ")"
        )

    def positional(self, case: Case) -> Case:
        """The same call with its options passed by position, in the contract's order."""
        return case.as_positional(self.names, self.defaults)

    def _values(self, case: Case) -> dict:
        values = dict(zip(self.names, case.args))
        values.update(case.kwargs)
        return values

    def canonical(self, case: Case) -> Case:
        """The leading parameters by position (defaults filled in), the options given by keyword."""
        values = self._values(case)
        args = tuple(values.pop(n) if n in values else self.defaults[n] for n in self.names[: self.leading])
        return Case(args, values)

    def spelled_out(self, case: Case) -> Case:
        """The leading parameters by position, every option by keyword (defaults written out)."""
        values = dict(self.defaults, **self._values(case))
        return Case(tuple(values.pop(n) for n in self.names[: self.leading]), values)

    def on_canonical(self, compute: Callable) -> Callable:
        """``compute`` (written for the canonical form) applied to any form of a case."""
        return lambda case: compute(self.canonical(case))

    def mistakes(self, misconceptions) -> list[Misconception]:
        return [dataclasses.replace(m, compute=self.on_canonical(m.compute)) for m in misconceptions]

    def check(self, ctx, case: Case, check: Callable[[Case], object]):
        """``check(case)``; where a positional call (or one leaving defaults out) fails but the same call
        with every argument by keyword holds, a ``Failure`` that names the signature."""
        full = self.spelled_out(case)
        if len(case.args) == len(full.args) and set(case.kwargs) == set(full.kwargs):
            return check(case)
        with ctx.evidence_apart():  # what this call says may be about the binding only
            try:
                return check(case)
            except Failure as failure:
                if failure.fatal:
                    raise
                first = failure
        check(full)  # a mistake that shows with keyword arguments too: its own feedback and evidence
        left_out = [n for n in self.names[len(case.args) :] if n not in case.kwargs]
        mistake = Mistake(
            "signature.not_the_contracts",
            f"the signature is not the contract's `{self.text()}` (parameter order, names or "
            f"defaults): the call `{self.call_text(case)}`"
            + (f" (leaving out {', '.join(left_out)})" if left_out else "")
            + " fails, but the same call with every argument given by keyword works",
        )
        raise Failure(f"{first}\n    {mistake}", mistakes=(mistake,)) from None

    def call_text(self, case: Case) -> str:
        """The call as written: arrays by their parameter names, other values as literals."""

        def shown(name, value):
            return name if isinstance(value, (torch.Tensor, np.ndarray)) else repr(value)

        parts = [shown(name, value) for name, value in zip(self.names, case.args)]
        parts += [f"{name}={shown(name, value)}" for name, value in case.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


def unlike(array):
    """``array``'s values in reverse order, negated: a kernel drawn like the image does not repeat the image's
    values when both shrink to the simplest (``[[2, -2], [1, -1]]`` gives ``[[1, -1], [2, -2]]``)."""
    if isinstance(array, torch.Tensor):
        return 0 - array.flatten().flip(0).reshape(array.shape)
    return (0 - array.ravel()[::-1]).reshape(array.shape)


def grown_values(shape, dtype) -> torch.Tensor:
    """Small integers (-3..3) without an obvious symmetry, for a companion input."""
    index = torch.arange(int(torch.Size(shape).numel()), dtype=torch.float64)
    return ((3 * index * index + 5 * index + 1) % 7 - 3).reshape(shape).to(dtype)
