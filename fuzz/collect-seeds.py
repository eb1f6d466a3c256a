#!/usr/bin/env python3
"""Collects the seed corpus of every fuzz harness into OUT/<harness>/.

Seeds come from the repository's own inputs (test/**/Inputs, test/**/*.mlir,
examples/), from small files generated here (safetensors, .npy, .npz, a tiny
ELF shared library) and from the hand-made seeds in fuzz/seeds/<harness>/.
Multi-file inputs (the graph loaders) are the files joined by NUL bytes, as
fuzz/FuzzSupport.h splits them. Idempotent and quick: rerun on every fuzz run.

usage: fuzz/collect-seeds.py OUT [HARNESS...]   (default: every harness)
"""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def put(out, harness, name, data):
    d = out / harness
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def model_yaml(out):
    files = (sorted(ROOT.glob("test/*/Inputs/*.yaml")) +
             sorted(ROOT.glob("examples/*.yaml")) +
             sorted(ROOT.glob("examples/*.yaml.in")))
    for f in files:
        put(out, "model_yaml", f"{f.parent.parent.name}-{f.name}", f.read_bytes())


def onnx_model(out):
    # The small exports of test/Frontends/ONNX: refused graphs and one
    # whole encoder (the larger ones would be mostly weights).
    for f in sorted(ROOT.glob("test/Frontends/ONNX/Inputs/*.onnx")):
        if f.stat().st_size <= 80000:
            put(out, "onnx_model", f.name, f.read_bytes())


def attn_ir(out):
    files = sorted(ROOT.glob("test/**/*.mlir")) + sorted(ROOT.glob("examples/*.mlir"))
    for f in files:
        text = f.read_text()
        # Each --split-input-file case on its own, as attn-opt would see it.
        for i, case in enumerate(text.split("// -----")):
            if case.strip():
                rel = str(f.relative_to(ROOT)).replace("/", "-")
                put(out, "attn_ir", f"{rel}-{i}", case)


def npy_bytes(descr, shape, data, version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join(f"{s}, " for s in shape) if len(shape) != 1 else f"{shape[0]},")
    magic = b"\x93NUMPY" + bytes([version, 0])
    fixed = len(magic) + (2 if version == 1 else 4)
    pad = (-(fixed + len(header) + 1)) % 64
    header = header + " " * pad + "\n"
    length = struct.pack("<H" if version == 1 else "<I", len(header))
    return magic + length + header.encode() + data


def npy(out):
    put(out, "npy", "f4-2x3", npy_bytes("<f4", [2, 3], struct.pack("<6f", *range(6))))
    put(out, "npy", "f8-3", npy_bytes("<f8", [3], struct.pack("<3d", 1, 2, 3)))
    put(out, "npy", "i4-scalar", npy_bytes("<i4", [], struct.pack("<i", 7)))
    put(out, "npy", "i8-2x0", npy_bytes("<i8", [2, 0], b""))
    put(out, "npy", "b1-4", npy_bytes("|b1", [4], bytes([1, 0, 1, 1])))
    put(out, "npy", "u1-2", npy_bytes("|u1", [2], bytes([3, 4])))
    put(out, "npy", "f2-2", npy_bytes("<f2", [2], b"\x00\x3c\x00\x40"))
    put(out, "npy", "v2-f4", npy_bytes("<f4", [1, 1], struct.pack("<f", 1.5), 2))


def safetensors_bytes(tensors, metadata=None):
    header, data = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


def safetensors(out):
    put(out, "safetensors", "empty", safetensors_bytes({}))
    put(out, "safetensors", "all-dtypes", safetensors_bytes({
        "lin.weight": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)),
        "lin.bias": ("F64", [2], struct.pack("<2d", 0.5, -1)),
        "ids": ("I32", [3], struct.pack("<3i", 1, 2, 3)),
        "big": ("I64", [1], struct.pack("<q", 1 << 40)),
        "mask": ("BOOL", [2], b"\x01\x00"),
    }, {"format": "pt", "attnc": "1"}))
    put(out, "safetensors", "scalar-and-zero", safetensors_bytes({
        "s": ("F32", [], struct.pack("<f", 2)),
        "z": ("F32", [0, 3], b""),
    }))
    put(out, "safetensors", "f16", safetensors_bytes({"h": ("F16", [1], b"\x00\x3c")}))


