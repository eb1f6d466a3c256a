#!/usr/bin/env python3
"""Where torch, transformers and onnx are installed: re-exports the test
encoders with export_models.py into a temporary folder (fresh PyTorch
references from the installed versions, both exporters) and runs
onnx_models_test.py on them. Otherwise exits 77 (skipped) saying why.

The Python with those packages: $ATTNC_TORCH_PYTHON, else this one."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    python = os.environ.get("ATTNC_TORCH_PYTHON", sys.executable)
    probe = subprocess.run(
        [python, "-c", "import torch, transformers, onnx, onnxscript, numpy"],
        capture_output=True, text=True)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["not found"])[-1]
        print("skipped: %s cannot import torch, transformers, onnx, "
              "onnxscript and numpy (%s); set ATTNC_TORCH_PYTHON to a Python "
              "that can" % (python, last))
        return 77
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([python, os.path.join(HERE, "export_models.py"),
                            "--out", out], capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout + r.stderr)
            return 1
        return subprocess.run(
            [sys.executable, os.path.join(HERE, "onnx_models_test.py"),
             "--inputs", out] + sys.argv[1:]).returncode


if __name__ == "__main__":
    sys.exit(main())
