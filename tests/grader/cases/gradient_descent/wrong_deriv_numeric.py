"""deriv approximates the derivative with a forward difference quotient.

expect-fail: deriv_exact
expect-feedback: numerically
expect-credit: deriv_exact = 0.0
"""


def deriv(x):
    h = 1e-7
    return (f(x + h) - f(x)) / h


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("epochs must be >= 0 and learning_rate > 0")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
