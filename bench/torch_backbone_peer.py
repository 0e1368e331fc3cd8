"""PyTorch peer of io.distill4j.bench.BackboneBench: torchvision's resnet18 as the segmentation
student distill4j builds from it (layer1..layer4, dilated past the output stride by the rule of
io.distill4j.model.ResNetBackbone, FCN neck 3x3 conv 128 + BN + ReLU, 1x1 conv to 19 classes at
the output stride), L2 loss on the logits against random targets, Adam; median ms of a train step
and of a forward pass (eval mode).

    python3 bench/torch_backbone_peer.py BATCH HEIGHT WIDTH OUTPUT_STRIDE [threads] [repetitions]

Prints one JSON line {"torch":..., "train_ms":..., "forward_ms":...}. Needs torch and torchvision
(Debian: python3-torch python3-torchvision).
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torchvision


def dilate(model, output_stride):
    """Same rule as io.distill4j.model.ResNetBackbone (and src/test/python/export_torchvision_backbones.py)."""
    dilation, stride = 1, 4
    for layer in (model.layer2, model.layer3, model.layer4):
        previous = dilation
        if stride * 2 > output_stride:
            dilation *= 2
            for b, block in enumerate(layer):
                d = previous if b == 0 else dilation
                for conv in (block.conv1, block.conv2):
                    conv.stride, conv.dilation, conv.padding = (1, 1), (d, d), (d, d)
                if block.downsample is not None:
                    block.downsample[0].stride = (1, 1)
        else:
            stride *= 2


class Student(nn.Module):
    def __init__(self, output_stride, classes=19):
        super().__init__()
        r = torchvision.models.resnet18(weights=None)
        dilate(r, output_stride)
        self.body = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool, r.layer1, r.layer2, r.layer3, r.layer4)
        self.neck = nn.Sequential(nn.Conv2d(512, 128, 3, 1, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU())
        self.logits = nn.Conv2d(128, classes, 1)

    def forward(self, x):
        return self.logits(self.neck(self.body(x)))


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    batch, height, width, os_ = (int(a) for a in sys.argv[1:5])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    reps = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = Student(os_)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    x = torch.randn(batch, 3, height, width)
    target = torch.randn(batch, 19, height // os_, width // os_)
    train, forward = [], []
    for i in range(reps + 2):
        net.train()
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = ((net(x) - target) ** 2).mean()
        loss.backward()
        opt.step()
        t1 = time.perf_counter()
        net.eval()
        with torch.no_grad():
            net(x)
        t2 = time.perf_counter()
        if i >= 2:
            train.append((t1 - t0) * 1000)
            forward.append((t2 - t1) * 1000)
    print(json.dumps({"torch": torch.__version__, "train_ms": median(train), "forward_ms": median(forward)}))


if __name__ == "__main__":
    main()
