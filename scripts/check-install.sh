#!/usr/bin/env bash
# Checks that an npscore build installs into a usable package:
#  1. installs BUILD_DIR into a temporary prefix and checks its layout (public
#     headers only, the C library under its SONAME, the CMake and pkg-config
#     files) and the C library's dynamic interface (scripts/abi-check.sh --exports);
#  2. builds examples/cpp against the prefix with find_package(npscore) and
#     runs both programs (C++ core and C ABI);
#  3. hides Abseil (headers, CMake config and shared libraries) in a private
#     mount namespace and there builds the C example, examples/c/summarize.c,
#     (a) with pkg-config and (b) with find_package(npscore COMPONENTS C), runs
#     both, and checks that neither needs an Abseil library;
#  4. shows that a program built against this release refuses to start with a
#     library of the same SONAME that lacks its version node (as an older
#     release would), with the dynamic loader's "version ... not found".
# Exits non-zero on any failure.
#
# Usage: scripts/check-install.sh BUILD_DIR   (a configured, built tree)
# Step 3 needs root (CI runs as root) or unprivileged user namespaces (unshare).
set -euo pipefail

if [[ $# -ne 1 || ! -f "$1/CMakeCache.txt" ]]; then
  echo "usage: $0 BUILD_DIR (a configured and built npscore tree)" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/npscore-check-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
prefix=$work/prefix
fail() { echo "check-install: $*" >&2; exit 1; }

echo "== install $build_dir into $prefix"
cmake --install "$build_dir" --prefix "$prefix"

# The installed layout: public headers only, the versioned C library.
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
libdir=$prefix/${libdir:-lib}
for f in include/npscore/c_api.h include/npscore/version.h include/npscore/nps.h \
         "${libdir#"$prefix/"}/libnpscore_c.so" "${libdir#"$prefix/"}/pkgconfig/npscore_c.pc" \
         "${libdir#"$prefix/"}/cmake/npscore/npscoreConfig.cmake" \
         "${libdir#"$prefix/"}/cmake/npscore/npscoreCTargets.cmake"; do
  [[ -e "$prefix/$f" ]] || fail "missing from the install: $f"
done
if [[ -e "$prefix/include/npscore/internal.h" || -e "$prefix/include/capi" ]]; then
  fail "an internal header was installed"
fi

echo "== the C library's dynamic interface"
lib=$(readlink -f "$libdir/libnpscore_c.so")
bash "$source_dir/scripts/abi-check.sh" --exports "$lib"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
node=$(readelf --dyn-syms -W "$lib" |
       awk '$7 == "ABS" && $8 ~ /^NPSCORE_/ && !node { node = $8; sub(/@.*/, "", node) } END { print node }')
[[ -e $libdir/$soname ]] || fail "missing from the install: $libdir/$soname (the SONAME)"

# Consumers of a sanitizer build need the sanitizer runtimes too.
cmake_args=()
sanitize_flags=()
if grep -q '^NPSCORE_SANITIZE:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  sanitize_flags=(-fsanitize=address,undefined)
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
echo "== run the streaming C++ example (a Monitor fed a CSV)"
"$work/build/monitor_stream" "$source_dir/examples/data/stream.csv" >/dev/null

echo "== a C-only consumer where Abseil is absent (pkg-config, find_package COMPONENTS C)"
mkdir -p "$work/c-consumer"
cat > "$work/c-consumer/CMakeLists.txt" <<EOF
# A C-only user's project: the C component needs neither Abseil nor the C++ core.
cmake_minimum_required(VERSION 3.22)
project(npscore_c_consumer LANGUAGES C)
find_package(npscore CONFIG REQUIRED COMPONENTS C)
add_executable(summarize_c "$source_dir/examples/c/summarize.c")
target_link_libraries(summarize_c PRIVATE npscore::capi)
EOF
# What Abseil installs: headers, CMake config, shared libraries (each hidden
# below by an empty tmpfs or /dev/null mounted over it).
absl_dirs=()
for d in /usr/include/absl /usr/local/include/absl; do [[ -d $d ]] && absl_dirs+=("$d"); done
while IFS= read -r d; do absl_dirs+=("$d"); done < <(
  find /usr/lib /usr/share /usr/local/lib -type d -path '*/cmake/absl' 2>/dev/null)
absl_libs=()
while IFS= read -r f; do absl_libs+=("$f"); done < <(
  find /usr/lib /usr/local/lib -maxdepth 2 -type f -name 'libabsl_*.so*' 2>/dev/null)
cat > "$work/c-only.sh" <<'EOF'
set -euo pipefail
fail() { echo "check-install: $*" >&2; exit 1; }
work=$1 prefix=$2 libdir=$3 n_dirs=$4
shift 4
dirs=("${@:1:n_dirs}")
libs=("${@:n_dirs+1}")
for d in ${dirs[@]+"${dirs[@]}"}; do mount -t tmpfs -o size=64k npscore-no-absl "$d"; done
for f in ${libs[@]+"${libs[@]}"}; do mount --bind /dev/null "$f"; done
[[ ! -e /usr/include/absl/base/config.h ]] || fail "Abseil's headers are still visible"
compgen -G '/usr/lib/*/cmake/absl/abslConfig.cmake' >/dev/null && fail "Abseil's CMake config is still visible"
echo "   Abseil hidden: ${#dirs[@]} directories, ${#libs[@]} shared libraries"

echo "-- (a) pkg-config"
export PKG_CONFIG_PATH=$libdir/pkgconfig
flags="$(pkg-config --cflags npscore_c) $(pkg-config --libs npscore_c)"
echo "   pkg-config --cflags --libs npscore_c: $flags"
[[ $flags != *absl* ]] || fail "npscore_c.pc mentions Abseil"
cc -std=c99 -pedantic -Wall -Wextra -Werror ${SANITIZE_FLAGS:-} $(pkg-config --cflags npscore_c) \
   "$SOURCE_DIR/examples/c/summarize.c" -o "$work/summarize_pc" \
   $(pkg-config --libs npscore_c) -Wl,-rpath,"$libdir"
"$work/summarize_pc"

echo "-- (b) find_package(npscore COMPONENTS C)"
cmake -S "$work/c-consumer" -B "$work/c-consumer/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release ${SANITIZE_FLAGS:+-DCMAKE_C_FLAGS="$SANITIZE_FLAGS"} >/dev/null
cmake --build "$work/c-consumer/build" >/dev/null
"$work/c-consumer/build/summarize_c"

for exe in "$work/summarize_pc" "$work/c-consumer/build/summarize_c"; do
  deps=$(ldd "$exe")
  grep -q "libnpscore_c.*=> $libdir/" <<<"$deps" || fail "$exe does not load libnpscore_c from $libdir"
  if grep -q 'libabsl' <<<"$deps"; then fail "$exe needs Abseil: $deps"; fi
  grep -q 'not found' <<<"$deps" && fail "$exe lacks a library: $deps"
done
echo "   ldd: neither program needs an Abseil library"
EOF
unshare_cmd=(unshare -m)
[[ $(id -u) -eq 0 ]] || unshare_cmd=(unshare -r -m)
"${unshare_cmd[@]}" true 2>/dev/null ||
  fail "cannot make a private mount namespace (${unshare_cmd[*]}): run as root"
SOURCE_DIR=$source_dir SANITIZE_FLAGS="${sanitize_flags[*]-}" \
  "${unshare_cmd[@]}" bash "$work/c-only.sh" "$work" "$prefix" "$libdir" "${#absl_dirs[@]}" \
  ${absl_dirs[@]+"${absl_dirs[@]}"} ${absl_libs[@]+"${absl_libs[@]}"}

echo "== a program built against $node refuses to start with a library lacking that node"
cc -std=c99 ${sanitize_flags[@]+"${sanitize_flags[@]}"} -I "$prefix/include" \
   "$source_dir/examples/c/summarize.c" -o "$work/versioned" -L "$libdir" -lnpscore_c
readelf -V "$work/versioned" | grep -q "Name: $node" ||
  fail "the program does not require version $node"
readelf -d "$work/versioned" | grep -q "NEEDED.*\[$soname\]" ||
  fail "the program does not need $soname"
LD_LIBRARY_PATH=$libdir "$work/versioned" >/dev/null
# The stand-in for an older release: the same SONAME and function names, in
# another version node.
IFS=. read -r major minor <<<"${node#NPSCORE_}"
if ((minor > 0)); then older_node="NPSCORE_$major.$((minor - 1))"; else older_node=NPSCORE_OLDER; fi
mkdir -p "$work/older"
readelf --dyn-syms -W "$lib" |
  awk '$7 != "UND" && $8 ~ /^npscore_/ { sub(/@.*/, "", $8); print "void " $8 "(void) {}" }' \
  > "$work/older/older.c"
printf '%s {\n  global: npscore_*;\n  local: *;\n};\n' "$older_node" > "$work/older/older.map"
cc -shared -fPIC -o "$work/older/$soname" "$work/older/older.c" \
   -Wl,-soname,"$soname" -Wl,--version-script="$work/older/older.map"
status=0
LD_LIBRARY_PATH=$work/older "$work/versioned" >"$work/older/out" 2>&1 || status=$?
((status != 0)) || fail "the program started with a library lacking $node"
grep -q "version \`$node' not found" "$work/older/out" ||
  fail "the program failed, but not for the missing version node: $(cat "$work/older/out")"
echo "   refused (exit $status): $(head -1 "$work/older/out")"
echo "== install check passed"
