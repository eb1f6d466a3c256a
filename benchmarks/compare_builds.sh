#!/usr/bin/env bash
# compare_builds.sh OLD_BUILD NEW_BUILD [ROUNDS]
#
# The same work from two builds of attnc, alternated in one run so that both
# see the same machine load: the attention kernels of benchmarks/kernels.mlir
# (dense, causal, window at S = 2048; GAT aggregation on a random graph),
# each compiled by its build's attnc and timed by attn-run --bench, and a
# Cora GAT training epoch (attn-train --json, median over the run's epochs).
# Prints each round's medians and the median of the rounds, new / old.
# A refactoring of the compiler that must not change the generated code is
# checked with this (docs/codegen.md).
set -euo pipefail
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd) rounds=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in old new; do
  dir=${!b}
  "$dir/bin/attnc" "$here/kernels.mlir" -o "$tmp/$b.so"
done

# kernel name -> attn-run arguments
declare -A args=(
  [dense]="--dim Sq=2048 --dim Sk=2048"
  [causal]="--dim Sq=2048 --dim Sk=2048"
  [window]="--dim Sq=2048 --dim Sk=2048"
)
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A results
for ((r = 1; r <= rounds; ++r)); do
  for k in dense causal window; do
    for b in old new; do
      dir=${!b}
      ms=$("$dir/bin/attn-run" "$tmp/$b.so" --entry "$k" --random 1 ${args[$k]} \
             --bench 10 | sed -E 's/.*median ([0-9.]+) ms.*/\1/')
      results[$k.$b]+="$ms "
    done
  done
  if [ -d "$here/../../shared/data/cora" ]; then
    for b in old new; do
      dir=${!b}
      ms=$("$dir/bin/attn-train" --dataset cora --seed 1 --epochs 60 --json 2>/dev/null |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["median_epoch_ms"])')
      results[cora.$b]+="$ms "
    done
  fi
  echo "round $r done"
done

printf '%-8s %12s %12s %10s\n' case "old ms" "new ms" "new/old"
for k in dense causal window cora; do
  [ -n "${results[$k.old]:-}" ] || continue
  o=$(tr ' ' '\n' <<<"${results[$k.old]}" | grep . | median)
  n=$(tr ' ' '\n' <<<"${results[$k.new]}" | grep . | median)
  printf '%-8s %12.3f %12.3f %10.3f\n' "$k" "$o" "$n" "$(python3 -c "print($n / $o)")"
done
