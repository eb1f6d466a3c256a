#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ATTNC_FUZZ=ON) in build-fuzz/ and
# runs each for SECONDS (default 10) after its seed corpus:
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
#   scripts/fuzz.sh --build-only      (scripts/test.sh: the ctest tests of
#                                      label fuzz then run the harnesses)
#
# Exits non-zero on any crash, hang (-timeout), out-of-memory or sanitizer
# report, printing the reproducer's path (docs/hardening.md). The corpus
# grows in build-fuzz/fuzz/corpus/, so later runs start where earlier ones
# stopped. Needs clang-19 and libclang-rt-19-dev (apt).
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=0
if [ "${1:-}" = --build-only ]; then
  build_only=1
  shift
fi
seconds="${1:-10}"
shift || true
cxx="${ATTNC_FUZZ_CXX:-clang++-19}"
cc="${ATTNC_FUZZ_CC:-clang-19}"
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found: apt-get install clang-19 libclang-rt-19-dev" >&2
  exit 1
fi
if [ ! -f build-fuzz/build.ninja ]; then
  cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release \
    -DATTNC_FUZZ=ON -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    >/dev/null
fi
cmake --build build-fuzz --target fuzzers
[ $build_only -eq 1 ] && exit 0
exec fuzz/run-fuzzers.sh build-fuzz "$seconds" "$@"
