"""Hidden tests for ``classification``: softmax, log_softmax, cross_entropy and BCE against PyTorch."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    NotApplicable,
    Property,
    Scripted,
    check_array_call,
    crashed,
    first_difference,
    raises_value_error,
)
from grader.forbidden import Rule
from grader.sandbox.wire import Array
from grader.strategies import DTYPES, tensors

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

SOFTMAX_ARGS = ("logits", "dim")
LOSS_ARGS = ("logits", "labels")
BCE_ARGS = ("probs", "labels")


# ------------------------------------------------------------------ logits


def _shapes(min_dims, max_dims):
    return st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def large_logits(draw, shape, dtype):
    """Logits up to |1e4|: huge and nearly equal, plateaus of equal values, or spread over the range
    (in that order, so that a failure shrinks to round numbers such as 10000 + 1)."""
    kind = draw(st.sampled_from(["offset", "plateau", "wide"]))
    if kind == "offset":  # every exp overflows (or underflows) unless the max is subtracted
        base = draw(st.sampled_from([1e4, -1e4, 1000.0, -1000.0, 200.0]))
        return base + draw(tensors(shape, dtype, -4.0, 4.0))
    if kind == "plateau":
        plateau = draw(tensors(shape, dtype, 0, 4, patterns=("integers",)))  # indices into the plateau values
        return torch.tensor([0.0, 1e4, -1e4, 9999.0, -5000.0], dtype=dtype)[plateau.long()]
    return draw(tensors(shape, dtype, -1e4, 1e4))


def logits_strategy(shape, dtype, large: bool):
    return large_logits(shape, dtype) if large else tensors(shape, dtype, -20.0, 20.0)


# "1-D and 3-D+ inputs" first: its counterexample tells "always the last dimension" from "always dimension 1",
# which agree on 2-D tensors
SOFTMAX_FEATURES = ("1-D and 3-D+ inputs", "any dim", "float64")


@st.composite
def softmax_cases(draw, enabled: frozenset, large: bool = False):
    """softmax/log_softmax arguments drawing only the ``enabled`` features; the core is a float32
    2-D tensor of at least 2 x 2 (a single row or column hides which dimension is normalised)
    normalised along its last dimension (``dim`` left out, or given as -1 or 1)."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    shape = draw(_shapes(1, 4)) if on("1-D and 3-D+ inputs") else (draw(st.integers(2, 4)), draw(st.integers(2, 4)))
    logits = draw(logits_strategy(shape, dtype, large))
    last = len(shape) - 1
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), last) if on("any dim") else st.sampled_from([-1, last])))
    if dim is None:
        return Case((logits,))
    return Case((logits, dim)) if draw(st.booleans()) else Case((logits,), {"dim": dim})


def _dim(case):
    return case.args[1] if len(case.args) > 1 else case.kwargs.get("dim", -1)


def _axis(case):
    """``dim`` as a non-negative axis."""
    return _dim(case) % case.args[0].dim()


def _row_scale(case):
    """The largest |logit| of each output's row (the contract's magnitude for softmax-like functions)."""
    logits = case.args[0]
    return logits.abs().amax(dim=_dim(case), keepdim=True).expand_as(logits)


def _log_row_scale(case):
    """For log_softmax ``x_i - m - log(sum(exp(x - m)))``: the row's largest |logit|, plus |logsumexp|,
    plus 1 for the log of the shifted sum (a value in [1, C] whose rounding costs about one ulp of 1
    however small the logits are)."""
    logits = case.args[0].to(torch.float64)
    lse = torch.logsumexp(logits, dim=_dim(case), keepdim=True).abs()
    return (logits.abs().amax(dim=_dim(case), keepdim=True) + lse + 1).expand_as(logits)


def _naive_softmax(x, dim):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)


def _global_shift_softmax(x, dim):
    return _naive_softmax(x - x.max(), dim)


WRONG_DEFAULT = "the default dim is wrong"


def _dim_given(case) -> bool:
    return len(case.args) > 1 or "dim" in case.kwargs


