"""augmentation_transform blurs before it rotates: the random draws go to the wrong steps.

expect-fail: augmentation_transform_matches_reference
expect-feedback: GaussianBlur comes before RandomRotation
expect-credit: augmentation_transform_matches_reference = 0.0
"""
from torchvision import transforms


def augmentation_transform(size: int = 40) -> transforms.Compose:
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return transforms.Compose([
        transforms.ToPILImage(),
        transforms.Resize((size, size)),
        transforms.ColorJitter(brightness=0.5, hue=0.3),
        transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5)),
        transforms.RandomRotation(degrees=(0, 5)),
        transforms.RandomAdjustSharpness(sharpness_factor=2),
        transforms.ToTensor(),
        transforms.Normalize((0.5,), (0.5,)),
    ])
