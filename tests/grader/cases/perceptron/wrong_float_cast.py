"""perceptron that casts its inputs with .float() (to dodge dtype errors): float64 inputs give float32.

expect-fail: perceptron_matches_reference
expect-feedback: has dtype float32; expected float64
expect-credit: perceptron_matches_reference = 0.72
expect-feedback: float32 whatever the inputs' dtype
"""


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    return sigmoid(x.float() @ w.float() + float(b))
