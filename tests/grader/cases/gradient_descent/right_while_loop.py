"""Correct: deriv as 2*(x - 3), a while loop that reads the last point back from the list,
other error messages, learning_rate checked first.
"""


def f(x):
    return x**2 - 6 * x + 1


def deriv(x):
    return 2.0 * (x - 3.0)


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if not learning_rate > 0:
        raise ValueError(f"learning_rate={learning_rate}: it has to be > 0")
    if epochs < 0:
        raise ValueError(f"epochs={epochs}: cannot take a negative number of steps")
    path = [float(start)]
    while len(path) <= epochs:
        current = path[-1]
        path.append(current - learning_rate * grad(current))
    return path
