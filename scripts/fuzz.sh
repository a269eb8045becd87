#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/<name>_fuzz.cc) with clang,
# -fsanitize=fuzzer,address,undefined, and runs each one briefly from its seed
# corpus (tests/fuzz/corpus/<name>/), printing one line per harness
# (executions, seconds, crashes). A crash, a sanitizer report or a failed
# check stops the script with the harness's status; the input that did it is
# written to <build>/artifacts/. docs/fuzzing.md says what each harness checks.
#
# Usage: scripts/fuzz.sh [name ...]        (default: every harness, e.g. "period")
# Environment: NPSCORE_FUZZ_SECONDS  seconds per harness (default 30: 5 harnesses
#                                    take 2.5 minutes in CI)
#              NPSCORE_FUZZ_RUNS     executions per harness and job instead
#                                    (0, the default: run for the seconds)
#              NPSCORE_FUZZ_JOBS     parallel fuzzing processes per harness (default 1)
#              NPSCORE_FUZZ_BUILD    build directory (default build/fuzz)
# The long run (10^8 executions, docs/fuzzing.md):
#   NPSCORE_FUZZ_RUNS=10000000 NPSCORE_FUZZ_JOBS=2 scripts/fuzz.sh
# New inputs found are kept in <build>/corpus/<name>/ (merge the useful ones
# into tests/fuzz/corpus/<name>/ by hand:
#   <binary> -merge=1 tests/fuzz/corpus/<name> <build>/corpus/<name>
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${NPSCORE_FUZZ_BUILD:-build/fuzz}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SECONDS_EACH=${NPSCORE_FUZZ_SECONDS:-30}
RUNS=${NPSCORE_FUZZ_RUNS:-0}
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

# The harnesses call the C++ core only: the C library is not configured.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DNPSCORE_BUILD_CAPI=OFF \
  -DNPSCORE_BUILD_FUZZERS=ON -DNPSCORE_BUILD_TESTS=OFF -DNPSCORE_BUILD_BENCHMARKS=OFF >/dev/null
targets=()
for name in "${names[@]}"; do targets+=("npscore_${name}_fuzz"); done
cmake --build "$BUILD" -j "$(nproc)" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$BUILD/artifacts"
total=0
for name in "${names[@]}"; do
  corpus="$BUILD/corpus/$name"
  seeds="$ROOT/tests/fuzz/corpus/$name"
  logs="$BUILD/logs/$name"
  rm -rf "$logs"
  mkdir -p "$corpus" "$logs"
  dirs=("$corpus")
  [ -d "$seeds" ] && dirs+=("$seeds")
  if [ "$RUNS" -gt 0 ]; then
    echo "fuzz: $name for $RUNS executions per job (${JOBS} job(s))"
    args=(-runs="$RUNS")
  else
    echo "fuzz: $name for ${SECONDS_EACH}s (${JOBS} job(s))"
    args=(-max_total_time="$SECONDS_EACH")
  fi
  args+=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix="$BUILD/artifacts/${name}-")
  if [ "$JOBS" -gt 1 ]; then
    args+=(-jobs="$JOBS" -workers="$JOBS")
  fi
  start=$(date +%s)
  # With -jobs, libFuzzer writes each job's log to fuzz-<job>.log in the
  # working directory: run in the harness's log directory.
  (cd "$logs" && "$BUILD/tests/fuzz/npscore_${name}_fuzz" "${args[@]}" "${dirs[@]}" \
     2>"$logs/main.log" >"$logs/stdout.log") || {
    status=$?
    for log in "$logs"/fuzz-*.log "$logs/main.log"; do
      [ -s "$log" ] && grep -q -E "ERROR|_fuzz: " "$log" && tail -n 60 "$log" >&2
    done
    echo "fuzz: $name FAILED (status $status); the input is in $BUILD/artifacts/," \
         "logs in $logs/" >&2
    exit "$status"
  }
  elapsed=$(( $(date +%s) - start ))
  # Each job's statistics are in its fuzz-<job>.log (main.log repeats them).
  stats=("$logs/main.log")
  [ "$JOBS" -gt 1 ] && stats=("$logs"/fuzz-*.log)
  executions=$(cat "${stats[@]}" |
    awk -F': ' '/^stat::number_of_executed_units/ {s += $2} END {print s + 0}')
  total=$(( total + executions ))
  rate=$(( executions / (elapsed > 0 ? elapsed : 1) ))
  echo "fuzz: $name: $executions executions in ${elapsed}s ($rate/s), 0 crashes"
done
echo "fuzz: ${#names[@]} harness(es), $total executions in total, 0 crashes"
