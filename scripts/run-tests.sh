#!/usr/bin/env bash
# Builds and runs every test of TrackedArrayCache on Debian 12 (run as root, or with sudo).
#   1. clang-format check of all C++;
#   2. VTK 9.1 stage: configure (Ninja), build, ctest: GoogleTest suite (with the oracle,
#      load and MPI tests), pytest suite, module-file and installed-package checks; the
#      disk cache's kill and multi-process tests at full size; a ThreadSanitizer build running
#      the concurrency tests, an AddressSanitizer + UBSan build running the C++ suites,
#      and the libFuzzer targets for 60 s each;
#   3. VTK 9.7 stage: extract the VTK 9.7 SDK named by TRACKEDARRAYCACHE_VTK97 (its
#      tarball, or the install prefix of a VTK 9.7 of your own) into build/sdk, build
#      everything against it with -Werror=deprecated-declarations, run ctest (GoogleTest
#      suites, oracle, MPI, install checks, pytest) and the demo; then an AddressSanitizer +
#      UBSan build of the suites whose code only 9.7 compiles (implicit arrays, shared bit,
#      string and variant buffers, the disk format's 9.7 layouts). Without a VTK 9.7 the
#      stage prints one line saying so, and the last line says it did not run; with
#      TRACKEDARRAYCACHE_REQUIRE_VTK97=1 (CI) that fails the command;
#   4. ParaView 5.11 stage (its VTK 9.2): switch packages, build the module, its Python
#      package and the plugin, run the GoogleTest suite, pytest (with the completeness
#      test of the described filter classes), the installed-package check and the plugin's
#      pvbatch tests (serial and 2 MPI processes);
#   5. switch back to the VTK 9.1 packages (also when a stage fails).
# Any failure fails the command; no stage but the VTK 9.7 one without its SDK is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
stage() { printf '\n=== %s ===\n' "$*"; }
configure() { # configure <build dir> <extra CMake arguments...>
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DPython3_EXECUTABLE=/usr/bin/python3 "$@"
}

stage "Installing the VTK 9.1 packages"
scripts/install-deps.sh vtk

stage "clang-format check"
git ls-files '*.h' '*.cxx' | xargs clang-format --dry-run -Werror
echo "all C++ files are formatted"

stage "VTK 9.1: build and test"
configure build/vtk -DCMAKE_BUILD_TYPE=Release
cmake --build build/vtk -j "$jobs"
ctest --test-dir build/vtk --output-on-failure -j "$jobs"

stage "VTK 9.1: disk cache crash and concurrency tests at full size"
# ctest ran them small; here 200 writers killed with SIGKILL mid-write, and 4 processes
# x 1,000 mixed operations on one directory, every served entry checked (about 35 s).
TRACKED_DISK_CACHE_KILLS=200 TRACKED_DISK_CACHE_WORKERS=4 TRACKED_DISK_CACHE_OPERATIONS=1000 \
  build/vtk/bin/TestTrackedDiskCache --gtest_brief=1 \
  --gtest_filter='*WritersKilledMidWrite*:*ConcurrentProcesses*'

stage "VTK 9.1: ThreadSanitizer build, concurrency tests"
configure build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-fsanitize=thread \
  -DTRACKEDARRAYCACHE_WRAP_PYTHON=OFF -DTRACKEDARRAYCACHE_BUILD_EXAMPLES=OFF \
  -DTRACKEDARRAYCACHE_BUILD_BENCHMARKS=OFF
cmake --build build/tsan -j "$jobs" --target TestTrackedArrayCache TestArrayBufferPool \
  TestTrackedDigest TestTrackedLoad TestTrackedEviction TestTrackedDiskKeyLock
# vtkSMPTools on its STDThread backend: it synchronizes with std::mutex, which TSan
# sees; Debian's default backend, TBB, synchronizes inside uninstrumented libtbb and
# would make every parallel region look racy. Testing/tsan.supp lists the one VTK race
# suppressed.
export VTK_SMP_BACKEND_IN_USE=STDThread
export TSAN_OPTIONS="halt_on_error=1 abort_on_error=1 second_deadlock_stack=1 suppressions=$PWD/Testing/tsan.supp"
build/tsan/bin/TestTrackedArrayCache --gtest_filter='*Concurrent*:*CrossThread*'
build/tsan/bin/TestArrayBufferPool --gtest_filter='*Concurrent*'
build/tsan/bin/TestTrackedEviction --gtest_filter='*Concurrent*'
build/tsan/bin/TestTrackedDiskKeyLock --gtest_filter='*ThreadsOfOneProcess*'
build/tsan/bin/TestTrackedDigest --gtest_filter='*Concurrent*:*LayoutIndependence*:*CachedDigest*:*ContentMode*'
# The load test under TSan at a fifth of its size: TSan slows every lock tenfold.
TRACKED_LOAD_OPERATIONS=200000 build/tsan/bin/TestTrackedLoad
unset TSAN_OPTIONS VTK_SMP_BACKEND_IN_USE

stage "VTK 9.1: AddressSanitizer + UndefinedBehaviorSanitizer build, C++ suites"
configure build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DTRACKEDARRAYCACHE_WRAP_PYTHON=OFF -DTRACKEDARRAYCACHE_BUILD_EXAMPLES=OFF \
  -DTRACKEDARRAYCACHE_BUILD_BENCHMARKS=OFF
asan_suites=(TestTrackedArrayView TestTrackedStorageGuard TestTrackedCacheFilter
  TestTrackedArrayCache TestArrayBufferPool TestTrackedDigest TestTrackedDataModel
  TestTrackedDiskCache TestTrackedOracle TestTrackedLoad TestTrackedEviction
  TestTrackedDiskKeyLock TestTrackedXXH3)
