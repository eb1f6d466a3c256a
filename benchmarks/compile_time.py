#!/usr/bin/env python3
"""Compile time of N identical encoder layers with attnc.

Compiles BERT-style encoders (hidden 384, 12 heads, FFN 1536, GELU,
post-norm; batch and sequence dynamic) of 1, 2, 6 and 12 layers, for each
target asked, and prints the wall time, the peak resident set size of the
largest attnc process (the driver or one of its forked compile jobs), the
distinct kernels compiled, and the ratio of the 12-layer time to the
2-layer one, all from the same run. Nothing is asserted: the numbers go to
benchmarks/results/.

  python3 benchmarks/compile_time.py --attnc build/bin/attnc \
      [--targets x86-64-multi host] [--layers 1 2 6 12] [--out FILE.json]
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time


def encoder_yaml(layers, width=384, heads=12, ffn=1536):
    """The encoder description; benchmarks/transformer_bench.py uses it too."""
    lines = ["name: encoder", "inputs:", "  - name: x",
             f"    shape: [batch, seq, {width}]", "layers:"]
    prev = "x"
    for i in range(layers):
        p = f"layer{i}"
        lines += [f"  - name: {p}.attn", "    kind: multi_head_attention",
                  f"    heads: {heads}", f"    input: {prev}",
                  f"    residual: {prev}",
                  f"  - name: {p}.norm1", "    kind: layer_norm",
                  f"  - name: {p}.ffn", "    kind: feed_forward",
                  f"    hidden: {ffn}", "    activation: gelu",
                  f"    residual: {p}.norm1",
                  f"  - name: {p}.norm2", "    kind: layer_norm"]
        prev = f"{p}.norm2"
    lines.append(f"outputs: [{prev}]")
    return "\n".join(lines) + "\n"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def compile_once(attnc, yaml_path, target, out_dir, extra):
    """Wall seconds, peak RSS in MB (GNU time's %M: the largest process
    waited for, forked jobs included) and the kernel count attnc reports."""
    out = os.path.join(out_dir, "m.so")
    cmd = ["/usr/bin/time", "-f", "ATTNC_MAXRSS_KB %M", attnc, yaml_path,
           f"--target={target}", "-o", out] + extra
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"attnc failed ({' '.join(cmd)}):\n{p.stderr}")
    rss = re.search(r"ATTNC_MAXRSS_KB (\d+)", p.stderr)
    kernels = re.search(r"(\d+) distinct kernels for (\d+) calls", p.stderr)
    return {"wall_s": wall,
            "peak_rss_mb": int(rss.group(1)) / 1024 if rss else None,
            "distinct_kernels": int(kernels.group(1)) if kernels else None,
            "kernel_calls": int(kernels.group(2)) if kernels else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--attnc", default="build/bin/attnc")
    ap.add_argument("--targets", nargs="+", default=["x86-64-multi", "host"])
    ap.add_argument("--layers", nargs="+", type=int, default=[1, 2, 6, 12])
    ap.add_argument("--out", help="also write the rows as JSON")
    ap.add_argument("--attnc-args", nargs="*", default=[],
                    help="more attnc options (e.g. --partition=false)")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; ATTNC_JOBS="
          f"{os.environ.get('ATTNC_JOBS', 'cores')}", flush=True)
    # Older attnc builds (the baseline) compile whole entries and lack the
    # flag that counts kernels.
    helptext = subprocess.run([args.attnc, "--help"], capture_output=True,
                              text=True).stdout
    extra = ["--kernel-summary"] if "--kernel-summary" in helptext else []
    extra += args.attnc_args
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for target in args.targets:
            times = {}
            for n in args.layers:
                path = os.path.join(tmp, f"encoder{n}.yaml")
                with open(path, "w") as f:
                    f.write(encoder_yaml(n))
                r = compile_once(args.attnc, path, target, tmp, extra)
                r.update(target=target, layers=n,
                         attnc_args=" ".join(args.attnc_args))
                rows.append(r)
                times[n] = r["wall_s"]
                kern = ("" if r["distinct_kernels"] is None else
                        f"  {r['distinct_kernels']} kernels / "
                        f"{r['kernel_calls']} calls")
                print(f"{target:<14} {n:3d} layers  {r['wall_s']:7.2f} s  "
                      f"peak RSS {r['peak_rss_mb']:7.1f} MB{kern}",
                      flush=True)
            if 2 in times and 12 in times:
                ratio = times[12] / times[2]
                print(f"{target:<14} 12 / 2 layers: {ratio:.2f}x", flush=True)
                rows.append({"target": target, "ratio_12_over_2": ratio})
    load = os.getloadavg()
    print(f"load after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"machine": cpu_model(), "cores": os.cpu_count(),
                       "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
