#!/usr/bin/env bash
# Every test suite on a fresh machine: installs what is missing, builds, and
# runs the C++ (GoogleTest) and C ABI tests, the install/consumer check, the
# C ABI check against its baseline (scripts/abi-check.sh), the Go and Rust
# bindings' tests, the C++ and C tests under AddressSanitizer +
# UndefinedBehaviorSanitizer, the threaded tests under ThreadSanitizer, the
# libFuzzer harnesses briefly (scripts/fuzz.sh), Python's pytest in the
# project's virtual environment (.venv), the self-contained wheel in a clean
# environment (scripts/test-wheel.sh), and pytest again with every Python
# package at its declared minimum version (scripts/test-min-versions.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/python-env.sh
JOBS=$(nproc)

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash scripts/setup.sh --test

step "C++ and C ABI: build (Release) and ctest"
# The venv's Python runs the pyarrow check of the C library's Arrow exports.
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DNPSCORE_BUILD_TESTS=ON -DNPSCORE_BUILD_BENCHMARKS=ON -DPython3_EXECUTABLE="$PYTHON" >/dev/null
cmake --build build/release -j "$JOBS"
ctest --test-dir build/release --output-on-failure -j "$JOBS"

step "install + consumer projects (find_package(npscore))"
bash scripts/check-install.sh build/release

step "C ABI: the rule's self-test, then the library against the baseline abi/ (abigail-tools)"
bash scripts/abi-check.sh --self-test
bash scripts/abi-check.sh build/release

step "C++ and C ABI under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNPSCORE_SANITIZE=ON \
  -DNPSCORE_BUILD_TESTS=ON >/dev/null
cmake --build build/asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j "$JOBS"

step "Go and Rust bindings (go test, cargo test) against the installed C library"
bash scripts/test-bindings.sh build/release

step "threaded tests under ThreadSanitizer"
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNPSCORE_TSAN=ON \
  -DNPSCORE_BUILD_TESTS=ON >/dev/null
cmake --build build/tsan -j "$JOBS" --target npscore_cpp_tests npscore_capi_nps_test
# Every test that runs more than one thread: the thread policy and the
# parallel kernels, and the C ABI's per-call errors from 8 threads.
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build/tsan --output-on-failure -j "$JOBS" \
  -R 'Thread|RunChunks|Parallel|capi\.nps$'

step "fuzz harnesses (libFuzzer + ASan + UBSan, ${NPSCORE_FUZZ_SECONDS:-30} s each)"
bash scripts/fuzz.sh

# A test skipped for a missing package fails (tests/python/conftest.py).
export NPSCORE_REQUIRE_ALL_TESTS=1

step "Python: pip install . into .venv and pytest (from outside the source tree)"
bash scripts/install-python.sh
(cd /tmp && "$PYTHON" -m pytest "$ROOT/tests/python" -q -p no:cacheprovider \
  -c "$ROOT/pyproject.toml" --rootdir "$ROOT")

step "the self-contained wheel: build, auditwheel repair, clean venv, smoke test, ldd (scripts/test-wheel.sh)"
bash scripts/test-wheel.sh

step "Python at the minimum versions (scripts/min-versions.txt) in .venv-min, from Debian's python3"
bash scripts/test-min-versions.sh
