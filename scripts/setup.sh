#!/usr/bin/env bash
# Installs what npscore needs to build and run, if it is missing:
# Debian -dev packages for the C++ side, PyPI packages for the Python side,
# and position-independent static Abseil archives for the C library.
# Usage: scripts/setup.sh [--test]   (--test adds the test-only packages)
set -euo pipefail

APT_PACKAGES=(cmake ninja-build g++ pkg-config tzdata libabsl-dev libeigen3-dev libgtest-dev libbenchmark-dev patch)
# The fuzz harnesses (scripts/fuzz.sh): clang 14 and its libFuzzer runtime;
# the C ABI check (scripts/abi-check.sh): abidw and abidiff.
APT_TEST_PACKAGES=(clang libclang-rt-14-dev abigail-tools)
PIP_PACKAGES=("scikit-build-core>=0.10" "pybind11>=2.12" "numpy>=1.23" "pandas>=1.5" "matplotlib>=3.5")
PIP_TEST_PACKAGES=("pytest>=7" "scipy>=1.9" "scikit-learn>=1.1" "lifetimes==0.11.3" "mpmath>=1.2"
                   "pyarrow>=14" "polars>=0.20" "nbclient>=0.7" "nbformat>=5.7" "ipykernel>=6" "mypy>=1.10")

apt_pkgs=("${APT_PACKAGES[@]}")
[ "${1:-}" = "--test" ] && apt_pkgs+=("${APT_TEST_PACKAGES[@]}")
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Position-independent static Abseil for libnpscore_c, which links it inside
# (Debian's libabsl_*.a are not PIC); kept in a cache, rebuilt on a new version.
# Without it the C library still builds (linking Abseil's shared libraries);
# the capi.exports test then fails.
bash "$(dirname "$0")/build-absl-pic.sh" ||
  echo "setup: warning: no PIC Abseil built (scripts/build-absl-pic.sh); libnpscore_c will not be self-contained" >&2

pkgs=("${PIP_PACKAGES[@]}")
[ "${1:-}" = "--test" ] && pkgs+=("${PIP_TEST_PACKAGES[@]}")
python3 -m pip install -q --disable-pip-version-check "${pkgs[@]}" 2>&1 \
  | { grep -v "Running pip as the 'root' user" || true; }  # pipefail keeps pip's status
python3 -c "import numpy, pandas, pybind11, scikit_build_core" \
  || { echo "setup: Python packages failed to install" >&2; exit 1; }
