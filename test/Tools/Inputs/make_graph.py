#!/usr/bin/env python3
"""Writes a small graph for attn-train --graph tests, without numpy: two
communities of NODES/2 nodes whose labels follow the community, edges mostly
inside a community, 8 noisy features, as a .npz (stored, like numpy.savez,
or deflate, like numpy.savez_compressed) with PyG's keys.

  make_graph.py OUT.npz [--compressed] [--splits K] [--no-masks]
"""
import argparse
import random
import struct
import zipfile


def npy(descr, shape, fmt, values):
    dims = ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, dims)
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * (pad % 64) + "\n"
    return (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) +
            header.encode() + struct.pack("<%d%s" % (len(values), fmt),
                                          *values))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--nodes", type=int, default=200)
    p.add_argument("--compressed", action="store_true")
    p.add_argument("--splits", type=int, default=0)
    p.add_argument("--no-masks", action="store_true")
    a = p.parse_args()
    rng = random.Random(7)
    n, f = a.nodes, 8
    y = [0 if i < n // 2 else 1 for i in range(n)]
    src, dst = [], []
    for i in range(n):
        for _ in range(4):
            same = rng.random() < 0.9
            pool = [j for j in range(n) if (y[j] == y[i]) == same and j != i]
            j = rng.choice(pool)
            src.append(i)
            dst.append(j)
    x = []
    for i in range(n):
        for k in range(f):
            signal = 0.3 if (k % 2) == y[i] else 0.0
            x.append(signal + rng.random())
    arrays = {
        "edge_index": npy("<i8", (2, len(src)), "q", src + dst),
        "x": npy("<f4", (n, f), "f", x),
        "y": npy("<i8", (n,), "q", y),
    }
    if not a.no_masks:
        k = max(a.splits, 1)
        masks = {"train_mask": [], "val_mask": [], "test_mask": []}
        for i in range(n):
            for s in range(k):
                r = (i * 7 + s * 3) % 10
                part = ("train_mask" if r < 4 else
                        "val_mask" if r < 6 else "test_mask")
                for m in masks:
                    masks[m].append(1 if m == part else 0)
        shape = (n, k) if a.splits else (n,)
        for m, v in masks.items():
            arrays[m] = npy("|b1", shape, "B", v)
    method = zipfile.ZIP_DEFLATED if a.compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(a.out, "w", compression=method) as z:
        for key, data in arrays.items():
            with z.open(key + ".npy", "w", force_zip64=True) as e:
                e.write(data)


if __name__ == "__main__":
    main()
