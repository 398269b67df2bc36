"""PyTorch reference for `npm run cli -- bench`: the same LeNet-5, adam, batch 200, same warm-up and count.

Usage: bench_torch.py [BATCHES] [--spec JSON]: --spec takes a studio spec's network fields as JSON (activation,
conv, dense), the same object `npm run cli -- bench --spec FILE` reads, for the variants' rows.
Prints one JSON line: {"backend": "pytorch-cpu", "samplesPerSecond": ..., "secondsPerEpoch": ..., "threads": ...}.
Random inputs: throughput does not depend on the pixels.
"""
import json
import os
import sys
import time

import torch
from torch import nn

from torch_lenet import lenet5, train_step

args = sys.argv[1:]
spec = None
if "--spec" in args:
    i = args.index("--spec")
    spec = json.loads(args[i + 1])
    del args[i:i + 2]
batches = int(args[0]) if args else 100
warmup = 20
batch_size = 200
threads = int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(threads)
torch.manual_seed(0)

model = lenet5(spec)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(batch_size * (warmup + batches), 1, 28, 28)
y = torch.randint(0, 10, (batch_size * (warmup + batches),))

start = 0.0
for b in range(warmup + batches):
    if b == warmup:
        start = time.perf_counter()
    xb = x[b * batch_size:(b + 1) * batch_size]
    yb = y[b * batch_size:(b + 1) * batch_size]
    train_step(model, optimizer, loss_fn, xb, yb)
elapsed = time.perf_counter() - start
sps = batches * batch_size / elapsed
print(json.dumps({"backend": "pytorch-cpu", "torch": torch.__version__, "threads": threads, "samplesPerSecond": sps, "secondsPerEpoch": 60000 / sps}))