cmake --build build/asan -j "$jobs" --target "${asan_suites[@]}" TrackedDiskCacheWorker
# Any report fails the run (leaks included). Two tests are left to the plain build: the
# 2 GiB digest (slow under ASan), and the address-reuse test, which needs the allocator
# to hand a freed block out again at once (ASan's allocator does not, even with its
# quarantine off).
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for suite in "${asan_suites[@]}"; do
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" build/asan/bin/"$suite" --gtest_brief=1 \
    --gtest_filter='-*BeyondTwoToTheThirtyOne*:*NewArrayAtAReusedAddressNeverHits*'
done
unset UBSAN_OPTIONS

stage "VTK 9.1: libFuzzer targets, 60 s each (clang 14, ASan + UBSan)"
CC=clang-14 CXX=clang++-14 configure build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer" \
  -DTRACKEDARRAYCACHE_BUILD_FUZZERS=ON -DBUILD_TESTING=OFF -DTRACKEDARRAYCACHE_WRAP_PYTHON=OFF \
  -DTRACKEDARRAYCACHE_BUILD_EXAMPLES=OFF -DTRACKEDARRAYCACHE_BUILD_BENCHMARKS=OFF
cmake --build build/fuzz -j "$jobs"
rm -f build/fuzz/crash-* build/fuzz/leak-* build/fuzz/oom-* build/fuzz/timeout-*
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
for target in FuzzDiskEntry FuzzArrayDigest; do
  corpus=build/fuzz/corpus-$target
  mkdir -p "$corpus"
  seeds=Testing/Fuzz/corpus/$([ "$target" = FuzzDiskEntry ] && echo disk || echo digest)
  log=build/fuzz/$target.log
  status=0
  build/fuzz/bin/$target -max_total_time=60 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
    "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' "$log" || true
  artifacts=$(find build/fuzz -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' \
    -o -name 'timeout-*' \))
  if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
    tail -n 60 "$log"
    echo "$target failed (exit status $status; failing inputs: ${artifacts:-none})"
    exit 1
  fi
done
unset UBSAN_OPTIONS

vtk97_status=""
vtk97=${TRACKEDARRAYCACHE_VTK97:-}
if [ -z "$vtk97" ] || [ ! -e "$vtk97" ]; then
  vtk97_status="NOT RUN: no VTK 9.7 at TRACKEDARRAYCACHE_VTK97='$vtk97' (an SDK tarball or a VTK 9.7 install prefix)"
  stage "VTK 9.7: $vtk97_status"
  [ "${TRACKEDARRAYCACHE_REQUIRE_VTK97:-0}" = 1 ] && exit 1
else
  stage "VTK 9.7: build and test against $vtk97"
  vtk97_prefix=$vtk97
  if [ -f "$vtk97" ]; then
    rm -rf build/sdk
    mkdir -p build/sdk
    tar -xJf "$vtk97" -C build/sdk
    vtk97_prefix=$(echo "$PWD"/build/sdk/vtk-9.7*)
  fi
  (
    # The SDK's libraries carry no RPATH: its Python modules find them through the library
    # path, set for this stage only (ctest sets it for its own tests too).
    export LD_LIBRARY_PATH="$vtk97_prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    configure build/vtk97 -DCMAKE_BUILD_TYPE=Release \
      -DVTK_DIR="$vtk97_prefix/lib/cmake/vtk-9.7" -DCMAKE_CXX_FLAGS=-Werror=deprecated-declarations
    cmake --build build/vtk97 -j "$jobs"
    ctest --test-dir build/vtk97 --output-on-failure -j "$jobs"
    build/vtk97/bin/CachedPipelineDemo 300
    configure build/asan97 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DVTK_DIR="$vtk97_prefix/lib/cmake/vtk-9.7" \
      "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
      -DTRACKEDARRAYCACHE_WRAP_PYTHON=OFF -DTRACKEDARRAYCACHE_BUILD_EXAMPLES=OFF \
      -DTRACKEDARRAYCACHE_BUILD_BENCHMARKS=OFF
    suites97=(TestTrackedDataModel TestTrackedArrayCache TestArrayBufferPool TestTrackedArrayView
      TestTrackedStorageGuard TestTrackedOracle TestTrackedDiskCache)
    cmake --build build/asan97 -j "$jobs" --target "${suites97[@]}" TrackedDiskCacheWorker
    for suite in "${suites97[@]}"; do
      UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
        build/asan97/bin/"$suite" --gtest_brief=1 --gtest_filter='-*NewArrayAtAReusedAddressNeverHits*'
    done
  )
  vtk97_status="passed"
fi

stage "ParaView 5.11 (VTK 9.2): build and test"
trap 'stage "Switching back to the VTK 9.1 packages"; scripts/install-deps.sh vtk' EXIT
scripts/install-deps.sh paraview
configure build/paraview -DCMAKE_BUILD_TYPE=Release -DTRACKEDARRAYCACHE_USE_PARAVIEW=ON \
  -DTRACKEDARRAYCACHE_BUILD_EXAMPLES=OFF -DTRACKEDARRAYCACHE_BUILD_BENCHMARKS=OFF
cmake --build build/paraview -j "$jobs"
ctest --test-dir build/paraview --output-on-failure -j "$jobs"

if [ "$vtk97_status" = passed ]; then
  stage "All tests passed (VTK 9.1, VTK 9.7, ParaView 5.11's VTK 9.2)"
else
  stage "Tests passed on VTK 9.1 and ParaView 5.11's VTK 9.2; VTK 9.7 stage $vtk97_status"
fi
