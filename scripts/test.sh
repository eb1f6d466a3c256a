#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (lit + GoogleTest) via ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# The libFuzzer harnesses (clang, build-fuzz/): the ctest tests of label
# fuzz run each over its seeds for ATTNC_FUZZ_SECONDS (docs/hardening.md).
scripts/fuzz.sh --build-only
ctest --test-dir build --output-on-failure -j "$(nproc)"
