#!/usr/bin/env bash
# Checks that an npscore build installs into a usable package: installs
# BUILD_DIR into a temporary prefix, configures and builds examples/cpp
# against it with find_package(npscore), and runs both example programs (C++
# core and C ABI). Exits non-zero on any failure.
#
# Usage: scripts/check-install.sh BUILD_DIR   (a configured, built tree)
set -euo pipefail

if [[ $# -ne 1 || ! -f "$1/CMakeCache.txt" ]]; then
  echo "usage: $0 BUILD_DIR (a configured and built npscore tree)" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/npscore-check-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "== install $build_dir into $prefix"
cmake --install "$build_dir" --prefix "$prefix"

# The installed layout: public headers only, the versioned C library.
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
libdir=${libdir:-lib}
for f in include/npscore/c_api.h include/npscore/version.h include/npscore/nps.h \
         "$libdir/libnpscore_c.so" "$libdir/libnpscore_c.so.0" \
         "$libdir/cmake/npscore/npscoreConfig.cmake"; do
  [[ -e "$prefix/$f" ]] || { echo "missing from the install: $f" >&2; exit 1; }
done
if [[ -e "$prefix/include/npscore/internal.h" || -e "$prefix/include/capi" ]]; then
  echo "an internal header was installed" >&2
  exit 1
fi

# Consumers of a sanitizer build need the sanitizer runtimes too.
cmake_args=()
if grep -q '^NPSCORE_SANITIZE:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  cmake_args+=("-DCMAKE_C_FLAGS=-fsanitize=address,undefined"
               "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined")
fi
if command -v ninja >/dev/null; then cmake_args+=(-G Ninja); fi

echo "== configure and build examples/cpp against the prefix"
cmake -S "$source_dir/examples/cpp" -B "$work/build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release ${cmake_args[@]+"${cmake_args[@]}"}
cmake --build "$work/build"

echo "== run the C++ example (npscore::npscore)"
"$work/build/summarize"
echo "== run the C example (npscore::capi)"
"$work/build/summarize_c"
echo "== install check passed"