def _along(function, axis: int, ranks=None):
    """``function(logits, axis)``, whatever ``dim`` is, for tensors of ``ranks`` (``NotApplicable`` for others)."""

    def compute(case):
        x = case.args[0]
        if ranks is not None and x.dim() not in ranks:
            raise NotApplicable("on these tensors the mistake is another one's")
        return function(x, axis)  # an axis the tensor lacks raises IndexError, as the student's code does

    return compute


def _default_dim(function, axis: int):
    """``function`` with the default ``dim=axis``: wrong only where ``dim`` is left out."""

    def compute(case):
        return function(case.args[0], _dim(case) if _dim_given(case) else axis)

    return compute


def _whole_sum_softmax(case):
    x = case.args[0]
    e = torch.exp(x - x.max())
    return e / e.sum()


def _no_keepdim_softmax(case):
    x = case.args[0]
    e = torch.exp(x - x.amax(dim=_dim(case), keepdim=True))
    return e / e.sum(dim=_dim(case))  # broadcasts against the trailing dimensions, or raises


SOFTMAX_MISTAKES = [
    Misconception(
        "classification.exp_overflows_inf_inf_nan",
        "exp overflows (inf / inf = nan) or underflows (0 / 0 = nan) for large logits: subtract "
        "the maximum along `dim` before exponentiating (it cancels in the ratio)",
        lambda c: _naive_softmax(c.args[0], _dim(c)),
    ),
    Misconception(
        "classification.subtracts_maximum_whole_tensor_subtract",
        "it subtracts the maximum of the whole tensor; subtract each row's own maximum "
        "(amax along `dim`, keepdim=True), or rows far below the global maximum underflow to 0 / 0",
        lambda c: _global_shift_softmax(c.args[0], _dim(c)),
    ),
    Misconception(
        "classification.ignores_dim_always_normalises_along",
        "it ignores `dim` and always normalises along the last dimension",
        _along(torch.softmax, -1),
    ),
    # on 2-D tensors dimension 1 is the last one: the mistake above names both there
    Misconception(
        "classification.always_normalises_along_dimension_1",
        "it always normalises along dimension 1 (as d2l's X_exp.sum(1, keepdim=True)); "
        "normalise along `dim`, which may be any dimension of a tensor of any rank",
        _along(torch.softmax, 1, ranks=(1, 3, 4)),
    ),
    Misconception(
        "classification.softmax_wrong_default_dim",
        WRONG_DEFAULT + ": softmax(logits) normalises along the last dimension "
        "(the signature is softmax(logits, dim=-1))",
        _default_dim(torch.softmax, 1),
    ),
    Misconception(
        "classification.normalises_along_dimension_0_dim",
        "it normalises along dimension 0 instead of `dim`",
        _along(torch.softmax, 0),
    ),
    Misconception(
        "classification.divides_sum_over_whole_tensor",
        "it divides by the sum over the whole tensor; the sum runs along `dim` only (keepdim=True so it broadcasts)",
        _whole_sum_softmax,
    ),
    Misconception(
        "classification.sum_along_dim_taken_without",
        "the sum along `dim` is taken without keepdim=True, so it broadcasts against the wrong "
        "dimension (or not at all): divide by e.sum(dim=dim, keepdim=True)",
        _no_keepdim_softmax,
    ),
]


def check_softmax_like(ctx, function, case, expected, scale, mistakes):
    """``check_array_call``; where ``dim`` was left out and the answer is wrong, the call is repeated with
    dim=-1 given: what it returns tells a wrong default (right once -1 is given) from a wrong dimension."""
    try:
        check_array_call(ctx, function, case, expected, scale=scale, misconceptions=mistakes, arg_names=SOFTMAX_ARGS)
    except Failure as failure:
        if failure.fatal or _dim_given(case):
            raise
        explicit = Case((case.args[0], -1))
        outcome = ctx.call(function, explicit)
        if crashed(outcome):
            ctx.evidence.observe_crash(mistakes, explicit)
        elif outcome.ok and isinstance(outcome.value, Array) and outcome.value.kind == "tensor":
            got = torch.from_numpy(outcome.value.data.copy())
            right = got.shape == expected.shape and first_difference(got.to(expected.dtype), expected, scale)[0] is None
            # right with dim=-1 given: every mistake but the default's is ruled out by this answer
            ctx.evidence.observe(
                [m for m in mistakes if not (right and m.explanation.startswith(WRONG_DEFAULT))],
                explicit,
                got,
                expected,
                scale,
            )
        raise


