#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, install the
# Python package into the project's virtual environment (.venv) and print the
# report on the sample data that ships with npscore; the whole report is also
# written to out/report/ (report.html, report.md, queue.csv, summary.json,
# figures/). Extra arguments go to `npscore report`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/python-env.sh
bash scripts/setup.sh
bash scripts/install-python.sh
cd / && "$PYTHON" -m npscore report --out-dir "$ROOT/out/report" --format text "$@"
