"""deriv returns f(x) itself instead of its derivative.

expect-fail: deriv_exact
expect-feedback: it returns f(x) itself
expect-credit: deriv_exact = 0.0
"""


def deriv(x):
    return x**2 - 6 * x + 1


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("epochs must be >= 0 and learning_rate > 0")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
