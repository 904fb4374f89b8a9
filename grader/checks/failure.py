"""``Failure``: a check failed; its words, and the data a failing test's report carries, the
``Mistake`` s its words name among them."""

from __future__ import annotations

import contextvars
import sys
from dataclasses import dataclass

LIKELY = "Likely mistake: "


@dataclass(frozen=True)
class Mistake:
    """A known mistake as the feedback names it: ``id`` is stable (``"<topic>.<name>"``, what the class
    summary counts), ``text`` is the words, which may change. ``str`` gives the feedback's line; a
    ``Failure`` whose words use it lists it in ``mistakes``."""

    id: str
    text: str

    def __str__(self) -> str:
        return LIKELY + self.text


def mistake_lines(mistakes) -> str:
    """The feedback's lines for ``mistakes``: "\n    Likely mistake: ..." each."""
    return "".join(f"\n    {mistake}" for mistake in mistakes)


# The student's function and the arguments it was last given (``Context.call``): the failing call.
_last_call: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("last call", default=None)


class Failure(Exception):
    """A check failed; ``str`` is the feedback. ``fatal`` stops further calls (child lost, or a stub).

    ``part`` names the requirement of a ``Property`` with ``parts`` that was broken;
    ``stub`` marks the failure of a call that reached the exercise's own ``raise NotImplementedError``.
    The feedback as data: ``mistakes`` are those its words name (each ``str(mistake)`` in them),
    ``call`` the student's function and the arguments it was last given when the failure was made,
    ``counterexample`` what was found wrong with the answer (``compare``: expected, got, the first
    difference). A failure raised while another is handled (a check adding words to it) keeps that
    one's data: its mistakes before its own, its call and counterexample unless it gives one.
    """

    def __init__(
        self,
        message: str,
        fatal: bool = False,
        part: str | None = None,
        stub: bool = False,
        counterexample: dict | None = None,
        mistakes: tuple[Mistake, ...] = (),
    ):
        super().__init__(message)
        self.fatal = fatal
        self.part = part
        self.stub = stub
        handled = sys.exc_info()[1]
        inherited = isinstance(handled, Failure)
        if counterexample is None and inherited:
            counterexample = handled.counterexample
        self.counterexample = counterexample
        self.call = handled.call if inherited else _last_call.get()
        self.mistakes = (handled.mistakes if inherited else ()) + tuple(mistakes)

    @property
    def not_implemented(self) -> bool:
        """The function is still a stub: this failure says so, or the one it extends (a check that adds
        to a failure's text raises the new one inside ``except Failure``, so that one is its context)."""
        failure = self
        while isinstance(failure, Failure):
            if failure.stub:
                return True
            failure = failure.__context__
        return False
