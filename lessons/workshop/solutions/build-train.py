"""Exercise 14.1 (build-train), worked: each def below takes the place of the one of the same name in train.py
(a method, in its class). Shown to the learner only when asked; a test splices it into the starters
and runs the real checks."""

def train_step(model, xs, ys, lr):
    ypred = [model(x) for x in xs]
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data += -lr * p.grad
    return loss