def verify_softmax(ctx, case):
    """softmax(logits, dim) equals torch.softmax(logits, dim)."""
    check_softmax_like(
        ctx, "softmax", case, torch.softmax(case.args[0], _dim(case)), _row_scale(case), SOFTMAX_MISTAKES
    )


LOG_SOFTMAX_MISTAKES = [
    Misconception(
        "classification.takes_log_softmax_x_probability",
        "it takes log(softmax(x)): a probability that underflows to 0 gives -inf; use "
        "x - max - log(sum(exp(x - max))), which stays finite",
        lambda c: torch.log(torch.softmax(c.args[0], _dim(c))),
    ),
    Misconception(
        "classification.log_sum_exp_x_overflows",
        "log(sum(exp(x))) overflows for large logits: subtract the maximum along `dim` first, "
        "x - m - log(sum(exp(x - m)))",
        lambda c: c.args[0] - torch.log(torch.exp(c.args[0]).sum(dim=_dim(c), keepdim=True)),
    ),
    Misconception(
        "classification.takes_log_softmax_computed_without",
        "it takes the log of a softmax computed without subtracting the maximum: exp overflows "
        "(nan) or every probability underflows (log 0 = -inf); use x - m - log(sum(exp(x - m)))",
        lambda c: torch.log(_naive_softmax(c.args[0], _dim(c))),
    ),
    Misconception(
        "classification.subtracts_maximum_whole_tensor_use",
        "it subtracts the maximum of the whole tensor; use each row's own maximum along `dim`",
        lambda c: torch.log(_global_shift_softmax(c.args[0], _dim(c))),
    ),
    Misconception(
        "classification.ignores_dim_always_works_along",
        "it ignores `dim` and always works along the last dimension",
        _along(torch.log_softmax, -1),
    ),
    Misconception(
        "classification.works_along_dimension_0_dim",
        "it works along dimension 0 instead of `dim`",
        _along(torch.log_softmax, 0),
    ),
    Misconception(
        "classification.log_softmax_wrong_default_dim",
        WRONG_DEFAULT + ": log_softmax(logits) works along the last dimension "
        "(the signature is log_softmax(logits, dim=-1))",
        _default_dim(torch.log_softmax, 1),
    ),
]


def verify_log_softmax(ctx, case):
    """log_softmax(logits, dim) equals torch.log_softmax(logits, dim)."""
    check_softmax_like(
        ctx,
        "log_softmax",
        case,
        torch.log_softmax(case.args[0], _dim(case)),
        _log_row_scale(case),
        LOG_SOFTMAX_MISTAKES,
    )


# ------------------------------------------------------------------ cross_entropy

CE_FEATURES = ("float64", "one sample or one class")


