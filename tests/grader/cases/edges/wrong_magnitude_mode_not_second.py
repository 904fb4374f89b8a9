"""gradient_magnitude with an extra parameter before the mode, `gradient_magnitude(image, kernels=None,
mode="l2")` (to try other kernels than Sobel's): every keyword call is right, but gradient_magnitude(image,
"l2") takes "l2" for the kernels and fails. Only the "positional arguments" share is lost.

expect-fail: gradient_magnitude_matches_reference
expect-feedback: the signature is not the contract's
expect-credit: gradient_magnitude_matches_reference = 0.733
"""
import numpy as np


def gradient_magnitude(image, kernels=None, mode="l2"):
    if mode not in ("l2", "l1"):
        raise ValueError(f"mode must be 'l2' or 'l1', got {mode!r}")
    gx, gy = sobel_kernels() if kernels is None else kernels
    grad_x, grad_y = filter2d(image, gx), filter2d(image, gy)
    if mode == "l2":
        return np.sqrt(grad_x ** 2 + grad_y ** 2).astype(np.float32)
    return (np.abs(grad_x) + np.abs(grad_y)).astype(np.float32)
