"""The course's catalogue of known mistakes: their ids, their words, and how to recognise each one.

Both the grader's feedback and your own ``pytest`` name a mistake from this catalogue. An entry
says which function it concerns and, when it can, ``predict``: what a function making the mistake
returns, called with the same arguments as yours (by name: ``predict(input=..., weight=...)``).
``pytest`` names a mistake when your result equals its prediction and the prediction is wrong.
Nothing here is a hidden test: it is what the course teaches about each mistake.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module


class NotApplicable(Exception):
    """Raised by a ``predict`` when the mistake changes nothing for these arguments."""


@dataclass(frozen=True)
class Known:
    """A known mistake: ``id`` is stable (``"<topic>.<name>"``), ``text`` says what went wrong and what is right."""

    id: str
    function: str
    text: str
    predict: Callable | None = None


# One module per topic (``known_mistakes/<topic>.py``), each with its list ``MISTAKES``.
CATALOGUE: tuple[Known, ...] = tuple(
    m for topic in pkgutil.iter_modules(__path__) for m in import_module(f"{__name__}.{topic.name}").MISTAKES
)
TEXT: dict[str, str] = {m.id: m.text for m in CATALOGUE}


def for_function(function: str) -> list[Known]:
    """The known mistakes of one course function (``"conv2d"``) that say how to recognise them."""
    return [m for m in CATALOGUE if m.function == function and m.predict is not None]
