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
"""

import statistics
import sys
import time

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy

from trackedarraycache import numpy_view


def add_one(values):
    values += 1


def cases(vtk_array):
    """Per operation, the callables of the view and of the two plain references."""
    subjects = {
        "numpy_view": numpy_view(vtk_array),
        "ndarray": np.array(vtk_to_numpy(vtk_array)),
        "ndarray over VTK memory": vtk_to_numpy(vtk_array),
    }
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
        for case in cases[turn % len(cases):] + cases[:turn % len(cases)]:
            batch, calls = timed[case]
            start = time.perf_counter()
            batch()
            per_call[case].append((time.perf_counter() - start) / calls)
    return {case: statistics.median(times) for case, times in per_call.items()}


TARGETS = {"scalar read x[i, 1]": "<= 3 us", "np.sum(x)": "<= 1.1x", "x.sum()": "<= 1.1x",
           "x += 1": "<= 1.2x"}


def report(medians):
    for operation in TARGETS:
        view = medians[operation, "numpy_view"]
        plain = medians[operation, "ndarray"]
        same_memory = medians[operation, "ndarray over VTK memory"]
        print(f"{operation:20s} numpy_view {view * 1e6:9.2f} us   ndarray {plain * 1e6:9.2f} us"
              f"   over VTK memory {same_memory * 1e6:9.2f} us   ratio {view / plain:5.2f}x"
              f" ({view / same_memory:4.2f}x)   target {TARGETS[operation]}")


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    values = np.random.default_rng(7).random((1_000_000, 3))
    print(f"array: {values.shape} {values.dtype}, {rounds} rounds; ratio: numpy_view / ndarray "
          f"(numpy_view / ndarray over the VTK array's memory)\n")
    report(measure(cases(numpy_to_vtk(values, deep=1)), rounds))


if __name__ == "__main__":
    main()