@st.composite
def cross_entropy_cases(draw, enabled: frozenset, large: bool = False):
    """cross_entropy arguments drawing only the ``enabled`` features; the core is float32 logits of
    2 to 6 samples and 2 to 6 classes."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    low = 1 if on("one sample or one class") else 2
    n, c = draw(st.integers(low, 6)), draw(st.integers(low, 6))
    logits = draw(logits_strategy((n, c), dtype, large))
    labels = torch.tensor(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=torch.int64)
    return Case((logits, labels))


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


def verify_cross_entropy(ctx, case):
    """cross_entropy(logits, labels) equals F.cross_entropy(logits, labels)."""
    check_array_call(
        ctx,
        "cross_entropy",
        case,
        F.cross_entropy(*case.args),
        scale=_ce_scale(case),
        misconceptions=CE_MISTAKES,
        arg_names=LOSS_ARGS,
    )


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
    if labels.dtype == torch.int64:
        raise NotApplicable("int64 labels")
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
        _crashes_on(lambda c: c.args[1].dtype != torch.int64),
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

BAD_CROSS_ENTROPY = [
    (
        lambda: Case((torch.zeros(3, 4), torch.tensor([0, 4, 1]))),
        "for the label 4 with only 4 classes (labels are 0..C-1)",
    ),
    (lambda: Case((torch.zeros(2, 3), torch.tensor([-1, 0]))), "for the label -1"),
    (
        lambda: Case((torch.zeros(2, 3, dtype=torch.float64), torch.tensor([1, -100]))),
        "for the label -100 (there is no ignore_index here)",
    ),
    (lambda: Case((torch.zeros(2, 3), torch.tensor([0.0, 1.0]))), "for float labels (labels are int64 class indices)"),
    (lambda: Case((torch.zeros(2, 3), torch.tensor([0, 1, 2]))), "for 3 labels with 2 samples"),
    (
        lambda: Case((torch.zeros(2, 3), torch.tensor([[0], [2]]))),
        "for labels of shape (2, 1) with 2 samples (labels have shape (N,))",
    ),
    (lambda: Case((torch.zeros(3), torch.tensor([0]))), "for 1-D logits (logits have shape (N, C))"),
    (lambda: Case((torch.zeros(2, 3, 4), torch.tensor([0, 1]))), "for 3-D logits (logits have shape (N, C))"),
]


# ------------------------------------------------------------------ binary_cross_entropy

BCE_FEATURES = ("float64", "probabilities 0 and 1 (clamp)", "n-D")


@st.composite
def bce_cases(draw, enabled: frozenset):
    """binary_cross_entropy arguments drawing only the ``enabled`` features; the core is a float32
    vector of probabilities between 0.1 and 0.9 with labels (mostly 0 or 1) of the same shape."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    shape = draw(_shapes(0, 3)) if on("n-D") else draw(_shapes(1, 1))
    if on("probabilities 0 and 1 (clamp)"):
        tiny = [1e-30, 1 - 2**-24] + ([1e-50, 1e-300] if dtype == torch.float64 else [])
        probs = draw(tensors(shape, dtype, 0.0, 1.0, specials=[0.0, 1.0, 0.5] + tiny))
    else:
        probs = draw(tensors(shape, dtype, 0.1, 0.9, patterns=("short", "uniform")))
    labels = draw(
        tensors(shape, dtype, 0.0, 1.0, specials=[0.0, 1.0], patterns=("integers", "short", "uniform", "specials"))
    )
    return Case((probs, labels))


def _bce_scale(case):
    """Mean over the elements of |log p| + |log(1 - p)| (each clamped at 100): the terms of the mean."""
    p = case.args[0].to(torch.float64)
    return (torch.log(p).clamp(min=-100).abs() + torch.log1p(-p).clamp(min=-100).abs()).mean()


def _unclamped(case):
    p, y = case.args
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


BCE_MISTAKES = [
    Misconception(
        "classification.probabilities_clipped_1e_7_1",
        "the probabilities are clipped to [1e-7, 1 - 1e-7] (as Keras does); PyTorch clamps each "
        "log at -100 instead, so p = 0 with label 1 costs 100",
        lambda c: F.binary_cross_entropy(c.args[0].clamp(1e-7, 1 - 1e-7), c.args[1]),
    ),
    Misconception(
        "classification.labels_probabilities_mixed_up_y",
        "labels and probabilities are mixed up: y * log(p) + (1 - y) * log(1 - p), "
        "with y the label and p the probability",
        lambda c: F.binary_cross_entropy(1 - c.args[0], c.args[1]),
    ),
    Misconception(
        "classification.sums_over_elements_binary_cross",
        "it sums over the elements; binary_cross_entropy is the mean",
        lambda c: F.binary_cross_entropy(*c.args, reduction="sum"),
    ),
    Misconception(
        "classification.bce_sign_wrong",
        "the sign is wrong: the loss is MINUS the mean of y * log(p) + (1 - y) * log(1 - p)",
        lambda c: -F.binary_cross_entropy(*c.args),
    ),
    Misconception(
        "classification.only_y_log_p_term",
        "only the y * log(p) term is there; add (1 - y) * log(1 - p) for the negative class",
        lambda c: -(c.args[1] * torch.log(c.args[0]).clamp(min=-100)).mean(),
    ),
    Misconception(
        "classification.log_0_inf_makes_loss",
        "log(0) = -inf makes the loss infinite (or nan for 0 * -inf) when a probability is exactly "
        "0 or 1: clamp each log at -100 as PyTorch does",
        _unclamped,
    ),
]


