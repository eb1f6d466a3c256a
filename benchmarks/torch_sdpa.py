#!/usr/bin/env python3
"""Median time (ms) of torch.nn.functional.scaled_dot_product_attention, fp32,
for the shape attention_bench times; prints one number. Exits non-zero when
torch is missing, which the benchmark reports as 'skipped'."""
import argparse
import statistics
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--heads", type=int, required=True)
p.add_argument("--seq", type=int, required=True)
p.add_argument("--dim", type=int, required=True)
p.add_argument("--threads", type=int, required=True)
p.add_argument("--reps", type=int, default=5)
p.add_argument("--causal", action="store_true")
a = p.parse_args()
torch.set_num_threads(a.threads)
g = torch.Generator().manual_seed(0)
q, k, v = (torch.randn(1, a.heads, a.seq, a.dim, generator=g) for _ in range(3))
f = torch.nn.functional.scaled_dot_product_attention
with torch.no_grad():
    f(q, k, v, is_causal=a.causal)
    times = []
    for _ in range(a.reps):
        t = time.perf_counter()
        f(q, k, v, is_causal=a.causal)
        times.append((time.perf_counter() - t) * 1e3)
print(f"{statistics.median(times):.4f}")
