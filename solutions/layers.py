"""The layers between convolutions (UFRN lecture, "Activation Function",
"Batch Normalization", "Dropout" and "Fully Connected Layer").

ReLU, flattening, batch normalisation and dropout, each as a small
function on tensors.
"""
import math

import torch


def relu(x: torch.Tensor) -> torch.Tensor:
    """The rectified linear unit ``max(x, 0)``, elementwise; equal to ``torch.relu``.

    Negative values become 0, everything else passes unchanged -- including
    NaN, which stays NaN as in PyTorch.

    Example (UFRN): ``[[-10, 3, 5, 0], [4, -3, 3, -3], [1, 0, 20, 4], [5, 6, -10, 9]]``
    becomes ``[[0, 3, 5, 0], [4, 0, 3, 0], [1, 0, 20, 4], [5, 6, 0, 9]]``.

    Forbidden here: torch.relu, F.relu, nn.ReLU, clamp and clip.
    """
    ### BEGIN SOLUTION
    ### HINT: torch.where(x < 0, zero, x) -- testing x < 0 (not x > 0) lets NaN pass through
    return torch.where(x < 0, torch.zeros_like(x), x)
    ### END SOLUTION


def flatten(x: torch.Tensor) -> torch.Tensor:
    """Keep the first (batch) dimension and merge all others; equal to ``nn.Flatten()(x)``.

    Shapes: ``(N, d1, d2, ...)`` -> ``(N, d1 * d2 * ...)``. This is how the
    feature maps of the last convolution become the input vector of a
    fully connected layer, e.g. ``(1, 1, 3, 3)`` -> ``(1, 9)``.

    It must also work for non-contiguous tensors (for instance a transposed
    one), where ``view`` fails but ``reshape`` copies when needed.

    Raises:
        ValueError: if ``x`` has fewer than 2 dimensions.

    Forbidden here: torch.flatten, Tensor.flatten, nn.Flatten.
    """
    ### BEGIN SOLUTION
    ### HINT: x.reshape(batch size, product of the remaining sizes)
    if x.dim() < 2:
        raise ValueError(f"x must have at least 2 dimensions (N, ...), got shape {tuple(x.shape)}")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))
    ### END SOLUTION


def batch_norm(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Batch normalisation in training mode, without the learnable scale and shift.

    Each channel ``c`` is shifted to mean 0 and scaled to variance 1 using
    the statistics of the current batch::

        out = (x - mean_c) / sqrt(var_c + eps)

    where ``mean_c`` and ``var_c`` are taken over every dimension except the
    channel dimension 1 (over ``N`` for ``(N, C)``, over ``N, H, W`` for
    ``(N, C, H, W)``), and ``var_c`` is the *biased* variance (divide by the
    number of values, not by one less). Equal to
    ``F.batch_norm(x, None, None, training=True, eps=eps)``.

    Raises:
        ValueError: if ``x`` has fewer than 2 dimensions, a channel has
            only one value (its variance says nothing), or ``eps <= 0`` (as
            ``F.batch_norm`` in training mode).

    Forbidden here: F.batch_norm, nn.BatchNorm*, F.layer_norm, F.instance_norm.
    """
    ### BEGIN SOLUTION
    ### HINT: reduce over dims [0, 2, 3, ...] with keepdim=True: mean, then mean of squared deviations
    if x.dim() < 2:
        raise ValueError(f"x must have shape (N, C) or (N, C, H, W), got {tuple(x.shape)}")
    dims = [0] + list(range(2, x.dim()))
    values_per_channel = x.numel() // x.shape[1] if x.shape[1] else 0
    if values_per_channel == 1:
        raise ValueError(
            f"batch_norm needs more than one value per channel, got x of shape {tuple(x.shape)}"
        )
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
    ### END SOLUTION


def dropout(x: torch.Tensor, p: float, training: bool = True, generator=None) -> torch.Tensor:
    """Inverted dropout: randomly silence elements while training.

    Each element is set to 0 with probability ``p``; the survivors are
    multiplied by ``1 / (1 - p)`` so that the expected value of every
    element stays ``x`` and nothing needs rescaling at test time.

    - ``training=False`` or ``p == 0``: returns ``x`` unchanged.
    - ``p == 1``: every element is dropped, the result is all zeros.
    - The random draws come from ``generator`` (a ``torch.Generator``) when
      given, so the same seed gives the same mask.

    Raises:
        ValueError: if ``p`` is not in ``[0, 1]``.

    Forbidden here: F.dropout, nn.Dropout, torch.dropout.
    """
    ### BEGIN SOLUTION
    ### HINT: keep = torch.rand(x.shape, generator=generator) >= p; return x * keep / (1 - p)
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, device=x.device) >= p
    return x * keep.to(x.dtype) * (1 / (1 - p))
    ### END SOLUTION
