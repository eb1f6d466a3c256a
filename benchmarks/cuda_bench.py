#!/usr/bin/env python3
"""The torch side of benchmarks/cuda_bench.sh, on a GPU machine only.

Times, in fp32 on the GPU with CUDA events (warm-up, then the median of
--reps): torch SDPA (dense, causal), FlexAttention (causal, sliding window of
256 to the left, and a block mask of the same band), and PyG's GATConv (8
heads x 8 channels, as benchmarks/kernels.mlir's gat) on random graphs of
1e5..1e7 edges. attn-run --bench keeps a GPU module's inputs on the device
after its first run, so its times are the kernels plus copying the output
back to the host; each torch row also gets a time with that copy, so the
JSON has a like-for-like ratio next to the kernel-only one. Missing libraries
(FlexAttention needs torch >= 2.5, PyG) are recorded as null, never fatal.
"""
import argparse
import json
import platform
import statistics

import torch

p = argparse.ArgumentParser()
p.add_argument("--attnc", required=True, help="attnc timings (JSON list)")
p.add_argument("--reps", type=int, default=20)
p.add_argument("--device-name", required=True)
p.add_argument("--out", required=True)
a = p.parse_args()
dev = torch.device("cuda")
WINDOW = 256


def cuda_time(fn, reps=a.reps, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def with_output_copy(dev_inputs, fn):
    """fn on device tensors, its result copied back to the host: what
    attn-run --bench times for an attnc GPU module (inputs kept on the
    device, outputs returned in host tensors)."""
    def run():
        return fn(*dev_inputs).cpu()
    return run


def attention_rows(seq):
    g = torch.Generator().manual_seed(0)
    host = [torch.randn(1, 8, seq, 64, generator=g) for _ in range(3)]
    q, k, v = (t.to(dev) for t in host)
    sdpa = torch.nn.functional.scaled_dot_product_attention
    rows = {}
    with torch.no_grad():
        rows["dense"] = {"torch_sdpa_ms": cuda_time(lambda: sdpa(q, k, v)),
                         "torch_sdpa_with_output_copy_ms": cuda_time(with_output_copy([q, k, v], lambda q, k, v: sdpa(q, k, v)))}
        rows["causal"] = {"torch_sdpa_ms": cuda_time(lambda: sdpa(q, k, v, is_causal=True)),
                          "torch_sdpa_with_output_copy_ms": cuda_time(with_output_copy([q, k, v], lambda q, k, v: sdpa(q, k, v, is_causal=True)))}
        rows["window"] = {}
        try:
            from torch.nn.attention.flex_attention import create_block_mask, flex_attention
            flex = torch.compile(flex_attention)

            def causal(b, h, qi, ki):
                return qi >= ki

            def window(b, h, qi, ki):
                return (qi >= ki) & (qi - ki <= WINDOW)

            for form, mod in (("causal", causal), ("window", window)):
                mask = create_block_mask(mod, 1, 1, seq, seq, device="cuda")
                rows[form]["flex_ms"] = cuda_time(lambda: flex(q, k, v, block_mask=mask))
                rows[form]["flex_with_output_copy_ms"] = cuda_time(
                    with_output_copy([q, k, v], lambda q, k, v: flex(q, k, v, block_mask=mask)))
            # A block mask proper: the window rounded to 128-blocks (what
            # FlexAttention skips), as score_mod-free block sparsity.
            def block_band(b, h, qi, ki):
                return (qi // 128 >= ki // 128) & (qi // 128 - ki // 128 <= WINDOW // 128)
            mask = create_block_mask(block_band, 1, 1, seq, seq, device="cuda")
            rows["window"]["flex_block_mask_ms"] = cuda_time(lambda: flex(q, k, v, block_mask=mask))
        except Exception as e:  # older torch, no triton
            rows["window"]["flex_error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
    return rows


def gat_row(edges):
    nodes = edges // 10
    g = torch.Generator().manual_seed(0)
    src = torch.randint(0, nodes, (edges,), generator=g)
    dst = torch.randint(0, nodes, (edges,), generator=g)
    row = {}
    try:
        from torch_geometric.nn import GATConv
    except Exception as e:
        row["pyg_error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
        return row
    x = torch.randn(nodes, 64, generator=g)
    # GATConv includes the 64 -> 8x8 projection; attnc's gat takes the
    # projected features. The projection is ~2% of the work at 10 edges/node.
    conv = GATConv(64, 8, heads=8, add_self_loops=False).to(dev).eval()
    ei = torch.stack([src, dst]).to(dev)
    xd = x.to(dev)
    with torch.no_grad():
        row["pyg_gatconv_ms"] = cuda_time(lambda: conv(xd, ei))
        row["pyg_gatconv_with_output_copy_ms"] = cuda_time(
            with_output_copy([xd, ei], lambda x, e: conv(x, e)))
    return row


attnc_rows = json.load(open(a.attnc))
results = []
by_seq = {}
for r in attnc_rows:
    if r["form"] in ("dense", "causal", "window"):
        if r["seq"] not in by_seq:
            by_seq[r["seq"]] = attention_rows(r["seq"])
        r.update(by_seq[r["seq"]][r["form"]])
    else:
        r.update(gat_row(r["edges"]))
    for key in list(r):
        if key.endswith("_ms") and key != "attnc_ms" and r.get("attnc_ms") and r[key]:
            r["ratio_attnc_over_" + key[:-3]] = r["attnc_ms"] / r[key]
    results.append(r)

json.dump({
    "device": a.device_name,
    "torch": torch.__version__,
    "cuda": torch.version.cuda,
    "host": platform.node(),
    "dtype": "float32",
    "timing": "CUDA events, 3 warm-up runs, median of %d; attnc_ms is attn-run's "
              "host wall time per execute, inputs kept on the device, the output "
              "copied back" % a.reps,
    "results": results,
}, open(a.out, "w"), indent=1)