def verify_bce(ctx, case):
    """binary_cross_entropy(probs, labels) equals F.binary_cross_entropy(probs, labels)."""
    check_array_call(
        ctx,
        "binary_cross_entropy",
        case,
        F.binary_cross_entropy(*case.args),
        scale=_bce_scale(case),
        misconceptions=BCE_MISTAKES,
        arg_names=BCE_ARGS,
    )


def _unchecked_bce(case, shapes_differ: bool):
    p, y = case.args
    if (p.shape != y.shape) != shapes_differ:
        raise NotApplicable("the other check")
    return -(y * torch.log(p).clamp(min=-100) + (1 - y) * torch.log(1 - p).clamp(min=-100)).mean()  # may raise


def _same_count(case):
    """Shapes that differ with the same length and number of elements: (3,) against (3, 1) broadcasts to (3, 3)."""
    p, y = case.args
    if p.shape == y.shape or p.numel() != y.numel() or len(p) != len(y):
        raise NotApplicable("the shapes are equal, or a length or element count tells them apart")
    return _unchecked_bce(case, shapes_differ=True)


def _different_count(case):
    p, y = case.args
    if p.shape != y.shape and p.numel() == y.numel() and len(p) == len(y):
        raise NotApplicable("the next mistake's case")
    return _unchecked_bce(case, shapes_differ=True)


UNCHECKED_BCE = [
    Misconception(
        "classification.shapes_compared_2_3_probabilities",
        "the shapes are not compared: (2, 3) probabilities broadcast silently against (3,) labels "
        "(and (3,) against (4,) fails with PyTorch's RuntimeError); raise ValueError when "
        "probs.shape != labels.shape",
        _different_count,
    ),
    Misconception(
        "classification.only_lengths_element_counts_compared",
        "only the lengths (or element counts) are compared: (3,) probabilities against (3, 1) labels "
        "broadcast to a (3, 3) table; compare the whole shapes (probs.shape != labels.shape)",
        _same_count,
    ),
    Misconception(
        "classification.probabilities_checked_log_value_outside",
        "the probabilities are not checked: the log of a value outside [0, 1] is nan; raise "
        "ValueError for probabilities below 0 or above 1",
        lambda c: _unchecked_bce(c, shapes_differ=False),
    ),
]

BAD_BCE = [
    (lambda: Case((torch.tensor([0.2, 1.5]), torch.tensor([0.0, 1.0]))), "for a probability of 1.5"),
    (
        lambda: Case((torch.tensor([-0.1, 0.5], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64))),
        "for a probability of -0.1",
    ),
    (lambda: Case((torch.full((3,), 0.5), torch.ones(4))), "for probs of shape (3,) and labels of shape (4,)"),
    (
        lambda: Case((torch.full((2, 3), 0.5), torch.ones(3))),
        "for probs of shape (2, 3) and labels of shape (3,) (broadcasting is not enough: the shapes must be equal)",
    ),
    (
        lambda: Case((torch.tensor([0.2, 0.5, 0.9]), torch.tensor([[1.0], [0.0], [1.0]]))),
        "for probs of shape (3,) and labels of shape (3, 1) (the shapes must be equal)",
    ),
]


def _large(strategy):
    return lambda enabled: strategy(enabled, large=True)


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
        strategy=_large(softmax_cases),
        verify=verify_softmax,
        features=SOFTMAX_FEATURES,
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
        strategy=_large(softmax_cases),
        verify=verify_log_softmax,
        features=SOFTMAX_FEATURES,
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
        strategy=_large(cross_entropy_cases),
        verify=verify_cross_entropy,
        features=CE_FEATURES,
    ),
    Scripted(
        "cross_entropy_ufrn_example",
        "cross_entropy gives 1.6553 on the UFRN example",
        "cross_entropy",
        0.25,
        body=_ufrn_example,
    ),
    raises_value_error(
        "cross_entropy_errors",
        "cross_entropy raises ValueError for labels outside [0, C), "
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
    raises_value_error(
        "binary_cross_entropy_errors",
        "binary_cross_entropy raises ValueError for probabilities outside [0, 1] and mismatched shapes",
        "binary_cross_entropy",
        BAD_BCE,
        BCE_ARGS,
        0.75,
        UNCHECKED_BCE,
    ),
]
