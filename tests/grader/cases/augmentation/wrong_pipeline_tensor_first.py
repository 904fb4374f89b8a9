"""augmentation_transform converts with ToTensor first (no ToPILImage): every step works on floats.

expect-fail: augmentation_transform_matches_reference
expect-feedback: starts with ToTensor instead of ToPILImage
expect-credit: augmentation_transform_matches_reference = 0.0
"""
from torchvision import transforms


def augmentation_transform(size: int = 40) -> transforms.Compose:
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return transforms.Compose([
        transforms.ToTensor(),
        transforms.Resize((size, size)),
        transforms.ColorJitter(brightness=0.5, hue=0.3),
        transforms.RandomRotation(degrees=(0, 5)),
        transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5)),
        transforms.RandomAdjustSharpness(sharpness_factor=2),
        transforms.Normalize((0.5,), (0.5,)),
    ])
