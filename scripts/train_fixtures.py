#!/usr/bin/python3
"""Trains the network fixtures qdes tests and scenarios use, with fixed seeds, and writes them in qdes's HDF5
model format (docs/nn_model_format.md) together with PyTorch's logits on the test set.

Run once by a developer, never by CI (CI only reads the committed files):

    /usr/bin/python3 scripts/train_fixtures.py [--out tests/fixtures/nn] [--only lenet_300_100,...]

Needs Debian's python3-torch, python3-torchvision, python3-h5py, python3-onnx, python3-sklearn,
dataset-fashion-mnist and libopenblas0-pthread (without OpenBLAS torch's matrix products are ~16x slower).

Fixtures:
  lenet_300_100.h5       784-300-100-10 MLP on Fashion-MNIST (the neuron-merging paper's FC model)
  fmnist_cnn.h5          conv3x3(16)+BN+ReLU, maxpool, conv3x3(32)+BN+ReLU, maxpool, fc 64, fc 10 on Fashion-MNIST
  digits_mlp.h5          64-128-64-10 MLP on scikit-learn's 8x8 digits (test split stored in the file)
  moe_pretrained.h5      patch-embedding + mixture-of-experts classifier trained on Fashion-MNIST
  moe_finetuned.h5       the same network fine-tuned on the digits (8x8 -> 28x28 by 3x nearest + 2-pixel pad)
  lenet_300_100.onnx, fmnist_cnn.onnx                          full ONNX exports (import checks)
  resnet18.onnx, mobilenet_v2.onnx, vgg16_cifar.onnx          torchvision/CIFAR architectures, random weights,
                                                               initializer values stripped (shapes only)
"""
import argparse
import gzip
import math
import os
import sys
import time

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FMNIST = "/usr/share/datasets/fashion-mnist"
DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


# ----------------------------------------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist(split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(f"{FMNIST}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = read_idx(f"{FMNIST}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x[:, None, :, :].copy()), torch.from_numpy(y.copy())


def digits_test_indices():
    """qdes's fixed digits split: rows whose index mod 10 is 7, 8 or 9 are the test set (30%)."""
    return np.array([i for i in range(1797) if i % 10 >= 7], dtype=np.int64)


def digits(split):
    rows = np.loadtxt(DIGITS, delimiter=",", dtype=np.float32)
    x, y = rows[:, :64] / 16.0, rows[:, 64].astype(np.int64)
    test = digits_test_indices()
    mask = np.zeros(len(y), dtype=bool)
    mask[test] = True
    sel = mask if split == "test" else ~mask
    return torch.from_numpy(x[sel].copy()), torch.from_numpy(y[sel].copy())


def digits_as_28(x):
    """8x8 digits to 28x28: each pixel repeated 3x3 (24x24), then 2 zero pixels around."""
    img = x.reshape(-1, 1, 8, 8).repeat_interleave(3, dim=2).repeat_interleave(3, dim=3)
    return F.pad(img, (2, 2, 2, 2))


# ----------------------------------------------------------------------------------------------- models

class LeNet300100(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)

    def forward(self, x):
        x = x.flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    def layers(self):
        return [("flatten", "flatten", {}), ("fc1", "linear", self.fc1), ("relu1", "relu", {}),
                ("fc2", "linear", self.fc2), ("relu2", "relu", {}), ("fc3", "linear", self.fc3)]


class FmnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
        self.fc1, self.fc2 = nn.Linear(32 * 7 * 7, 64), nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))

    def layers(self):
        return [("conv1", "conv", self.conv1), ("bn1", "batchnorm", self.bn1), ("relu1", "relu", {}),
                ("pool1", "maxpool", {"kernel": 2, "stride": 2, "pad": 0}),
                ("conv2", "conv", self.conv2), ("bn2", "batchnorm", self.bn2), ("relu2", "relu", {}),
                ("pool2", "maxpool", {"kernel": 2, "stride": 2, "pad": 0}),
                ("flatten", "flatten", {}), ("fc1", "linear", self.fc1), ("relu3", "relu", {}),
                ("fc2", "linear", self.fc2)]


class DigitsMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(64, 128), nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    def layers(self):
        return [("fc1", "linear", self.fc1), ("relu1", "relu", {}), ("fc2", "linear", self.fc2),
                ("relu2", "relu", {}), ("fc3", "linear", self.fc3)]


