# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""What a guarded ``numpy_view`` costs against plain numpy: a scalar read, ``np.sum(v)`` and
``v.sum()``, and ``v += 1`` on a 1M x 3 float64 array.

    PYTHONPATH=build/vtk/lib/python3.11/dist-packages \\
        /usr/bin/python3 Testing/Benchmarks/benchmark_numpy_view.py [rounds]

(for VTK 9.7 also LD_LIBRARY_PATH and PYTHONPATH to its SDK's lib and site-packages.)

Each case is timed as a batch of calls per round, the cases taking turns round after round
so that the machine's drift falls on all of them alike; it prints the median time per call
of each case and the ratios. Two plain references: the same values in an ndarray numpy
allocated (what the targets compare with), and an ndarray over the VTK array's own memory
(the view's overhead alone, without the difference between the two allocations). The
machine is noisy: quote the medians and ratios of one run.

The two allocations differ in page size: numpy asks the kernel for transparent huge pages
for its arrays of 4 MiB and more, glibc's malloc (which VTK's arrays use) does not unless
the process runs with GLIBC_TUNABLES=glibc.malloc.hugetlb=1. A pass over 24 MiB on 4 KiB
pages is about 1.4x slower here. The script prints how much of each memory huge pages
back, then runs itself again with the tunable set (unless it was set already).
"""

import os
import statistics
import subprocess
import sys
import time

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy

from trackedarraycache import numpy_view


def add_one(values):
    values += 1


def subjects_of(vtk_array):
    """The view, and the two plain references."""
    return {
        "numpy_view": numpy_view(vtk_array),
        "ndarray": np.array(vtk_to_numpy(vtk_array)),
        "ndarray over VTK memory": vtk_to_numpy(vtk_array),
    }


def cases(subjects):
    """Per operation and subject, a batch of calls and its number of calls."""
    operations = {
        "scalar read x[i, 1]": (lambda x: x[123_456, 1], 2000),
        "np.sum(x)": (np.sum, 5),
        "x.sum()": (lambda x: x.sum(), 5),
        "x += 1": (add_one, 5),
    }
    return {
        (operation, subject): (lambda f=f, x=x, n=n: [f(x) for _ in range(n)], n)
        for operation, (f, n) in operations.items()
        for subject, x in subjects.items()
    }


def measure(timed, rounds):
    """Median seconds per call of each case. The cases take turns, each round starting one
    case later, so that each runs as often after every other (the first pass over the
    array's memory after a write pays for writing the cache back)."""
    cases = list(timed)
    per_call = {case: [] for case in cases}
    for turn in range(rounds):
        for case in cases[turn % len(cases) :] + cases[: turn % len(cases)]:
            batch, calls = timed[case]
            start = time.perf_counter()
            batch()
            per_call[case].append((time.perf_counter() - start) / calls)
    return {case: statistics.median(times) for case, times in per_call.items()}


TARGETS = {
    "scalar read x[i, 1]": "<= 3 us",
    "np.sum(x)": "<= 1.1x",
    "x.sum()": "<= 1.1x",
    "x += 1": "<= 1.2x",
}


def report(medians):
    for operation in TARGETS:
        view = medians[operation, "numpy_view"]
        plain = medians[operation, "ndarray"]
        same_memory = medians[operation, "ndarray over VTK memory"]
        print(
            f"{operation:20s} numpy_view {view * 1e6:9.2f} us   ndarray {plain * 1e6:9.2f} us"
            f"   over VTK memory {same_memory * 1e6:9.2f} us   ratio {view / plain:5.2f}x"
            f" ({view / same_memory:4.2f}x)   target {TARGETS[operation]}"
        )


def huge_page_kib(values):
    """How many KiB of the mapping holding `values` huge pages back (/proc/self/smaps; the
    mapping may hold more than the values)."""
    address, mapping = values.ctypes.data, None
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and len(fields) > 4:
                begin, end = (int(bound, 16) for bound in fields[0].split("-"))
                mapping = begin <= address < end
            elif mapping and fields[0] == "AnonHugePages:":
                return int(fields[1])
    return 0


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    values = np.random.default_rng(7).random((1_000_000, 3))
    subjects = subjects_of(numpy_to_vtk(values, deep=1))
    tunables = os.environ.get("GLIBC_TUNABLES", "(unset)")
    print(
        f"array: {values.shape} {values.dtype}, {rounds} rounds; GLIBC_TUNABLES={tunables}\n"
        f"huge pages in the mapping holding the VTK array: "
        f"{huge_page_kib(subjects['ndarray over VTK memory'])} KiB, numpy's copy: "
        f"{huge_page_kib(subjects['ndarray'])} KiB (each array: {values.nbytes // 1024} KiB)"
    )
    print("ratio: numpy_view / ndarray (numpy_view / ndarray over the VTK array's memory)\n")
    report(measure(cases(subjects), rounds))
    if "GLIBC_TUNABLES" not in os.environ:
        print()
        subprocess.run(
            [sys.executable, __file__, str(rounds)],
            check=True,
            env={**os.environ, "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"},
        )


if __name__ == "__main__":
    main()
