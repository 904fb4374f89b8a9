"""conv_output_size divides with / (a float, fractional when the stride does not divide).
The stride share (fractional sizes) and the int-result share are lost; with stride 1 the value is right.

expect-fail: conv_output_size_formula
expect-feedback: divides with /
expect-credit: conv_output_size_formula = 0.667
"""
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    for name, value, low in (("n", n, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
                             ("padding", padding, 0), ("dilation", dilation, 1)):
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    out = (n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
    if out < 1:
        raise ValueError("the kernel does not fit into the padded input")
    return out
