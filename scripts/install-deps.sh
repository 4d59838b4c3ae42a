#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs the Debian 12 packages a stage of TrackedArrayCache needs.
#   install-deps.sh vtk       VTK 9.1 SDK, Python bindings and the build/test tools
#   install-deps.sh paraview  ParaView 5.11 SDK (bundles VTK 9.2) instead of VTK 9.1
# python3-paraview and python3-vtk9 both own the vtkmodules package, so one
# machine holds one of the two SDKs at a time; each stage removes the other.
# Idempotent: when every package is present it does nothing.
set -euo pipefail

common=(build-essential cmake ninja-build pkg-config git clang-format libxxhash-dev
  libgtest-dev libbenchmark-dev python3-numpy python3-pytest xxhash python3-joblib python3-xxhash
  clang-14 libclang-rt-14-dev black)
vtk=(libvtk9-dev python3-vtk9 mpi-default-dev mpi-default-bin)
paraview=(paraview-dev python3-paraview mpi-default-dev mpi-default-bin paraview xvfb
  imagemagick libgl1-mesa-dri)

case "${1:-}" in
vtk) wanted=("${common[@]}" "${vtk[@]}"); conflicting=(paraview-dev python3-paraview) ;;
paraview) wanted=("${common[@]}" "${paraview[@]}"); conflicting=(python3-vtk9 libvtk9-dev) ;;
*)
  echo "usage: $0 vtk|paraview" >&2
  exit 2
  ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
installed_conflicts=()
for p in "${conflicting[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' && installed_conflicts+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ ${#installed_conflicts[@]} -eq 0 ]; then
  echo "install-deps: '$1' packages already present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]:-${wanted[0]}}" \
  "${installed_conflicts[@]/%/-}" >/dev/null; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y --no-install-recommends "${wanted[@]}" "${installed_conflicts[@]/%/-}"
fi
echo "install-deps: '$1' packages installed"
