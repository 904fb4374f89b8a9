"""conv_output_size leaves dilation out of the formula.
The dilation share of the formula and the dilated kernel's fit requirement are lost.

expect-fail: conv_output_size_formula, conv_output_size_errors
expect-feedback: ignores dilation
expect-feedback: should raise ValueError when the dilated kernel does not fit
expect-credit: conv_output_size_formula = 0.733
expect-credit: conv_output_size_errors = 0.867
"""
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    for name, value, low in (("n", n, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
                             ("padding", padding, 0), ("dilation", dilation, 1)):
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    out = (n + 2 * padding - (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError("the kernel does not fit into the padded input")
    return out
