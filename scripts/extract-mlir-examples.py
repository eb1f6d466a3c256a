#!/usr/bin/env python3
"""Prints every ```mlir block of the given TableGen/Markdown files as one
split-input file, so that a lit test can prove the documented examples parse."""
import re
import sys

blocks = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"```mlir\n(.*?)```", text, re.S):
        body = "\n".join(line.strip() and line for line in m.group(1).splitlines())
        blocks.append(f"// from {path}\n{body}")
if not blocks:
    sys.exit(f"{sys.argv[0]}: no ```mlir examples found in {' '.join(sys.argv[1:])}")
print("\n// -----\n".join(blocks))
