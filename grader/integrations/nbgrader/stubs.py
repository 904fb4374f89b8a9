"""The released notebooks' stubs carry the hints of ``exercises/*.py``.

nbgrader's ``generate_assignment`` replaces each ``### BEGIN SOLUTION`` region with its code stub,
``# YOUR CODE HERE`` and a bare ``raise NotImplementedError()``. The course's ``nbgrader_config.py``
(``course.CONFIG``) puts ``ClearSolutionsWithHints`` in ``ClearSolutions``' place: the same marker
line, then the ``raise`` of the ``.py`` stub (``grader.authoring.make_stub``: the function's name and
the region's ``### HINT:`` line), so that the hint shows wherever the stub's error does.
"""

from __future__ import annotations

from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions

from grader.authoring import BEGIN, AuthoringError, make_stub

MARKER = "# YOUR CODE HERE"  # what the notebook's first cell tells the student to look for


class ClearSolutionsWithHints(ClearSolutions):
    """nbgrader's ``ClearSolutions``, whose Python stubs raise with the ``.py`` stub's hint."""

    def _replace_solution_region(self, cell, language: str) -> bool:
        if cell.cell_type != "code" or language != "python" or BEGIN not in cell.source:
            return super()._replace_solution_region(cell, language)
        try:
            stub = make_stub(cell.source, cell.metadata.get("nbgrader", {}).get("grade_id", "<cell>"), MARKER)
        except (AuthoringError, SyntaxError):  # not the shape solutions/ has (a region outside a function)
            return super()._replace_solution_region(cell, language)
        cell.source = stub if cell.source.endswith("\n") else stub.removesuffix("\n")
        return True


def generate_assignment_preprocessors() -> list:
    """``generate_assignment``'s preprocessors, ``ClearSolutionsWithHints`` in ``ClearSolutions``' place."""
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [ClearSolutionsWithHints if step is ClearSolutions else step for step in default]
