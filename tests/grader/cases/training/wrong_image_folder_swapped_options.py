"""image_folder_loader takes shuffle before batch_size: image_folder_loader(root, 4, False), in the
contract's order, gives shuffle=4 and batch_size=False.
By name everything works: the "options by position" part (1 of 10).

expect-fail: image_folder_loader_matches
expect-feedback: image_folder_loader(root, 
expect-credit: image_folder_loader_matches = 0.9
"""
_reference = image_folder_loader


def image_folder_loader(root, shuffle: bool = True, batch_size: int = 8) -> DataLoader:
    return _reference(root, batch_size=batch_size, shuffle=shuffle)
