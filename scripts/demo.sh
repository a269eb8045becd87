#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, install the
# Python package and print the report on the sample data that ships with
# npscore. Extra arguments go to `npscore report` (e.g. --out report.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-python.sh
cd / && python3 -m npscore report "$@"
