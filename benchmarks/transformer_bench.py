#!/usr/bin/env python3
"""attnc's dense path against PyTorch on the CPU, side by side in one run.

  PYTHONPATH=build/python python benchmarks/transformer_bench.py \
      [--quick] [--threads 2] [--out benchmarks/results/transformer-<machine>.json]

(any Python 3.11 with torch and numpy; build/python holds the attnc package.)

Cases, fp32, each timed alternately with its peer in rounds, medians:
  - attention: dense and causal (B1 H8 D64) at S = 512, 2048, 8192, D = 128
    and GQA 32q/8kv at S = 2048 against torch SDPA; sliding window 256 at
    S = 8192 against FlexAttention compiled with torch.compile (--flex);
  - linear layers of transformer and GNN shapes against torch's F.linear;
  - a BERT-style encoder (6 post-norm layers, hidden 384, 12 heads, FFN 1536,
    exact GELU; random weights shared by both, outputs compared) at batch
    8 x 128 and 1 x 512 against PyTorch eager (nn.TransformerEncoder).
Attention rows also give both sides' useful FLOP rates (attended pairs
only) as fractions of torch.matmul's 2048^3 rate in the same run, the
attainable peak against which a speed-up target can be judged.
The attnc modules are built with attnc's default target (x86-64-multi) and
the variant the CPU runs is printed. Inputs are torch tensors, which attnc
takes without a copy (DLPack).
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

import attnc
from compile_time import encoder_yaml  # one description for both

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_model():
    try:
        info = open("/proc/cpuinfo").read().splitlines()
    except OSError:
        return platform.processor() or "unknown", []
    model = next((l.split(":", 1)[1].strip() for l in info
                  if l.startswith("model name")), "unknown")
    flags = next((l.split(":", 1)[1].split() for l in info
                  if l.startswith("flags")), [])
    isa = [f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl",
                       "avx512_vnni", "avx512_bf16", "amx_tile")
           if f in flags]
    return model, isa


def timed(fn, reps):
    # Warm up for at least 30 ms, not one call: after a parallel region,
    # torch's OpenMP threads spin for ~10 ms on both cores, and the side
    # timed next would otherwise pay for it (a 1.5 ms attnc layer ran at
    # one thread's speed for its first 4 calls after torch's).
    start = time.perf_counter()
    fn()
    while time.perf_counter() - start < 0.03:
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def side_by_side(ours, peer, rounds, reps):
    """Median ms of each over `rounds` alternating rounds of `reps` calls."""
    a, b = [], []
    for _ in range(rounds):
        a.append(timed(ours, reps))
        b.append(timed(peer, reps))
    return statistics.median(a), statistics.median(b)


def gemm_peak(rounds):
    """GFLOP/s of torch.matmul at 2048^3 fp32 (its BLAS), this run's stand-in
    for the machine's attainable peak: attention is mostly two GEMMs, so a
    kernel's fraction of it bounds what any speed-up target can ask."""
    n = 2048
    a, b = torch.randn(n, n), torch.randn(n, n)
    ms = statistics.median(timed(lambda: torch.matmul(a, b), 3)
                           for _ in range(rounds))
    return 2 * n ** 3 / ms / 1e6


def attention_mlir(name, hq, hkv, d, form):
    q = f"tensor<1x{hq}x?x{d}xf32>"
    kv = f"tensor<1x{hkv}x?x{d}xf32>"
    extra = {"dense": "", "causal": " causal",
             "window": " causal window<left = 256, right = 0>"}[form]
    return (f"func.func @{name}(%q: {q}, %k: {kv}, %v: {kv}) -> {q} {{\n"
            f"  %o = attn.attention scaled_dot %q, %k, %v{extra}\n"
            f"    : {q}, {kv}, {kv} -> {q}\n"
            f"  return %o : {q}\n}}\n")


