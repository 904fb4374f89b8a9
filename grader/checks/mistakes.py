"""Known mistakes predicted by a ``Misconception`` and weighed by ``Evidence``.

A ``Misconception`` is a ``Mistake`` (``failure``: what the feedback names) that also says what a
function making the mistake returns on a case, so that the failing outputs of a search can name it:
``Evidence`` names a mistake that fits some failing case and is ruled out by none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import torch

from grader.cache import recall
from grader.checks.cases import Case
from grader.checks.failure import LIKELY, Mistake
from grader.checks.verdicts import first_difference


class NotApplicable(Exception):
    """Raised by a ``Misconception.compute`` that says nothing about this case."""


@dataclass(frozen=True)
class Misconception:
    """A known mistake: ``compute(case)`` is what a function making it returns.

    ``id`` is its stable name in the catalogue (``"<topic>.<name>"``). ``compute`` raises
    ``NotApplicable`` when the mistake says nothing about the case; any other exception means the
    mistake crashes there, which matches a student's function that crashed on the same case.
    """

    id: str
    explanation: str
    compute: Callable[[Case], object]

    @property
    def mistake(self) -> Mistake:
        return Mistake(self.id, self.explanation)


def predictions_of(misconceptions: list[Misconception], case: Case, known_as: str) -> list[tuple[str, object]]:
    """Each mistake's answer on ``case``: ``("value", v)``, ``("not applicable", None)`` or ``("raised", None)``.

    ``known_as`` names the list (``"<module>.<LIST>"``): the answers are remembered under it (``grader.cache``).
    """

    def predict(case):
        answers = []
        for mistake in misconceptions:
            try:
                answers.append(("value", mistake.compute(case)))
            except NotApplicable:
                answers.append(("not applicable", None))
            except Exception:  # noqa: BLE001 -- the mistake crashes here
                answers.append(("raised", None))
        return answers

    return recall(known_as, predict, case)


class Evidence:
    """What the failing cases of one search say about each known mistake.

    A mistake *fits* a failing case when it predicts the student's output there
    (or crashes where the student's code crashed); it is *ruled out* when it
    predicts anything else, the right answer included. Only a mistake that fits
    some case and is ruled out by none is named, so a case that cannot tell two
    mistakes apart never decides between them alone.
    """

    def __init__(self):
        self.fits: dict[str, Misconception] = {}  # by id, in the order they first fitted
        self.ruled_out: set[str] = set()

    def observe(self, misconceptions, case: Case, got: torch.Tensor, expected: torch.Tensor, scale=None):
        """The student returned ``got`` where ``expected`` was right."""
        for mistake in misconceptions:
            try:
                predicted = mistake.compute(case)
            except NotApplicable:
                continue
            except Exception:  # noqa: BLE001 -- a mistake that crashes cannot explain a returned value
                self._rule_out(mistake)
                continue
            if not isinstance(predicted, torch.Tensor):
                self._rule_out(mistake) if predicted is not None else None
                continue
            if _agrees(predicted, expected) or predicted.shape != got.shape:
                self._rule_out(mistake)
                continue
            fitting = first_difference(
                got.to(predicted.dtype),
                predicted,
                scale if scale is not None and scale.shape == predicted.shape else None,
            )
            self._fit(mistake) if fitting[0] is None else self._rule_out(mistake)

    def observe_crash(self, misconceptions, case: Case):
        """The student's code raised on ``case`` (a valid input)."""
        for mistake in misconceptions:
            try:
                mistake.compute(case)
            except NotApplicable:
                continue
            except Exception:  # noqa: BLE001 -- the mistake crashes here too
                self._fit(mistake)
                continue
            # The mistake returns a value here, so it does not explain a crash.
            self._rule_out(mistake)

    def _fit(self, mistake):
        self.fits.setdefault(mistake.id, mistake)

    def _rule_out(self, mistake):
        self.ruled_out.add(mistake.id)

    def verdict(self) -> tuple[str, tuple[Mistake, ...]]:
        """The feedback line naming what the evidence supports ("" if nothing), and the mistake it names:
        none where the output fits several."""
        named = [m for id, m in self.fits.items() if id not in self.ruled_out]
        if len(named) == 1:
            return LIKELY + named[0].explanation, (named[0].mistake,)
        if named:
            return (
                "Your output fits more than one known mistake:\n" + "\n".join(f"    - {m.explanation}" for m in named),
                (),
            )
        return "", ()


def _agrees(predicted: torch.Tensor, expected) -> bool:
    return (
        isinstance(expected, torch.Tensor)
        and predicted.shape == expected.shape
        and first_difference(predicted.to(expected.dtype), expected)[0] is None
    )


def applicable(misconceptions, case: Case) -> list[Misconception]:
    """The mistakes that say something about ``case``, each with its prediction computed once (a mistake
    that crashes there keeps that prediction; one raising ``NotApplicable`` is left out)."""
    kept = []
    for mistake in misconceptions:
        try:
            predicted = mistake.compute(case)
        except NotApplicable:
            continue
        except Exception as error:  # noqa: BLE001 -- the mistake crashes here: keep that prediction
            kept.append(dataclasses.replace(mistake, compute=_raises(error)))
            continue
        kept.append(dataclasses.replace(mistake, compute=lambda c, predicted=predicted: predicted))
    return kept


def _raises(error: Exception):
    def compute(case):
        raise error

    return compute


def predicts_otherwise(mistake: Misconception, case: Case, expected: torch.Tensor, scale) -> bool:
    """``mistake`` predicts a crash or a value other than ``expected`` on ``case``."""
    try:
        predicted = mistake.compute(case)
    except NotApplicable:
        return False
    except Exception:  # noqa: BLE001 -- the mistake crashes here
        return True
    return not (
        isinstance(predicted, torch.Tensor)
        and predicted.shape == expected.shape
        and first_difference(predicted.to(expected.dtype), expected, scale)[0] is None
    )


def float32_result(reference: Callable[[Case], torch.Tensor], like: str) -> Misconception:
    """The result built in float32 whatever the inputs' dtype; ``like`` names the input whose dtype it should keep."""

    def compute(case):
        expected = reference(case)
        if expected.dtype == torch.float32:
            raise NotApplicable("float32 inputs")
        return expected.to(torch.float32)

    return Misconception(
        "dtype.float32_result",
        f"the result is float32 whatever the inputs' dtype (torch.zeros(...), torch.empty(...), torch.tensor "
        f"of a Python list and .float() all give float32): build it from {like}'s tensors, or pass "
        f"dtype={like}.dtype (or use {like}.new_zeros(...)), so that float64 inputs give a float64 result",
        compute,
    )
