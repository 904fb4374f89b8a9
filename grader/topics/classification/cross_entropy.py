"""``cross_entropy``: equal to F.cross_entropy (mean over the batch, class indices); its known mistakes
and argument checks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    NotApplicable,
    check_array_call,
    float32_result,
)
from grader.checks.strategies import DTYPES
from grader.topics.arguments import Bad
from grader.topics.classification.softmax import (
    CALLEES,
    LOSS_ARGS,
    UNCHANGED,
    _global_shift_softmax,
    _naive_softmax,
    check_stable,
    logits_strategy,
)

CE_FEATURES = ("float64", "one sample or one class", UNCHANGED)


@st.composite
def cross_entropy_cases(draw, enabled: frozenset, large: bool = False):
    """cross_entropy arguments drawing only the ``enabled`` features, and whether they must come back
    unchanged; the core is float32 logits of 2 to 6 samples and 2 to 6 classes."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    low = 1 if on("one sample or one class") else 2
    n, c = draw(st.integers(low, 6)), draw(st.integers(low, 6))
    logits = draw(logits_strategy((n, c), dtype, large))
    labels = torch.tensor(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=torch.int64)
    return Case((logits, labels)), on(UNCHANGED)


def _ce_scale(case):
    """The loss is a mean of per-row terms ``logsumexp(row) - row[label]``: the mean over the rows of
    the magnitude used for log_softmax (largest |logit| + |logsumexp| + 1)."""
    logits = case.args[0].to(torch.float64)
    return (logits.abs().amax(dim=1) + torch.logsumexp(logits, dim=1).abs() + 1).mean()


def _picked(log_probs, labels):
    return log_probs[torch.arange(labels.shape[0]), labels]


def _column_picked(case):
    logits, labels = case.args
    return -torch.log_softmax(logits, 1)[:, labels].mean()


# An overflowing log(sum(exp(logits))) gives an infinite loss, as log(softmax) does: on most counterexamples
# the two cannot be told apart, so log_softmax's checks name that one.
CE_MISTAKES = [
    Misconception(
        "classification.sums_per_sample_losses_cross",
        "it sums the per-sample losses; cross_entropy is their mean (divide by N)",
        lambda c: F.cross_entropy(*c.args, reduction="sum"),
    ),
    Misconception(
        "classification.averages_over_all_n_c",
        "it averages over all N * C entries of a one-hot product; average over the N samples only",
        lambda c: F.cross_entropy(*c.args) / c.args[0].shape[1],
    ),
    Misconception(
        "classification.softmax_applied_twice_cross_entropy",
        "softmax is applied twice: cross_entropy takes raw logits (the log_softmax inside does the "
        "normalising), not probabilities",
        lambda c: F.cross_entropy(torch.softmax(c.args[0], 1), c.args[1]),
    ),
    Misconception(
        "classification.sign_wrong_loss_minus_mean",
        "the sign is wrong: the loss is MINUS the mean log-probability of the true class",
        lambda c: -F.cross_entropy(*c.args),
    ),
    Misconception(
        "classification.takes_log_softmax_logits_probability",
        "it takes log(softmax(logits)): a probability that underflows to 0 gives log(0) = -inf "
        "and an infinite loss; use a stable log_softmax (subtract the row maximum)",
        lambda c: -_picked(torch.log(torch.softmax(c.args[0], 1)), c.args[1]).mean(),
    ),
    Misconception(
        "classification.exp_overflows_large_logits_subtract",
        "exp overflows for large logits: subtract each row's maximum before exponentiating",
        lambda c: -_picked(torch.log(_naive_softmax(c.args[0], 1)), c.args[1]).mean(),
    ),
    Misconception(
        "classification.ce_log_sum_exp_overflows",
        "log(sum(exp(logits))) overflows to inf for large logits (and the loss with it): subtract each row's "
        "maximum m first, m + log(sum(exp(logits - m)))",
        lambda c: -_picked(c.args[0] - torch.log(torch.exp(c.args[0]).sum(1, keepdim=True)), c.args[1]).mean(),
    ),
    Misconception(
        "classification.ce_subtracts_maximum_whole_tensor",
        "it subtracts the maximum of the whole tensor: a row far below it underflows to log(0) = -inf and an "
        "infinite loss; subtract each row's own maximum (amax along dim 1, keepdim=True)",
        lambda c: -_picked(torch.log(_global_shift_softmax(c.args[0], 1)), c.args[1]).mean(),
    ),
    Misconception(
        "classification.normalisation_runs_over_batch_dim",
        "the normalisation runs over the batch (dim 0); log_softmax goes along the classes (dim 1)",
        lambda c: -_picked(torch.log_softmax(c.args[0], 0), c.args[1]).mean(),
    ),
    Misconception(
        "classification.indexes_log_probs_labels_n",
        "it indexes log_probs[:, labels], an N x N table of every sample's log-probability for "
        "every label; pick one entry per row with log_probs[torch.arange(N), labels]",
        _column_picked,
    ),
]


