"""The studio's LeNet-5 (and the spec variants the benchmark compares) in PyTorch, for the scripts beside it."""
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU, "linear": nn.Identity}

# The notebook's model, as the studio's defaultSpec() has it (only the fields that shape the network).
DEFAULT_SPEC = {
    "activation": "relu",
    "conv": [
        {"filters": 6, "kernelSize": 5, "padding": "same", "pool": "max", "poolSize": 2, "poolStride": 2},
        {"filters": 16, "kernelSize": 5, "padding": "valid", "pool": "max", "poolSize": 2, "poolStride": 2},
    ],
    "dense": [120, 84],
}


def lenet5(spec=None) -> nn.Sequential:
    """The network of a studio spec (any part given; the rest is the notebook's): conv, pool, dense, 10 logits.

    With no spec: conv 6@5x5 same, pool, conv 16@5x5 valid, pool, dense 120, 84, 10 (61,706 parameters).
    """
    spec = {**DEFAULT_SPEC, **(spec or {})}
    act = ACTIVATIONS[spec["activation"]]
    layers, channels, size = [], 1, 28
    for conv in spec["conv"]:
        k = conv["kernelSize"]
        # PyTorch's padding="same" pads like Keras for odd kernels (the variants benchmarked here).
        layers += [nn.Conv2d(channels, conv["filters"], k, padding=conv["padding"]), act()]
        channels = conv["filters"]
        size = size if conv["padding"] == "same" else size - k + 1
        if conv["pool"] != "none":
            pool = nn.MaxPool2d if conv["pool"] == "max" else nn.AvgPool2d
            layers.append(pool(conv["poolSize"], conv["poolStride"]))
            size = (size - conv["poolSize"]) // conv["poolStride"] + 1
    layers.append(nn.Flatten())
    features = channels * size * size
    for units in spec["dense"]:
        layers += [nn.Linear(features, units), act()]
        features = units
    layers.append(nn.Linear(features, 10))
    model = nn.Sequential(*layers)
    if spec == DEFAULT_SPEC:
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
