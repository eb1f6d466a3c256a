#!/usr/bin/env bash
# Sets everything up and runs the main job: train the GAT of Velickovic et
# al. on Cora end to end with attnc (attn-train compiles the model's
# training and inference entries, trains with Adam and early stopping) and
# print the test accuracy. The data comes from ../shared/data (or
# $ATTNC_DATA_DIR); without it a generated citation-like graph stands in,
# and the output says so. Extra arguments go to attn-train (--seed 2,
# --model mlp, --dataset citeseer, ...); tasks: docs/gnn-tasks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
echo "== attn-train --dataset cora --model gat $*"
build/bin/attn-train --dataset cora --model gat "$@"
