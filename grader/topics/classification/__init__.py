"""Hidden tests for ``classification``: softmax, log_softmax, cross_entropy and BCE against PyTorch.

One module per function family: ``softmax`` (softmax, log_softmax), ``cross_entropy``, ``binary_cross_entropy``.
"""

from __future__ import annotations

from grader.checks import Property, Scripted
from grader.checks.forbidden import Rule
from grader.topics.arguments import argument_errors
from grader.topics.classification.binary_cross_entropy import (
    BAD_BCE,
    BCE_FEATURES,
    UNCHECKED_BCE,
    bce_cases,
    verify_bce,
)
from grader.topics.classification.cross_entropy import (
    BAD_CROSS_ENTROPY,
    CE_FEATURES,
    UNCHECKED_LABELS,
    _ufrn_example,
    cross_entropy_cases,
    verify_cross_entropy,
    verify_cross_entropy_large,
)
from grader.topics.classification.softmax import (
    BCE_ARGS,
    LOSS_ARGS,
    SOFTMAX_FEATURES,
    large_cases,
    softmax_cases,
    verify_log_softmax,
    verify_log_softmax_large,
    verify_softmax,
    verify_softmax_large,
)

POINTS = 10

# A dot is required before the name in the static scan: ``cross_entropy`` may call the module's own
# ``log_softmax`` (a bare name), whereas ``torch.softmax``, ``F.log_softmax``, ``logits.softmax`` and
# ``from torch.nn.functional import softmax`` (resolved to its dotted name) are caught.
CLASSIFICATION_RULES = [
    Rule(
        "a built-in softmax or log_softmax (torch.softmax, F.softmax, nn.Softmax, Tensor.softmax, "
        "their log_ forms, softmin)",
        runtime=r"^(fn|aten):(_?softmax|_?log_softmax|_safe_softmax|special_softmax|special_log_softmax"
        r"|softmin|_softmax_backward_data|_log_softmax_backward_data)$",
        static=r"\.(softmax|log_softmax|softmin|Softmax|LogSoftmax|Softmin|Softmax2d)$",
    ),
    Rule(
        "a built-in classification loss (F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, nn.NLLLoss, "
        "F.binary_cross_entropy*, nn.BCELoss, nn.BCEWithLogitsLoss)",
        runtime=r"^(fn|aten):(cross_entropy(_loss)?|nll_loss\w*|binary_cross_entropy\w*)$",
        static=r"\.(cross_entropy|nll_loss\w*|binary_cross_entropy\w*|CrossEntropyLoss|NLLLoss\w*|BCELoss"
        r"|BCEWithLogitsLoss)$",
    ),
]
BY_LOOPS = {name: CLASSIFICATION_RULES for name in ("softmax", "log_softmax", "cross_entropy", "binary_cross_entropy")}


CHECKS = [
    Property(
        "softmax_matches_reference",
        "softmax matches torch.softmax (1-D to 4-D, any dim)",
        "softmax",
        1.25,
        strategy=softmax_cases,
        verify=verify_softmax,
        features=SOFTMAX_FEATURES,
    ),
    Property(
        "softmax_large_logits",
        "softmax matches torch.softmax for logits up to |1e4|",
        "softmax",
        0.75,
        strategy=large_cases(softmax_cases),
        verify=verify_softmax_large,
    ),
    Property(
        "log_softmax_matches_reference",
        "log_softmax matches torch.log_softmax (1-D to 4-D, any dim)",
        "log_softmax",
        1.25,
        strategy=softmax_cases,
        verify=verify_log_softmax,
        features=SOFTMAX_FEATURES,
    ),
    Property(
        "log_softmax_large_logits",
        "log_softmax matches torch.log_softmax for logits up to |1e4|",
        "log_softmax",
        0.75,
        strategy=large_cases(softmax_cases),
        verify=verify_log_softmax_large,
    ),
    Property(
        "cross_entropy_matches_reference",
        "cross_entropy matches F.cross_entropy ((N, C) logits, int64 labels)",
        "cross_entropy",
        1.25,
        strategy=cross_entropy_cases,
        verify=verify_cross_entropy,
        features=CE_FEATURES,
    ),
    Property(
        "cross_entropy_large_logits",
        "cross_entropy matches F.cross_entropy for logits up to |1e4|",
        "cross_entropy",
        0.75,
        strategy=large_cases(cross_entropy_cases),
        verify=verify_cross_entropy_large,
    ),
    Scripted(
        "cross_entropy_ufrn_example",
        "cross_entropy gives 1.6553 on the UFRN example",
        "cross_entropy",
        0.25,
        body=_ufrn_example,
    ),
    argument_errors(
        "cross_entropy_errors",
        "cross_entropy raises ValueError naming the argument for labels outside [0, C), "
        "labels that are not int64 of shape (N,), and logits that are not 2-D",
        "cross_entropy",
        BAD_CROSS_ENTROPY,
        LOSS_ARGS,
        0.75,
        UNCHECKED_LABELS,
    ),
    Property(
        "binary_cross_entropy_matches_reference",
        "binary_cross_entropy matches F.binary_cross_entropy (probabilities 0 and 1 included)",
        "binary_cross_entropy",
        2.25,
        strategy=bce_cases,
        verify=verify_bce,
        features=BCE_FEATURES,
    ),
    argument_errors(
        "binary_cross_entropy_errors",
        "binary_cross_entropy raises ValueError naming the argument for probabilities outside [0, 1] and "
        "mismatched shapes",
        "binary_cross_entropy",
        BAD_BCE,
        BCE_ARGS,
        0.75,
        UNCHECKED_BCE,
    ),
]
