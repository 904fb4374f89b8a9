"""Stage 5, report: a ``GradeResult`` as text, JSON, Markdown, HTML or Gradescope results.

JSON follows the contract; Gradescope follows its ``results.json`` schema.
Every format is a pure function of the result, so the same grade gives the
same bytes. One module per format; ``RENDERERS`` is the command line's list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.report.gradescope_results import to_gradescope
from grader.report.html import to_html
from grader.report.json_document import to_json
from grader.report.markdown import to_markdown
from grader.report.text import to_text

if TYPE_CHECKING:
    from grader.score.grade import GradeResult


def render(result: GradeResult, fmt: str) -> str:
    """The report of ``result`` in ``fmt``, one of ``FORMATS``."""
    return RENDERERS[fmt](result)


# The renderers by format name: the command line's --format choices.
RENDERERS = {"text": to_text, "json": to_json, "markdown": to_markdown, "html": to_html, "gradescope": to_gradescope}

FORMATS = tuple(RENDERERS)
