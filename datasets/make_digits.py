"""Write the ``digits`` data set: real handwritten digits as 28x28 PNGs.

Source: the UCI ML hand-written digits (8x8 images, values 0..16) in the copy
that scikit-learn bundles (``sklearn.datasets.load_digits``, no download).
Each image is scaled to 0..255, enlarged to 20x20 with bilinear
interpolation and centred on a 28x28 black canvas (like MNIST, what LeNet-5
expects). A stratified split puts 20% of every digit in ``test/``.

Only this script needs scikit-learn (``pip install scikit-learn``); the PNG
files it wrote are shipped. Re-running it reproduces them byte for byte.
"""
import shutil
from pathlib import Path

import cv2
import numpy as np
from sklearn.datasets import load_digits

OUT_DIR = Path(__file__).resolve().parent / "digits"
SEED = 2024
TEST_FRACTION = 0.2
INNER, CANVAS = 20, 28


def to_28x28(image_8x8: np.ndarray) -> np.ndarray:
    """An 8x8 image with values 0..16 as a 28x28 uint8 image, digit centred."""
    scaled = (image_8x8.astype(np.float32) * (255.0 / 16.0)).round().astype(np.uint8)
    big = cv2.resize(scaled, (INNER, INNER), interpolation=cv2.INTER_LINEAR)
    canvas = np.zeros((CANVAS, CANVAS), dtype=np.uint8)
    top = (CANVAS - INNER) // 2
    canvas[top:top + INNER, top:top + INNER] = big
    return canvas


def main() -> None:
    digits = load_digits()
    rng = np.random.default_rng(SEED)
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    counts = {"train": 0, "test": 0}
    for label in range(10):
        indices = np.flatnonzero(digits.target == label)
        indices = indices[rng.permutation(len(indices))]
        n_test = int(round(len(indices) * TEST_FRACTION))
        for split, chosen in (("test", indices[:n_test]), ("train", indices[n_test:])):
            folder = OUT_DIR / split / str(label)
            folder.mkdir(parents=True)
            for index in sorted(chosen):
                # the file name keeps the sample's index in load_digits()
                path = folder / f"{index:04d}.png"
                cv2.imwrite(str(path), to_28x28(digits.images[index]), [cv2.IMWRITE_PNG_COMPRESSION, 9])
            counts[split] += len(chosen)
    print(f"wrote {counts['train']} train and {counts['test']} test images under {OUT_DIR}")


if __name__ == "__main__":
    main()
