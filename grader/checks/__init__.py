"""Stage 3, check: hidden tests that compare the student's functions with a reference.

A topic is a list of ``Check`` s. Most are ``Property`` checks: hypothesis
draws a ``Case`` (the arguments), the student's function runs in the sandbox,
and ``verify`` compares its answer with PyTorch/OpenCV computed here, in the
grader's own process. A failing case is shrunk (shape, then values) and
reported as the arguments, expected vs got, and the known misconception that
explains every failing output seen (``Evidence``).

Credit follows what works. A property with ``features`` (stride, padding,
float64, ...) that fails is searched again on its core alone and on the core
plus each feature; each earns its share (``CORE_SHARE``, ``FEATURES_SHARE``,
the rest for all of them together). A property with ``parts`` (value, eval
mode, no gradients, ...) credits each requirement the function never broke.
A correct function pays for one search only.

The package, by concern: ``cases`` (arguments and their words), ``mistakes`` (known mistakes and
the evidence for them), ``failure`` (a failed check's words and data), ``verdicts`` (comparing an
answer with its reference), ``running`` (contexts, scenarios, searches, credit) and ``calls``
(calling a student's function and demanding an answer). Import from ``grader.checks``.
"""

from grader.checks.calls import (
    Companion,
    check_array_call,
    check_raises,
    inputs_unchanged,
    raises_value_error,
    returned_tensor,
)
from grader.checks.cases import (
    SHOWN_ELEMENTS,
    Affine,
    Case,
    Generator,
    describe,
    number,
    numbers_apart,
    to_wire,
    values_text,
)
from grader.checks.failure import LIKELY, Failure, Mistake, mistake_lines
from grader.checks.mistakes import (
    Evidence,
    Misconception,
    NotApplicable,
    applicable,
    float32_result,
    predictions_of,
    predicts_otherwise,
)
from grader.checks.running import (
    CORE_SHARE,
    FEATURES_SHARE,
    SHRINK_FAILURES,
    SUB_SEARCH_EXAMPLES,
    Check,
    CheckResult,
    Context,
    Property,
    Scripted,
    Search,
)
from grader.checks.verdicts import (
    TOLERANCES,
    allowed_error,
    as_ndarray,
    as_tensor,
    compare,
    crashed,
    first_difference,
    not_implemented,
    outcome_value,
)

__all__ = [
    "LIKELY",
    "SHOWN_ELEMENTS",
    "TOLERANCES",
    "CORE_SHARE",
    "FEATURES_SHARE",
    "SHRINK_FAILURES",
    "SUB_SEARCH_EXAMPLES",
    "Affine",
    "Case",
    "Check",
    "Companion",
    "CheckResult",
    "Context",
    "Evidence",
    "Failure",
    "Generator",
    "Misconception",
    "Mistake",
    "NotApplicable",
    "Property",
    "Scripted",
    "Search",
    "applicable",
    "as_ndarray",
    "as_tensor",
    "check_array_call",
    "check_raises",
    "compare",
    "crashed",
    "describe",
    "allowed_error",
    "first_difference",
    "float32_result",
    "inputs_unchanged",
    "mistake_lines",
    "not_implemented",
    "number",
    "numbers_apart",
    "outcome_value",
    "predictions_of",
    "predicts_otherwise",
    "raises_value_error",
    "returned_tensor",
    "to_wire",
    "values_text",
]
