#!/usr/bin/env bash
# Runs libFuzzer harnesses of a build configured with ATTNC_FUZZ=ON.
#
#   fuzz/run-fuzzers.sh [--test] BUILD_DIR SECONDS [HARNESS...]
#
# Each harness (default: all of BUILD_DIR/fuzz/bin) first runs its seed
# corpus (collected by fuzz/collect-seeds.py from the repository's own
# inputs) and then fuzzes for SECONDS, growing BUILD_DIR/fuzz/corpus/NAME.
# Prints one line per harness with its executions; on a crash, timeout,
# out-of-memory or sanitizer report prints the reproducer's path and the
# command that replays it, and exits 1. --test (ctest): exits 77 (skipped),
# saying why, when the harness is not built. FUZZ_RUNS=N stops each harness
# after N executions (or SECONDS, whichever comes first), so that a target
# count costs no more time than it needs.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
test_mode=0
if [ "${1:-}" = --test ]; then
  test_mode=1
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: $0 [--test] BUILD_DIR SECONDS [HARNESS...]" >&2
  exit 2
fi
build="$(cd "$1" 2>/dev/null && pwd || echo "$1")"
seconds="$2"
shift 2
bin="$build/fuzz/bin"
if [ $# -eq 0 ]; then
  names=()
  for f in "$bin"/fuzz_*; do
    [ -x "$f" ] && names+=("${f##*/fuzz_}")
  done
else
  names=("$@")
fi
if [ ${#names[@]} -eq 0 ]; then
  echo "SKIP: no fuzz harnesses in $bin: configure a build with" \
       "-DATTNC_FUZZ=ON and clang (scripts/fuzz.sh does it; it needs" \
       "clang-19 and libclang-rt-19-dev)"
  [ $test_mode -eq 1 ] && exit 77
  exit 1
fi

if [ $test_mode -eq 1 ]; then
  for name in "${names[@]}"; do
    if [ ! -x "$bin/fuzz_$name" ]; then
      echo "SKIP: $bin/fuzz_$name is not built (configure with" \
           "-DATTNC_FUZZ=ON and clang, build the target fuzzers:" \
           "scripts/fuzz.sh --build-only; needs clang-19 libclang-rt-19-dev)"
      exit 77
    fi
  done
fi

# Per-harness input limits: long enough for the seeds, short enough that
# the fuzzer spends its time on structure rather than on bulk.
max_len() {
  case "$1" in
    elf_check) echo 20000 ;;
    graph_npz) echo 8192 ;;
    module_descriptor) echo 1024 ;;
    onnx_model) echo 80000 ;; # the opset-14 encoder seed (73 KB) fits
    *) echo 4096 ;;
  esac
}

# ctest's runs keep their own seeds and logs, so that they never disturb a
# long run of scripts/fuzz.sh on the same build (the corpus is shared).
tag=""
[ $test_mode -eq 1 ] && tag="-test"
seeds="$build/fuzz/seeds$tag"
python3 "$here/collect-seeds.py" "$seeds" "${names[@]}" || exit 1
mkdir -p "$build/fuzz/corpus" "$build/fuzz/artifacts" "$build/fuzz/logs"
# LeakSanitizer: only the system libraries' leaks are suppressed
# (fuzz/lsan.supp, docs/hardening.md).
# allow_user_poisoning=0: LLVM's headers poison BumpPtrAllocator slabs
# when compiled with ASan; our instrumented code then shares slabs with the
# uninstrumented libMLIR, which never unpoisons them (a false
# use-after-poison inside MLIR; docs/hardening.md).
export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
status=0
for name in "${names[@]}"; do
  exe="$bin/fuzz_$name"
  if [ ! -x "$exe" ]; then
    echo "SKIP: $exe is not built (configure with -DATTNC_FUZZ=ON and" \
         "build the target fuzzers: scripts/fuzz.sh)"
    [ $test_mode -eq 1 ] && exit 77
    status=1
    continue
  fi
  corpus="$build/fuzz/corpus/$name"
  log="$build/fuzz/logs/$name$tag.log"
  mkdir -p "$corpus" "$seeds/$name"
  # libFuzzer's own exit code for a crash is 77, ctest's "skipped": ask for
  # 1 (crash) and 2 (timeout) instead.
  "$exe" -max_total_time="$seconds" -max_len="$(max_len "$name")" \
    -timeout=10 -rss_limit_mb=2048 -error_exitcode=1 -timeout_exitcode=2 \
    ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} \
    -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$name-" \
    "$corpus" "$seeds/$name" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    echo "fuzz_$name: ok, ${execs:-?} executions in ${took:-$seconds}s, ${cov:-cov: ?}," \
         "corpus $(ls "$corpus" | wc -l) inputs"
  else
    status=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz_$name: FAILED (exit $rc) after ${execs:-?} executions; log $log"
    grep -m3 -E 'ERROR: |runtime error:|==ERROR|deadly signal|Timeout|out-of-memory' "$log" | sed 's/^/  /'
    if [ -n "$artifact" ]; then
      echo "  reproducer: $artifact"
      echo "  replay: ASAN_OPTIONS=$ASAN_OPTIONS $exe $artifact"
    fi
  fi
done
exit $status