class MoE(nn.Module):
    """Top-k mixture of experts over tokens, as qdes computes it (models/nn/moe.h): router logits, softmax over
    the experts, the k largest probabilities renormalised to sum to one as gates. Each expert takes at most
    ceil(k T cf / E) tokens of a sample; first choices of all tokens (in token order) are placed before second
    choices; a token over capacity gets nothing from that expert. Expert e: fc2(relu(fc1(x)))."""

    def __init__(self, d, dff, experts, top_k, capacity_factor):
        super().__init__()
        self.d, self.dff, self.E, self.k, self.cf = d, dff, experts, top_k, capacity_factor
        self.router = nn.Linear(d, experts)
        self.fc1_w = nn.Parameter(torch.randn(experts, dff, d) / math.sqrt(d))
        self.fc1_b = nn.Parameter(torch.zeros(experts, dff))
        self.fc2_w = nn.Parameter(torch.randn(experts, d, dff) / math.sqrt(dff))
        self.fc2_b = nn.Parameter(torch.zeros(experts, d))

    def forward(self, x):
        B, T, d = x.shape
        probs = F.softmax(self.router(x), dim=-1)
        top_p, top_i = probs.topk(self.k, dim=-1)
        gates = top_p / top_p.sum(-1, keepdim=True)
        cap = math.ceil(self.k * T * self.cf / self.E)
        filled = torch.zeros(B, 1, self.E, device=x.device)
        keep = []
        for r in range(self.k):
            one_hot = F.one_hot(top_i[..., r], self.E).float()
            position = ((torch.cumsum(one_hot, dim=1) - 1 + filled) * one_hot).sum(-1)
            keep.append(position < cap)
            filled = filled + one_hot.sum(1, keepdim=True)
        keep = torch.stack(keep, -1).float()
        h = F.relu(torch.einsum("btd,efd->btef", x, self.fc1_w) + self.fc1_b)
        y = torch.einsum("btef,edf->bted", h, self.fc2_w) + self.fc2_b
        chosen = torch.gather(y, 2, top_i[..., None].expand(B, T, self.k, d))
        return (chosen * (gates * keep)[..., None]).sum(2)


class MoeClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Conv2d(1, 32, 4, stride=4)
        self.moe = MoE(32, 64, 8, 2, 1.25)
        self.fc = nn.Linear(49 * 32, 10)

    def forward(self, x):
        tokens = F.relu(self.embed(x)).flatten(2).transpose(1, 2)
        tokens = tokens + self.moe(tokens)
        return self.fc(tokens.flatten(1))

    def layers(self):
        return [("embed", "conv", self.embed), ("relu", "relu", {}), ("tokens", "tokens", {}),
                ("moe", "moe", self.moe), ("residual", "add", {"inputs": "tokens,moe"}),
                ("flatten", "flatten", {}), ("fc", "linear", self.fc)]


# ----------------------------------------------------------------------------------------------- training

def train(model, x, y, epochs, lr, momentum=0.9, weight_decay=5e-4, batch=128, seed=1, log=""):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y), generator=gen)
        total, start = 0.0, time.time()
        for i in range(0, len(y), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        print(f"  {log} epoch {epoch + 1}/{epochs}: loss {total / len(y):.4f} ({time.time() - start:.1f} s)",
              flush=True)


@torch.no_grad()
def logits_of(model, x):
    model.eval()
    return torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])


# ----------------------------------------------------------------------------------------------- export

def write_model(path, model, name, dataset, input_shape, x_test, y_test, seed, extra_reference=None):
    logits = logits_of(model, x_test).numpy().astype(np.float32)
    top1 = float((logits.argmax(1) == y_test.numpy()).mean())
    if os.path.exists(path):
        os.remove(path)
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "qdes-nn"
        f.attrs["format_version"] = 1
        f.attrs["model_name"] = name
        f.attrs["dataset"] = dataset
        f.attrs["input_shape"] = ",".join(str(s) for s in input_shape)
        f.attrs["framework"] = f"torch-{torch.__version__}"
        f.attrs["seed"] = seed
        layers = f.create_group("layers")
        for i, (lname, op, mod) in enumerate(model.layers()):
            g = layers.create_group(f"{i:03d}_{lname}")
            g.attrs["op"] = op
            g.attrs["name"] = lname
            g.attrs["inputs"] = mod.get("inputs", "") if isinstance(mod, dict) else ""
            if op == "linear":
                g.attrs["in_features"], g.attrs["out_features"] = mod.in_features, mod.out_features
                g["weight"] = mod.weight.detach().numpy()
                g["bias"] = mod.bias.detach().numpy()
            elif op == "conv":
                g.attrs["in_channels"], g.attrs["out_channels"] = mod.in_channels, mod.out_channels
                g.attrs["kernel_h"], g.attrs["kernel_w"] = mod.kernel_size
                g.attrs["stride_h"], g.attrs["stride_w"] = mod.stride
                g.attrs["pad_h"], g.attrs["pad_w"] = mod.padding
                g.attrs["groups"] = mod.groups
                g["weight"] = mod.weight.detach().numpy()
                if mod.bias is not None:
                    g["bias"] = mod.bias.detach().numpy()
            elif op == "batchnorm":
                g.attrs["channels"], g.attrs["eps"] = mod.num_features, mod.eps
                g["gamma"], g["beta"] = mod.weight.detach().numpy(), mod.bias.detach().numpy()
                g["mean"], g["var"] = mod.running_mean.numpy(), mod.running_var.numpy()
            elif op == "moe":
                g.attrs["d_model"], g.attrs["d_ff"], g.attrs["experts"] = mod.d, mod.dff, mod.E
                g.attrs["top_k"], g.attrs["capacity_factor"] = mod.k, mod.cf
                g["router_weight"] = mod.router.weight.detach().numpy()
                g["router_bias"] = mod.router.bias.detach().numpy()
                for key in ("fc1_w", "fc1_b", "fc2_w", "fc2_b"):
                    g[key.replace("_w", "_weight").replace("_b", "_bias")] = getattr(mod, key).detach().numpy()
            elif op in ("maxpool", "avgpool"):
                for k, v in mod.items():
                    g.attrs[k] = v
        ref = f.create_group("reference")
        ref.attrs["dataset"] = dataset
        ref.attrs["top1"] = top1
        ref.attrs["samples"] = len(y_test)
        ref["logits"] = logits
        for k, v in (extra_reference or {}).items():
            ref[k] = v
    print(f"{path}: top-1 {100 * top1:.2f}% on {len(y_test)} {dataset} test samples", flush=True)
    return top1


