#!/usr/bin/env python3
"""The ONNX frontend end to end, without PyTorch: each exported encoder in
Inputs/ (export_models.py) is imported and compiled by attnc, run by
attn-run on the stored padded batch, and compared with the stored PyTorch
float32 outputs: hidden states within 1e-5 normwise, pooled embeddings at
cosine >= 0.99999 per row. Also: run-time checks of token ids and sequence
length name the input and position; refused graphs leave no output.

Reads and writes .npy with the struct module: no numpy needed."""
import argparse
import math
import os
import struct
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None
HERE = os.path.dirname(os.path.abspath(__file__))
INPUTS = os.path.join(HERE, "Inputs")  # --inputs DIR: another export
MODELS = {
    "bert-h72": (["last_hidden_state"], ["sentence_embedding"]),
    "bert-tanh": (["last_hidden_state"], ["cls", "mean"]),
    "bert-attn23": (["last_hidden_state"], ["sentence_embedding"]),
    "bert-ln14": (["last_hidden_state"], ["sentence_embedding"]),
}
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]


def read_npy(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:6] == b"\x93NUMPY", path
    major = raw[6]
    if major == 1:
        (hlen,) = struct.unpack("<H", raw[8:10])
        start = 10
    else:
        (hlen,) = struct.unpack("<I", raw[8:12])
        start = 12
    header = raw[start:start + hlen].decode()
    descr = header.split("'descr':")[1].split("'")[1]
    assert "'fortran_order': False" in header, header
    shape = tuple(int(x) for x in header.split("(")[1].split(")")[0].split(",")
                  if x.strip())
    fmt = {"<f4": "f", "<f8": "d", "<i8": "q", "<i4": "i"}[descr]
    data = raw[start + hlen:]
    n = len(data) // struct.calcsize(fmt)
    return shape, descr, list(struct.unpack("<%d%s" % (n, fmt), data))


def write_npy(path, descr, shape, values):
    fmt = {"<f4": "f", "<i8": "q"}[descr]
    shape_text = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), fmt), *values))


def rel_error(got, ref):
    num = math.sqrt(sum((g - r) ** 2 for g, r in zip(got, ref)))
    den = math.sqrt(sum(r * r for r in ref))
    return num / den


def cosines(got, ref, rows):
    width = len(ref) // rows
    out = []
    for b in range(rows):
        g = got[b * width:(b + 1) * width]
        r = ref[b * width:(b + 1) * width]
        dot = sum(x * y for x, y in zip(g, r))
        out.append(dot / math.sqrt(sum(x * x for x in g) * sum(y * y for y in r)))
    return out


class OnnxModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        # Modules for this machine's CPU: half the compile time of the
        # default two-variant module, the same kernels.
        cls.modules = {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def compile(self, name):
        if name in self.modules:
            return self.modules[name]
        out = os.path.join(self.tmp.name, name + ".so")
        start = time.monotonic()
        r = subprocess.run([ARGS.attnc, os.path.join(INPUTS, name + ".onnx"),
                            "--target=host", "-o", out],
                           capture_output=True, text=True)
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stderr)
        weights = os.path.join(self.tmp.name, name + ".safetensors")
        self.assertTrue(os.path.exists(weights), "no weights beside the module")
        print("\n%s: import + compile %.1f s" % (name, took), file=sys.stderr)
        self.modules[name] = (out, weights)
        return out, weights

    def run_module(self, name, inputs, outputs):
        module, weights = self.compile(name)
        cmd = [ARGS.attn_run, module, "--weights", weights]
        for n, path in inputs.items():
            cmd += ["--input", "%s=%s" % (n, path)]
        paths = {}
        for n in outputs:
            paths[n] = os.path.join(self.tmp.name, "%s.%s.out.npy" % (name, n))
            if os.path.exists(paths[n]):
                os.remove(paths[n])
            cmd += ["--output", "%s=%s" % (n, paths[n])]
        return subprocess.run(cmd, capture_output=True, text=True), paths

    def check_model(self, name):
        hidden, pooled = MODELS[name]
        folder = os.path.join(INPUTS, name)
        inputs = {n: os.path.join(folder, n + ".npy") for n in INPUT_NAMES}
        r, paths = self.run_module(name, inputs, hidden + pooled)
        self.assertEqual(r.returncode, 0, r.stderr)
        for n in hidden + pooled:
            shape, _, got = read_npy(paths[n])
            rshape, _, ref = read_npy(os.path.join(folder, n + ".npy"))
            _, _, ref64 = read_npy(os.path.join(folder, n + ".f64.npy"))
            self.assertEqual(shape, rshape, n)
            self.assertTrue(all(math.isfinite(v) for v in got), n)
            err = rel_error(got, ref)
            print("%s %s: normwise error %.2e vs PyTorch fp32 (%.2e vs "
                  "float64; PyTorch fp32 vs float64 %.2e)"
                  % (name, n, err, rel_error(got, ref64), rel_error(ref, ref64)),
                  file=sys.stderr)
            self.assertLessEqual(err, 1e-5, n)
            if n in pooled:
                cos = cosines(got, ref, shape[0])
                self.assertGreaterEqual(min(cos), 0.99999, (n, cos))

    def test_bert_h72_erf_gelu_masked_mean_l2(self):
        self.check_model("bert-h72")

    def test_bert_tanh_gelu_dynamo_cls_mean(self):
        self.check_model("bert-tanh")

    def test_bert_onnx_attention_op(self):
        self.check_model("bert-attn23")

    def test_bert_opset14_spelled_out_layer_norm_and_gelu_new(self):
        self.check_model("bert-ln14")

    def test_padding_side_matters(self):
        # The same batch with the mask's padding moved to the other side of
        # rows 1 and 2 must change those rows' pooled embeddings: the mask is
        # applied, not ignored.
        folder = os.path.join(INPUTS, "bert-h72")
        shape, _, mask = read_npy(os.path.join(folder, "attention_mask.npy"))
        B, S = shape
        flipped = []
        for b in range(B):
            row = mask[b * S:(b + 1) * S]
            flipped += row[::-1] if b in (1, 2) else row
        path = os.path.join(self.tmp.name, "flipped_mask.npy")
        write_npy(path, "<i8", shape, flipped)
        inputs = {n: os.path.join(folder, n + ".npy") for n in INPUT_NAMES}
        inputs["attention_mask"] = path
        r, paths = self.run_module("bert-h72", inputs, ["sentence_embedding"])
        self.assertEqual(r.returncode, 0, r.stderr)
        _, _, got = read_npy(paths["sentence_embedding"])
        _, _, ref = read_npy(os.path.join(folder, "sentence_embedding.npy"))
        cos = cosines(got, ref, B)
        self.assertGreater(cos[0], 0.99999)  # unchanged row
        self.assertLess(cos[1], 0.9999)
        self.assertLess(cos[2], 0.9999)

    def run_ids(self, ids_shape, ids, check):
        folder = os.path.join(INPUTS, "bert-h72")
        inputs = {}
        for n in INPUT_NAMES:
            path = os.path.join(self.tmp.name, "check_%s.npy" % n)
            values = ids if n == "input_ids" else [1 if n == "attention_mask" else 0] * len(ids)
            write_npy(path, "<i8", ids_shape, values)
            inputs[n] = path
        r, paths = self.run_module("bert-h72", inputs, ["sentence_embedding"])
        self.assertNotEqual(r.returncode, 0)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        check(lines[0])
        self.assertFalse(os.path.exists(paths["sentence_embedding"]))

    def test_token_id_out_of_vocab_is_refused(self):
        ids = [5] * 14
        ids[9] = 97  # vocab 97: row 1, position 2 of [2, 7]
        self.run_ids((2, 7), ids, lambda line: (
            self.assertIn("input_ids", line), self.assertIn("97", line),
            self.assertIn("9", line)))

    def test_sequence_longer_than_positions_is_refused(self):
        self.run_ids((1, 41), [3] * 41, lambda line: (
            self.assertIn("41", line), self.assertIn("40", line)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--attnc", required=True)
    p.add_argument("--attn-run", required=True)
    p.add_argument("--inputs", help="a folder export_models.py wrote")
    global ARGS, INPUTS
    ARGS, rest = p.parse_known_args()
    if ARGS.inputs:
        INPUTS = ARGS.inputs
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
