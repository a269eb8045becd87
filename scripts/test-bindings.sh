#!/usr/bin/env bash
# The Go and Rust bindings (bindings/go, bindings/rust) against a build of the
# C library: installs it to a temporary prefix (cmake --install), writes the
# golden vectors with tests/capi/golden_vectors.c compiled as a consumer would
# (pkg-config npscore_c), then runs `go vet`, `go test` (with cgo's full
# pointer checks; the concurrency tests again under the race detector) and
# `cargo test`, with nothing downloaded:
# neither module has a dependency, GOPROXY=off and cargo runs --offline.
# Fails on any failure; prints the test counts.
#
# Usage: scripts/test-bindings.sh [BUILD_DIR]   (default build/release, as
# scripts/test.sh builds it; the C library target is brought up to date).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${1:-build/release}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "test-bindings: $BUILD is not a CMake build directory (scripts/test.sh makes build/release)" >&2
  exit 2
fi
for tool in go cargo pkg-config cc; do
  command -v "$tool" >/dev/null || { echo "test-bindings: $tool is not on the PATH" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A fixed prefix in the build directory, so that Go's and Cargo's caches stay
# valid from one run to the next.
PREFIX="$BUILD/bindings/prefix"

cmake --build "$BUILD" --target npscore_capi >/dev/null
rm -rf "$PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
PC=$(find "$PREFIX" -name npscore_c.pc -print -quit)
[ -n "$PC" ] || { echo "test-bindings: no npscore_c.pc installed under $PREFIX" >&2; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$PC")"
LIBDIR=$(pkg-config --variable=libdir npscore_c)
export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The golden vectors: fixed inputs and the C library's results.
# shellcheck disable=SC2046  # pkg-config's flags are words
cc -std=c99 -O2 -o "$WORK/golden_vectors" "$ROOT/tests/capi/golden_vectors.c" \
  $(pkg-config --cflags --libs npscore_c) -lm
"$WORK/golden_vectors" "$WORK/golden.txt"
export NPSCORE_GOLDEN="$WORK/golden.txt"

# Go's build cache keys a cgo package by its own files and CGO_* variables,
# not by what `#cgo pkg-config` finds: the prefix and a digest of the
# installed header go into CGO_CFLAGS, so that a changed header or prefix
# rebuilds the package instead of reusing a stale one.
header_digest=$(sha256sum "$(pkg-config --variable=includedir npscore_c)/npscore/c_api.h" | cut -c1-16)
export CGO_CFLAGS="-O2 -g $(pkg-config --cflags npscore_c) -DNPSCORE_C_API_DIGEST=$header_digest"

# Nothing is fetched: no module proxy, no toolchain switch, no VCS stamping.
export GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
export CARGO_TARGET_DIR="$BUILD/bindings/rust-target"
export CARGO_HOME="$WORK/cargo-home"   # an empty registry: nothing to download

fail=0
# go test with cgo's full pointer checks (cgocheck2: no Go pointer to an
# unpinned Go pointer ever reaches C), then the concurrency tests under the
# race detector.
echo "== Go (bindings/go): go vet, go test (cgocheck2), go test -race (concurrency)"
(cd bindings/go && go vet ./... && GOEXPERIMENT=cgocheck2 go test -count=1 -v ./... &&
  go test -race -count=1 -run 'Concurrent' -v ./...) >"$WORK/go.log" 2>&1 || fail=1
go_pass=$(grep -c '^--- PASS' "$WORK/go.log" || true)
go_fail=$(grep -c '^--- FAIL' "$WORK/go.log" || true)
go_skip=$(grep -c '^--- SKIP' "$WORK/go.log" || true)   # the golden tests must run here
if [ "$fail" -ne 0 ] || [ "$go_fail" -ne 0 ] || [ "$go_skip" -ne 0 ]; then cat "$WORK/go.log"; fail=1; fi

echo "== Rust (bindings/rust): cargo test --offline --locked"
rust_fail_run=0
(cd bindings/rust && cargo test --offline --locked --workspace) >"$WORK/rust.log" 2>&1 || rust_fail_run=1
rust_pass=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$WORK/rust.log" \
  | awk '{s += $1} END {print s + 0}')
rust_fail=$(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$WORK/rust.log" \
  | awk '{s += $1} END {print s + 0}')
if [ "$rust_fail_run" -ne 0 ] || [ "$rust_fail" -ne 0 ]; then cat "$WORK/rust.log"; fail=1; fi

printf 'bindings: go %d passed, %d failed; rust %d passed, %d failed\n' \
  "$go_pass" "$go_fail" "$rust_pass" "$rust_fail"
exit "$fail"
