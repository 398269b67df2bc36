"""The studio's default LeNet-5 in PyTorch, for the benchmark scripts beside it."""
from torch import nn


def lenet5() -> nn.Sequential:
    """conv 6@5x5 same, pool, conv 16@5x5 valid, pool, dense 120, 84, 10: 61,706 parameters."""
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
    assert sum(p.numel() for p in model.parameters()) == 61706
    return model


def train_step(model, optimizer, loss_fn, xb, yb) -> None:
    """One optimizer step, reading back the loss and the correct count as the studio's loop does."""
    optimizer.zero_grad()
    out = model(xb)
    loss = loss_fn(out, yb)
    loss.backward()
    optimizer.step()
    float(loss)
    float((out.argmax(1) == yb).float().sum())
