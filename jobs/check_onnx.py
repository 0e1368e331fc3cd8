#!/usr/bin/env python3
"""Checks an ONNX file distill4j exported: onnx.checker (full check, with shape inference), the
distill4j.* metadata, and, when the onnxruntime package is importable, one forward pass on a random
input. Needs a python3 that can `import onnx` (Debian: apt-get install python3-onnx; /usr/bin/python3).

usage: check_onnx.py FILE.onnx [FILE.onnx ...]
Prints one "checker: ok" line per file that passes; exits 1 at the first file that does not.
"""
import sys

import onnx


def check(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    props = {p.key: p.value for p in model.metadata_props}
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    print(f"{path}: checker: ok (ir_version {model.ir_version}, opset {opsets}, producer "
          f"{model.producer_name} {model.producer_version}, {len(model.graph.node)} nodes)")
    for key in sorted(props):
        print(f"  {key} = {props[key]}")
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        print("  (onnxruntime is not importable here: forward pass skipped)")
        return
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    (inp,) = session.get_inputs()
    shape = [d if isinstance(d, int) else (2 if i == 0 else 64) for i, d in enumerate(inp.shape)]
    outputs = session.run(None, {inp.name: np.random.default_rng(0).standard_normal(shape, dtype=np.float32)})
    for meta, value in zip(session.get_outputs(), outputs):
        print(f"  onnxruntime {ort.__version__}: {meta.name} {list(value.shape)}")


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    for path in paths:
        try:
            check(path)
        except Exception as e:  # one line naming the file, as distill4j's own errors do
            print(f"{path}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
