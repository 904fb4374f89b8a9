"""gradient_descent validates with `epochs <= 0`, so epochs = 0 (a valid call giving [start]) raises.

expect-fail: gradient_descent_default_grad
expect-feedback: epochs = 0 is rejected
expect-credit: gradient_descent_default_grad = 0.7
"""


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs <= 0:
        raise ValueError("epochs must be positive")
    if learning_rate <= 0:
        raise ValueError("learning_rate must be positive")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
