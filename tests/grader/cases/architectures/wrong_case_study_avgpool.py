"""build_case_study_cnn pools with AvgPool2d(2): children names and parameter shapes are right, the
outputs are not.

expect-fail: build_case_study_cnn_structure, build_case_study_cnn_forward
expect-feedback: maxp1 averages
expect-feedback: child 2 is `maxp1: AvgPool2d`, expected `maxp1: MaxPool2d`
expect-credit: build_case_study_cnn_structure = 0.0
expect-credit: build_case_study_cnn_forward = 0.0
"""
_right_case_study = build_case_study_cnn


def build_case_study_cnn(n_channels: int = 1):
    model = _right_case_study(n_channels)
    model.maxp1 = nn.AvgPool2d(2)
    return model
