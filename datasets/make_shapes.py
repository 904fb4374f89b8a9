"""Draw the ``shapes`` data set: 32x32 colour PNGs of one circle or one square.

Run from anywhere: ``python datasets/make_shapes.py``. It rewrites
``datasets/shapes/{train,test}/{circle,square}/*.png``; the drawing is
seeded, so a re-run reproduces the very same files (byte for byte, with the
same OpenCV/libpng build).
"""
import shutil
from pathlib import Path

import cv2
import numpy as np

OUT_DIR = Path(__file__).resolve().parent / "shapes"
SIZE = 32
CLASSES = ("circle", "square")
SPLITS = {"train": 100, "test": 40}  # images per class
SEED = 2024


def _colours(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A random background and a random shape colour that differ clearly (BGR)."""
    while True:
        background = rng.integers(0, 256, size=3)
        shape = rng.integers(0, 256, size=3)
        if np.abs(background - shape).sum() >= 150:
            return tuple(int(v) for v in background), tuple(int(v) for v in shape)


def draw(rng: np.random.Generator, kind: str) -> np.ndarray:
    """One (32, 32, 3) uint8 BGR image with a filled circle or square."""
    background, colour = _colours(rng)
    image = np.full((SIZE, SIZE, 3), background, dtype=np.uint8)
    half = int(rng.integers(5, 12))  # radius, or half the side of the square
    cx, cy = (int(v) for v in rng.integers(half + 1, SIZE - half - 1, size=2))
    if kind == "circle":
        cv2.circle(image, (cx, cy), half, colour, thickness=-1, lineType=cv2.LINE_AA)
    else:
        cv2.rectangle(image, (cx - half, cy - half), (cx + half, cy + half), colour, thickness=-1)
    noise = rng.integers(-12, 13, size=image.shape)
    return np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def main() -> None:
    rng = np.random.default_rng(SEED)
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    for split, per_class in SPLITS.items():
        for kind in CLASSES:
            folder = OUT_DIR / split / kind
            folder.mkdir(parents=True)
            for i in range(per_class):
                path = folder / f"{kind}_{i:03d}.png"
                cv2.imwrite(str(path), draw(rng, kind), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {sum(SPLITS.values()) * len(CLASSES)} images under {OUT_DIR}")


if __name__ == "__main__":
    main()
