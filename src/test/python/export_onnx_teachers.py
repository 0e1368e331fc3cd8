#!/usr/bin/env python3
"""Exports the small PyTorch teachers the ONNX tests (and the "Distil your PyTorch teacher"
walkthrough, docs/onnx-teacher.md) use, with torch.onnx.export, and saves PyTorch's own outputs
on fixed inputs beside them so the Java tests can compare ONNX Runtime against PyTorch.

    python3 src/test/python/export_onnx_teachers.py [--out DIR] [--seg-size HxW] [--det-size HxW]

Defaults write src/test/resources/onnx/ at the test sample's sizes (segmentation 32x64 with 19
classes, detection 96x96 with 5 categories). Any python3 on PATH may start it: when it cannot
import torch and onnx it re-runs itself with the first python3 on PATH or in the usual places
that can (Debian's python3-torch and python3-onnx live under /usr/bin/python3).

Files (all weights drawn from fixed seeds, so a rerun writes the same tensors):
  seg_teacher.onnx   a PSP-style segmentation teacher as a user brings it: input "input" expects
                     BGR, 0-255 values, detectron2's mean/std; outputs "seg_out" (19 class logits,
                     stride 4) and "feat" (features, stride 4). No distill4j metadata: the
                     configuration must say all of that (teacher.onnx in reference.conf).
  det_teacher.onnx   a CenterNet-style detection teacher written in distill4j's ONNX convention:
                     input "image" (RGB, x/255, ImageNet mean/std, NCHW), outputs "heatmap" (5
                     class logits) and "reg" (w, h, dx, dy), stride 4, with the distill4j.*
                     metadata_props, so it needs no configuration beyond its path.
  seg_student.onnx   a small segmentation model in the same convention (output "logits"), as the
                     onnx-export side of distill4j writes students: what `evaluate --model` reads.
  <name>.json        input shape and preprocessing, and per output its shape and the .f32 file
  <name>.images.u8   the fixed test images: uint8 RGB CHW, N x 3 x H x W (shard layout)
  <name>.<out>.f32   PyTorch's outputs on those images after the model's own preprocessing,
                     little-endian float32, NCHW
"""
import argparse
import json
import os
import subprocess
import sys

PYTHON_CANDIDATES = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]


