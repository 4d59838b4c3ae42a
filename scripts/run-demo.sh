#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds the module against Debian's VTK 9.1 and runs the cached-pipeline demo: a
# million-point sphere through clean, smoothing and normals, each served from the cache.
# Extra arguments go to the demo (the sphere resolution, default 1000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh vtk
cmake -S . -B build/vtk -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 -DCMAKE_BUILD_TYPE=Release
cmake --build build/vtk -j "$(nproc)" --target CachedPipelineDemo
build/vtk/bin/CachedPipelineDemo "$@"