def verify_cross_entropy(ctx, drawn):
    """cross_entropy(logits, labels) equals F.cross_entropy(logits, labels)."""
    case, unchanged = drawn
    check_array_call(
        ctx,
        "cross_entropy",
        case,
        F.cross_entropy(*case.args),
        scale=_ce_scale(case),
        misconceptions=CE_MISTAKES,
        dtype_mistakes=[float32_result(lambda c: F.cross_entropy(*c.args), "logits")],
        arg_names=LOSS_ARGS,
        check_inputs=unchanged,
        callees=CALLEES["cross_entropy"],
    )


def verify_cross_entropy_large(ctx, drawn):
    """cross_entropy(logits, labels) equals F.cross_entropy(logits, labels) for logits up to |1e4|."""
    case, _ = drawn
    check_stable(ctx, "cross_entropy", case, lambda c: F.cross_entropy(*c.args), _ce_scale, CE_MISTAKES, LOSS_ARGS, 1)


def _ufrn_example(ctx):
    """The UFRN slide: torch.manual_seed(11); torch.randn(5, 3) as logits, labels [0, 0, 1, 2, 1] -> 1.6553."""
    logits = torch.randn(5, 3, generator=torch.Generator().manual_seed(11))
    labels = torch.tensor([0, 0, 1, 2, 1])
    case = Case((logits, labels))
    try:
        check_array_call(
            ctx,
            "cross_entropy",
            case,
            F.cross_entropy(logits, labels),
            scale=_ce_scale(case),
            misconceptions=CE_MISTAKES,
            arg_names=LOSS_ARGS,
            check_inputs=False,  # cross_entropy_matches_reference's requirement
            callees=CALLEES["cross_entropy"],
        )
    except Failure as failure:
        raise Failure(
            "the UFRN example (torch.manual_seed(11); logits = torch.randn(5, 3); labels "
            f"[0, 0, 1, 2, 1]) should give 1.6553:\n    {failure}",
            failure.fatal,
        ) from None


def _well_formed(case) -> bool:
    """(N, C) logits and int64 labels of shape (N,): only the label values can be wrong."""
    logits, labels = case.args
    return logits.dim() == 2 and labels.dtype == torch.int64 and tuple(labels.shape) == (logits.shape[0],)


def _unchecked_values(case):
    """Cross-entropy with the labels used as they are (a label of C or more raises IndexError)."""
    if not _well_formed(case):
        raise NotApplicable("the shapes or the dtype are wrong, not the values")
    return -_picked(torch.log_softmax(case.args[0], 1), case.args[1]).mean()


def _float_labels_converted(case):
    logits, labels = case.args
    if not labels.is_floating_point():
        raise NotApplicable("integer labels")
    return F.cross_entropy(logits, labels.long())


def _other_integers_used(case):
    """Integer labels of another dtype (int32) used as class indices, as PyTorch indexing allows."""
    logits, labels = case.args
    if labels.is_floating_point() or labels.dtype == torch.int64:
        raise NotApplicable("float or int64 labels")
    return F.cross_entropy(logits, labels.long())


def _crashes_on(wrong):
    """A check left out, so that PyTorch fails inside the function (on ``wrong`` cases only)."""

    def compute(case):
        if not wrong(case):
            raise NotApplicable("another check's case")
        raise RuntimeError("PyTorch fails on these labels")

    return compute


def _count_only(case):
    """Labels of shape (N, 1) where (N,) is due: log_probs[arange(N), labels] is an (N, N) table."""
    logits, labels = case.args
    if labels.dim() < 2 or labels.shape[0] != logits.shape[0] or logits.dim() != 2:
        raise NotApplicable("not (N, 1)-shaped labels")
    return -torch.log_softmax(logits, 1)[torch.arange(logits.shape[0]), labels].mean()


def _logits_not_2d(case):
    logits, labels = case.args
    if logits.dim() == 2:
        raise NotApplicable("2-D logits")
    return -_picked(torch.log_softmax(logits, 1), labels).mean()  # raises: a 1-D tensor has no dimension 1


