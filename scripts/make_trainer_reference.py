#!/usr/bin/python3
"""Writes the PyTorch reference the C++ trainer (models/nn/train.h) is tested against: a small CNN with batch norm,
a grouped convolution, a residual add, max and average pooling, trained for a few SGD steps (momentum, weight
decay, batch norm in training mode) on fixed batches of the 8x8 digits, with no shuffling.

    /usr/bin/python3 scripts/make_trainer_reference.py

Writes tests/fixtures/nn/trainer_initial.h5 (the weights before, the batches and the loss of every step under
"reference") and tests/fixtures/nn/trainer_final.h5 (the weights and running statistics after).
"""
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from train_fixtures import digits, write_model  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "nn")
STEPS, BATCH, LR, MOMENTUM, DECAY = 4, 16, 0.1, 0.9, 1e-3


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, groups=2)
        self.fc = nn.Linear(4 * 2 * 2, 10)

    def forward(self, x):
        a = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        b = F.relu(self.conv2(a) + a)
        return self.fc(F.avg_pool2d(b, 2).flatten(1))

    def layers(self):
        return [("conv1", "conv", self.conv1), ("bn1", "batchnorm", self.bn1), ("relu1", "relu", {}),
                ("pool1", "maxpool", {"kernel": 2, "stride": 2, "pad": 0}),
                ("conv2", "conv", self.conv2), ("residual", "add", {"inputs": "conv2,pool1"}),
                ("relu2", "relu", {}), ("pool2", "avgpool", {"kernel": 2, "stride": 2, "pad": 0}),
                ("flatten", "flatten", {}), ("fc", "linear", self.fc)]


def main():
    torch.manual_seed(11)
    torch.use_deterministic_algorithms(True)
    x, y = digits("train")
    x, y = x[:STEPS * BATCH].reshape(-1, 1, 8, 8), y[:STEPS * BATCH]
    model = TinyCnn()
    write_model(os.path.join(OUT, "trainer_initial.h5"), model, "trainer_reference", "digits", (1, 8, 8), x, y, 11)
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=DECAY)
    losses = []
    model.train()
    for step in range(STEPS):
        xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with h5py.File(os.path.join(OUT, "trainer_initial.h5"), "a") as f:
        ref = f["reference"]
        ref["train_x"] = x.numpy().astype(np.float32)
        ref["train_y"] = y.numpy().astype(np.int64)
        ref["losses"] = np.array(losses)
        ref.attrs["batch"], ref.attrs["steps"], ref.attrs["lr"] = BATCH, STEPS, LR
        ref.attrs["momentum"], ref.attrs["weight_decay"] = MOMENTUM, DECAY
    write_model(os.path.join(OUT, "trainer_final.h5"), model, "trainer_reference", "digits", (1, 8, 8), x, y, 11)
    print("losses", losses)


if __name__ == "__main__":
    main()
