#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds the ParaView plugin against Debian's ParaView 5.11 and installs it so that the
# paraview application loads it at every start, with no clicks: the module, the plugin and
# its configuration file (TrackedArrayCache.plugins.xml, auto_load="1") go under PREFIX
# (the first argument; ~/.local by default), and ~/.profile gets one line exporting
# PV_PLUGIN_CONFIG_FILE (log in again, or source it). This switches the machine to the
# ParaView packages (they conflict with Debian's VTK 9.1 SDK: see install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(realpath -m "${1:-$HOME/.local}")
scripts/install-deps.sh paraview
cmake -S . -B build/paraview -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 \
  -DCMAKE_BUILD_TYPE=Release -DTRACKEDARRAYCACHE_USE_PARAVIEW=ON \
  -DTRACKEDARRAYCACHE_BUILD_EXAMPLES=OFF -DTRACKEDARRAYCACHE_BUILD_BENCHMARKS=OFF
cmake --build build/paraview -j "$(nproc)"
cmake --install build/paraview --prefix "$prefix" >/dev/null
# Where paraview_plugin_build installed it (GNUInstallDirs: lib, or lib64 on some systems).
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' build/paraview/CMakeCache.txt)
conf=$prefix/${libdir:-lib}/paraview-5.11/plugins/TrackedArrayCache.plugins.xml
[ -f "$conf" ] || { echo "install-paraview-plugin: no plugin configuration file at $conf" >&2; exit 1; }

# The installed plugin loads from its configuration file alone, in a fresh process.
check=$(mktemp --suffix=.py)
trap 'rm -f "$check"' EXIT
echo 'from paraview.simple import CachedContour; print("TrackedArrayCachePlugin loads")' >"$check"
PV_PLUGIN_CONFIG_FILE=$conf pvpython --dr "$check"

line="export PV_PLUGIN_CONFIG_FILE=\"$conf\"  # TrackedArrayCache ParaView plugin"
if ! grep -qF "$line" "$HOME/.profile" 2>/dev/null; then
  sed -i '/# TrackedArrayCache ParaView plugin$/d' "$HOME/.profile" 2>/dev/null || true
  echo "$line" >>"$HOME/.profile"
fi
echo "installed under $prefix; paraview loads the plugin at start once PV_PLUGIN_CONFIG_FILE"
echo "is set: log in again, or run: . ~/.profile"
