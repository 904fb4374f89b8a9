"""Always calls deriv, whatever `grad` is passed in.

expect-fail: gradient_descent_custom_grad
expect-feedback: `grad` argument is ignored
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
    history = [x]
    for epoch in range(epochs):
        x = x - learning_rate * deriv(x)
        history.append(x)
    return history
