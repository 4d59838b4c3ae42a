#!/usr/bin/env bash
# Builds the module against Debian's VTK 9.1 and runs the cached-locator demo.
# Extra arguments go to the demo (e.g. a number of points).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh vtk
cmake -S . -B build/vtk -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 -DCMAKE_BUILD_TYPE=Release
cmake --build build/vtk -j "$(nproc)" --target CachedLocatorDemo
build/vtk/bin/CachedLocatorDemo "$@"
