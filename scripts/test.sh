#!/usr/bin/env bash
# Every test suite on a fresh machine: installs what is missing, builds, and
# runs the C++ (GoogleTest) and C ABI tests, the same under AddressSanitizer +
# UndefinedBehaviorSanitizer, the install/consumer check, the libFuzzer
# harnesses briefly (scripts/fuzz.sh), and Python's pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc)

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash scripts/setup.sh --test

step "C++ and C ABI: build (Release) and ctest"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DNPSCORE_BUILD_TESTS=ON -DNPSCORE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/release -j "$JOBS"
ctest --test-dir build/release --output-on-failure -j "$JOBS"

step "install + consumer projects (find_package(npscore))"
bash scripts/check-install.sh build/release

step "C++ and C ABI under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNPSCORE_SANITIZE=ON \
  -DNPSCORE_BUILD_TESTS=ON >/dev/null
cmake --build build/asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j "$JOBS"

step "fuzz harnesses (libFuzzer + ASan + UBSan, ${NPSCORE_FUZZ_SECONDS:-30} s each)"
bash scripts/fuzz.sh

step "Python: pip install . and pytest (from outside the source tree)"
bash scripts/install-python.sh
cd /tmp && python3 -m pytest "$ROOT/tests/python" -q -p no:cacheprovider \
  -c "$ROOT/pyproject.toml" --rootdir "$ROOT"
