#!/usr/bin/env bash
# Sets everything up and runs the main job on the built-in example: every form
# of attention in attn IR, canonicalised and then decomposed by attn-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
example=examples/attention-forms.mlir
echo "== $example after --canonicalize"
build/bin/attn-opt "$example" --canonicalize
echo "== $example after --attn-decompose-attention --canonicalize"
build/bin/attn-opt "$example" --attn-decompose-attention --canonicalize
