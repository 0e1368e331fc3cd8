#!/usr/bin/python3
"""PyTorch peer of io.distill4j.model.ModelBench: the same segmentation student and teacher
(io.distill4j.model.Encoder / SegmentationModel), batch 8, 64x128 and 128x256, L2 loss on the
stride-8 logits against random targets, Adam, timing a train step and a forward pass (median ms).

    /usr/bin/python3 bench/torch_peer.py [threads] [repetitions]      (apt-get install python3-torch)
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class Block(nn.Module):
    """ResNet basic block as in GraphBlocks.residualBlock."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn_relu(cin, cout, 3, stride)
        self.b = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return F.relu(self.b(self.a(x)) + (x if self.proj is None else self.proj(x)))


def stage(cin, cout, depth, stride):
    return nn.Sequential(*[Block(cin if i == 0 else cout, cout, stride if i == 0 else 1) for i in range(depth)])


class Seg(nn.Module):
    def __init__(self, width, depth, pyramid, classes, os=8):
        super().__init__()
        w = width
        self.stem = conv_bn_relu(3, w, 3, 2)
        self.stage1 = stage(w, w, depth, 2)
        self.stage2 = stage(w, 2 * w, depth, 2 if os == 8 else 1)
        self.stage3 = stage(2 * w, 4 * w, depth, 1)
        self.bins = [1, 2, 4] if pyramid else []
        self.reduce = nn.ModuleList([conv_bn_relu(4 * w, w, 1, 1) for _ in self.bins])
        self.neck = conv_bn_relu(4 * w + len(self.bins) * w, 2 * w, 3, 1)
        self.logits = nn.Conv2d(2 * w, classes, 1)

    def forward(self, x):
        x = self.stage3(self.stage2(self.stage1(self.stem(x))))
        h, w = x.shape[2:]
        parts = [x]
        for b, red in zip(self.bins, self.reduce):
            p = red(F.avg_pool2d(x, (h // b, w // b)))
            parts.append(F.interpolate(p, size=(h, w), mode="nearest"))
        return self.logits(self.neck(torch.cat(parts, 1)))


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__} threads={threads}")
    print(f"{'model':12s} {'input':9s} {'params':>9s} {'train':>10s} {'fwd':>10s}")
    for h, w in [(64, 128), (128, 256)]:
        for name, model in [("seg-student", Seg(16, 1, False, 19)), ("seg-teacher", Seg(32, 2, True, 19))]:
            x = torch.randn(8, 3, h, w)
            target = torch.randn(8, 19, h // 8, w // 8)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            train, fwd = [], []
            for i in range(reps + 2):
                model.train()
                t0 = time.perf_counter()
                opt.zero_grad()
                F.mse_loss(model(x), target).backward()
                opt.step()
                t1 = time.perf_counter()
                model.eval()
                with torch.no_grad():
                    model(x)
                t2 = time.perf_counter()
                if i >= 2:
                    train.append((t1 - t0) * 1e3)
                    fwd.append((t2 - t1) * 1e3)
            params = sum(p.numel() for p in model.parameters())
            print(f"{name:12s} {h}x{w:<6d} {params:9d} {median(train):8.1f}ms {median(fwd):8.1f}ms")


if __name__ == "__main__":
    main()
