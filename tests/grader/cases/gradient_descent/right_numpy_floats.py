"""Correct: works with NumPy float64 numbers (a subclass of float) and builds the list at the end."""
import numpy as np


def f(x):
    return x**2 - 6 * x + 1


def deriv(x):
    return np.float64(2) * x - 6


def gradient_descent(start, learning_rate, epochs, grad=deriv):
    if epochs < 0 or learning_rate <= 0:
        raise ValueError("need epochs >= 0 and learning_rate > 0")
    xs = np.empty(epochs + 1)
    xs[0] = start
    for k in range(epochs):
        xs[k + 1] = xs[k] - learning_rate * grad(xs[k])
    return xs.tolist()
