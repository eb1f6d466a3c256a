#!/usr/bin/env bash
# Installs what is missing, then configures and builds attnc in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The Python package's build and test dependencies, into build/python-env.
scripts/python-deps.sh
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build
