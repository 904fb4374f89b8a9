"""The trajectory leaves out the starting point: epochs entries instead of epochs + 1.

expect-fail: gradient_descent_default_grad, gradient_descent_custom_grad
expect-feedback: the start is missing
expect-credit: gradient_descent_default_grad = 0.0
expect-credit: gradient_descent_custom_grad = 0.0
"""
def f(x):
    return x**2 - 6 * x + 1


def deriv(x):
    return 2 * x - 6


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0:
        raise ValueError("epochs must not be negative")
    if learning_rate <= 0:
        raise ValueError("learning_rate must be positive")
    x = start
    history = []
    for epoch in range(epochs):
        x = x - learning_rate * grad(x)
        history.append(x)
    return history
