#!/usr/bin/env python3
"""attn-run's command line: exit codes, one-line errors naming the file or
argument, numbers of a successful run, and no output left after a failure.

Writes .npy files by hand (the struct module), so it needs no numpy."""
import argparse
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ARGS = None


def npy_bytes(descr, shape, values, fmt, fortran=False):
    shape_text = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape_text)
    pad = (64 - (10 + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    data = struct.pack("<%d%s" % (len(values), fmt), *values)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data


def read_npy_f32(path):
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:8] == b"\x93NUMPY\x01\x00", raw[:8]
    (hlen,) = struct.unpack("<H", raw[8:10])
    header = raw[10:10 + hlen].decode()
    assert "'descr': '<f4'" in header, header
    shape = tuple(int(x) for x in header.split("(")[1].split(")")[0].split(",") if x.strip())
    data = raw[10 + hlen:]
    return shape, list(struct.unpack("<%df" % (len(data) // 4), data))


class AttnRun(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="attn_run_test_")
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def run_tool(self, *args):
        return subprocess.run([ARGS.attn_run, *args], cwd=self.dir.name,
                              capture_output=True, text=True, timeout=60)

    def add_inputs(self, rows=3, b_rows=None):
        b_rows = rows if b_rows is None else b_rows
        a = self.write("a.npy", npy_bytes("<f4", (rows, 5), [float(i) for i in range(rows * 5)], "f"))
        b = self.write("b.npy", npy_bytes("<f4", (b_rows, 5), [0.5] * (b_rows * 5), "f"))
        return a, b

    def assert_one_line_error(self, result, *parts):
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertGreater(result.returncode, 0, "killed by a signal")
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        for part in parts:
            self.assertIn(part, lines[0])

    def assert_no_outputs(self):
        left = [f for f in os.listdir(self.dir.name) if not f.startswith(("a.npy", "b.npy", "in", "bad"))]
        self.assertEqual(left, [], "files left behind after a failure")

    def test_list(self):
        r = self.run_tool(ARGS.basic, "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("add(a: f32[S, 5] (data), b: f32[S, 5] (data)) -> (out: f32[S, 5] (output))", r.stdout)
        self.assertIn("row_offsets: i32[N+1] (csr row offsets)", r.stdout)
        self.assertIn("lengths: i32[B] (key lengths)", r.stdout)

    def test_run_add_writes_default_output(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy")
        self.assertEqual(r.returncode, 0, r.stderr)
        shape, values = read_npy_f32(self.path("out.npy"))
        self.assertEqual(shape, (3, 5))
        self.assertEqual(values, [i + 0.5 for i in range(15)])
        self.assertEqual(sorted(os.listdir(self.dir.name)), ["a.npy", "b.npy", "out.npy"])

    def test_run_with_named_output_and_bench(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy",
                          "--output", "out=sum.npy", "--bench", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"add: 5 runs after 1 warm-up: median [0-9.]+ ms, min [0-9.]+ ms")
        self.assertTrue(os.path.exists(self.path("sum.npy")))
        self.assertFalse(os.path.exists(self.path("out.npy")))

    def test_module_with_several_entries_needs_entry(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--input", "a=a.npy", "--input", "b=b.npy")
        self.assert_one_line_error(r, "4 entries", "--entry")

    def test_missing_module_file(self):
        r = self.run_tool(self.path("nope.so"), "--list")
        self.assert_one_line_error(r, "nope.so", "No such file")

    def test_text_file_is_not_a_module(self):
        bad = self.write("bad.so", b"hello\n")
        r = self.run_tool(bad, "--list")
        self.assert_one_line_error(r, bad, "is not a module")

    def test_library_without_descriptor(self):
        r = self.run_tool(ARGS.no_descriptor, "--list")
        self.assert_one_line_error(r, ARGS.no_descriptor, "attnc_module_descriptor")

    def test_missing_input(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy")
        self.assert_one_line_error(r, "input 'b' not given")
        self.assert_no_outputs()

    def test_unknown_input_name(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy",
                          "--input", "c=a.npy")
        self.assert_one_line_error(r, "'c'", "inputs: a, b")

    def test_unknown_entry(self):
        r = self.run_tool(ARGS.basic, "--entry", "sdpa")
        self.assert_one_line_error(r, "no entry 'sdpa'")

    def test_missing_input_file(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=missing.npy")
        self.assert_one_line_error(r, "missing.npy", "cannot open")
        self.assert_no_outputs()

    def test_wrong_shape(self):
        self.add_inputs(rows=3, b_rows=4)
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy")
        self.assert_one_line_error(r, "b.npy", "input 'b'", "(S) is 4", "S = 3")
        self.assert_no_outputs()

    def test_wrong_dtype(self):
        self.add_inputs()
        self.write("b.npy", npy_bytes("<i4", (3, 5), [1] * 15, "i"))
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy")
        self.assert_one_line_error(r, "b.npy", "input 'b'", "'<i4'", "'<f4'")
        self.assert_no_outputs()

    def test_fortran_order_file(self):
        self.add_inputs()
        self.write("b.npy", npy_bytes("<f4", (3, 5), [1.0] * 15, "f", fortran=True))
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy")
        self.assert_one_line_error(r, "b.npy", "Fortran")

    def test_truncated_file(self):
        self.add_inputs()
        with open(self.path("b.npy"), "rb") as f:
            data = f.read()
        self.write("b.npy", data[:-3])
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy")
        self.assert_one_line_error(r, "b.npy", "truncated")
        self.assert_no_outputs()

    def test_corrupt_csr(self):
        self.write("in_rows.npy", npy_bytes("<i4", (4,), [0, 2, 1, 3], "i"))
        self.write("in_cols.npy", npy_bytes("<i4", (3,), [0, 1, 2], "i"))
        self.write("in_feat.npy", npy_bytes("<f4", (3, 2), [1.0] * 6, "f"))
        r = self.run_tool(ARGS.basic, "--entry", "csr_sum", "--input", "row_offsets=in_rows.npy",
                          "--input", "col_indices=in_cols.npy", "--input", "feat=in_feat.npy")
        self.assert_one_line_error(r, "input 'row_offsets'", "decrease at position 2")
        self.assert_no_outputs()

    def test_csr_runs(self):
        self.write("in_rows.npy", npy_bytes("<i4", (4,), [0, 2, 2, 3], "i"))
        self.write("in_cols.npy", npy_bytes("<i4", (3,), [1, 2, 0], "i"))
        self.write("in_feat.npy", npy_bytes("<f4", (3, 2), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "f"))
        r = self.run_tool(ARGS.basic, "--entry", "csr_sum", "--input", "row_offsets=in_rows.npy",
                          "--input", "col_indices=in_cols.npy", "--input", "feat=in_feat.npy")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read_npy_f32(self.path("out.npy")), ((3, 2), [8.0, 10.0, 0.0, 0.0, 1.0, 2.0]))

    def test_kernel_error_leaves_no_output(self):
        self.write("in_a.npy", npy_bytes("<f4", (3,), [1.0, -4.0, 9.0], "f"))
        r = self.run_tool(ARGS.basic, "--entry", "checked_sqrt", "--input", "a=in_a.npy",
                          "--output", "out=root.npy")
        self.assert_one_line_error(r, "entry 'checked_sqrt'", "negative input")
        self.assert_no_outputs()

    def test_missing_cpu_features(self):
        self.add_inputs()
        r = self.run_tool(ARGS.needs_vp2intersect, "--input", "a=a.npy", "--input", "b=b.npy")
        self.assert_one_line_error(r, ARGS.needs_vp2intersect, "avx512vp2intersect")
        self.assert_no_outputs()

    def test_output_to_unwritable_place(self):
        self.add_inputs()
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a=a.npy", "--input", "b=b.npy",
                          "--output", "out=" + self.path("no/such/dir/out.npy"))
        self.assert_one_line_error(r, "no/such/dir/out.npy")
        self.assert_no_outputs()

    def test_bad_cli_usage(self):
        r = self.run_tool(ARGS.basic, "--bench", "many")
        self.assert_one_line_error(r, "--bench")
        r = self.run_tool(ARGS.basic, "--entry", "add", "--input", "a")
        self.assert_one_line_error(r, "--input 'a'", "NAME=FILE.npy")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--attn-run", required=True)
    parser.add_argument("--basic", required=True)
    parser.add_argument("--needs-vp2intersect", required=True)
    parser.add_argument("--no-descriptor", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
