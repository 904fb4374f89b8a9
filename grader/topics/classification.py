"""Hidden tests for ``classification``: softmax, log_softmax, cross_entropy and BCE against PyTorch."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (Case, Failure, Misconception, Property, Scripted, check_array_call, raises_value_error)
from grader.forbidden import Rule
from grader.strategies import DTYPES, tensors

POINTS = 15

# A dot is required before the name in the static scan: ``cross_entropy`` may call the module's own
# ``log_softmax`` (a bare name), whereas ``torch.softmax``, ``F.log_softmax``, ``logits.softmax`` and
# ``from torch.nn.functional import softmax`` (resolved to its dotted name) are caught.
CLASSIFICATION_RULES = [
    Rule("a built-in softmax or log_softmax (torch.softmax, F.softmax, nn.Softmax, Tensor.softmax, "
         "their log_ forms, softmin)",
         runtime=r"^(fn|aten):(_?softmax|_?log_softmax|_safe_softmax|special_softmax|special_log_softmax"
                 r"|softmin|_softmax_backward_data|_log_softmax_backward_data)$",
         static=r"\.(softmax|log_softmax|softmin|Softmax|LogSoftmax|Softmin|Softmax2d)$"),
    Rule("a built-in classification loss (F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, nn.NLLLoss, "
         "F.binary_cross_entropy*, nn.BCELoss, nn.BCEWithLogitsLoss)",
         runtime=r"^(fn|aten):(cross_entropy(_loss)?|nll_loss\w*|binary_cross_entropy\w*)$",
         static=r"\.(cross_entropy|nll_loss\w*|binary_cross_entropy\w*|CrossEntropyLoss|NLLLoss\w*|BCELoss"
                r"|BCEWithLogitsLoss)$"),
]
BY_LOOPS = {name: CLASSIFICATION_RULES
            for name in ("softmax", "log_softmax", "cross_entropy", "binary_cross_entropy")}

SOFTMAX_ARGS = ("logits", "dim")
LOSS_ARGS = ("logits", "labels")
BCE_ARGS = ("probs", "labels")


# ------------------------------------------------------------------ logits

def _shapes(min_dims, max_dims):
    return st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def large_logits(draw, shape, dtype):
    """Logits up to |1e4|: spread over the range, huge and nearly equal, or plateaus of equal values."""
    kind = draw(st.sampled_from(["wide", "offset", "plateau"]))
    if kind == "wide":
        return draw(tensors(shape, dtype, -1e4, 1e4))
    if kind == "offset":  # every exp overflows (or underflows) unless the max is subtracted
        base = draw(st.sampled_from([1e4, -1e4, 1000.0, -1000.0, 200.0]))
        return base + draw(tensors(shape, dtype, -4.0, 4.0))
    plateau = draw(tensors(shape, dtype, 0, 4, patterns=("integers",)))  # indices into the plateau values
    return torch.tensor([1e4, -1e4, 9999.0, 0.0, -5000.0], dtype=dtype)[plateau.long()]


def logits_strategy(shape, dtype, large: bool):
    return large_logits(shape, dtype) if large else tensors(shape, dtype, -20.0, 20.0)


@st.composite
def softmax_cases(draw, large: bool = False):
    dtype = draw(DTYPES)
    shape = draw(_shapes(1, 4))
    logits = draw(logits_strategy(shape, dtype, large))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    if dim is None:
        return Case((logits,))
    return Case((logits, dim)) if draw(st.booleans()) else Case((logits,), {"dim": dim})


def _dim(case):
    return case.args[1] if len(case.args) > 1 else case.kwargs.get("dim", -1)


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


SOFTMAX_MISTAKES = [
    Misconception("exp overflows (inf / inf = nan) or underflows (0 / 0 = nan) for large logits: subtract "
                  "the maximum along `dim` before exponentiating (it cancels in the ratio)",
                  lambda c: _naive_softmax(c.args[0], _dim(c))),
    Misconception("it subtracts the maximum of the whole tensor; subtract each row's own maximum "
                  "(amax along `dim`, keepdim=True), or rows far below the global maximum underflow to 0 / 0",
                  lambda c: _global_shift_softmax(c.args[0], _dim(c))),
    Misconception("it ignores `dim` and always normalises along the last dimension",
                  lambda c: torch.softmax(c.args[0], -1) if _dim(c) % c.args[0].dim() != c.args[0].dim() - 1
                  else None),
    Misconception("it normalises along dimension 0 instead of `dim`",
                  lambda c: torch.softmax(c.args[0], 0) if _dim(c) % c.args[0].dim() != 0 else None),
    Misconception("it divides by the sum over the whole tensor; the sum runs along `dim` only "
                  "(keepdim=True so it broadcasts)",
                  lambda c: torch.exp(c.args[0] - c.args[0].max()) / torch.exp(c.args[0] - c.args[0].max()).sum()
                  if c.args[0].numel() != c.args[0].shape[_dim(c)] else None),
    Misconception("it returns log-probabilities (log_softmax); softmax returns probabilities",
                  lambda c: torch.log_softmax(c.args[0], _dim(c))),
]


def _softmax(case):
    return torch.softmax(case.args[0], _dim(case))




def verify_softmax(ctx, case):
    check_array_call(ctx, "softmax", case, _softmax(case), scale=_row_scale(case),
                     misconceptions=SOFTMAX_MISTAKES, arg_names=SOFTMAX_ARGS)


LOG_SOFTMAX_MISTAKES = [
    Misconception("it takes log(softmax(x)): a probability that underflows to 0 gives -inf; use "
                  "x - max - log(sum(exp(x - max))), which stays finite",
                  lambda c: torch.log(torch.softmax(c.args[0], _dim(c)))),
    Misconception("log(sum(exp(x))) overflows for large logits: subtract the maximum along `dim` first, "
                  "x - m - log(sum(exp(x - m)))",
                  lambda c: c.args[0] - torch.log(torch.exp(c.args[0]).sum(dim=_dim(c), keepdim=True))),
    Misconception("it takes the log of a softmax computed without subtracting the maximum",
                  lambda c: torch.log(_naive_softmax(c.args[0], _dim(c)))),
    Misconception("it subtracts the maximum of the whole tensor; use each row's own maximum along `dim`",
                  lambda c: torch.log(_global_shift_softmax(c.args[0], _dim(c)))),
    Misconception("it returns probabilities (softmax); log_softmax returns their logarithm",
                  lambda c: torch.softmax(c.args[0], _dim(c))),
    Misconception("it ignores `dim` and always works along the last dimension",
                  lambda c: torch.log_softmax(c.args[0], -1) if _dim(c) % c.args[0].dim() != c.args[0].dim() - 1
                  else None),
    Misconception("it works along dimension 0 instead of `dim`",
                  lambda c: torch.log_softmax(c.args[0], 0) if _dim(c) % c.args[0].dim() != 0 else None),
]


def _log_softmax(case):
    return torch.log_softmax(case.args[0], _dim(case))




def verify_log_softmax(ctx, case):
    check_array_call(ctx, "log_softmax", case, _log_softmax(case), scale=_log_row_scale(case),
                     misconceptions=LOG_SOFTMAX_MISTAKES, arg_names=SOFTMAX_ARGS)


# ------------------------------------------------------------------ cross_entropy

@st.composite
def cross_entropy_cases(draw, large: bool = False):
    dtype = draw(DTYPES)
    n, c = draw(st.integers(1, 6)), draw(st.integers(2, 6))
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


CE_MISTAKES = [
    Misconception("it sums the per-sample losses; cross_entropy is their mean (divide by N)",
                  lambda c: F.cross_entropy(*c.args, reduction="sum")),
    Misconception("it averages over all N * C entries of a one-hot product; average over the N samples only",
                  lambda c: F.cross_entropy(*c.args) / c.args[0].shape[1]),
    Misconception("softmax is applied twice: cross_entropy takes raw logits (the log_softmax inside does the "
                  "normalising), not probabilities",
                  lambda c: F.cross_entropy(torch.softmax(c.args[0], 1), c.args[1])),
    Misconception("the sign is wrong: the loss is MINUS the mean log-probability of the true class",
                  lambda c: -F.cross_entropy(*c.args)),
    Misconception("it takes log(softmax(logits)): a probability that underflows to 0 gives log(0) = -inf "
                  "and an infinite loss; use a stable log_softmax (subtract the row maximum)",
                  lambda c: -_picked(torch.log(torch.softmax(c.args[0], 1)), c.args[1]).mean()),
    Misconception("exp overflows for large logits: subtract each row's maximum before exponentiating",
                  lambda c: -_picked(torch.log(_naive_softmax(c.args[0], 1)), c.args[1]).mean()),
    Misconception("log(sum(exp(logits))) overflows for large logits: subtract each row's maximum first",
                  lambda c: -_picked(c.args[0] - torch.log(torch.exp(c.args[0]).sum(1, keepdim=True)),
                                     c.args[1]).mean()),
    Misconception("the normalisation runs over the batch (dim 0); log_softmax goes along the classes (dim 1)",
                  lambda c: -_picked(torch.log_softmax(c.args[0], 0), c.args[1]).mean() if c.args[0].shape[0] > 1
                  else None),
]




def verify_cross_entropy(ctx, case):
    check_array_call(ctx, "cross_entropy", case, F.cross_entropy(*case.args), scale=_ce_scale(case),
                     misconceptions=CE_MISTAKES, arg_names=LOSS_ARGS)


def _ufrn_example(ctx):
    """The UFRN slide: torch.manual_seed(11); torch.randn(5, 3) as logits, labels [0, 0, 1, 2, 1] -> 1.6553."""
    logits = torch.randn(5, 3, generator=torch.Generator().manual_seed(11))
    labels = torch.tensor([0, 0, 1, 2, 1])
    case = Case((logits, labels))
    try:
        check_array_call(ctx, "cross_entropy", case, F.cross_entropy(logits, labels), scale=_ce_scale(case),
                         misconceptions=CE_MISTAKES, arg_names=LOSS_ARGS)
    except Failure as failure:
        raise Failure("the UFRN example (torch.manual_seed(11); logits = torch.randn(5, 3); labels "
                      f"[0, 0, 1, 2, 1]) should give 1.6553:\n    {failure}", failure.fatal) from None


BAD_CROSS_ENTROPY = [
    (lambda: Case((torch.zeros(3, 4), torch.tensor([0, 4, 1]))),
     "for the label 4 with only 4 classes (labels are 0..C-1)"),
    (lambda: Case((torch.zeros(2, 3), torch.tensor([-1, 0]))), "for the label -1"),
    (lambda: Case((torch.zeros(2, 3, dtype=torch.float64), torch.tensor([1, -100]))),
     "for the label -100 (there is no ignore_index here)"),
]


# ------------------------------------------------------------------ binary_cross_entropy

@st.composite
def bce_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(_shapes(0, 3))
    tiny = [1e-30, 1 - 2**-24] + ([1e-50, 1e-300] if dtype == torch.float64 else [])
    probs = draw(tensors(shape, dtype, 0.0, 1.0, specials=[0.0, 1.0, 0.5] + tiny))
    labels = draw(tensors(shape, dtype, 0.0, 1.0, specials=[0.0, 1.0],
                          patterns=("uniform", "integers", "specials")))
    return Case((probs, labels))


def _bce_scale(case):
    """Mean over the elements of |log p| + |log(1 - p)| (each clamped at 100): the terms of the mean."""
    p = case.args[0].to(torch.float64)
    return (torch.log(p).clamp(min=-100).abs() + torch.log1p(-p).clamp(min=-100).abs()).mean()


def _unclamped(case):
    p, y = case.args
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


BCE_MISTAKES = [
    Misconception("the probabilities are clipped to [1e-7, 1 - 1e-7] (as Keras does); PyTorch clamps each "
                  "log at -100 instead, so p = 0 with label 1 costs 100",
                  lambda c: F.binary_cross_entropy(c.args[0].clamp(1e-7, 1 - 1e-7), c.args[1])),
    Misconception("labels and probabilities are mixed up: y * log(p) + (1 - y) * log(1 - p), "
                  "with y the label and p the probability",
                  lambda c: F.binary_cross_entropy(1 - c.args[0], c.args[1])),
    Misconception("it sums over the elements; binary_cross_entropy is the mean",
                  lambda c: F.binary_cross_entropy(*c.args, reduction="sum")),
    Misconception("the sign is wrong: the loss is MINUS the mean of y * log(p) + (1 - y) * log(1 - p)",
                  lambda c: -F.binary_cross_entropy(*c.args)),
    Misconception("only the y * log(p) term is there; add (1 - y) * log(1 - p) for the negative class",
                  lambda c: -(c.args[1] * torch.log(c.args[0]).clamp(min=-100)).mean()),
    Misconception("log(0) = -inf makes the loss infinite (or nan for 0 * -inf) when a probability is exactly "
                  "0 or 1: clamp each log at -100 as PyTorch does", _unclamped),
]




def verify_bce(ctx, case):
    check_array_call(ctx, "binary_cross_entropy", case, F.binary_cross_entropy(*case.args), scale=_bce_scale(case),
                     misconceptions=BCE_MISTAKES, arg_names=BCE_ARGS)


BAD_BCE = [
    (lambda: Case((torch.tensor([0.2, 1.5]), torch.tensor([0.0, 1.0]))), "for a probability of 1.5"),
    (lambda: Case((torch.tensor([-0.1, 0.5], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64))),
     "for a probability of -0.1"),
    (lambda: Case((torch.full((3,), 0.5), torch.ones(4))), "for probs of shape (3,) and labels of shape (4,)"),
    (lambda: Case((torch.full((2, 3), 0.5), torch.ones(3))),
     "for probs of shape (2, 3) and labels of shape (3,) (broadcasting is not enough: the shapes must be equal)"),
]


CHECKS = [
    Property("softmax_matches_reference", "softmax matches torch.softmax (1-D to 4-D, any dim)",
             "softmax", 2.0, strategy=softmax_cases(), verify=verify_softmax),
    Property("softmax_large_logits", "softmax matches torch.softmax for logits up to |1e4|",
             "softmax", 1.0, strategy=softmax_cases(large=True), verify=verify_softmax),
    Property("log_softmax_matches_reference", "log_softmax matches torch.log_softmax (1-D to 4-D, any dim)",
             "log_softmax", 2.0, strategy=softmax_cases(), verify=verify_log_softmax),
    Property("log_softmax_large_logits", "log_softmax matches torch.log_softmax for logits up to |1e4|",
             "log_softmax", 1.0, strategy=softmax_cases(large=True), verify=verify_log_softmax),
    Property("cross_entropy_matches_reference", "cross_entropy matches F.cross_entropy ((N, C) logits, int64 labels)",
             "cross_entropy", 2.0, strategy=cross_entropy_cases(), verify=verify_cross_entropy),
    Property("cross_entropy_large_logits", "cross_entropy matches F.cross_entropy for logits up to |1e4|",
             "cross_entropy", 1.0, strategy=cross_entropy_cases(large=True), verify=verify_cross_entropy),
    Scripted("cross_entropy_ufrn_example", "cross_entropy gives 1.6553 on the UFRN example",
             "cross_entropy", 0.5, body=_ufrn_example),
    raises_value_error("cross_entropy_errors", "cross_entropy raises ValueError for labels outside [0, C)",
                       "cross_entropy", BAD_CROSS_ENTROPY, LOSS_ARGS, weight=1.0),
    Property("binary_cross_entropy_matches_reference",
             "binary_cross_entropy matches F.binary_cross_entropy (probabilities 0 and 1 included)",
             "binary_cross_entropy", 3.5, strategy=bce_cases(), verify=verify_bce),
    raises_value_error("binary_cross_entropy_errors",
                       "binary_cross_entropy raises ValueError for probabilities outside [0, 1] and mismatched shapes",
                       "binary_cross_entropy", BAD_BCE, BCE_ARGS, weight=1.0),
]
