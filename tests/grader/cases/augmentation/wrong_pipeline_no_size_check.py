"""augmentation_transform accepts size 0 and below (Resize fails only later, on the first image).

expect-fail: augmentation_transform_errors
expect-feedback: should raise ValueError for size 0
expect-credit: augmentation_transform_errors = 0.0
"""
from torchvision import transforms


def augmentation_transform(size: int = 40) -> transforms.Compose:
    return transforms.Compose([
        transforms.ToPILImage(),
        transforms.Resize((size, size)),
        transforms.ColorJitter(brightness=0.5, hue=0.3),
        transforms.RandomRotation(degrees=(0, 5)),
        transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5)),
        transforms.RandomAdjustSharpness(sharpness_factor=2),
        transforms.ToTensor(),
        transforms.Normalize((0.5,), (0.5,)),
    ])
