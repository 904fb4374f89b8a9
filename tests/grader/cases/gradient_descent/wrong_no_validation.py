"""No argument checks: negative epochs give [start], non-positive learning rates are used as they are.

expect-fail: gradient_descent_errors
expect-feedback: should raise ValueError
expect-feedback: epochs is not checked
expect-feedback: learning_rate is not checked
expect-credit: gradient_descent_errors = 0.0
"""
def f(x):
    return x**2 - 6 * x + 1


def deriv(x):
    return 2 * x - 6


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    x = start
    history = [x]
    for epoch in range(epochs):
        x = x - learning_rate * grad(x)
        history.append(x)
    return history
