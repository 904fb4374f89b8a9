"""augmentation_transform calls its option `image_size`: augmentation_transform(size=24), with the contract's
name, raises TypeError (positional calls and the default work).

expect-fail: augmentation_transform_matches_reference, augmentation_transform_errors
expect-feedback: unexpected keyword argument 'size'
"""
_reference = augmentation_transform


def augmentation_transform(image_size: int = 40):
    return _reference(image_size)
