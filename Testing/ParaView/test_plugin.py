# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""The TrackedArrayCache ParaView plugin, headless (pvbatch test_plugin.py <plugin>):
DESIGN.md scenario 13. A toggled-back isovalue hits, every cached filter gives the plain
filter's output on a shared input, and the settings reach the shared cache."""

import os
import sys
import tempfile

import numpy as np
from paraview import servermanager as sm
from paraview.simple import *  # noqa: F401,F403 (pvbatch's usual namespace)
from paraview.vtk.util.numpy_support import vtk_to_numpy

LoadPlugin(sys.argv[1], remote=False, ns=globals())
# Only the GUI makes settings proxies by itself.
sm.vtkSMParaViewPipelineController().UpdateSettingsProxies(sm.ActiveConnection.Session)


def information(proxy, name):
    proxy.UpdatePropertyInformation()
    return proxy.GetProperty(name).GetData()


def arrays(attributes):
    return {
        attributes.GetArrayName(i): vtk_to_numpy(attributes.GetArray(i))
        for i in range(attributes.GetNumberOfArrays())
    }


def assert_same(cached, plain, what):
    """Points, cells and every point and cell array of two outputs, value for value."""
    got, wanted = sm.Fetch(cached), sm.Fetch(plain)
    assert got.GetClassName() == wanted.GetClassName(), what
    assert got.GetNumberOfPoints() == wanted.GetNumberOfPoints() > 0, what
    assert got.GetNumberOfCells() == wanted.GetNumberOfCells(), what
    np.testing.assert_array_equal(
        vtk_to_numpy(got.GetPoints().GetData()),
        vtk_to_numpy(wanted.GetPoints().GetData()),
        err_msg=what,
    )
    for cells in ("GetPolys", "GetCells"):
        if hasattr(got, cells) and getattr(got, cells)() is not None:
            np.testing.assert_array_equal(
                vtk_to_numpy(getattr(got, cells)().GetConnectivityArray()),
                vtk_to_numpy(getattr(wanted, cells)().GetConnectivityArray()),
                err_msg=what,
            )
    for attributes in ("GetPointData", "GetCellData"):
        a, b = arrays(getattr(got, attributes)()), arrays(getattr(wanted, attributes)())
        assert a.keys() == b.keys(), (what, a.keys(), b.keys())
        for name in a:
            np.testing.assert_array_equal(a[name], b[name], err_msg=f"{what}: {name}")


# Scenario 13: Wavelet -> Cached Contour, isovalue A -> B -> A; the third update is a hit.
wavelet = Wavelet()
contour = CachedContour(Input=wavelet, ContourBy=["POINTS", "RTData"], Isosurfaces=[157.0])
plain = Contour(Input=wavelet, ContourBy=["POINTS", "RTData"], Isosurfaces=[157.0])
for value, expected in ((157.0, "miss"), (200.0, "miss"), (157.0, "hit")):
    contour.Isosurfaces = [value]
    contour.UpdatePipeline()
    assert information(contour, "LastResult") == expected, (
        value,
        information(contour, "LastResult"),
    )
    plain.Isosurfaces = [value]
    assert_same(contour, plain, f"Contour at {value}")
assert (information(contour, "NumberOfHits"), information(contour, "NumberOfMisses")) == (1, 2)
assert information(contour, "CacheMemoryUsage") > 0
print("contour: A -> B -> A hits with the plain output")

# Every cached filter, against the plain filter with the same properties, on one input.
sphere = Sphere(ThetaResolution=48, PhiResolution=48)
triangles = Triangulate(Input=sphere)
for cached_filter, plain_filter, properties, source in (
    (
        CachedGenerateSurfaceNormals,
        GenerateSurfaceNormals,
        dict(FeatureAngle=45.0, Splitting=1),
        sphere,
    ),
    (CachedClean, Clean, dict(Tolerance=0.02, ToleranceIsAbsolute=0), sphere),
    (CachedDecimate, Decimate, dict(TargetReduction=0.6, PreserveTopology=1), triangles),
    (CachedDelaunay3D, Delaunay3D, dict(Alpha=0.0, Tolerance=0.001), sphere),
):
    cached = cached_filter(Input=source, **properties)
    reference = plain_filter(Input=source, **properties)
    cached.UpdatePipeline()
    assert information(cached, "LastResult") == "miss"
    assert_same(cached, reference, cached_filter.__name__)
    # The same parameters again on a new cached filter: served from the shared cache.
    again = cached_filter(Input=source, **properties)
    again.UpdatePipeline()
    assert information(again, "LastResult") == "hit", cached_filter.__name__
    assert_same(again, reference, cached_filter.__name__ + " (hit)")
    print(f"{cached_filter.__name__}: same output as {plain_filter.__name__}, shared hit")

# The settings reach the shared cache: a budget smaller than the entries empties it.
settings = GetSettingsProxy("TrackedArrayCache")
assert settings is not None
assert abs(information(contour, "CacheMemoryBudget") - 1024.0) < 1e-9
settings.MemoryBudgetMB = 0.25
assert abs(information(contour, "CacheMemoryBudget") - 0.25) < 1e-9
assert information(contour, "CacheMemoryUsage") <= 0.25
print("settings: the memory budget follows")
assert information(contour, "CacheEvictionPolicy") == 0
settings.EvictionPolicy = "Cost Aware"
assert information(contour, "CacheEvictionPolicy") == 1
settings.EvictionPolicy = "Least Recently Used"
assert information(contour, "CacheEvictionPolicy") == 0
settings.DiskCacheLockTimeout = 5.0
assert settings.GetPropertyValue("DiskCacheLockTimeout") == 5.0
settings.DiskCacheLockTimeout = 60.0
print("settings: the eviction policy follows")

# With the disk cache on, a result evicted from memory comes back from disk.
with tempfile.TemporaryDirectory() as directory:
    settings.DiskCacheDirectory = directory
    settings.DiskCache = 1
    settings.MemoryBudgetMB = 1e-6  # one byte: nothing stays in memory
    contour.Isosurfaces = [120.0]
    contour.UpdatePipeline()
    assert information(contour, "LastResult") == "miss"
    assert any(name.endswith(".vtkentry") for name in os.listdir(directory)), os.listdir(directory)
    contour.Isosurfaces = [130.0]
    contour.UpdatePipeline()
    contour.Isosurfaces = [120.0]
    contour.UpdatePipeline()
    assert information(contour, "LastResult") == "disk-hit", information(contour, "LastResult")
    plain.Isosurfaces = [120.0]
    assert_same(contour, plain, "Contour from disk")
    settings.DiskCache = 0
settings.MemoryBudgetMB = 1024.0
print("settings: the disk cache serves evicted results")
print("plugin tests passed")
