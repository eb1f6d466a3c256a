#!/usr/bin/env python3
"""attn-run's weights flags (--weights, --init-seed, --save-weights,
--allow-extra-weights) on a module attnc compiled from
Inputs/weights_linear.mlir: f(x: f32[d0, 8], lin.weight: f32[4, 8],
lin.bias: f32[4]) -> (y: f32[d0, 4]).

Writes .npy and .safetensors files by hand (struct, json), so it needs no
numpy."""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ARGS = None

W = [float((i % 5) - 2) for i in range(32)]  # lin.weight, [4, 8]
B = [0.5, -1.0, 2.0, 0.0]  # lin.bias
X = [0.25 * i for i in range(3 * 8)]  # x, [3, 8]


def npy_bytes(descr, shape, values, fmt):
    shape_text = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    data = struct.pack("<%d%s" % (len(values), fmt), *values)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data


def read_npy_f32(path):
    with open(path, "rb") as f:
        raw = f.read()
    (hlen,) = struct.unpack("<H", raw[8:10])
    data = raw[10 + hlen:]
    return list(struct.unpack("<%df" % (len(data) // 4), data))


FORMATS = {"F32": ("f", 4), "F64": ("d", 8), "F16": ("e", 2)}


def safetensors_bytes(tensors):
    """tensors: name -> (dtype, shape, values)."""
    header, data = {}, b""
    for name, (dtype, shape, values) in tensors.items():
        fmt, _ = FORMATS[dtype]
        blob = struct.pack("<%d%s" % (len(values), fmt), *values)
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        fmt, size = FORMATS[info["dtype"]]
        out[name] = (info["shape"],
                     list(struct.unpack("<%d%s" % ((e - b) // size, fmt),
                                        raw[8 + n + b:8 + n + e])))
    return header, out


def linear(x, w, b, rows):
    return [b[o] + sum(x[r * 8 + c] * w[o * 8 + c] for c in range(8))
            for r in range(rows) for o in range(4)]


class Weights(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="attn_run_weights_")
        self.addCleanup(self.dir.cleanup)
        self.write("x.npy", npy_bytes("<f4", (3, 8), X, "f"))

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def run_tool(self, *args):
        return subprocess.run([ARGS.attn_run, ARGS.module, *args], cwd=self.dir.name,
                              capture_output=True, text=True, timeout=60)

    def assert_ok(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)

    def assert_one_line_error(self, r, *parts, code=1):
        self.assertEqual(r.returncode, code, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("attn-run: "), lines[0])
        for part in parts:
            self.assertIn(part, lines[0])
        self.assertFalse(os.path.exists(self.path("y.npy")), "output after a failure")

    def assert_close(self, got, want):
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            self.assertAlmostEqual(g, w, delta=1e-4)

    def weights_file(self, **overrides):
        tensors = {"lin.weight": ("F32", (4, 8), W), "lin.bias": ("F32", (4,), B)}
        tensors.update(overrides)
        tensors = {k: v for k, v in tensors.items() if v is not None}
        return self.write("w.safetensors", safetensors_bytes(tensors))

    def test_list_shows_parameter_names(self):
        r = self.run_tool("--list")
        self.assert_ok(r)
        self.assertIn("f(x: f32[d0, 8] (data), lin.weight: f32[4, 8] (parameter, init glorot), "
                      "lin.bias: f32[4] (parameter, init zeros))", r.stdout)

    def test_weights_file_numerics(self):
        r = self.run_tool("--weights", self.weights_file(), "--input", "x=x.npy")
        self.assert_ok(r)
        self.assert_close(read_npy_f32(self.path("y.npy")), linear(X, W, B, 3))

    def test_weights_directory_of_npy(self):
        os.mkdir(self.path("params"))
        self.write("params/lin.weight.npy", npy_bytes("<f4", (4, 8), W, "f"))
        self.write("params/lin.bias.npy", npy_bytes("<f4", (4,), B, "f"))
        r = self.run_tool("--weights", self.path("params") + "/", "--input", "x=x.npy")
        self.assert_ok(r)
        self.assert_close(read_npy_f32(self.path("y.npy")), linear(X, W, B, 3))

    def test_init_save_and_reuse(self):
        r = self.run_tool("--init-seed", "5", "--save-weights", "saved.safetensors",
                          "--input", "x=x.npy")
        self.assert_ok(r)
        first = read_npy_f32(self.path("y.npy"))
        header, tensors = read_safetensors(self.path("saved.safetensors"))
        self.assertEqual(sorted(tensors), ["lin.bias", "lin.weight"])
        self.assertEqual(header["__metadata__"], {"attnc.init_seed": "5"})
        shape, w = tensors["lin.weight"]
        self.assertEqual(shape, [4, 8])
        a = (6.0 / (8 + 4)) ** 0.5
        self.assertTrue(all(abs(v) <= a for v in w), w)
        self.assertEqual(tensors["lin.bias"], ([4], [0.0] * 4))
        # The saved weights reproduce the run; the numbers are the layer's.
        self.assert_close(first, linear(X, w, [0.0] * 4, 3))
        os.remove(self.path("y.npy"))
        r = self.run_tool("--weights", "saved.safetensors", "--input", "x=x.npy")
        self.assert_ok(r)
        self.assertEqual(read_npy_f32(self.path("y.npy")), first)

    def test_init_is_deterministic_per_seed(self):
        for name, seed in (("a", "9"), ("b", "9"), ("c", "10")):
            self.assert_ok(self.run_tool("--init-seed", seed, "--save-weights",
                                         name + ".safetensors", "--input", "x=x.npy"))
        data = {}
        for n in "abc":
            with open(self.path(n + ".safetensors"), "rb") as f:
                data[n] = f.read()
        self.assertEqual(data["a"], data["b"])
        self.assertNotEqual(data["a"], data["c"])

    def test_input_overrides_and_init_fills_the_rest(self):
        self.write("w.npy", npy_bytes("<f4", (4, 8), W, "f"))
        r = self.run_tool("--init-seed", "1", "--input", "lin.weight=w.npy",
                          "--input", "x=x.npy", "--save-weights", "s.safetensors")
        self.assert_ok(r)
        _, tensors = read_safetensors(self.path("s.safetensors"))
        self.assertEqual(tensors["lin.weight"], ([4, 8], W))
        self.assert_close(read_npy_f32(self.path("y.npy")), linear(X, W, [0.0] * 4, 3))

    def test_random_data_inputs_with_weights(self):
        r = self.run_tool("--weights", self.weights_file(), "--random", "3",
                          "--dim", "d0=6", "--summary")
        self.assert_ok(r)
        self.assertIn("shape [6, 4]", r.stdout)

    def test_missing_parameter(self):
        r = self.run_tool("--weights", self.weights_file(**{"lin.weight": None}),
                          "--input", "x=x.npy")
        self.assert_one_line_error(r, "w.safetensors: entry 'f': 1 parameter missing: "
                                      "'lin.weight'", "--init-seed")

    def test_misshaped_parameter(self):
        w = self.weights_file(**{"lin.weight": ("F32", (4, 7), W[:28])})
        r = self.run_tool("--weights", w, "--input", "x=x.npy")
        self.assert_one_line_error(r, "w.safetensors: 'lin.weight': shape [4, 7], expected [4, 8]")

    def test_wrong_dtype(self):
        w = self.weights_file(**{"lin.bias": ("F64", (4,), B)})
        r = self.run_tool("--weights", w, "--input", "x=x.npy")
        self.assert_one_line_error(r, "'lin.bias': dtype f64, expected f32")

    def test_extra_tensor_is_an_error_unless_allowed(self):
        w = self.weights_file(**{"lin.bais": ("F32", (4,), B)})
        r = self.run_tool("--weights", w, "--input", "x=x.npy")
        self.assert_one_line_error(r, "1 tensor no input takes: 'lin.bais'",
                                   "--allow-extra-weights")
        r = self.run_tool("--weights", w, "--input", "x=x.npy", "--allow-extra-weights")
        self.assert_ok(r)
        self.assertIn("attn-run: warning: ", r.stderr)
        self.assertIn("'lin.bais' (ignored)", r.stderr)

    def test_malformed_file(self):
        self.write("bad.safetensors", b"\x05\x00\x00")
        r = self.run_tool("--weights", "bad.safetensors", "--input", "x=x.npy")
        self.assert_one_line_error(r, "bad.safetensors: truncated: 3 bytes")
        self.write("bad.safetensors", struct.pack("<Q", 4) + b"{\"a\"")
        r = self.run_tool("--weights", "bad.safetensors", "--input", "x=x.npy")
        self.assert_one_line_error(r, "bad.safetensors: header is not valid JSON")

    def test_f16_refused(self):
        w = self.weights_file(**{"lin.bias": ("F16", (4,), B)})
        r = self.run_tool("--weights", w, "--input", "x=x.npy")
        self.assert_one_line_error(r, "tensor 'lin.bias': dtype F16 is not supported")

    def test_missing_weights_file(self):
        r = self.run_tool("--weights", "none.safetensors", "--input", "x=x.npy")
        self.assert_one_line_error(r, "none.safetensors: cannot open")

    def test_parameter_not_given_suggests_weights(self):
        r = self.run_tool("--input", "x=x.npy")
        self.assert_one_line_error(r, "input 'lin.weight' not given", "--weights",
                                   "--init-seed", code=2)

    def test_failed_save_leaves_nothing(self):
        r = self.run_tool("--init-seed", "1", "--input", "x=x.npy",
                          "--save-weights", "nodir/w.safetensors")
        self.assert_one_line_error(r, "nodir/w.safetensors")
        self.assertEqual(sorted(os.listdir(self.dir.name)), ["x.npy"])


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--attn-run", required=True)
    parser.add_argument("--module", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
