"""gradient_descent(start, epochs, learning_rate, grad=deriv): the slides' call gradient_descent(18, 0.05, 1000)
takes 0.05 as the number of epochs. Called by name it is right: the order costs the "by position" feature.

expect-fail: gradient_descent_default_grad
expect-feedback: by position ✗
expect-feedback: the arguments are in another order
expect-credit: gradient_descent_default_grad = 0.7
"""


def gradient_descent(start, epochs, learning_rate, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("epochs must be >= 0 and learning_rate > 0")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
