"""augmentation_transform raises ValueError for size < 1, but its message does not say which argument is wrong.

expect-fail: augmentation_transform_errors
expect-feedback: name `size` in it
expect-credit: augmentation_transform_errors = 0.8
"""
_reference = augmentation_transform


def augmentation_transform(size: int = 40):
    if size < 1:
        raise ValueError("the images need at least one pixel")
    return _reference(size)
