"""Draw ``augmentation_example.png``: one ``shapes`` image and four random draws of the augmentation.

Run from anywhere: ``python datasets/make_augmentation_example.py``. It applies
the reference ``solutions.augmentation.augmentation_transform`` (40x40) to
``shapes/train/circle/circle_000.png`` under ``torch.manual_seed(0)`` to
``torch.manual_seed(3)`` and writes the original next to the four results.
The seeds are fixed, so a re-run draws the same picture (byte for byte with
the same torchvision, Pillow and matplotlib builds).
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from solutions.augmentation import augmentation_transform  # noqa: E402

SOURCE = HERE / "shapes" / "train" / "circle" / "circle_000.png"
OUT = HERE / "augmentation_example.png"
SEEDS = (0, 1, 2, 3)


def main() -> None:
    image = np.asarray(Image.open(SOURCE).convert("RGB"))  # RGB, as ImageFolder loads it
    transform = augmentation_transform()
    figure, axes = plt.subplots(1, 1 + len(SEEDS), figsize=(2 * (1 + len(SEEDS)), 2.4))
    axes[0].imshow(image, interpolation="nearest")
    axes[0].set_title(f"original\n{image.shape[0]}x{image.shape[1]}", fontsize=9)
    for ax, seed in zip(axes[1:], SEEDS):
        torch.manual_seed(seed)
        x = transform(image)  # (3, 40, 40) in [-1, 1]
        ax.imshow((x * 0.5 + 0.5).clamp(0, 1).permute(1, 2, 0).numpy(), interpolation="nearest")
        ax.set_title(f"torch.manual_seed({seed})\n{x.shape[1]}x{x.shape[2]}", fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle("augmentation_transform(): resize, colour jitter, rotation, blur, sharpness", fontsize=10)
    figure.tight_layout()
    figure.savefig(OUT, dpi=100, metadata={"Software": None})
    plt.close(figure)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
