#!/usr/bin/env bash
# Builds position-independent static archives of Abseil for libnpscore_c, which
# links Abseil inside itself (docs/c-conventions.md, "Versions of the library").
#
# Debian's libabsl-dev ships libabsl_*.a, but compiled without -fPIC: their
# thread-local variables use the local-exec model (R_X86_64_TPOFF32), which a
# shared library cannot contain, so the linker refuses them. This script
# downloads Debian's source package of the installed libabsl-dev with apt (the
# same version and patches, hence the same inline namespace as the installed
# headers), builds every Abseil library as a static PIC archive, and keeps them
# in PREFIX/lib (rebuilt only when the installed version changes). CMake finds
# them there (cache variable NPSCORE_ABSL_PIC_DIR, or the environment variable
# of that name); without them libnpscore_c links Abseil's shared libraries and
# is not self-contained (CMake warns, the capi.exports test fails).
#
# Usage: scripts/build-absl-pic.sh [PREFIX]
#   PREFIX defaults to $NPSCORE_ABSL_PIC_DIR/.. or ~/.cache/npscore/absl-pic.
# Needs root (or sudo) for apt, cmake, ninja, g++, patch; takes about a minute.
set -euo pipefail

default_prefix=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/npscore/absl-pic
[[ -n ${NPSCORE_ABSL_PIC_DIR:-} ]] && default_prefix=$(dirname "$NPSCORE_ABSL_PIC_DIR")
prefix=${1:-$default_prefix}
version=$(dpkg-query -W -f='${source:Version}' libabsl-dev 2>/dev/null) ||
  { echo "build-absl-pic: libabsl-dev is not installed (bash scripts/setup.sh)" >&2; exit 1; }
if [[ -f $prefix/version && $(cat "$prefix/version") == "$version" ]]; then
  echo "build-absl-pic: Abseil $version (PIC) already in $prefix/lib"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
work=$(mktemp -d "${TMPDIR:-/tmp}/npscore-absl-pic.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# Source lists of their own (the machine's Debian sources, as deb-src) and apt
# state in $work: the system's apt configuration is left as it is.
mkdir -p "$work/sources" "$work/lists/partial"
if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
  sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$work/sources/debian.sources"
fi
if [[ -f /etc/apt/sources.list ]]; then
  sed -n 's/^deb \(.*debian.*\)/deb-src \1/p' /etc/apt/sources.list > "$work/sources/debian.list"
fi
apt_opts=(-o "Dir::Etc::SourceParts=$work/sources" -o Dir::Etc::SourceList=/dev/null
          -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root -qq)
echo "build-absl-pic: fetching Debian's source of abseil $version"
$SUDO apt-get "${apt_opts[@]}" update
(cd "$work" && $SUDO apt-get "${apt_opts[@]}" source --download-only "abseil=$version" >/dev/null)

src=$work/src
mkdir -p "$src"
tar -xzf "$work"/abseil_*.orig.tar.gz -C "$src" --strip-components=1
mkdir -p "$work/debian"
tar -xJf "$work"/abseil_*.debian.tar.xz -C "$work/debian"
while read -r patch; do
  [[ -z $patch || $patch == \#* ]] && continue
  patch -s -p1 -d "$src" < "$work/debian/debian/patches/$patch"
done < "$work/debian/debian/patches/series"
cmp -s "$src/absl/base/options.h" /usr/include/absl/base/options.h ||
  { echo "build-absl-pic: the source's absl/base/options.h differs from the installed one" >&2; exit 1; }

echo "build-absl-pic: building the static PIC archives"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$src" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_STANDARD=17 -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DABSL_PROPAGATE_CXX_STD=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$work/build" -j "$(nproc)" >/dev/null

mkdir -p "$prefix/lib.new"
find "$work/build" -name 'libabsl_*.a' -exec cp {} "$prefix/lib.new/" \;
rm -rf "$prefix/lib"
mv "$prefix/lib.new" "$prefix/lib"
echo "$version" > "$prefix/version"
echo "build-absl-pic: $(ls "$prefix/lib" | wc -l) archives of Abseil $version in $prefix/lib"
