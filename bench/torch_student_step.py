#!/usr/bin/env python3
"""PyTorch peer of io.distill4j.bench.StudentStepBench: the default segmentation student of
bench/torch_peer.py (io.distill4j.model.SegmentationModel's architecture), batch 8, L2 loss on the
stride-8 logits against random targets, Adam; the median ms of one train step per input size, in
PyTorch's default memory format (NCHW, "contiguous") and in channels_last (NHWC, what oneDNN prefers
on CPU), so the caller can take PyTorch's best.

    python3 bench/torch_student_step.py [--threads 2] [--reps 5] [--batch 8] [--sizes 64x128,512x1024] [--json]

--json prints one JSON line {"torch":..., "threads":..., "rows":[{"input", "format", "ms"}]}.
Any python3 with torch works (Debian's 1.13, or a torch 2.x wheel on PYTHONPATH).
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_peer import Seg, median  # noqa: E402  (the same architecture as PeerBench's peer)


def step_ms(h, w, batch, reps, channels_last):
    torch.manual_seed(0)
    model = Seg(16, 1, False, 19)
    x = torch.randn(batch, 3, h, w)
    target = torch.randn(batch, 19, h // 8, w // 8)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        target = target.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    times = []
    for i in range(reps + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        F.mse_loss(model(x), target).backward()
        opt.step()
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1e3)
    return median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--sizes", default="64x128,512x1024")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    rows = []
    for size in a.sizes.split(","):
        h, w = (int(v) for v in size.split("x"))
        for fmt, cl in (("nchw", False), ("channels_last", True)):
            ms = step_ms(h, w, a.batch, a.reps, cl)
            rows.append({"input": f"{h}x{w}", "format": fmt, "ms": ms})
            if not a.json:
                print(f"torch {torch.__version__} {h}x{w} {fmt:14s} {ms:9.1f} ms")
    if a.json:
        print(json.dumps({"torch": torch.__version__, "threads": a.threads, "mkldnn": torch.backends.mkldnn.is_available(),
                          "rows": rows}))


if __name__ == "__main__":
    main()
