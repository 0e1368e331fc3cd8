#!/usr/bin/python3
"""PyTorch peer of io.distill4j.model.ModelBench: the same segmentation student and teacher
(io.distill4j.model.Encoder / SegmentationModel), batch 8, 64x128 and 128x256, L2 loss on the
stride-8 logits against random targets, Adam, timing a train step and a forward pass (median ms);
and the student's distillation step (forward, cross-entropy task loss plus the term(s), backward,
Adam) for each term set of io.distill4j.bench.PeerBench, the losses written from docs/methods.md as
train.SegmentationObjective wires them, against random teacher maps of the teacher's tap shapes.

    /usr/bin/python3 bench/torch_peer.py [threads] [repetitions] [--json] [--tau T]   (apt-get install python3-torch)

--json prints one JSON line {"torch":..., "threads":..., "rows":[...]} (what PeerBench reads)
instead of the table.
"""
import json
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

    def forward(self, x, taps=False):
        x = self.stage3(self.stage2(self.stage1(self.stem(x))))
        h, w = x.shape[2:]
        parts = [x]
        for b, red in zip(self.bins, self.reduce):
            p = red(F.avg_pool2d(x, (h // b, w // b)))
            parts.append(F.interpolate(p, size=(h, w), mode="nearest"))
        neck = self.neck(torch.cat(parts, 1))
        logits = self.logits(neck)
        return {"neck": neck, "logits": logits} if taps else logits


# The losses of io.distill4j.distill, per docs/methods.md, weight 1, averaged over the batch as there.
AT_BETA = 1000.0  # SegmentationObjective: AttentionTransferLoss(..., 1000.0, 2.0, weight)


def pixel_kd(s, t, tau):
    """tau^2 * mean over all pixels of KL(softmax_c(t/tau) || softmax_c(s/tau)) (every pixel valid)."""
    log_qt = F.log_softmax(t / tau, 1)
    kl = (log_qt.exp() * (log_qt - F.log_softmax(s / tau, 1))).sum(1)
    return tau * tau * kl.mean()


def cwd(s, t, tau):
    """tau^2 / C * sum_c KL over the H*W positions of each channel, averaged over the batch."""
    n, c = s.shape[:2]
    log_pt = F.log_softmax(t.reshape(n, c, -1) / tau, 2)
    log_ps = F.log_softmax(s.reshape(n, c, -1) / tau, 2)
    return tau * tau / c * (log_pt.exp() * (log_pt - log_ps)).sum((1, 2)).mean()


def at(s, t):
    """beta/2 * || A(S)/||A(S)|| - A(T)/||A(T)|| ||_2 with A = sum_c F^2, averaged over the batch."""
    a_s = F.normalize(s.pow(2).sum(1).flatten(1), dim=1, eps=1e-12)
    a_t = F.normalize(t.pow(2).sum(1).flatten(1), dim=1, eps=1e-12)
    return AT_BETA / 2 * (a_s - a_t).norm(dim=1).mean()


def pairwise(s, t):
    """(1/|R|^2) sum_ij (cos_ij(S) - cos_ij(T))^2 over all positions (no pooling, poolTo 0 in DL4J)."""
    u_s = F.normalize(s.flatten(2), dim=1, eps=1e-12)
    u_t = F.normalize(t.flatten(2), dim=1, eps=1e-12)
    d = u_s.transpose(1, 2) @ u_s - u_t.transpose(1, 2) @ u_t
    r = u_s.shape[2]
    return (d.pow(2).sum((1, 2)) / (r * r)).mean()


# (name, [(kind, student tap, teacher output)]): the term sets of PeerBench, in its order.
TERM_SETS = [
    ("pixel-kd@logits", [("pixel-kd", "logits", "logits")]),
    ("cwd@logits", [("cwd", "logits", "logits")]),
    ("at@neck", [("at", "neck", "neck")]),
    ("pairwise@neck", [("pairwise", "neck", "neck")]),
    ("all four", [("pixel-kd", "logits", "logits"), ("cwd", "logits", "logits"), ("at", "neck", "neck"),
                  ("pairwise", "neck", "neck")]),
]


def distill_step_ms(student, teacher_maps, terms, x, labels, tau, reps):
    """Median ms of one distillation step: student forward, CE + terms, backward, Adam."""
    adapters = nn.ModuleDict()
    with torch.no_grad():
        shapes = {k: v.shape for k, v in student(x, taps=True).items()}
    for kind, s_tap, t_out in terms:
        cs, ct = shapes[s_tap][1], teacher_maps[t_out].shape[1]
        if kind in ("pixel-kd", "cwd") and cs != ct:  # SegmentationObjective's 1x1 adapter (with bias)
            adapters[kind + "_" + s_tap] = nn.Conv2d(cs, ct, 1)
    opt = torch.optim.Adam(list(student.parameters()) + list(adapters.parameters()), lr=1e-3)
    student.train()
    times = []
    for i in range(reps + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        out = student(x, taps=True)
        loss = F.cross_entropy(out["logits"], labels, ignore_index=255)
        for kind, s_tap, t_out in terms:
            s, t = out[s_tap], teacher_maps[t_out]
            key = kind + "_" + s_tap
            if key in adapters:
                s = adapters[key](s)
            if kind == "pixel-kd":
                loss = loss + pixel_kd(s, t, tau)
            elif kind == "cwd":
                loss = loss + cwd(s, t, tau)
            elif kind == "at":
                loss = loss + at(s, t)
            else:
                loss = loss + pairwise(s, t)
        loss.backward()
        opt.step()
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1e3)
    return median(times)


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    as_json = "--json" in sys.argv
    tau = float(sys.argv[sys.argv.index("--tau") + 1]) if "--tau" in sys.argv else 4.0
    if "--tau" in sys.argv:
        args.remove(sys.argv[sys.argv.index("--tau") + 1])
    threads = int(args[0]) if len(args) > 0 else 2
    reps = int(args[1]) if len(args) > 1 else 5
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    rows = []
    if not as_json:
        print(f"torch {torch.__version__} threads={threads}")
        print(f"{'model':16s} {'input':9s} {'params':>9s} {'train':>10s} {'fwd':>10s}")
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
            rows.append({"row": name + " train", "input": f"{h}x{w}", "ms": median(train)})
            rows.append({"row": name + " forward", "input": f"{h}x{w}", "ms": median(fwd)})
            if not as_json:
                print(f"{name:16s} {h}x{w:<6d} {params:9d} {median(train):8.1f}ms {median(fwd):8.1f}ms")
        # Teacher maps of the teacher's tap shapes (random, as PeerBench feeds DL4J), CE labels 0..18.
        x = torch.randn(8, 3, h, w)
        teacher_neck = 2 * 32  # Seg.neck's channels for the teacher's width 32
        teacher_maps = {"logits": torch.randn(8, 19, h // 8, w // 8), "neck": torch.randn(8, teacher_neck, h // 8, w // 8)}
        labels = torch.randint(0, 19, (8, h // 8, w // 8))
        for set_name, terms in TERM_SETS:
            ms = distill_step_ms(Seg(16, 1, False, 19), teacher_maps, terms, x, labels, tau, reps)
            rows.append({"row": "distill " + set_name, "input": f"{h}x{w}", "ms": ms})
            if not as_json:
                print(f"{'distill ' + set_name:26s} {h}x{w:<6d} {ms:8.1f}ms")
    if as_json:
        print(json.dumps({"torch": torch.__version__, "threads": threads, "tau": tau, "rows": rows}))


if __name__ == "__main__":
    main()
