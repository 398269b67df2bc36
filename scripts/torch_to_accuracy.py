"""PyTorch's time to accuracy with the notebook's recipe, beside `npm run cli -- bench --to-accuracy X`.

Usage: torch_to_accuracy.py MNIST_IDX_DIR [TARGET] [MAX_EPOCHS]. The notebook's LeNet-5, adam at 0.001,
batch 200, a fresh shuffle each epoch, in-memory tensors; after each epoch the test accuracy, until it is
at least TARGET (default 0.988) or MAX_EPOCHS (default 10) have run. Prints one JSON line:
{"seconds": training seconds (evaluation excluded), "epochs": ..., "testAccuracy": ..., "reached": ...}.
"""
import gzip
import json
import os
import struct
import sys
import time

import torch
from torch import nn

from torch_lenet import lenet5

idx_dir = os.path.abspath(sys.argv[1])
target = float(sys.argv[2]) if len(sys.argv) > 2 else 0.988
max_epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
threads = int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(threads)
torch.manual_seed(int(os.environ.get("SEED", "42")))


def read_idx(name: str) -> torch.Tensor:
    """An IDX file (plain or .gz) as a uint8 tensor of its dimensions."""
    path = os.path.join(idx_dir, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            data = f.read()
    else:
        with gzip.open(path + ".gz", "rb") as f:
            data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).view(*dims)


def images(name: str) -> torch.Tensor:
    return read_idx(name).float().div_(255).unsqueeze(1)


x_train, y_train = images("train-images-idx3-ubyte"), read_idx("train-labels-idx1-ubyte").long()
x_test, y_test = images("t10k-images-idx3-ubyte"), read_idx("t10k-labels-idx1-ubyte").long()

model = lenet5()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()
batch_size = 200

seconds, epochs, accuracy = 0.0, 0, 0.0
while epochs < max_epochs and accuracy < target:
    began = time.perf_counter()
    model.train()
    order = torch.randperm(len(x_train))
    for b in range(0, len(order), batch_size):
        idx = order[b:b + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    seconds += time.perf_counter() - began
    epochs += 1
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum()) for i in range(0, len(x_test), 1000))
    accuracy = correct / len(x_test)

print(json.dumps({"seconds": seconds, "epochs": epochs, "testAccuracy": accuracy, "reached": accuracy >= target, "backend": "pytorch-cpu", "threads": threads}))
