#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/<name>_fuzz.cc) with clang,
# -fsanitize=fuzzer,address,undefined, in build/fuzz, and runs each one
# briefly from its seed corpus (tests/fuzz/corpus/<name>/). A crash, a sanitizer
# report or a failed check stops the script with the harness's status; the
# input that did it is written to build/fuzz/artifacts/.
#
# Usage: scripts/fuzz.sh [name ...]        (default: every harness, e.g. "period")
# Environment: NPSCORE_FUZZ_SECONDS  seconds per harness (default 30)
#              NPSCORE_FUZZ_JOBS     parallel fuzzing processes per harness (default 1)
# A long run of one harness: NPSCORE_FUZZ_SECONDS=3600 NPSCORE_FUZZ_JOBS=2 scripts/fuzz.sh period
# New inputs found are kept in build/fuzz/corpus/<name>/ (merge the useful ones
# into tests/fuzz/corpus/<name>/ by hand: `<binary> -merge=1 tests/fuzz/corpus/<name> build/fuzz/corpus/<name>`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD="$ROOT/build/fuzz"
SECONDS_EACH=${NPSCORE_FUZZ_SECONDS:-30}
JOBS=${NPSCORE_FUZZ_JOBS:-1}

for tool in clang clang++; do
  command -v "$tool" >/dev/null || {
    echo "fuzz: $tool not found (bash scripts/setup.sh --test installs it)" >&2
    exit 1
  }
done

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for src in tests/fuzz/*_fuzz.cc; do
    [ -e "$src" ] || continue
    base=$(basename "$src" .cc)
    names+=("${base%_fuzz}")
  done
fi
if [ ${#names[@]} -eq 0 ]; then
  echo "fuzz: no harness in tests/fuzz" >&2
  exit 1
fi

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DNPSCORE_BUILD_FUZZERS=ON -DNPSCORE_BUILD_TESTS=OFF -DNPSCORE_BUILD_BENCHMARKS=OFF >/dev/null
targets=()
for name in "${names[@]}"; do targets+=("npscore_${name}_fuzz"); done
cmake --build "$BUILD" -j "$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$BUILD/artifacts"
for name in "${names[@]}"; do
  corpus="$BUILD/corpus/$name"
  seeds="tests/fuzz/corpus/$name"
  mkdir -p "$corpus"
  dirs=("$corpus")
  [ -d "$seeds" ] && dirs+=("$seeds")
  echo "fuzz: $name for ${SECONDS_EACH}s (${JOBS} job(s))"
  args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$BUILD/artifacts/${name}-")
  if [ "$JOBS" -gt 1 ]; then
    args+=(-jobs="$JOBS" -workers="$JOBS")
  fi
  "$BUILD/tests/fuzz/npscore_${name}_fuzz" "${args[@]}" "${dirs[@]}" 2>"$BUILD/$name.log" || {
    status=$?
    tail -n 60 "$BUILD/$name.log" >&2
    echo "fuzz: $name FAILED (status $status); the input is in $BUILD/artifacts/" >&2
    exit "$status"
  }
  grep -E "^stat::number_of_executed_units|^Done [0-9]+ runs" "$BUILD/$name.log" | tail -n 1 || true
done
echo "fuzz: ${#names[@]} harness(es) ran without a failure"
