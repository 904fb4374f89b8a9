"""augmentation_transform returns the list of steps itself, not a Compose that applies them in turn.

expect-fail: augmentation_transform_matches_reference
expect-feedback: wrap them in transforms.Compose
expect-credit: augmentation_transform_matches_reference = 0.0
"""
from torchvision import transforms


def augmentation_transform(size: int = 40):
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return [
        transforms.ToPILImage(),
        transforms.Resize((size, size)),
        transforms.ColorJitter(brightness=0.5, hue=0.3),
        transforms.RandomRotation(degrees=(0, 5)),
        transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5)),
        transforms.RandomAdjustSharpness(sharpness_factor=2),
        transforms.ToTensor(),
        transforms.Normalize((0.5,), (0.5,)),
    ]
