"""correct puts the total number of correct predictions in every row instead of the hits of that class.

expect-fail: correct_counts
expect-feedback: counts every correct prediction
expect-credit: correct_counts = 0.0
"""
_right_correct = correct


def correct(model, x, y):
    counts = _right_correct(model, x, y)
    counts[:, 0] = counts[:, 0].sum()
    return counts
