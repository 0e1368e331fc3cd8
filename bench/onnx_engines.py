#!/usr/bin/env python3
"""PyTorch side of io.distill4j.bench.EngineBench: exports bench/torch_peer.py's segmentation
student and teacher (the architectures of io.distill4j.model.ModelSpec's defaults, stride 8, 19
classes) to ONNX with torch.onnx.export at a fixed image size and a dynamic batch axis, and times
PyTorch's own forward pass of the same modules (batch B, median of the repetitions).

    python3 bench/onnx_engines.py --out DIR [--size 128x256] [--batch 8] [--threads 2] [--reps 10]
    PYTHONPATH=TORCH2_DIR python3 bench/onnx_engines.py --time-only [--size ...]   (another torch, no export)

Prints one JSON line: {"torch": version, "threads": T, "rows": [{"model", "file", "ms"}]}. Any
python3 may start it: without torch and onnx it re-runs itself with a python3 on PATH or in the
usual places that has them (Debian's python3-torch, python3-onnx).
"""
import argparse
import json
import os
import subprocess
import sys
import time


def ensure_torch():
    try:
        import torch  # noqa: F401
        if "--time-only" in sys.argv:
            return  # timing the modules needs no onnx: any torch will do (e.g. a 2.x wheel on PYTHONPATH)
        import onnx  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("DISTILL4J_PY_REEXEC"):
        sys.exit("no python3 with torch and onnx found (apt-get install python3-torch python3-onnx)")
    seen = {os.path.realpath(sys.executable)}
    for c in [os.path.join(d, "python3") for d in os.environ.get("PATH", "").split(os.pathsep) if d] + [
            "/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]:
        if os.path.realpath(c) in seen or not os.access(c, os.X_OK):
            continue
        seen.add(os.path.realpath(c))
        if subprocess.run([c, "-c", "import torch, onnx"], capture_output=True).returncode == 0:
            os.execve(c, [c] + sys.argv, dict(os.environ, DISTILL4J_PY_REEXEC="1"))
    sys.exit("no python3 with torch and onnx found on PATH or in /usr/bin, /usr/local/bin")


ensure_torch()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from torch_peer import Seg  # noqa: E402


class FixedGridSeg(Seg):
    """torch_peer.Seg with its pooling sizes as plain ints: sizes read from x.shape would be
    traced as tensors and break the exported graph's dynamic batch axis."""

    def __init__(self, width, depth, pyramid, classes, grid):
        super().__init__(width, depth, pyramid, classes)
        self.grid = grid

    def forward(self, x, taps=False):
        x = self.stage3(self.stage2(self.stage1(self.stem(x))))
        h, w = self.grid
        parts = [x]
        for b, red in zip(self.bins, self.reduce):
            p = red(F.avg_pool2d(x, (h // b, w // b)))
            parts.append(F.interpolate(p, size=(h, w), mode="nearest"))
        return self.logits(self.neck(torch.cat(parts, 1)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--time-only", action="store_true", help="time the PyTorch modules only, no ONNX export")
    ap.add_argument("--size", default="128x256")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    h, w = (int(v) for v in a.size.split("x"))
    torch.set_num_threads(a.threads)
    if not a.time_only:
        os.makedirs(a.out, exist_ok=True)
    rows = []
    for name, width, depth, pyramid, seed in [("seg-student", 16, 1, False, 7), ("seg-teacher", 32, 2, True, 42)]:
        torch.manual_seed(seed)
        model = FixedGridSeg(width, depth, pyramid, 19, (h // 8, w // 8)).eval()
        x = torch.randn(a.batch, 3, h, w)
        path = None
        if not a.time_only:
            path = os.path.join(a.out, name + ".onnx")
            torch.onnx.export(model, x[:1], path, input_names=["image"], output_names=["logits"], opset_version=13,
                              dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
        times = []
        with torch.no_grad():
            model(x)
            for _ in range(a.reps):
                t0 = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        rows.append({"model": name, "file": path, "ms": times[len(times) // 2]})
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "rows": rows}))


if __name__ == "__main__":
    main()
