#!/usr/bin/env python3
"""What the attnc Python package costs over the C API, measured side by side
in one run (issue targets: <= 20 us per call; a Cora GAT epoch from Python
within 5% of attn-train's).

1. Call overhead: the tiny `linear` entry of python/tests/inputs/entries.mlir
   ([1, 8] x [8, 4]) called from Python and through the C API
   (build/bin/call_overhead, the same per-call work: set the input, deduce
   and allocate the output, execute), rounds alternated, medians.
2. A GAT epoch on Cora (the data of ../shared/data, exported by attn-train as
   .npy; a generated stand-in when absent, as attn-train says): attnc.gnn.train
   and `attn-train --graph` on the same folder, same seed and epochs, runs
   alternated, the median epoch time of each run, then the median over runs.

  build/python-env/bin/python benchmarks/python_overhead.py [--rounds N]
      [--out benchmarks/results/python-<machine>.json]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.environ.get("ATTNC_BUILD_DIR", os.path.join(ROOT, "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))

import numpy as np  # noqa: E402

import attnc  # noqa: E402
import attnc.gnn  # noqa: E402


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or "unknown", []
    model = next((l.split(":", 1)[1].strip() for l in info.splitlines()
                  if l.startswith("model name")), "unknown")
    flags = next((l.split(":", 1)[1].split() for l in info.splitlines()
                  if l.startswith("flags")), [])
    isa = [f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl",
                       "avx512_vnni", "amx_tile") if f in flags]
    return model, isa


def python_call_us(entry, x, calls):
    entry(x)
    start = time.perf_counter()
    for _ in range(calls):
        entry(x)
    return (time.perf_counter() - start) / calls * 1e6


def c_call_us(module_path, calls):
    out = subprocess.run(
        [os.path.join(BUILD, "bin", "call_overhead"), module_path, "linear",
         "1", str(calls)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["median_us"]


def overhead(rounds, calls):
    module = attnc.compile(
        os.path.join(ROOT, "python", "tests", "inputs", "entries.mlir"))
    module.init_weights(seed=0)
    x = np.ones((1, 8), dtype=np.float32)
    py, c = [], []
    for _ in range(rounds):
        # The C program repeats 9 rounds itself and reports their median.
        c.append(c_call_us(module.path, calls))
        py.append(statistics.median(
            python_call_us(module.linear, x, calls) for _ in range(9)))
    return {
        "entry": "linear [1,8] x [8,4] (python/tests/inputs/entries.mlir)",
        "calls_per_round": calls,
        "rounds": rounds,
        "python_us": round(statistics.median(py), 3),
        "c_api_us": round(statistics.median(c), 3),
        "overhead_us": round(statistics.median(py) - statistics.median(c), 3),
        "target_us": 20.0,
    }


def gat_epochs(rounds, epochs):
    train_bin = os.path.join(BUILD, "bin", "attn-train")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "cora")
        exported = subprocess.run(
            [train_bin, "--dataset", "cora", "--export", data, "--quiet",
             "--json", "--epochs", "1"],
            check=True, capture_output=True, text=True)
        synthetic = "SYNTHETIC" in exported.stdout + exported.stderr
        arrays = attnc.gnn.load_graph(data)
        common = ["--graph", data, "--epochs", str(epochs), "--patience",
                  str(epochs), "--seed", "1"]
        cli, py = [], []
        for _ in range(rounds):
            out = subprocess.run([train_bin, *common, "--quiet", "--json"],
                                 check=True, capture_output=True, text=True)
            cli.append(json.loads(out.stdout)["median_epoch_ms"])
            r = attnc.gnn.train(
                "gat", graph=arrays["edge_index"], x=arrays["x"],
                y=arrays["y"], train_mask=arrays["train_mask"],
                val_mask=arrays["val_mask"], test_mask=arrays["test_mask"],
                epochs=epochs, patience=epochs, seed=1, progress=False)
            py.append(r.median_epoch_ms)
    c, p = statistics.median(cli), statistics.median(py)
    return {
        "task": "GAT (8x8 heads, 2 layers) on Cora"
                + (" (SYNTHETIC stand-in)" if synthetic else ""),
        "epochs_per_run": epochs,
        "rounds": rounds,
        "attn_train_ms": round(c, 3),
        "python_ms": round(p, 3),
        "python_over_attn_train": round(p / c, 4),
        "target": "<= 1.05",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--out", help="write the results (JSON) here")
    args = ap.parse_args()

    model, isa = cpu_model()
    result = {
        "machine": {"cpu": model, "isa": isa, "cores": os.cpu_count(),
                    "load_before": os.getloadavg()[0]},
        "call": overhead(args.rounds, args.calls),
        "gat_epoch": gat_epochs(args.rounds, args.epochs),
    }
    result["machine"]["load_after"] = os.getloadavg()[0]
    c, g = result["call"], result["gat_epoch"]
    print(f"machine: {model} ({' '.join(isa)}), {os.cpu_count()} cores, "
          f"load {result['machine']['load_before']:.2f} -> "
          f"{result['machine']['load_after']:.2f}")
    print(f"call overhead: python {c['python_us']:.2f} us, C API "
          f"{c['c_api_us']:.2f} us -> {c['overhead_us']:.2f} us per call "
          f"(target <= 20)")
    print(f"{g['task']}: attn-train {g['attn_train_ms']:.3f} ms/epoch, "
          f"python {g['python_ms']:.3f} ms/epoch -> "
          f"{g['python_over_attn_train']:.3f}x (target <= 1.05)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
