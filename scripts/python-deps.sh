#!/usr/bin/env bash
# Makes the build's own Python environment, build/python-env, with what the
# attnc Python package needs to build and be tested
# (python/requirements-test.txt), from PyPI. Nothing outside build/ is
# touched. Idempotent. When Python's venv module or PyPI is unreachable it
# says so and stops without failing: the C++ build goes on and the Python
# tests report themselves skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
env=build/python-env
req=python/requirements-test.txt
stamp=$env/.requirements
if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  exit 0
fi
python=${ATTNC_PYTHON:-python3}
mkdir -p build
if [ ! -x "$env/bin/python3" ] && ! "$python" -m venv "$env" >/dev/null 2>&1; then
  rm -rf "$env"
  echo "python-deps: skipped: '$python -m venv' failed (apt install python3-venv); the Python package will not be built"
  exit 0
fi
echo "python-deps: installing $(grep -v '^#' "$req" | tr '\n' ' ')into $env"
if ! "$env/bin/python3" -m pip install -q --disable-pip-version-check -r "$req"; then
  echo "python-deps: skipped: pip could not install $req; the Python package will not be built"
  exit 0
fi
cp "$req" "$stamp"
