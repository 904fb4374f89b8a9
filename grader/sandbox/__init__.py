"""Running untrusted student code: a child process per topic, a pickle-free wire format."""

# The packages the zygote may import before forking, beyond torch, NumPy and OpenCV, with their modules.
# A confined child may be unable to read site-packages: what it imports must be loaded before the fork.
OPTIONAL_IMPORTS = {
    "torchvision": ("torchvision", "torchvision.transforms.v2"),
    "matplotlib": ("matplotlib.pyplot",),
    "scipy": ("scipy.signal", "scipy.ndimage"),
}