def linear_mlir(name, k, n):
    return (f"func.func @{name}(%x: tensor<?x{k}xf32>, "
            f"%w: tensor<{n}x{k}xf32>, %b: tensor<{n}xf32>) "
            f"-> tensor<?x{n}xf32> {{\n"
            f"  %y = attn.linear %x, %w bias(%b : tensor<{n}xf32>)\n"
            f"    : tensor<?x{k}xf32>, tensor<{n}x{k}xf32> "
            f"-> tensor<?x{n}xf32>\n"
            f"  return %y : tensor<?x{n}xf32>\n}}\n")


ATTENTION = [  # (name, Hq, Hkv, D, form, S)
    ("dense", 8, 8, 64, "dense", [512, 2048, 8192]),
    ("causal", 8, 8, 64, "causal", [512, 2048, 8192]),
    ("dense_d128", 8, 8, 128, "dense", [2048]),
    ("gqa", 32, 8, 64, "dense", [2048]),
]
LINEAR = [  # (name, rows, in, out)
    ("bert_qkv", 1024, 384, 384),
    ("bert_ffn1", 1024, 384, 1536),
    ("bert_ffn2", 1024, 1536, 384),
    ("bert_qkv_b1", 128, 384, 384),
    ("gnn_in", 2708, 1433, 64),
    ("gnn_out", 2708, 64, 7),
]


def bench_attention(args, rows):
    specs = [a for a in ATTENTION]
    if args.quick:
        specs = [(n, hq, hkv, d, f, [s for s in ss if s <= 2048][:1])
                 for n, hq, hkv, d, f, ss in specs]
    src = "".join(attention_mlir(n, hq, hkv, d, f)
                  for n, hq, hkv, d, f, _ in specs)
    src += attention_mlir("window", 8, 8, 64, "window")
    m = attnc.compile(src)
    print(f"attention module: {m.path} (kernels: the "
          f"{m.cpu_variant or 'single-target'} variant)")
    g = torch.Generator().manual_seed(0)
    for name, hq, hkv, d, form, seqs in specs:
        for s in seqs:
            q = torch.randn(1, hq, s, d, generator=g)
            k = torch.randn(1, hkv, s, d, generator=g)
            v = torch.randn(1, hkv, s, d, generator=g)
            entry = m[name]
            causal = form == "causal"
            ref = F.scaled_dot_product_attention(q, k, v, is_causal=causal,
                                                 enable_gqa=hq != hkv)
            err = float((torch.from_numpy(entry(q, k, v)) - ref).abs().max())
            reps = max(3, min(20, int(2e9 / (hq * s * s * d))))
            ours, peer = side_by_side(
                lambda: entry(q, k, v),
                lambda: F.scaled_dot_product_attention(
                    q, k, v, is_causal=causal, enable_gqa=hq != hkv),
                args.rounds, reps)
            pairs = s * (s + 1) / 2 if causal else s * s
            rows.append(attention_row(f"{name} S={s}", "torch SDPA", ours,
                                      peer, 4 * hq * pairs * d, args.peak,
                                      err))
            report(rows[-1])
    if args.flex:
        bench_flex(m, rows, args)


def attention_row(case, peer_name, ours, peer, flops, peak, err):
    """Times and the useful FLOP rates (attended pairs only) of both sides,
    also as fractions of the run's GEMM peak."""
    return {"case": case, "group": "attention", "attnc_ms": ours,
            "peer": peer_name, "peer_ms": peer, "speed": peer / ours,
            "attnc_gflops": flops / ours / 1e6,
            "peer_gflops": flops / peer / 1e6,
            "attnc_of_gemm_peak": flops / ours / 1e6 / peak,
            "peer_of_gemm_peak": flops / peer / 1e6 / peak,
            "max_abs_err": err}


