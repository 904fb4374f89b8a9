"""Trusted probe code that runs in the child on the student's objects (nn.Module topics)."""


def call_noncontiguous(module, function: str, x, dims, step: int = 1):
    """``module.<function>`` on the strided view ``x.permute(*dims)[..., ::step]``.

    Inputs cross the wire as contiguous arrays; this builds, in the child, the
    non-contiguous tensor (transposed, sliced) a check needs to hand the
    student (``layers.flatten`` must handle one as ``nn.Flatten`` does).
    """
    return getattr(module, function)(x.permute(*dims)[..., ::step])
