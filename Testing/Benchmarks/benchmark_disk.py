# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Disk hits measured side by side, in interleaved rounds of one run (files in the page
cache; the directories are temporary):

1. a ~1M-point polydata with normals (about 84 MiB of arrays), in this process:
   vtkTrackedDiskCache (uncompressed and mapped, the default; and LZ4) against joblib.Memory
   caching the same arrays as numpy (mmap_mode=None and 'r'), VTK's XML reader on the same
   data, and recomputing;
2. ``cached(disk=...)`` returning a 1M x 3 float64 array, each call in a fresh process
   (what a script run again pays), against joblib.Memory with mmap_mode=None and 'r'.

    PYTHONPATH=build/vtk/lib/python3.11/dist-packages \\
        /usr/bin/python3 Testing/Benchmarks/benchmark_disk.py [rounds]

Targets (issue 17): our mesh hit <= 0.5x joblib (mmap_mode=None) and <= 0.25x the XML
reader; the fresh-process cached hit <= 0.5x joblib (mmap_mode=None). joblib with
mmap_mode='r' checks nothing and maps lazily: it is reported beside, not a target.
build/vtk/bin/BenchmarkDiskCache compares the mesh hit with one checksum pass.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import joblib
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkFiltersCore import vtkPolyDataNormals
from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkIOXML import vtkXMLPolyDataReader, vtkXMLPolyDataWriter

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


def timed(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interleaved(cases, rounds):
    """Each case once per round, in turn; the median, min and max of each."""
    times = {name: [] for name in cases}
    for _ in range(rounds):
        for name, call in cases.items():
            times[name].append(call())
    return {name: (statistics.median(t), min(t), max(t)) for name, t in times.items()}


def report(title, results):
    print(title)
    for name, (median, low, high) in results.items():
        print(
            f"  {name:46s} median {median * 1e3:8.2f} ms   min {low * 1e3:8.2f}   max {high * 1e3:8.2f}"
        )


def ratio(results, ours, theirs):
    value = results[ours][0] / results[theirs][0]
    print(f"  {ours} / {theirs}: {value:.2f}")


def mesh_cases(directory):
    mesh = surface()
    arrays = as_numpy(mesh)
    megabytes = sum(a.nbytes for a in arrays.values()) / 2**20
    print(f"{mesh.GetNumberOfPoints()} points, {megabytes:.0f} MiB of arrays")
    cases = {}
    for name, compression in (("uncompressed", 0), ("LZ4", 2)):
        cache = vtkTrackedDiskCache()
        cache.SetDirectory(f"{directory}/ours-{name}")
        cache.SetCompression(compression)
        cache.SetMaximumSize(0)
        cache.Set("mesh", mesh)
        cases[f"vtkTrackedDiskCache hit ({name})"] = (
            lambda c: lambda: timed(lambda: c.Get("mesh"))
        )(cache)
    for mode in (None, "r"):
        memory = joblib.Memory(f"{directory}/joblib-{mode}", mmap_mode=mode, verbose=0)
        compute = memory.cache(lambda resolution: arrays)
        compute(1000)  # the miss writes the entry
        cases[f"joblib.Memory hit (mmap_mode={mode!r})"] = (
            lambda f: lambda: timed(lambda: f(1000))
        )(compute)
    writer = vtkXMLPolyDataWriter()
    writer.SetInputData(mesh)
    writer.SetFileName(f"{directory}/mesh.vtp")
    writer.SetDataModeToAppended()
    writer.EncodeAppendedDataOff()
    writer.SetHeaderTypeToUInt64()
    writer.SetCompressorTypeToNone()
    writer.Write()

    def read_xml():
        reader = vtkXMLPolyDataReader()
        reader.SetFileName(f"{directory}/mesh.vtp")
        reader.Update()

    cases["vtkXMLPolyDataReader (uncompressed)"] = lambda: timed(read_xml)
    cases["recompute (sphere + normals)"] = lambda: timed(surface)
    return cases


# A fresh process: imports first (not timed), then one call, timed; prints the seconds.
CHILD = """
import sys, time
import numpy
kind, directory = sys.argv[1], sys.argv[2]
if kind == "ours":
    from trackedarraycache import cached
    function = cached(disk=directory)(lambda n: numpy.ones((n, 3)))
else:
    import joblib
    mode = None if kind == "joblib-None" else "r"
    function = joblib.Memory(directory, mmap_mode=mode, verbose=0).cache(lambda n: numpy.ones((n, 3)))
start = time.perf_counter()
result = function(1000000)
seconds = time.perf_counter() - start
assert result.shape == (1000000, 3) and result[-1, -1] == 1.0
print(seconds)
"""


def fresh_process_cases(directory):
    env = dict(os.environ)
    cases = {}
    for kind, label in (
        ("ours", "cached(disk=...) hit"),
        ("joblib-None", "joblib.Memory hit (mmap_mode=None)"),
        ("joblib-r", "joblib.Memory hit (mmap_mode='r')"),
    ):
        folder = f"{directory}/fresh-{kind}"

        def run(kind=kind, folder=folder):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, kind, folder],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return float(out.split()[-1])

        run()  # the miss stores the result
        cases[label + ", fresh process"] = run
    return cases


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as directory:
        results = interleaved(mesh_cases(directory), rounds)
        report(f"Mesh, {rounds} interleaved rounds:", results)
        ratio(
            results, "vtkTrackedDiskCache hit (uncompressed)", "joblib.Memory hit (mmap_mode=None)"
        )
        ratio(
            results, "vtkTrackedDiskCache hit (uncompressed)", "vtkXMLPolyDataReader (uncompressed)"
        )
        ratio(
            results, "vtkTrackedDiskCache hit (uncompressed)", "joblib.Memory hit (mmap_mode='r')"
        )
        fresh = interleaved(fresh_process_cases(directory), rounds)
        report(f"\n1M x 3 float64, one call per fresh process, {rounds} interleaved rounds:", fresh)
        ratio(
            fresh,
            "cached(disk=...) hit, fresh process",
            "joblib.Memory hit (mmap_mode=None), fresh process",
        )
        ratio(
            fresh,
            "cached(disk=...) hit, fresh process",
            "joblib.Memory hit (mmap_mode='r'), fresh process",
        )


if __name__ == "__main__":
    main()
