"""Lines: the toy data set of the UFRN case study (Convolutions, "Case Study").

Each sample is a 10x10 grayscale picture holding one straight line:

* class 0 -- a horizontal or a vertical line,
* class 1 -- a diagonal that runs down from the top-left, like ``\\``,
* class 2 -- a diagonal that runs up from the bottom-left, like ``/``.

Position, length (5 to 10 pixels), thickness (1 or 2 pixels) and brightness of
the line are random, and the background carries faint noise, so a tiny CNN
has something to learn but cannot simply look at one pixel. Everything comes
from ``numpy.random.Generator(seed)``: the same seed gives the same images.

>>> images, labels = make_lines(n_images=4, seed=0)
>>> images.shape, images.dtype, labels.dtype
((4, 1, 10, 10), dtype('float32'), dtype('int64'))
"""
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

IMG_SIZE = 10
CLASS_NAMES = ("horizontal or vertical", "diagonal \\", "diagonal /")


def _draw_line(rng: np.random.Generator, label: int, size: int = IMG_SIZE) -> np.ndarray:
    """One (size, size) float32 image in [0, 1] with a line of class ``label``."""
    length = int(rng.integers(5, size + 1))
    steps = np.arange(length)
    if label == 0:
        fixed = np.full(length, rng.integers(0, size))
        moving = rng.integers(0, size - length + 1) + steps
        rows, cols = (fixed, moving) if rng.random() < 0.5 else (moving, fixed)
        # a second, parallel line of pixels makes it two pixels thick
        side = (1, 0) if rows[0] == rows[-1] else (0, 1)
    else:
        r0, c0 = rng.integers(0, size - length + 1, size=2)
        rows = r0 + (steps if label == 1 else length - 1 - steps)
        cols = c0 + steps
        side = (0, 1)
    line = np.zeros((size, size), dtype=np.float32)
    line[rows, cols] = 1.0
    if rng.random() < 0.3:
        sign = 1 if rng.random() < 0.5 else -1
        r2, c2 = rows + sign * side[0], cols + sign * side[1]
        inside = (r2 >= 0) & (r2 < size) & (c2 >= 0) & (c2 < size)
        line[r2[inside], c2[inside]] = 1.0
    brightness = rng.uniform(0.6, 1.0)
    noise = rng.uniform(0.0, 0.25, size=(size, size))
    return np.maximum(line * brightness, noise).astype(np.float32)


def make_lines(n_images: int = 1000, seed: int = 13) -> tuple[np.ndarray, np.ndarray]:
    """Generate ``n_images`` line pictures and their labels.

    Returns ``(images, labels)``: images float32 of shape ``(N, 1, 10, 10)``
    with values in [0, 1] (one channel, ready for ``nn.Conv2d(1, ...)``), and
    labels int64 of shape ``(N,)`` with values 0, 1, 2 drawn uniformly.
    Deterministic: the same ``seed`` always gives the same arrays.
    """
    if n_images < 1:
        raise ValueError(f"n_images must be at least 1, got {n_images}")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n_images).astype(np.int64)
    images = np.stack([_draw_line(rng, int(label)) for label in labels])
    return images[:, None, :, :], labels


def lines_loaders(n_images: int = 1000, seed: int = 13, val_fraction: float = 0.2,
                  batch_size: int = 16) -> tuple[DataLoader, DataLoader]:
    """Train and validation ``DataLoader``s over :func:`make_lines` data.

    The last ``round(n_images * val_fraction)`` images form the validation
    set (the images are already in random order). The training loader
    reshuffles every epoch with a ``torch.Generator`` seeded from ``seed``, so
    runs repeat exactly; the validation loader keeps its order. Batches are
    ``(x, y)`` with ``x`` float32 ``(B, 1, 10, 10)`` and ``y`` int64 ``(B,)``,
    what the case-study model and ``nn.CrossEntropyLoss`` expect.
    """
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    images, labels = make_lines(n_images, seed)
    n_val = int(round(n_images * val_fraction))
    if n_val < 1 or n_val >= n_images:
        raise ValueError(f"val_fraction={val_fraction} leaves an empty split of {n_images} images")
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    train = TensorDataset(x[:-n_val], y[:-n_val])
    val = TensorDataset(x[-n_val:], y[-n_val:])
    shuffle_gen = torch.Generator().manual_seed(seed)
    return (DataLoader(train, batch_size=batch_size, shuffle=True, generator=shuffle_gen),
            DataLoader(val, batch_size=batch_size, shuffle=False))
