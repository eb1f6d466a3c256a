#!/usr/bin/env python3
"""attn-train against PyTorch Geometric's GATConv, side by side in one run:
the same GAT recipe (2 layers, 8 heads x 8 hidden, ELU, dropout 0.6 on
inputs and attention, Adam lr 0.005, weight decay 5e-4, up to 1000 epochs,
patience 100 on val loss/accuracy, GAT's checkpoint rule) on the same data:
attn-train --export writes the task's features (x), graph (edge_index,
symmetrised, with self-loops), labels (y) and split as .npy, which this
script loads. Both run on the same CPU threads. Prints, per seed and as
mean ± std, the test accuracy and the mean epoch time (forward + backward +
Adam step) of each, and their ratio; writes
benchmarks/results/pyg-gat-<machine>.json.

  pip install torch torch_geometric
  benchmarks/pyg_gat.py --dataset cora --seeds 10
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch_geometric.nn import GATConv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnn_accuracy import ROOT, machine_name  # noqa: E402


class GAT(torch.nn.Module):
    def __init__(self, fin, classes):
        super().__init__()
        # The graph already carries one self-loop per node.
        self.conv1 = GATConv(fin, 8, heads=8, dropout=0.6, add_self_loops=False)
        self.conv2 = GATConv(64, classes, heads=1, concat=False, dropout=0.6,
                             add_self_loops=False)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.6, training=self.training)
        x = F.elu(self.conv1(x, edge_index))
        x = F.dropout(x, p=0.6, training=self.training)
        return F.log_softmax(self.conv2(x, edge_index), dim=-1)


def load(d):
    # The keys attn-train --graph reads (PyG's): edge_index is [source, target].
    a = {k: np.load(os.path.join(d, k + ".npy")) for k in
         ["x", "edge_index", "y", "train_mask", "val_mask", "test_mask"]}
    edge_index = torch.from_numpy(a["edge_index"]).long()
    t = {"features": torch.from_numpy(a["x"]),
         "labels": torch.from_numpy(a["y"]).long()}
    for k in ("train_mask", "val_mask", "test_mask"):
        t[k] = torch.from_numpy(a[k])
    return t, edge_index


def train_pyg(data, edge_index, seed, epochs, patience):
    torch.manual_seed(seed)
    x, y = data["features"], data["labels"]
    tr, va, te = data["train_mask"], data["val_mask"], data["test_mask"]
    model = GAT(x.shape[1], int(y.max()) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.005, weight_decay=5e-4)
    best_acc, best_loss, wait, best_state, best_epoch = -1.0, float("inf"), 0, None, 0
    times = []
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        opt.zero_grad()
        loss = F.nll_loss(model(x, edge_index)[tr], y[tr])
        loss.backward()
        opt.step()
        times.append((time.perf_counter() - t0) * 1e3)
        model.eval()
        with torch.no_grad():
            out = model(x, edge_index)
            val_loss = F.nll_loss(out[va], y[va]).item()
            val_acc = (out[va].argmax(1) == y[va]).float().mean().item()
        if val_acc >= best_acc or val_loss <= best_loss:
            if val_acc >= best_acc and val_loss <= best_loss:
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
                best_epoch = epoch
            best_acc, best_loss, wait = max(best_acc, val_acc), min(best_loss, val_loss), 0
        else:
            wait += 1
            if wait >= patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        out = model(x, edge_index)
    test_acc = (out[te].argmax(1) == y[te]).float().mean().item()
    return {"test_accuracy": test_acc, "best_epoch": best_epoch, "epochs_run": epoch,
            "mean_epoch_ms": statistics.fmean(times),
            "median_epoch_ms": statistics.median(times)}


def stats(xs):
    return {"mean": statistics.fmean(xs), "std": statistics.stdev(xs) if len(xs) > 1 else 0.0,
            "n": len(xs)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="cora")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--epochs", type=int, default=1000)
    p.add_argument("--patience", type=int, default=100)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--attn-train", default=os.path.join(ROOT, "build/bin/attn-train"))
    p.add_argument("--data-dir", default=None)
    p.add_argument("--machine", default=machine_name())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    extra = ["--data-dir", a.data_dir] if a.data_dir else []
    rows = {"attnc": [], "pyg": []}
    with tempfile.TemporaryDirectory() as d:
        for seed in range(1, a.seeds + 1):
            # PyG's recipe on both sides (attn-train's default on citation
            # tasks adds the GAT reference code's value dropout).
            cmd = [a.attn_train, "--dataset", a.dataset, "--seed", str(seed),
                   "--recipe", "pyg",
                   "--epochs", str(a.epochs), "--patience", str(a.patience),
                   "--json", "--quiet", "--export", d] + extra
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"pyg_gat: {' '.join(cmd)} failed: {r.stderr.strip()}")
            ours = json.loads(r.stdout.strip().splitlines()[-1])
            if seed == 1:
                data, edge_index = load(d)
                if ours["synthetic"]:
                    print("note: SYNTHETIC data (" + ours["provenance"] + ")")
            theirs = train_pyg(data, edge_index, seed, a.epochs, a.patience)
            rows["attnc"].append(ours)
            rows["pyg"].append(theirs)
            print(f"seed {seed:2d}: attnc test {ours['test_accuracy']:.4f} "
                  f"{ours['mean_epoch_ms']:7.2f} ms/epoch | PyG test "
                  f"{theirs['test_accuracy']:.4f} {theirs['mean_epoch_ms']:7.2f} ms/epoch",
                  flush=True)
    summary = {k: {"test_accuracy": stats([r["test_accuracy"] for r in v]),
                   "epoch_ms": stats([r["mean_epoch_ms"] for r in v]),
                   "median_epoch_ms": stats([r["median_epoch_ms"] for r in v]),
                   "epochs_run": stats([r["epochs_run"] for r in v])}
               for k, v in rows.items()}
    speedup = summary["pyg"]["epoch_ms"]["mean"] / summary["attnc"]["epoch_ms"]["mean"]
    for k, name in (("attnc", "attnc (attn-train)"), ("pyg", f"PyG {__import__('torch_geometric').__version__} GATConv")):
        s = summary[k]
        print(f"{name:28s} test {100 * s['test_accuracy']['mean']:.1f} ± "
              f"{100 * s['test_accuracy']['std']:.1f}  epoch {s['epoch_ms']['mean']:.2f} ms "
              f"(median {s['median_epoch_ms']['mean']:.2f})")
    print(f"PyG epoch / attnc epoch: {speedup:.2f}x  ({a.threads} threads, {a.machine})")
    out = os.path.join(ROOT, "benchmarks/results", f"pyg-gat-{a.machine}.json")
    results = {}
    if os.path.exists(out):
        with open(out) as f:
            results = json.load(f)
    results[a.dataset] = {"machine": a.machine, "threads": a.threads,
                          "torch": torch.__version__,
                          "torch_geometric": __import__("torch_geometric").__version__,
                          "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                          "speedup_pyg_over_attnc_epoch_time": speedup,
                          "summary": summary, "runs": rows}
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
