# Sourced (not run) by every script that runs Python: the project-local
# virtual environment. pip never installs into the system Python, which on
# Debian 12 refuses it anyway (PEP 668, "externally managed").
#
# Environment:
#   NPSCORE_VENV    the environment's directory (default <project root>/.venv)
#   NPSCORE_PYTHON  the interpreter it is created from (default python3)
# Defines:
#   PYTHON                     the environment's interpreter (it may not exist yet)
#   npscore_apt_install PKG..  apt-get install (through sudo when not root)
#   npscore_venv_create        creates NPSCORE_VENV when missing or broken; on
#                              Debian installs python3-venv / python3-dev first
#                              when `-m venv` or Python.h is missing
#   npscore_pip ARGS..         pip of the environment, quiet
# Afterwards a user activates it with `source .venv/bin/activate`.

NPSCORE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NPSCORE_VENV=${NPSCORE_VENV:-$NPSCORE_ROOT/.venv}
case "$NPSCORE_VENV" in /*) ;; *) NPSCORE_VENV="$NPSCORE_ROOT/$NPSCORE_VENV" ;; esac
PYTHON="$NPSCORE_VENV/bin/python"

npscore_apt_install() {
  local sudo=""
  command -v apt-get >/dev/null || {
    echo "setup: no apt-get: install $* by hand" >&2
    return 1
  }
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

npscore_venv_create() {
  local base=${NPSCORE_PYTHON:-python3}
  if [ -x "$PYTHON" ] && "$PYTHON" -c "import sys" 2>/dev/null; then
    return 0
  fi
  command -v "$base" >/dev/null || { echo "setup: $base not found (set NPSCORE_PYTHON)" >&2; return 1; }
  # Debian splits venv/ensurepip (python3-venv) and the C headers
  # (python3-dev) out of its Python; the extension module needs Python.h.
  local need=()
  "$base" -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
  "$base" -c "import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" ||
    need+=(python3-dev)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$("$base" -c 'import sys; print(sys.base_prefix)')" = /usr ] && command -v dpkg >/dev/null; then
      npscore_apt_install "${need[@]}"
    else
      echo "setup: $base lacks ${need[*]} (the venv module or Python.h): install them or set NPSCORE_PYTHON" >&2
      return 1
    fi
  fi
  echo "setup: creating the virtual environment $NPSCORE_VENV from $(command -v "$base") ($("$base" -V 2>&1))"
  rm -rf "$NPSCORE_VENV"
  "$base" -m venv "$NPSCORE_VENV"
  "$PYTHON" -c "import sys; assert sys.prefix != sys.base_prefix" ||
    { echo "setup: $NPSCORE_VENV is not a virtual environment" >&2; return 1; }
}

npscore_pip() {
  "$PYTHON" -m pip --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "Running pip as the 'root' user" || true; }  # pipefail keeps pip's status
}
