"""gradient_descent steps by the whole gradient, ignoring the learning rate.

expect-fail: gradient_descent_default_grad, gradient_descent_custom_grad
expect-feedback: the learning rate is missing
expect-credit: gradient_descent_default_grad = 0.0
expect-credit: gradient_descent_custom_grad = 0.0
"""


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("epochs must be >= 0 and learning_rate > 0")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - grad(path[-1]))
    return path
