"""gradient_descent(x0, learning_rate, epochs, grad=deriv): right by position, but a call naming `start` fails.

expect-fail: gradient_descent_default_grad
expect-feedback: start by name ✗
expect-feedback: the first parameter has another name
expect-credit: gradient_descent_default_grad = 0.7
"""


def gradient_descent(x0, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("epochs must be >= 0 and learning_rate > 0")
    path = [x0]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
