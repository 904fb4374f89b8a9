"""The data shipped with the course, and where it lives on disk.

``lines`` is generated on the fly (see :mod:`datasets.lines`); ``shapes`` and
``digits`` are folders of PNG files in ``torchvision.datasets.ImageFolder``
layout (``train/<class>/*.png`` and ``test/<class>/*.png``). See README.md.
"""
from pathlib import Path

DATASETS_DIR = Path(__file__).resolve().parent
SHAPES_DIR = DATASETS_DIR / "shapes"
DIGITS_DIR = DATASETS_DIR / "digits"

__all__ = ["DATASETS_DIR", "SHAPES_DIR", "DIGITS_DIR"]
