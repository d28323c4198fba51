"""Your training loop, on your engine and your nn (exercise 14.1, build-train)."""


def train_step(model, xs, ys, lr):
    """One step of the lecture's gradient descent, and the loss it measured:

    forward: ypred = [model(x) for x in xs]
    loss: the sum over the samples of (ypred - y)**2
    zero every parameter's grad, then loss.backward()
    update: each parameter's data moves by -lr * its grad
    return the loss (a Value or its data)
    """
    raise NotImplementedError("exercise 14.1 (build-train): write train_step")
