"""Hidden tests for ``convolution``: output sizes, correlate2d, conv2d against F.conv2d.

One module per function, over the evidence they share:

- ``evidence``: calling a tensor function and what a wrong answer says about the known mistakes
  (dtype mistakes, a larger companion case, mistakes that say nothing about a case);
- ``sizes``: ``conv_output_size``;  ``correlate``: ``correlate2d``;  ``conv2d``: ``conv2d``.
"""

from grader.checks.forbidden import Rule
from grader.topics.convolution import conv2d, correlate, sizes

POINTS = 20

CONVOLUTION_RULES = [
    Rule(
        "a built-in convolution (F.conv2d, torch.conv2d, nn.Conv2d or an aten convolution op)",
        runtime=r"^(fn:(conv\d?d|convolution|_convolution|conv_transpose\dd|conv_tbc)|aten:(_?convolution|conv|cudnn_conv|mkldnn_conv|_slow_conv|slow_conv|thnn_conv|_nnpack|miopen_conv|deform_conv))",
        static=r"\.(conv[123]d|convolution|_convolution|Conv[123]d|conv_transpose[123]d|conv_tbc)$",
    ),
    Rule(
        "unfold/im2col (F.unfold, nn.Unfold, Tensor.unfold)",
        runtime=r"^(fn:(unfold|im2col)|aten:(im2col|unfold))$",
        static=r"\.(unfold|Unfold|im2col)$",
    ),
    Rule("cv2.filter2D", runtime=r"^cv2:", static=r"(^|\.)(filter2D|sepFilter2D|Sobel)$"),
    Rule("scipy.signal / scipy.ndimage", runtime=r"^scipy\.", static=r"^scipy\.(signal|ndimage)"),
    Rule("np.convolve / np.correlate", runtime=r"^numpy:", static=r"^(np|numpy)\.(convolve|correlate)$"),
]
# Static names need a module (imports are resolved, F.conv2d -> torch.nn.functional.conv2d): the student's own
# conv2d, called bare from correlate2d, is not a built-in.
BY_LOOPS = {"correlate2d": CONVOLUTION_RULES, "conv2d": CONVOLUTION_RULES}

# The order of the contract (and of the report).
CHECKS = sizes.CHECKS + correlate.CHECKS + conv2d.CHECKS