def bench_flex(m, rows, args):
    try:
        from torch.nn.attention.flex_attention import (create_block_mask,
                                                       flex_attention)
    except ImportError as e:
        print(f"window: FlexAttention unavailable ({e})")
        return
    s, window = 8192, 256

    def sliding(b, h, qi, ki):
        return (qi >= ki) & (qi - ki <= window)

    g = torch.Generator().manual_seed(1)
    q, k, v = (torch.randn(1, 8, s, 64, generator=g) for _ in range(3))
    try:
        mask = create_block_mask(sliding, 1, 1, s, s, device="cpu")
        flex = torch.compile(flex_attention)
        ref = flex(q, k, v, block_mask=mask)
    except Exception as e:  # compiling needs a working C++ toolchain
        print(f"window: compiled FlexAttention failed: {e}")
        return
    err = float((torch.from_numpy(m.window(q, k, v)) - ref).abs().max())
    ours, peer = side_by_side(lambda: m.window(q, k, v),
                              lambda: flex(q, k, v, block_mask=mask),
                              args.rounds, 5)
    pairs = sum(min(i, window) + 1 for i in range(s))
    rows.append(attention_row(f"window {window} S={s}",
                              "FlexAttention (torch.compile)", ours, peer,
                              4 * 8 * pairs * 64, args.peak, err))
    report(rows[-1])


def bench_linear(args, rows):
    m = attnc.compile("".join(linear_mlir(n, k, o) for n, _, k, o in LINEAR))
    g = torch.Generator().manual_seed(2)
    for name, r, k, n in LINEAR:
        x = torch.randn(r, k, generator=g)
        w = torch.randn(n, k, generator=g) / k ** 0.5
        b = torch.randn(n, generator=g)
        entry = m[name]
        err = float((torch.from_numpy(entry(x, w, b)) - F.linear(x, w, b))
                    .abs().max())
        ours, peer = side_by_side(lambda: entry(x, w, b),
                                  lambda: F.linear(x, w, b), args.rounds,
                                  max(5, min(200, int(2e9 / (r * k * n)))))
        rows.append({"case": f"linear {name} [{r},{k}]x[{k},{n}]",
                     "group": "linear", "attnc_ms": ours,
                     "peer": "torch F.linear", "peer_ms": peer,
                     "speed": peer / ours,
                     "attnc_gflops": 2 * r * k * n / ours / 1e6,
                     "max_abs_err": err})
        report(rows[-1])


def torch_weights(model, width):
    w = {}
    for i, layer in enumerate(model.layers):
        p = f"layer{i}"
        qkv_w = layer.self_attn.in_proj_weight.detach()
        qkv_b = layer.self_attn.in_proj_bias.detach()
        for j, proj in enumerate(("q_proj", "k_proj", "v_proj")):
            w[f"{p}.attn.{proj}.weight"] = qkv_w[j * width:(j + 1) * width]
            w[f"{p}.attn.{proj}.bias"] = qkv_b[j * width:(j + 1) * width]
        w[f"{p}.attn.out_proj.weight"] = layer.self_attn.out_proj.weight
        w[f"{p}.attn.out_proj.bias"] = layer.self_attn.out_proj.bias
        w[f"{p}.ffn.fc1.weight"] = layer.linear1.weight
        w[f"{p}.ffn.fc1.bias"] = layer.linear1.bias
        w[f"{p}.ffn.fc2.weight"] = layer.linear2.weight
        w[f"{p}.ffn.fc2.bias"] = layer.linear2.bias
        for n in ("norm1", "norm2"):
            w[f"{p}.{n}.weight"] = getattr(layer, n).weight
            w[f"{p}.{n}.bias"] = getattr(layer, n).bias
    return {k: v.detach().contiguous().numpy() for k, v in w.items()}


