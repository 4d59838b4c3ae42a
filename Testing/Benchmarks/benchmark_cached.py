# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Cost of a memoized call whose argument is a 1M x 3 float64 array: trackedarraycache's
``cached`` against joblib.Memory and a trimesh-style rehash, measured in the same run;
and what ``cached`` pays by default to see writes through numpy that call no Modified()
(each VTK argument and each VTK result served is hashed again) against
``trust_stamps=True``.

    PYTHONPATH=build/vtk/lib/python3.11/dist-packages \\
        /usr/bin/python3 Testing/Benchmarks/benchmark_cached.py [repeats]

(for VTK 9.7 also LD_LIBRARY_PATH and PYTHONPATH to its SDK's lib and site-packages.)

Prints the median and the spread of each case (the machine is noisy: quote medians and
the ratios of one run). Needs python3-joblib and python3-xxhash (scripts/install-deps.sh).
"""

import statistics
import sys
import tempfile
import time

import joblib
import numpy as np
import xxhash
from vtkmodules.util.numpy_support import numpy_to_vtk

from trackedarraycache import cached, numpy_digest


def norms(points):
    return np.sqrt((points * points).sum(axis=1))


def measure(call, repeats):
    call()  # warm: the first call of each case may compute and store
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def report(name, times):
    median = statistics.median(times)
    unit, scale = ("us", 1e6) if median < 1e-3 else ("ms", 1e3)
    print(
        f"{name:58s} median {median * scale:9.2f} {unit}   "
        f"min {min(times) * scale:9.2f}   max {max(times) * scale:9.2f}"
    )
    return median


def vtk_cases(points, repeats):
    """The cached hits whose cost depends on how far stamps are trusted."""
    vtk_points = numpy_to_vtk(points, deep=1)
    results = [numpy_to_vtk(points, deep=1)]  # a list: not keyed by content, unlike an array

    def tuples(array):
        return array.GetNumberOfTuples()

    def result(index):
        return results[index]

    checked, trusted = cached(tuples), cached(tuples, trust_stamps=True)
    checked_result, trusted_result = cached(result), cached(result, trust_stamps=True)
    cases = {
        "cached hit, a vtkDoubleArray argument (hashed: default)": measure(
            lambda: checked(vtk_points), repeats
        ),
        "cached hit, the same vtkDoubleArray, trust_stamps=True": measure(
            lambda: trusted(vtk_points), repeats * 20
        ),
        "cached hit, a vtkDoubleArray result (hashed: default)": measure(
            lambda: checked_result(0), repeats
        ),
        "cached hit, a vtkDoubleArray result, trust_stamps=True": measure(
            lambda: trusted_result(0), repeats * 20
        ),
    }
    if hasattr(vtk_points, "__array__"):  # VTK >= 9.7
        vtk_points[0]  # indexing: VTK's numpy interface now holds the array's buffer
        cases["cached hit, trust_stamps=True, array VTK 9.7's numpy viewed"] = measure(
            lambda: trusted(vtk_points), repeats
        )
    return cases


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    points = np.random.default_rng(7).random((1_000_000, 3))
    print(
        f"argument: {points.shape} {points.dtype} ({points.nbytes / 2**20:.0f} MiB), "
        f"{repeats} calls per case\n"
    )

    ours = cached(norms)
    with tempfile.TemporaryDirectory() as location:
        memory = joblib.Memory(location, verbose=0)
        theirs = memory.cache(norms)
        results = {
            "compute (no cache)": measure(lambda: norms(points), repeats),
            "cached hit, numpy argument (hashed every call)": measure(
                lambda: ours(points), repeats
            ),
            **vtk_cases(points, repeats),
            "numpy_digest alone (XXH3-128, in place)": measure(
                lambda: numpy_digest(points), repeats
            ),
            "joblib.Memory hit": measure(lambda: theirs(points), repeats),
            "joblib.hash alone": measure(lambda: joblib.hash(points), repeats),
            "trimesh-style rehash: xxh3_64 of the buffer": measure(
                lambda: xxhash.xxh3_64_intdigest(points), repeats
            ),
            "trimesh-style rehash: xxh3_64 of tobytes()": measure(
                lambda: xxhash.xxh3_64_intdigest(points.tobytes()), repeats
            ),
        }
    medians = {name: report(name, times) for name, times in results.items()}
    joblib_hit = medians["joblib.Memory hit"]
    print()
    for name, median in medians.items():
        if name.startswith("cached hit"):
            print(f"joblib.Memory hit / {name}: {joblib_hit / median:.1f}x")
    print("target: cached hit <= 4 ms (>= 9x faster than joblib); trusted same VTK array <= 1.5 us")


if __name__ == "__main__":
    main()
