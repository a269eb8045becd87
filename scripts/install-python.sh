#!/usr/bin/env bash
# Builds and installs the Python package from this checkout (pip install .).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check --no-build-isolation . 2>&1 \
  | { grep -v "Running pip as the 'root' user" || true; }  # pipefail keeps pip's status
# Import from outside the source tree, as a user would.
(cd / && python3 -c "import npscore; print('npscore', npscore.__version__, 'installed')")
