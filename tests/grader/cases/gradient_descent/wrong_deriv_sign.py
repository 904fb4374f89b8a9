"""deriv has the wrong sign on the constant: 2*x + 6 (so the default descent goes to -3, not 3). The
descent itself is right: graded with the contract's derivative as grad, it keeps its points.

expect-fail: deriv_exact
expect-feedback: sign of the constant
expect-credit: deriv_exact = 0.0
"""
def f(x):
    return x**2 - 6 * x + 1


def deriv(x):
    return 2 * x + 6


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0:
        raise ValueError("epochs must not be negative")
    if learning_rate <= 0:
        raise ValueError("learning_rate must be positive")
    x = start
    history = [x]
    for epoch in range(epochs):
        x = x - learning_rate * grad(x)
        history.append(x)
    return history
