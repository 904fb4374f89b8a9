"""conv_output_size adds the padding once (n + padding).

expect-fail: conv_output_size_formula
expect-feedback: pads only one side
expect-credit: conv_output_size_formula = 0.733
"""
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    for name, value, low in (("n", n, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
                             ("padding", padding, 0), ("dilation", dilation, 1)):
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    out = (n + padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError("the kernel does not fit into the padded input")
    return out
