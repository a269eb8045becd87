#!/usr/bin/env bash
# The Python test suite at the declared minimum versions: a second virtual
# environment, .venv-min, with every package of scripts/min-versions.txt at its
# floor (the `>=` bounds of pyproject.toml and scripts/setup.sh), the build
# tools included, then `pip install .` there and pytest. It is created from
# Debian's /usr/bin/python3 when there is one: that Python is "externally
# managed" (PEP 668) and refuses pip, so this run also proves that the project
# never installs into the system Python. The test-only tools (pytest, mypy,
# Jupyter's, selenium, lifetimes, jsonschema, markdown-it-py) are whatever pip
# resolves beside the floors.
# Usage: scripts/test-min-versions.sh [pytest args...]
# Environment: NPSCORE_MIN_VENV   the environment (default .venv-min)
#              NPSCORE_PYTHON     the interpreter it is made from (default
#                                 /usr/bin/python3 when present, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ -z "${NPSCORE_PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then
  export NPSCORE_PYTHON=/usr/bin/python3
fi
export NPSCORE_VENV=${NPSCORE_MIN_VENV:-$ROOT/.venv-min}
source scripts/python-env.sh

# The floors, as pins; the pins must be exactly what was asked for.
mapfile -t pins < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/min-versions.txt)
[ ${#pins[@]} -gt 0 ] || { echo "test-min-versions: no pins in scripts/min-versions.txt" >&2; exit 1; }

npscore_venv_create
echo "test-min-versions: $("$PYTHON" -V) in $NPSCORE_VENV (from $("$PYTHON" -c 'import sys; print(sys.base_prefix)')):" \
     "${pins[*]}"
# Wheels only, for the pinned packages too: a floor is a version users can install.
npscore_pip install -q --only-binary=:all: "${pins[@]}" \
  "pytest>=7" "lifetimes==0.11.3" "mpmath>=1.2" "nbclient>=0.7" "nbformat>=5.7" "ipykernel>=6" \
  "mypy>=1.10" "selenium>=4.11" "jsonschema>=4.18" "markdown-it-py>=3"
# PySpark comes as an sdist only (pure Python): at its floor, without --only-binary.
npscore_pip install -q "pyspark==4.0.1"
# Nothing may have moved a floor (a test tool pulling in a newer numpy, say).
"$PYTHON" - "${pins[@]}" <<'PY'
import sys
from importlib.metadata import version
wrong = [f"{p} (installed {version(p.split('==')[0])})" for p in sys.argv[1:]
         if version(p.split("==")[0]) != p.split("==")[1]]
sys.exit(f"test-min-versions: not at the floor: {', '.join(wrong)}" if wrong else 0)
PY
bash scripts/install-python.sh
cd /tmp && NPSCORE_REQUIRE_ALL_TESTS=1 "$PYTHON" -m pytest "$ROOT/tests/python" -q -p no:cacheprovider \
  -c "$ROOT/pyproject.toml" --rootdir "$ROOT" "$@"
