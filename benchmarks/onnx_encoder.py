#!/usr/bin/env python3
"""A pretrained-shape BERT encoder through ONNX: attnc against PyTorch eager.

  PYTHONPATH=build/python python benchmarks/onnx_encoder.py \
      [--threads 2] [--rounds 7] [--out benchmarks/results/onnx-<machine>.json]

(a Python with torch, transformers, onnx and numpy; build/python holds the
attnc package, build/bin/attnc the compiler.)

The model: transformers' BertModel at the shape of all-MiniLM-L6-v2 (6
layers, hidden 384, 12 heads, FFN 1536, exact GELU, vocab 30522, 512
positions), randomly initialised (no download), followed by the masked
mean pooling and L2 normalisation of sentence-transformers; exported with
torch.onnx.export (TorchScript exporter, opset 17, dynamic batch and
sequence). Measured, in one run on one machine:

  - import + compile: `attnc model.onnx -o model.so` wall time (default
    target: AVX-512 and AVX2 kernels) and the import alone (--emit=mlir);
  - end to end: one call on a padded batch (8 x 128 tokens, rows padded
    right and left) — attnc's module from Python against PyTorch eager fp32
    on the same tensors, alternating in rounds, medians, both on --threads
    threads (torch.set_num_threads; attnc's Halide pool via HL_NUM_THREADS);
  - agreement: last hidden state normwise and embedding cosine vs PyTorch.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def machine():
    model, flags = "unknown", []
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line.split(":", 1)[1].split()
    except OSError:
        pass
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else ""
    return f"{model}, {os.cpu_count()} cores{', ' + isa if isa else ''}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--attnc", default=os.path.join(ROOT, "build/bin/attnc"))
    p.add_argument("--out")
    a = p.parse_args()
    os.environ["HL_NUM_THREADS"] = str(a.threads)

    import numpy as np
    import torch
    import transformers
    import attnc

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = transformers.BertConfig(
        vocab_size=30522, hidden_size=384, num_hidden_layers=6,
        num_attention_heads=12, intermediate_size=1536,
        max_position_embeddings=512, hidden_act="gelu",
        attn_implementation="eager")

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = transformers.BertModel(cfg, add_pooling_layer=False)

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            mean = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return h, torch.nn.functional.normalize(mean, p=2, dim=1)

    model = Encoder().eval()
    B, S = a.batch, a.seq
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(1000, 30000, (B, S), generator=g)
    mask = torch.ones(B, S, dtype=torch.long)
    for b in range(B):  # even rows right-padded, odd rows left-padded
        kept = S - (b * S) // (2 * B)
        if b % 2 == 0:
            mask[b, kept:] = 0
        else:
            mask[b, :S - kept] = 0
    ids = ids * mask
    types = torch.zeros(B, S, dtype=torch.long)

    tmp = tempfile.mkdtemp(prefix="attnc-onnx-bench-")
    try:
        path = os.path.join(tmp, "encoder.onnx")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        axes = {n: {0: "batch", 1: "seq"} for n in names}
        torch.onnx.export(model, (ids, mask, types), path, input_names=names,
                          output_names=["last_hidden_state", "embedding"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
        size = os.path.getsize(path) / 1e6

        def wall(cmd):
            t = time.perf_counter()
            subprocess.run(cmd, check=True)
            return time.perf_counter() - t

        load = os.getloadavg()
        t_import = wall([a.attnc, path, "--emit=mlir", "-o",
                         os.path.join(tmp, "encoder.mlir")])
        t_compile = wall([a.attnc, path, "-o", os.path.join(tmp, "encoder.so")])
        m = attnc.load(os.path.join(tmp, "encoder.so"))
        m.load_weights(os.path.join(tmp, "encoder.safetensors"))

        inputs = dict(input_ids=ids, attention_mask=mask, token_type_ids=types)
        with torch.no_grad():
            ref_h, ref_e = model(ids, mask, types)
        out = m.encoder(**inputs)
        h = np.asarray(out["last_hidden_state"])
        e = np.asarray(out["embedding"])
        err = float(np.linalg.norm(h - ref_h.numpy()) / np.linalg.norm(ref_h.numpy()))
        cos = float(np.min(np.sum(e * ref_e.numpy(), axis=1) /
                           (np.linalg.norm(e, axis=1) *
                            np.linalg.norm(ref_e.numpy(), axis=1))))

        def ours():
            m.encoder(**inputs)

        def peer():
            with torch.no_grad():
                model(ids, mask, types)

        def timed(fn):
            fn()
            ts = []
            for _ in range(a.reps):
                t = time.perf_counter()
                fn()
                ts.append((time.perf_counter() - t) * 1e3)
            return statistics.median(ts)

        ta, tb = [], []
        for _ in range(a.rounds):
            ta.append(timed(ours))
            tb.append(timed(peer))
        ms_attnc, ms_torch = statistics.median(ta), statistics.median(tb)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    result = {
        "machine": machine(),
        "threads": a.threads,
        "load_average_before_after": [round(load[0], 2), round(load_after[0], 2)],
        "torch": torch.__version__, "transformers": transformers.__version__,
        "model": "BertModel 6 x 384, 12 heads, FFN 1536, vocab 30522 + masked "
                 "mean + L2 (all-MiniLM-L6-v2 shape, random weights)",
        "onnx_mb": round(size, 1),
        "batch": [B, S],
        "import_s": round(t_import, 2),
        "import_compile_s": round(t_compile, 2),
        "attnc_ms": round(ms_attnc, 2), "torch_eager_ms": round(ms_torch, 2),
        "speedup_vs_torch": round(ms_torch / ms_attnc, 3),
        "last_hidden_normwise_error": err, "embedding_min_cosine": cos,
        "cpu_variant": m.cpu_variant,
    }
    print(f"machine: {result['machine']}; {a.threads} threads; load average "
          f"{load[0]:.2f} before, {load_after[0]:.2f} after (shared machine)")
    print(f"model: {result['model']}; ONNX {size:.1f} MB; kernels: the "
          f"{m.cpu_variant or 'single-target'} variant")
    print(f"import {t_import:.2f} s; import + compile {t_compile:.2f} s")
    print(f"end to end, batch {B} x {S} padded: attnc {ms_attnc:.1f} ms, "
          f"PyTorch eager {ms_torch:.1f} ms -> {ms_torch / ms_attnc:.2f}x "
          f"(medians of {a.rounds} alternating rounds of {a.reps})")
    print(f"agreement: last hidden state {err:.2e} normwise, embeddings "
          f"cosine >= {cos:.7f}")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
