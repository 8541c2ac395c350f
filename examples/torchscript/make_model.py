#!/usr/bin/python3
"""Writes a small TorchScript CNN that a DistributedModel of type torchscript can train.

Usage: /usr/bin/python3 make_model.py OUT.pt [--kind cnn|mlp] [--channels 1] [--size 28]
       [--features 8] [--classes 10] [--seed 0]

Any scripted (torch.jit.script) or traced module works the same way; this one is a stand-in for
your own. fedmesh needs three things of it: forward takes one float tensor of shape
[batch, channels, size, size] and returns the class scores [batch, classes]; every trainable
parameter is a float32 parameter of the module (an mlp takes [batch, features]) (its named_parameters are the tensors that travel
and aggregate); and it is saved with torch.jit.save (Debian's python3-torch 1.13 writes files the
PyTorch 2.x engine of the agents reads).
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCnn(nn.Module):
    def __init__(self, channels: int, size: int, classes: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * (size // 4) * (size // 4), classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


class SmallMlp(nn.Module):
    def __init__(self, features: int, classes: int):
        super().__init__()
        self.hidden = nn.Linear(features, 32)
        self.out = nn.Linear(32, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.relu(self.hidden(x)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--kind", choices=["cnn", "mlp"], default="cnn")
    parser.add_argument("--features", type=int, default=8, help="mlp: values per sample")
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.kind == "cnn" and args.size % 4 != 0:
        parser.error("--size must be a multiple of 4 (two 2x2 poolings)")
    torch.manual_seed(args.seed)
    net = SmallCnn(args.channels, args.size, args.classes) if args.kind == "cnn" else SmallMlp(args.features, args.classes)
    module = torch.jit.script(net)
    module.save(args.out)
    for name, p in module.named_parameters():
        print(name, list(p.shape))


if __name__ == "__main__":
    main()
