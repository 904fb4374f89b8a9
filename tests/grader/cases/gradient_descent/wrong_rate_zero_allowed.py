"""gradient_descent checks `learning_rate < 0`, so a learning rate of 0 slips through.

expect-fail: gradient_descent_errors
expect-feedback: `< 0` instead of `<= 0`
expect-credit: gradient_descent_errors = 0.6
"""


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate < 0:
        raise ValueError("epochs and learning_rate must not be negative")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
