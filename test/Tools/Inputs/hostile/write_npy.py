#!/usr/bin/env python3
"""Writes a .npy file without numpy, for the hostile-input tests.

  write_npy.py OUT.npy DTYPE SHAPE [VALUES | --fill V | --header-only]

DTYPE: f4, f8, i4, i8 or b1; SHAPE: comma-separated extents ("" for a
scalar, "2,0,3" may hold zeros); VALUES: comma-separated, C order ("nan",
"inf" allowed); --fill V repeats V; --header-only writes the header alone
(a file that declares more data than it holds).
"""
import struct
import sys

FORMATS = {"f4": ("<f4", "f"), "f8": ("<f8", "d"), "i4": ("<i4", "i"),
           "i8": ("<i8", "q"), "b1": ("|b1", "?")}


def main():
    out, dtype, shape_text = sys.argv[1:4]
    rest = sys.argv[4:]
    shape = [int(s) for s in shape_text.split(",") if s != ""]
    descr, fmt = FORMATS[dtype]
    dims = ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, dims)
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * (pad % 64) + "\n"
    data = b""
    if rest != ["--header-only"]:
        count = 1
        for s in shape:
            count *= s
        if rest and rest[0] == "--fill":
            values = [rest[1]] * count
        else:
            values = rest[0].split(",") if rest and rest[0] else []
        if len(values) != count:
            sys.exit("write_npy.py: %d values for shape %s" % (len(values), shape))
        parse = float if fmt in "fd" else (lambda v: v in ("1", "true")) \
            if fmt == "?" else int
        data = struct.pack("<%d%s" % (count, fmt), *[parse(v) for v in values])
    with open(out, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) +
                header.encode() + data)


if __name__ == "__main__":
    main()