UNCHECKED_LABELS = [
    Misconception(
        "classification.labels_checked_label_c_more",
        "the labels are not checked: a label of C or more fails with an IndexError and -1 or -100 "
        "silently pick a class from the end of the row; check 0 <= labels < C and raise ValueError",
        _unchecked_values,
    ),
    Misconception(
        "classification.float_labels_converted_labels_long",
        "float labels are converted (labels.long()) instead of rejected: labels are int64 class "
        "indices; raise ValueError when labels.dtype is not torch.int64",
        _float_labels_converted,
    ),
    Misconception(
        "classification.dtype_labels_checked_float_labels",
        "the dtype of the labels is not checked: float labels fail inside PyTorch (indexing, gather "
        "and one_hot need int64 class indices); raise ValueError when labels.dtype is not torch.int64",
        _crashes_on(lambda c: c.args[1].is_floating_point()),
    ),
    Misconception(
        "classification.other_integer_labels_accepted",
        "labels of an integer dtype other than int64 (int32 here) are accepted: labels are int64 class indices, "
        "as F.cross_entropy demands; raise ValueError when labels.dtype is not torch.int64 (testing for float "
        "labels is not enough)",
        _other_integers_used,
    ),
    Misconception(
        "classification.number_labels_compared_number_samples",
        "the number of labels is not compared with the number of samples: 3 labels for 2 samples fail "
        "inside PyTorch; raise ValueError unless labels has shape (N,)",
        _crashes_on(
            lambda c: (
                c.args[1].dtype == torch.int64
                and c.args[0].dim() == 2
                and c.args[1].dim() == 1
                and len(c.args[1]) != len(c.args[0])
            )
        ),
    ),
    Misconception(
        "classification.only_number_labels_compared_labels",
        "only the number of labels is compared: labels of shape (N, 1) pick an (N, N) table of "
        "log-probabilities; the labels must have shape (N,) exactly "
        "(tuple(labels.shape) != (N,): ValueError)",
        _count_only,
    ),
    Misconception(
        "classification.logits_checked_2_d_n",
        "the logits are not checked to be 2-D (N, C): a 1-D tensor has no class dimension, and a 3-D "
        "one gives a loss of the wrong thing; raise ValueError when logits.dim() != 2",
        _logits_not_2d,
    ),
]

VALUES, LABELS_FORM, LOGITS_2D = "labels outside [0, C)", "labels not int64 of shape (N,)", "logits not 2-D"
LABELS = ("labels", "label")
BAD_CROSS_ENTROPY = [
    Bad(
        lambda: Case((torch.zeros(3, 4), torch.tensor([0, 4, 1]))),
        "for the label 4 with only 4 classes (labels are 0..C-1)",
        VALUES,
        LABELS,
    ),
    Bad(lambda: Case((torch.zeros(2, 3), torch.tensor([-1, 0]))), "for the label -1", VALUES, LABELS),
    Bad(
        lambda: Case((torch.zeros(2, 3, dtype=torch.float64), torch.tensor([1, -100]))),
        "for the label -100 (there is no ignore_index here)",
        VALUES,
        LABELS,
    ),
    Bad(
        lambda: Case((torch.zeros(2, 3), torch.tensor([0.0, 1.0]))),
        "for float labels (labels are int64 class indices)",
        LABELS_FORM,
        LABELS,
    ),
    Bad(
        lambda: Case((torch.zeros(2, 3), torch.tensor([2, 0], dtype=torch.int32))),
        "for int32 labels (labels are int64 class indices)",
        LABELS_FORM,
        LABELS,
    ),
    Bad(lambda: Case((torch.zeros(2, 3), torch.tensor([0, 1, 2]))), "for 3 labels with 2 samples", LABELS_FORM, LABELS),
    Bad(
        lambda: Case((torch.zeros(2, 3), torch.tensor([[0], [2]]))),
        "for labels of shape (2, 1) with 2 samples (labels have shape (N,))",
        LABELS_FORM,
        LABELS,
    ),
    Bad(
        lambda: Case((torch.zeros(3), torch.tensor([0]))),
        "for 1-D logits (logits have shape (N, C))",
        LOGITS_2D,
        ("logits",),
    ),
    Bad(
        lambda: Case((torch.zeros(2, 3, 4), torch.tensor([0, 1]))),
        "for 3-D logits (logits have shape (N, C))",
        LOGITS_2D,
        ("logits",),
    ),
]
