"""gradient_descent records the function values f(x_k) instead of the points x_k.

expect-fail: gradient_descent_default_grad, gradient_descent_custom_grad
expect-feedback: it records f(x_k)
expect-credit: gradient_descent_default_grad = 0.0
expect-credit: gradient_descent_custom_grad = 0.0
"""


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("epochs must be >= 0 and learning_rate > 0")
    x = start
    values = [f(x)]
    for _ in range(epochs):
        x = x - learning_rate * grad(x)
        values.append(f(x))
    return values
