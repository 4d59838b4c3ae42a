# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""The plugin under MPI (mpiexec -np 2 pvbatch --mpi test_plugin_mpi.py <plugin>): the
cached contour decides hit or miss on all processes together, its reports sum them, and
its output equals the plain contour's."""

import os
import sys
import traceback

from paraview import servermanager as sm
from paraview.simple import *  # noqa: F401,F403

LoadPlugin(sys.argv[1], remote=False, ns=globals())
assert sm.vtkProcessModule.GetProcessModule().GetNumberOfLocalPartitions() == 2


def information(proxy, name):
    proxy.UpdatePropertyInformation()
    return proxy.GetProperty(name).GetData()


def main():
    wavelet = Wavelet()
    contour = CachedContour(Input=wavelet, ContourBy=["POINTS", "RTData"], Isosurfaces=[150.0])
    plain = Contour(Input=wavelet, ContourBy=["POINTS", "RTData"], Isosurfaces=[150.0])
    for value, expected in ((150.0, "miss"), (190.0, "miss"), (150.0, "hit")):
        contour.Isosurfaces = [value]
        plain.Isosurfaces = [value]
        contour.UpdatePipeline()
        plain.UpdatePipeline()
        assert information(contour, "LastResult") == expected
        got, wanted = contour.GetDataInformation(), plain.GetDataInformation()
        assert got.GetNumberOfPoints() == wanted.GetNumberOfPoints() > 0
        assert got.GetNumberOfCells() == wanted.GetNumberOfCells()
    # Two processes each executed three times: summed over them.
    assert (information(contour, "NumberOfHits"), information(contour, "NumberOfMisses")) == (
        2,
        4,
    ), (information(contour, "NumberOfHits"), information(contour, "NumberOfMisses"))
    print("plugin MPI tests passed")


try:
    main()
except BaseException:
    # Only this process runs the script; the other serves it and would wait for its
    # next request forever. Leaving without MPI_Finalize makes mpiexec end both.
    traceback.print_exc()
    sys.stderr.flush()
    os._exit(1)
