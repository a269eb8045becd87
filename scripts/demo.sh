#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, install the
# Python package and print the report on the sample data that ships with
# npscore; the report and its health plot are also written to out/.
# Extra arguments go to `npscore report`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/setup.sh
bash scripts/install-python.sh
cd / && python3 -m npscore report --out "$ROOT/out/report.md" "$@"
