#!/usr/bin/env bash
# CUDA benchmark and test run, for a machine with an NVIDIA GPU (H100/H200).
# Written on a machine without a GPU: never run there; correct by
# construction, not by execution. Usage, from the repository root:
#
#   benchmarks/cuda_bench.sh [build-dir]        (default: build)
#
# 1. builds attnc, attn-run and the tests, and runs the CUDA tests (ctest -L
#    cuda, which no longer skips the device numerics when a GPU is present);
# 2. compiles benchmarks/kernels.mlir with --target=cuda and times every
#    entry with attn-run --bench (host wall time per execute; inputs stay
#    on the GPU after the first run, outputs are copied back to the host);
# 3. times torch SDPA fp32, FlexAttention (causal, sliding window, a block
#    mask) fp32 and PyG GATConv on the same shapes with CUDA events
#    (benchmarks/cuda_bench.py: warm-up, median), and torch with the same
#    output copy for a like-for-like row;
# 4. writes benchmarks/results/<device>.json with every number and the ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
reps=${REPS:-20}
command -v nvidia-smi >/dev/null || { echo "cuda_bench: no nvidia-smi: not a GPU machine" >&2; exit 2; }
device=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr ' /' '__')
out=$root/benchmarks/results/$device.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --build "$build" --target attnc attn-run CudaTests
(cd "$build" && cmake . >/dev/null && ctest -L cuda --output-on-failure) | tee "$work/ctest.log"
(cd "$build" && ctest -R '^lit/CUDA/' --output-on-failure) | tee -a "$work/ctest.log"

"$build/bin/attnc" "$root/benchmarks/kernels.mlir" --target=cuda -o "$work/kernels_cuda.so"
"$build/bin/attn-run" "$work/kernels_cuda.so" --list

# attn-run prints "<entry>: N runs after 1 warm-up: median X ms, min Y ms".
time_attnc() { # entry, dims...
  local entry=$1; shift
  local args=()
  for d in "$@"; do args+=(--dim "$d"); done
  (cd "$work" && "$build/bin/attn-run" "$work/kernels_cuda.so" --entry "$entry" \
      --random 1 "${args[@]}" --bench "$reps") |
    sed -n 's/.*median \([0-9.]*\) ms.*/\1/p'
}

echo '[' > "$work/attnc.json"
first=1
emit() { # form, size-key, size, ms
  [ $first = 1 ] || echo ',' >> "$work/attnc.json"
  first=0
  printf '{"form": "%s", "%s": %s, "attnc_ms": %s}' "$1" "$2" "$3" "${4:-null}" >> "$work/attnc.json"
}
for s in 1024 2048 4096 8192; do
  for form in dense causal window; do
    emit "$form" seq "$s" "$(time_attnc "$form" Sq=$s Sk=$s || true)"
  done
done
for e in 100000 1000000 10000000; do
  n=$((e / 10))
  emit gat edges "$e" "$(time_attnc gat N=$n E=$e || true)"
done
echo ']' >> "$work/attnc.json"

python3 "$root/benchmarks/cuda_bench.py" --attnc "$work/attnc.json" \
  --reps "$reps" --device-name "$device" --out "$out"
echo "cuda_bench: wrote $out"
