"""image_folder_loader applies ToTensor only: pixels stay in [0, 1].

expect-fail: image_folder_loader_matches
expect-feedback: Normalize
expect-credit: image_folder_loader_matches = 0.7
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def image_folder_loader(root, batch_size: int = 8, shuffle: bool = True) -> DataLoader:
    """A ``DataLoader`` over a folder of images sorted into one subfolder per class.

    ``torchvision.datasets.ImageFolder(root, transform)`` finds
    ``root/<class>/<image>`` files (classes in alphabetical order, labels 0,
    1, ...) and opens each as RGB. The transform is the VSB one:
    ``ToTensor`` (HxWx3 uint8 -> 3xHxW float in [0, 1]) then ``Normalize``
    with mean 0.5 and std 0.5 per channel, so pixels end up in [-1, 1]
    (0 -> -1, 255 -> 1). The loader yields ``(x, y)`` with ``x`` of shape
    ``(B, 3, H, W)``; ``loader.dataset.classes`` lists the class names.
    """
    transform = transforms.ToTensor()
    dataset = torchvision.datasets.ImageFolder(root=str(root), transform=transform)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
