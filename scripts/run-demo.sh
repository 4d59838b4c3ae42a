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
cmake --preset vtk # build/vtk, as the test command's VTK 9.1 stage (CMakePresets.json)
cmake --build --preset vtk -j "$(nproc)" --target CachedPipelineDemo
build/vtk/bin/CachedPipelineDemo "$@"
