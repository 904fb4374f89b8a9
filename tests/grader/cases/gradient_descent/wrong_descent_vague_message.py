"""gradient_descent that rejects the right arguments, with one message for all of them that does not say which
argument is wrong.

expect-fail: gradient_descent_errors
expect-feedback: messages name the argument ✗
expect-feedback: its message does not say which argument is wrong
expect-credit: gradient_descent_errors = 0.8
"""


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("invalid arguments")
    path = [start]
    for _ in range(epochs):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path
