#!/usr/bin/env bash
# Builds and installs the Python package from this checkout (pip install .)
# into the project's virtual environment (scripts/python-env.sh; NPSCORE_VENV
# picks another, e.g. .venv-min), which scripts/setup.sh creates.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-env.sh
[ -x "$PYTHON" ] || { echo "install-python: no $PYTHON (bash scripts/setup.sh creates it)" >&2; exit 1; }
# One CMake build directory per environment: its cache records the Python and
# pybind11 it was configured with.
build_dir="build/py-$(basename "$NPSCORE_VENV" | tr -d .)-{wheel_tag}"
npscore_pip install -q --no-build-isolation --config-settings=build-dir="$build_dir" .
# Import from outside the source tree, as a user would.
(cd / && "$PYTHON" -c "import npscore; print('npscore', npscore.__version__, 'installed in', '$NPSCORE_VENV')")