def export_onnx(model, path, input_shape, strip):
    import onnx
    model.eval()
    torch.onnx.export(model, torch.zeros(1, *input_shape), path, opset_version=13,
                      input_names=["input"], output_names=["logits"])
    if strip:
        m = onnx.load(path)
        for init in m.graph.initializer:
            init.ClearField("raw_data")
            init.ClearField("float_data")
            init.ClearField("int64_data")
        m.doc_string = "qdes fixture: initializer values stripped, shapes only"
        onnx.save(m, path)
    print(f"{path}: {os.path.getsize(path)} bytes", flush=True)


def vgg16_cifar():
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512]
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1, bias=False), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            c = v
    layers += [nn.AvgPool2d(2), nn.Flatten(), nn.Linear(512, 512), nn.ReLU(inplace=True), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "nn"))
    ap.add_argument("--only", default="lenet_300_100,fmnist_cnn,digits_mlp,moe,shapes")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    only = set(args.only.split(","))
    out = lambda name: os.path.join(args.out, name)

    if only & {"lenet_300_100", "fmnist_cnn", "moe"}:
        xtr, ytr = fashion_mnist("train")
        xte, yte = fashion_mnist("test")
    if "digits_mlp" in only or "moe" in only:
        dtr, dytr = digits("train")
        dte, dyte = digits("test")

    if "lenet_300_100" in only:
        torch.manual_seed(1)
        m = LeNet300100()
        train(m, xtr, ytr, epochs=30, lr=0.05, weight_decay=1e-4, seed=1, log="lenet_300_100")
        write_model(out("lenet_300_100.h5"), m, "lenet_300_100", "fashion-mnist", (1, 28, 28), xte, yte, 1)
        export_onnx(m, out("lenet_300_100.onnx"), (1, 28, 28), strip=False)
    if "fmnist_cnn" in only:
        torch.manual_seed(2)
        m = FmnistCnn()
        train(m, xtr, ytr, epochs=12, lr=0.05, weight_decay=5e-4, seed=2, log="fmnist_cnn")
        write_model(out("fmnist_cnn.h5"), m, "fmnist_cnn", "fashion-mnist", (1, 28, 28), xte, yte, 2)
        export_onnx(m, out("fmnist_cnn.onnx"), (1, 28, 28), strip=False)
    if "digits_mlp" in only:
        torch.manual_seed(3)
        m = DigitsMlp()
        train(m, dtr, dytr, epochs=60, lr=0.05, weight_decay=1e-4, batch=32, seed=3, log="digits_mlp")
        write_model(out("digits_mlp.h5"), m, "digits_mlp", "digits", (64,), dte, dyte, 3,
                    {"test_indices": digits_test_indices()})
    if "moe" in only:
        torch.manual_seed(4)
        m = MoeClassifier()
        train(m, xtr, ytr, epochs=10, lr=0.05, weight_decay=1e-4, seed=4, log="moe pretrain (fashion-mnist)")
        write_model(out("moe_pretrained.h5"), m, "moe_classifier", "fashion-mnist", (1, 28, 28), xte, yte, 4)
        train(m, digits_as_28(dtr), dytr, epochs=30, lr=0.02, weight_decay=1e-4, batch=32, seed=5,
              log="moe fine-tune (digits)")
        write_model(out("moe_finetuned.h5"), m, "moe_classifier", "digits-28", (1, 28, 28), digits_as_28(dte),
                    dyte, 5, {"test_indices": digits_test_indices()})
    if "shapes" in only:
        import torchvision
        torch.manual_seed(6)
        export_onnx(torchvision.models.resnet18(weights=None), out("resnet18.onnx"), (3, 224, 224), strip=True)
        export_onnx(torchvision.models.mobilenet_v2(weights=None), out("mobilenet_v2.onnx"), (3, 224, 224),
                    strip=True)
        export_onnx(vgg16_cifar(), out("vgg16_cifar.onnx"), (3, 32, 32), strip=True)


if __name__ == "__main__":
    sys.exit(main())
