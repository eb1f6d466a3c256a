#!/usr/bin/env bash
# Builds the whole project with AddressSanitizer + UndefinedBehaviorSanitizer
# in build-asan/ (gcc, ATTNC_SANITIZE=address,undefined) and runs the whole
# test suite under them (docs/hardening.md):
#
#   scripts/sanitize.sh [ctest arguments...]     e.g. -L unit, -R Npy
#
# UBSan findings abort (-fno-sanitize-recover=undefined), so a test that hits
# one fails; LeakSanitizer reports leaks except those allocated inside the
# prebuilt system libraries (fuzz/lsan.supp). The environment below applies
# to the build too: it runs attnc (instrumented) to compile test modules.
# allow_user_poisoning=0: LLVM's headers poison allocator slabs in our
# instrumented code that the uninstrumented MLIR never unpoisons (a false
# use-after-poison; docs/hardening.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ ! -f build-asan/build.ninja ]; then
  cmake -G Ninja -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DATTNC_SANITIZE=address,undefined >/dev/null
fi
supp="$PWD/fuzz/lsan.supp"
export ASAN_OPTIONS="detect_leaks=1:allow_user_poisoning=0:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
cmake --build build-asan
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" "$@"