def ensure_torch():
    """Re-runs this script under a python3 that has torch and onnx, if this one has not."""
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("DISTILL4J_PY_REEXEC"):
        sys.exit("no python3 with torch and onnx found (apt-get install python3-torch python3-onnx)")
    seen = {os.path.realpath(sys.executable)}
    path_pythons = [os.path.join(d, "python3") for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    for candidate in path_pythons + PYTHON_CANDIDATES:
        real = os.path.realpath(candidate)
        if real in seen or not os.access(candidate, os.X_OK):
            continue
        seen.add(real)
        probe = subprocess.run([candidate, "-c", "import torch, onnx"], capture_output=True)
        if probe.returncode == 0:
            env = dict(os.environ, DISTILL4J_PY_REEXEC="1")
            os.execve(candidate, [candidate] + sys.argv, env)
    sys.exit("no python3 with torch and onnx found on PATH or in " + ", ".join(PYTHON_CANDIDATES)
             + " (apt-get install python3-torch python3-onnx)")


ensure_torch()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

IMAGENET = {"channels": "rgb", "layout": "nchw", "scale": 255.0,
            "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
DETECTRON = {"channels": "bgr", "layout": "nchw", "scale": 1.0,
             "mean": [103.53, 116.28, 123.675], "std": [57.375, 57.12, 58.395]}


def preprocessing_string(p):
    """distill4j's machine-readable form: what io.distill4j.onnx.OnnxPreprocessing parses."""
    nums = lambda v: ",".join(repr(float(x)) for x in v)  # noqa: E731
    return "%s;%s;scale=%s;mean=%s;std=%s" % (p["channels"], p["layout"], repr(float(p["scale"])),
                                               nums(p["mean"]), nums(p["std"]))


def conv_bn_relu(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class SegTeacher(nn.Module):
    """Stride-4 encoder, a pooling pyramid (bins 1, 2) and a neck; logits and features out."""

    def __init__(self, width, classes, height, width_px):
        super().__init__()
        w = width
        self.encoder = nn.Sequential(conv_bn_relu(3, w, 3, 2), conv_bn_relu(w, 2 * w, 3, 2), conv_bn_relu(2 * w, 2 * w, 3, 1))
        self.grid = (height // 4, width_px // 4)
        self.bins = [1, 2]
        self.reduce = nn.ModuleList([conv_bn_relu(2 * w, w, 1, 1) for _ in self.bins])
        self.neck = conv_bn_relu(2 * w + len(self.bins) * w, 2 * w, 3, 1)
        self.head = nn.Conv2d(2 * w, classes, 1)

    def forward(self, x):
        x = self.encoder(x)
        h, w = self.grid  # fixed ints: a pooling size taken from x.shape breaks the dynamic batch axis
        parts = [x]
        for b, red in zip(self.bins, self.reduce):
            p = red(F.avg_pool2d(x, (h // b, w // b)))
            parts.append(F.interpolate(p, size=(h, w), mode="nearest"))
        feat = self.neck(torch.cat(parts, 1))
        return self.head(feat), feat


class SegStudent(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        self.body = nn.Sequential(conv_bn_relu(3, width, 3, 2), conv_bn_relu(width, width, 3, 2))
        self.head = nn.Conv2d(width, classes, 1)

    def forward(self, x):
        return self.head(self.body(x))


class DetTeacher(nn.Module):
    """CenterNet-style: stride-4 body, shared head features, class heatmap logits and box regression."""

    def __init__(self, width, classes):
        super().__init__()
        w = width
        self.body = nn.Sequential(conv_bn_relu(3, w, 3, 2), conv_bn_relu(w, 2 * w, 3, 2), conv_bn_relu(2 * w, 2 * w, 3, 1))
        self.head_feat = conv_bn_relu(2 * w, w, 3, 1)
        self.heatmap = nn.Conv2d(w, classes, 1)
        self.reg = nn.Conv2d(w, 4, 1)
        nn.init.constant_(self.heatmap.bias, -2.19)

    def forward(self, x):
        f = self.head_feat(self.body(x))
        return self.heatmap(f), self.reg(f)


def randomise_batchnorm(model, gen):
    """Running statistics far from (0, 1), so a wrongly folded BatchNorm shows in the outputs."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) * 0.5 + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


def preprocess(images_u8, p):
    """uint8 RGB NCHW -> the model's input, as the model's preprocessing says."""
    x = torch.from_numpy(images_u8.astype(np.float32))
    if p["channels"] == "bgr":
        x = x[:, [2, 1, 0]]
    x = x / p["scale"]
    mean = torch.tensor(p["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(p["std"]).view(1, 3, 1, 1)
    return (x - mean) / std


def test_images(n, h, w, seed):
    """Smooth colour gradients plus noise: a realistic 0-255 range in every channel."""
    rng = np.random.default_rng(seed)
    yy, xx = np.meshgrid(np.linspace(0, 1, h), np.linspace(0, 1, w), indexing="ij")
    out = np.empty((n, 3, h, w), dtype=np.uint8)
    for i in range(n):
        for c in range(3):
            a, b, k = rng.uniform(0, 1, 3)
            base = 255 * (a * yy + b * xx + k * np.sin(6 * (xx + yy) + i)) / (a + b + k + 1e-6)
            out[i, c] = np.clip(base + rng.normal(0, 20, (h, w)), 0, 255).astype(np.uint8)
    return out


def export(model, name, out_dir, input_name, output_names, strides, size, prep, metadata, seed):
    h, w = size
    model.eval()
    images = test_images(3, h, w, seed)
    x = preprocess(images, prep)
    with torch.no_grad():
        outputs = model(x)
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    path = os.path.join(out_dir, name + ".onnx")
    dynamic = {input_name: {0: "batch"}}
    dynamic.update({o: {0: "batch"} for o in output_names})
    torch.onnx.export(model, x[:1], path, input_names=[input_name], output_names=output_names, opset_version=13,
                      dynamic_axes=dynamic, do_constant_folding=True)
    proto = onnx.load(path)
    proto.ir_version = 7
    if metadata is not None:
        proto.producer_name = "distill4j"
        proto.producer_version = "export_onnx_teachers.py (torch " + torch.__version__ + ")"
        for k, v in metadata.items():
            entry = proto.metadata_props.add()
            entry.key, entry.value = k, v
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    images.tofile(os.path.join(out_dir, name + ".images.u8"))
    described = {}
    for o, t, s in zip(output_names, outputs, strides):
        f = "%s.%s.f32" % (name, o)
        t.numpy().astype("<f4").tofile(os.path.join(out_dir, f))
        described[o] = {"shape": list(t.shape), "stride": s, "file": f}
    with open(os.path.join(out_dir, name + ".json"), "w") as fh:
        json.dump({"onnx": name + ".onnx", "input": input_name, "images": name + ".images.u8",
                   "images_shape": list(images.shape), "preprocessing": preprocessing_string(prep),
                   "torch": torch.__version__, "outputs": described}, fh, indent=1)
        fh.write("\n")
    print("wrote %s (%d bytes): %s" % (path, os.path.getsize(path),
                                        ", ".join("%s %s" % (o, described[o]["shape"]) for o in output_names)))


def size_arg(s):
    h, w = s.lower().split("x")
    return int(h), int(w)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "resources", "onnx"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=default_out)
    ap.add_argument("--seg-size", type=size_arg, default=(32, 64), help="segmentation input HxW (default 32x64)")
    ap.add_argument("--det-size", type=size_arg, default=(96, 96), help="detection input HxW (default 96x96)")
    ap.add_argument("--seg-classes", type=int, default=19)
    ap.add_argument("--det-classes", type=int, default=5)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)

    gen = torch.Generator().manual_seed(16)
    torch.manual_seed(16)
    seg = SegTeacher(8, args.seg_classes, *args.seg_size)
    randomise_batchnorm(seg, gen)
    export(seg, "seg_teacher", args.out, "input", ["seg_out", "feat"], [4, 4], args.seg_size, DETECTRON, None, 1)

    torch.manual_seed(17)
    det = DetTeacher(8, args.det_classes)
    randomise_batchnorm(det, gen)
    export(det, "det_teacher", args.out, "image", ["heatmap", "reg"], [4, 4], args.det_size, IMAGENET,
           {"distill4j.task": "detection", "distill4j.input": "image",
            "distill4j.preprocessing": preprocessing_string(IMAGENET),
            "distill4j.outputs": "heatmap:4,reg:4", "distill4j.classes": str(args.det_classes)}, 2)

    torch.manual_seed(18)
    student = SegStudent(4, args.seg_classes)
    randomise_batchnorm(student, gen)
    export(student, "seg_student", args.out, "image", ["logits"], [4], args.seg_size, IMAGENET,
           {"distill4j.task": "segmentation", "distill4j.input": "image",
            "distill4j.preprocessing": preprocessing_string(IMAGENET),
            "distill4j.outputs": "logits:4", "distill4j.classes": str(args.seg_classes)}, 3)


if __name__ == "__main__":
    main()
