#!/usr/bin/env bash
# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds and runs every test of TrackedArrayCache on Debian 12 (run as root, or with sudo).
# Each build is a preset of CMakePresets.json (configure, build, ctest by label):
#   1. an SPDX line in every source file, clang-format of all C++, black of all Python;
#   2. VTK 9.1: preset vtk: the GoogleTest suites (with the oracle, load and MPI tests and
#      the disk cache's kill and multi-process tests at full size), pytest, module-file and
#      installed-package checks; preset tsan: the concurrency tests under ThreadSanitizer;
#      preset asan: the C++ suites under AddressSanitizer + UBSan; preset fuzz: the
#      libFuzzer targets for 60 s each;
#   3. VTK 9.7: extract the VTK 9.7 named by TRACKEDARRAYCACHE_VTK97 (an SDK tarball, or
#      the install prefix of a VTK 9.7 of your own) into build/sdk; preset vtk97: everything
#      with -Werror=deprecated-declarations, its tests and the demo; preset asan97: the
#      suites whose code only 9.7 compiles under ASan + UBSan. Without a VTK 9.7 the stage
#      prints one line saying so, and the last line says it did not run; with
#      TRACKEDARRAYCACHE_REQUIRE_VTK97=1 (CI) that fails the command;
#   4. ParaView 5.11 (its VTK 9.2): switch packages; preset paraview: the module, its Python
#      package and the plugin, its suites, pytest, the installed-package check, the plugin
#      in pvbatch (serial and 2 MPI processes) and in the paraview GUI under Xvfb;
#   5. switch back to the VTK 9.1 packages (also when a stage fails).
# Any failure fails the command; no stage but the VTK 9.7 one without its SDK is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
stage() { printf '\n=== %s ===\n' "$*"; }
run_preset() { # run_preset <preset>: configure, build and test it
  cmake --preset "$1"
  cmake --build --preset "$1" -j "$jobs"
  ctest --preset "$1" -j "$jobs"
}

stage "Installing the VTK 9.1 packages"
scripts/install-deps.sh vtk

stage "License lines, clang-format and black checks"
unlicensed=$(git ls-files '*.h' '*.cxx' '*.inl' '*.py' '*.cmake' '*.in' '*.sh' '*.xml' \
  '*CMakeLists.txt' .ci/run | xargs grep -L 'SPDX-License-Identifier: BSD-3-Clause' || true)
if [ -n "$unlicensed" ]; then
  printf 'no SPDX license line in:\n%s\n' "$unlicensed"
  exit 1
fi
echo "every source file carries its SPDX license line (LICENSE: BSD 3-clause)"
git ls-files '*.h' '*.cxx' | xargs clang-format --dry-run -Werror
echo "all C++ files are formatted"
git ls-files '*.py' | xargs black --check --quiet
echo "all Python files are formatted"

stage "VTK 9.1: build and test"
run_preset vtk

stage "VTK 9.1: ThreadSanitizer build, concurrency tests"
run_preset tsan

stage "VTK 9.1: AddressSanitizer + UndefinedBehaviorSanitizer build, C++ suites"
run_preset asan

stage "VTK 9.1: libFuzzer targets, 60 s each (clang 14, ASan + UBSan)"
run_preset fuzz

vtk97_status=""
vtk97=${TRACKEDARRAYCACHE_VTK97:-}
if [ -z "$vtk97" ] || [ ! -e "$vtk97" ]; then
  vtk97_status="NOT RUN: no VTK 9.7 at TRACKEDARRAYCACHE_VTK97='$vtk97' (an SDK tarball or a VTK 9.7 install prefix)"
  stage "VTK 9.7: $vtk97_status"
  [ "${TRACKEDARRAYCACHE_REQUIRE_VTK97:-0}" = 1 ] && exit 1
else
  stage "VTK 9.7: build and test against $vtk97"
  TRACKEDARRAYCACHE_VTK97_PREFIX=$vtk97
  if [ -f "$vtk97" ]; then
    rm -rf build/sdk
    mkdir -p build/sdk
    tar -xJf "$vtk97" -C build/sdk
    TRACKEDARRAYCACHE_VTK97_PREFIX=$(echo "$PWD"/build/sdk/vtk-9.7*)
  fi
  export TRACKEDARRAYCACHE_VTK97_PREFIX # the presets read it
  run_preset vtk97
  # The SDK's libraries carry no RPATH: the demo finds them through the library path.
  LD_LIBRARY_PATH="$TRACKEDARRAYCACHE_VTK97_PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    build/vtk97/bin/CachedPipelineDemo 300
  run_preset asan97
  vtk97_status="passed"
fi

stage "ParaView 5.11 (VTK 9.2): build and test"
trap 'stage "Switching back to the VTK 9.1 packages"; scripts/install-deps.sh vtk' EXIT
scripts/install-deps.sh paraview
run_preset paraview

if [ "$vtk97_status" = passed ]; then
  stage "All tests passed (VTK 9.1, VTK 9.7, ParaView 5.11's VTK 9.2)"
else
  stage "Tests passed on VTK 9.1 and ParaView 5.11's VTK 9.2; VTK 9.7 stage $vtk97_status"
fi
