"""A disk hit of a ~1M-point polydata with normals (about 85 MB): vtkTrackedDiskCache
against joblib.Memory caching the same arrays as numpy, and against recomputing, in the
same run (files in the page cache; the directory is a temporary one).

    PYTHONPATH=build/vtk/lib/python3.11/dist-packages \\
        /usr/bin/python3 Testing/Benchmarks/benchmark_disk.py [repeats]

build/vtk/bin/BenchmarkDiskCache compares the same hit with VTK's own XML reader.
"""

import statistics
import sys
import tempfile
import time

import joblib
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkFiltersCore import vtkPolyDataNormals
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trackedarraycache import vtkTrackedDiskCache


def surface():
    sphere = vtkSphereSource()
    sphere.SetThetaResolution(1000)
    sphere.SetPhiResolution(1000)
    normals = vtkPolyDataNormals()
    normals.SetInputConnection(sphere.GetOutputPort())
    normals.Update()
    return normals.GetOutput()


def as_numpy(mesh):
    """The arrays a numpy-based cache would keep for the same mesh."""
    polys = mesh.GetPolys()
    return {
        "points": vtk_to_numpy(mesh.GetPoints().GetData()).copy(),
        "normals": vtk_to_numpy(mesh.GetPointData().GetNormals()).copy(),
        "offsets": vtk_to_numpy(polys.GetOffsetsArray()).copy(),
        "connectivity": vtk_to_numpy(polys.GetConnectivityArray()).copy(),
    }


def median_of(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    mesh = surface()
    arrays = as_numpy(mesh)
    megabytes = sum(a.nbytes for a in arrays.values()) / 2**20
    print(f"{mesh.GetNumberOfPoints()} points, {megabytes:.0f} MiB of arrays, {repeats} runs per case\n")
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        results["recompute (sphere + normals)"] = median_of(surface, repeats)
        for name, compression in (("none", 0), ("LZ4", 2)):
            cache = vtkTrackedDiskCache()
            cache.SetDirectory(f"{directory}/ours-{name}")
            cache.SetCompression(compression)
            cache.SetMaximumSize(0)
            results[f"vtkTrackedDiskCache write ({name})"] = median_of(lambda: cache.Set("mesh", mesh), repeats)
            results[f"vtkTrackedDiskCache hit ({name})"] = median_of(lambda: cache.Get("mesh"), repeats)
        memory = joblib.Memory(f"{directory}/joblib", verbose=0)

        @memory.cache
        def compute_arrays(resolution):
            return arrays

        compute_arrays(1000)  # the miss writes the entry
        results["joblib.Memory hit (same arrays as numpy)"] = median_of(lambda: compute_arrays(1000), repeats)
        calls = iter(range(10**6))
        results["joblib.Memory miss (store) beyond the function"] = median_of(
            lambda: compute_arrays(2000 + next(calls)), repeats)
    for name, (median, low, high) in results.items():
        print(f"{name:52s} median {median * 1e3:8.1f} ms   min {low * 1e3:8.1f}   max {high * 1e3:8.1f}")
    ours = results["vtkTrackedDiskCache hit (LZ4)"][0]
    print(f"\njoblib hit / our LZ4 hit: {results['joblib.Memory hit (same arrays as numpy)'][0] / ours:.2f}x; "
          f"recompute / our LZ4 hit: {results['recompute (sphere + normals)'][0] / ours:.1f}x")


if __name__ == "__main__":
    main()
