"""augmentation_transform calls its option `image_size`: augmentation_transform(size=24), with the contract's
name, raises TypeError (positional calls and the default work).
A signature slip: the "size= by name" feature of the pipeline test (the error test calls by position).

expect-fail: augmentation_transform_matches_reference
expect-feedback: unexpected keyword argument 'size'
expect-credit: augmentation_transform_matches_reference = 0.667
"""
_reference = augmentation_transform


def augmentation_transform(image_size: int = 40):
    return _reference(image_size)