def npz_bytes(arrays, compression):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for key, blob in arrays.items():
            z.writestr(key + ".npy", blob)
    return buf.getvalue()


def graph_npz(out):
    n, f = 4, 3
    edges = [(0, 1), (1, 2), (2, 3), (3, 0), (1, 0)]
    arrays = {
        "edge_index": npy_bytes("<i8", [2, len(edges)],
                                struct.pack(f"<{2*len(edges)}q",
                                            *[e[0] for e in edges], *[e[1] for e in edges])),
        "x": npy_bytes("<f4", [n, f], struct.pack(f"<{n*f}f", *[float(i % 2) for i in range(n * f)])),
        "y": npy_bytes("<i8", [n], struct.pack("<4q", 0, 1, 0, 1)),
        "train_mask": npy_bytes("|b1", [n], bytes([1, 1, 0, 0])),
        "val_mask": npy_bytes("|b1", [n], bytes([0, 0, 1, 0])),
        "test_mask": npy_bytes("|b1", [n], bytes([0, 0, 0, 1])),
    }
    put(out, "graph_npz", "stored", npz_bytes(arrays, zipfile.ZIP_STORED))
    put(out, "graph_npz", "deflated", npz_bytes(arrays, zipfile.ZIP_DEFLATED))
    # [N, 2] masks (several splits) and int32 edges.
    arrays2 = dict(arrays)
    arrays2["edge_index"] = npy_bytes("<i4", [2, 2], struct.pack("<4i", 0, 1, 1, 0))
    for k, bits in (("train_mask", [1, 0, 1, 0, 0, 1, 0, 0]),
                    ("val_mask", [0, 1, 0, 0, 1, 0, 0, 0]),
                    ("test_mask", [0, 0, 0, 1, 0, 0, 1, 1])):
        arrays2[k] = npy_bytes("|b1", [n, 2], bytes(bits))
    put(out, "graph_npz", "splits", npz_bytes(arrays2, zipfile.ZIP_DEFLATED))


def elf_check(out):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang-19")
    if not cc:
        return
    with tempfile.TemporaryDirectory() as tmp:
        src, lib = Path(tmp) / "m.c", Path(tmp) / "m.so"
        src.write_text("int attnc_fuzz_seed(int x) { return x + 1; }\n")
        r = subprocess.run([cc, "-shared", "-fPIC", "-nostdlib", "-s", "-O1",
                            "-Wl,-z,max-page-size=4096", "-Wl,-z,noseparate-code",
                            str(src), "-o", str(lib)], capture_output=True)
        if r.returncode != 0:
            return
        data = lib.read_bytes()
    put(out, "elf_check", "tiny.so", data)
    put(out, "elf_check", "tiny-truncated.so", data[: len(data) // 2])
    put(out, "elf_check", "header-only.so", data[:64])


def module_descriptor(out):
    # FuzzedDataProvider reads integers from the end, strings from the front.
    for i, blob in enumerate([b"", b"\x01" * 64, bytes(range(256)),
                              b"entry\x00arg\x00" + bytes([2, 1, 3, 1, 5, 0, 1, 1] * 8)]):
        put(out, "module_descriptor", f"seed-{i}", blob)


def hand_made(out):
    for d in sorted((ROOT / "fuzz" / "seeds").glob("*")):
        for f in sorted(d.iterdir()):
            data = f.read_bytes()
            # Hand-made multi-file seeds spell the separator as a line
            # "\0" (readable in the tree); the harness splits at NUL bytes.
            data = data.replace(b"\n\\0\n", b"\n\0")
            put(out, d.name, f.name, data)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    only = set(sys.argv[2:])
    # Collected in a fresh folder, then each harness's folder replaced, so
    # that runs of different harnesses at once (ctest -j) never see another's
    # half-written seeds.
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        fresh = Path(tmp)
        for collect in (model_yaml, onnx_model, attn_ir, npy, safetensors, graph_npz,
                        elf_check, module_descriptor, hand_made):
            collect(fresh)
        for d in sorted(fresh.iterdir()):
            if only and d.name not in only:
                continue
            target = out / d.name
            old = out / (d.name + ".old-" + str(os.getpid()))
            if target.exists():
                target.rename(old)
            d.rename(target)
            if old.exists():
                shutil.rmtree(old)


if __name__ == "__main__":
    main()