def bench_encoder(args, rows):
    width, heads, ffn, layers = 384, 12, 1536, 6
    torch.manual_seed(3)
    layer = torch.nn.TransformerEncoderLayer(
        width, heads, ffn, dropout=0.0, activation="gelu", batch_first=True)
    model = torch.nn.TransformerEncoder(layer, layers,
                                        enable_nested_tensor=False).eval()
    start = time.perf_counter()
    m = attnc.compile(encoder_yaml(layers, width, heads, ffn))
    compile_s = time.perf_counter() - start
    m.load_weights(torch_weights(model, width))
    whole = None
    if args.whole_entries:
        # The same encoder as one Halide pipeline (attnc --partition=false):
        # what calling shared kernels costs or saves at run time.
        import subprocess
        import tempfile
        tmp = tempfile.mkdtemp(prefix="attnc-bench-")
        src, so = os.path.join(tmp, "encoder.yaml"), os.path.join(tmp, "w.so")
        with open(src, "w") as f:
            f.write(encoder_yaml(layers, width, heads, ffn))
        subprocess.run([attnc.compiler_path(), src,
                        "--partition=false", "-o", so], check=True)
        whole = attnc.load(so)
        whole.load_weights(torch_weights(model, width))
    for batch, seq in ((8, 128), (1, 512)):
        x = torch.randn(batch, seq, width)
        with torch.no_grad():
            ref = model(x)
            err = float((torch.from_numpy(m.encoder(x)) - ref).norm() /
                        ref.norm())
            ours, peer = side_by_side(lambda: m.encoder(x),
                                      lambda: model(x), args.rounds, 5)
        rows.append({"case": f"encoder 6x384 batch {batch}x{seq}",
                     "group": "encoder", "attnc_ms": ours,
                     "peer": "PyTorch eager", "peer_ms": peer,
                     "speed": peer / ours, "normwise_err": err,
                     "compile_s": compile_s})
        report(rows[-1])
        if whole is not None:
            err = float(np.abs(m.encoder(x) - whole.encoder(x)).max())
            ours, peer = side_by_side(lambda: m.encoder(x),
                                      lambda: whole.encoder(x),
                                      args.rounds, 5)
            rows.append({"case": f"  shared kernels {batch}x{seq}",
                         "group": "encoder", "attnc_ms": ours,
                         "peer": "one pipeline", "peer_ms": peer,
                         "speed": peer / ours, "max_abs_err": err})
            report(rows[-1])


def report(r):
    extra = ""
    if "attnc_of_gemm_peak" in r:
        extra += (f"  {r['attnc_gflops']:6.1f} vs {r['peer_gflops']:6.1f} "
                  f"GFLOP/s ({r['attnc_of_gemm_peak']:.0%} vs "
                  f"{r['peer_of_gemm_peak']:.0%} of GEMM peak)")
    if "max_abs_err" in r:
        extra += f"  max|diff| {r['max_abs_err']:.1e}"
    if "normwise_err" in r:
        extra += f"  normwise {r['normwise_err']:.1e}"
    print(f"{r['case']:<34} attnc {r['attnc_ms']:9.3f} ms  "
          f"{r['peer']} {r['peer_ms']:9.3f} ms  -> {r['speed']:.2f}x{extra}",
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="one size per attention case, no 8192")
    ap.add_argument("--flex", action="store_true",
                    help="also the window case against compiled "
                         "FlexAttention (compiles for minutes)")
    ap.add_argument("--only", choices=["attention", "linear", "encoder"])
    ap.add_argument("--whole-entries", action="store_true",
                    help="encoder: also time it compiled as one pipeline "
                         "(attnc --partition=false) against its shared "
                         "kernels")
    ap.add_argument("--out")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.environ.setdefault("HL_NUM_THREADS", str(args.threads))
    model, isa = cpu_model()
    print(f"machine: {model} ({' '.join(isa)}), {os.cpu_count()} cores, "
          f"{args.threads} threads, load {os.getloadavg()[0]:.2f}; "
          f"torch {torch.__version__}")
    rows = []
    args.peak = gemm_peak(args.rounds)
    print(f"GEMM peak (torch.matmul 2048^3 fp32): {args.peak:.1f} GFLOP/s")
    if args.only in (None, "attention"):
        bench_attention(args, rows)
    if args.only in (None, "linear"):
        bench_linear(args, rows)
    if args.only in (None, "encoder"):
        bench_encoder(args, rows)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine": {"cpu": model, "isa": isa,
                                   "cores": os.cpu_count(),
                                   "threads": args.threads,
                                   "gemm_peak_gflops": args.peak,
                                   "load_after": os.getloadavg()[0]},
                       "torch": torch.__version__, "rows": rows}, f,
                      indent=2)
            f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
