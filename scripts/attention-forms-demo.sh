#!/usr/bin/env bash
# Sets everything up and runs the attention-forms example: compile
# every form of attention in examples/attention-forms.mlir into one module
# with attnc, then run some of its entries on seeded random inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
example=examples/attention-forms.mlir
out=build/examples
mkdir -p "$out"
echo "== attnc $example -o $out/attention-forms.so"
build/bin/attnc "$example" -o "$out/attention-forms.so"
build/bin/attn-run "$out/attention-forms.so" --list
run() {
  local entry=$1; shift
  echo "== $entry"
  build/bin/attn-run "$out/attention-forms.so" --entry "$entry" --random 1 \
    --summary --bench 5 --output "result0=$out/$entry.npy" "$@"
}
run causal_padded --dim Sq=512 --dim Sk=512
run sliding_window --dim Sq=4096 --dim Sk=4096
run cross_gqa --dim Sq=7 --dim Sk=1000
run gat_layer --dim N=2708 --dim E=10556
