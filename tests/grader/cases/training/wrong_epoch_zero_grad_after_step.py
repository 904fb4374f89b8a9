"""train_epoch clears the gradients after each step instead of before each backward pass: right when the model
holds no gradients on entry, but gradients left by an earlier backward pass (a check of the gradients, a
fine-tuning script) go into the first step. An edge case of the loop's order: the "gradients cleared first"
part (1 of 10). fit trains with the grader's train_epoch once this one is known wrong.

expect-fail: train_epoch_matches_reference
expect-feedback: with gradients already in the parameters' .grad on entry
expect-feedback: optimizer.zero_grad() runs after step()
expect-credit: train_epoch_matches_reference = 0.9
"""


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return sum(losses) / len(losses)
