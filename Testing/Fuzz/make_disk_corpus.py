# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Writes the seed corpus of FuzzDiskEntry (Testing/Fuzz/corpus/disk) from entries that a
vtkTrackedDiskCache stores: for each, "file-NAME" (a 0 byte, then the whole entry file) and
"payload-NAME" (a 1 byte, then the entry's payload). Run it with the Python package built:

    PYTHONPATH=build/vtk/lib/python3.11/dist-packages /usr/bin/python3 \\
        Testing/Fuzz/make_disk_corpus.py Testing/Fuzz/corpus/disk
"""
import os
import struct
import sys
import tempfile

import trackedarraycache as tac
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import (
    vtkBitArray,
    vtkCharArray,
    vtkStringArray,
    vtkVariant,
    vtkVariantArray,
)
from vtkmodules.vtkCommonDataModel import (
    vtkCellArray,
    vtkCompositeDataSet,
    vtkImageData,
    vtkMultiBlockDataSet,
    vtkPartitionedDataSet,
    vtkPartitionedDataSetCollection,
    vtkPolyData,
    vtkTable,
    vtkUnstructuredGrid,
    VTK_TETRA,
)
from vtkmodules.vtkFiltersSources import vtkSphereSource
import numpy


def sphere():
    source = vtkSphereSource()
    source.SetThetaResolution(6)
    source.SetPhiResolution(4)
    source.Update()
    return source.GetOutput()


def seeds():
    yield "array", numpy_to_vtk(numpy.arange(12.0).reshape(4, 3))
    yield "sphere", sphere()
    image = vtkImageData()
    image.SetExtent(0, 2, 0, 1, 0, 0)
    image.GetPointData().SetScalars(numpy_to_vtk(numpy.arange(6, dtype=numpy.int16)))
    yield "image", image
    strings = vtkStringArray()
    for text in ("a", "", "b<&>\n"):
        strings.InsertNextValue(text)
    yield "strings", strings
    variants = vtkVariantArray()
    for value in (vtkVariant(1.5), vtkVariant(3), vtkVariant("x"), vtkVariant()):
        variants.InsertNextValue(value)
    yield "variants", variants
    bits = vtkBitArray()
    for i in range(11):
        bits.InsertNextValue(i % 2)
    yield "bits", bits
    chars = vtkCharArray()
    chars.SetName("c")
    chars.InsertNextValue("z")
    table = vtkTable()
    table.AddColumn(chars)
    yield "table", table
    grid = vtkUnstructuredGrid()
    grid.SetPoints(sphere().GetPoints())
    cells = vtkCellArray()
    cells.InsertNextCell(4, [0, 1, 2, 3])
    grid.SetCells(VTK_TETRA, cells)
    yield "grid", grid
    blocks = vtkMultiBlockDataSet()
    blocks.SetBlock(0, sphere())
    blocks.SetBlock(1, None)
    blocks.GetMetaData(0).Set(vtkCompositeDataSet.NAME(), "first")
    partitions = vtkPartitionedDataSet()
    partitions.SetPartition(0, image)
    blocks.SetBlock(2, vtkMultiBlockDataSet())
    yield "blocks", blocks
    collection = vtkPartitionedDataSetCollection()
    collection.SetPartitionedDataSet(0, partitions)
    collection.GetMetaData(0).Set(vtkCompositeDataSet.NAME(), "parts")
    yield "collection", collection
    yield "empty", vtkPolyData()


def main(folder):
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as root:
        cache = tac.vtkTrackedDiskCache()
        cache.SetDirectory(os.path.join(root, "cache"))
        for compression in (0, 2):  # none, LZ4
            cache.SetCompression(compression)
            for name, value in seeds():
                key = name + ("-lz4" if compression else "")
                if not cache.Set(key, value):
                    raise SystemExit("cannot store " + key)
                with open(cache.GetEntryPath(key), "rb") as entry:
                    data = entry.read()
                (header_length,) = struct.unpack_from("<I", data, 12)
                (payload_size,) = struct.unpack_from("<Q", data, 16 + 16)
                start = 16 + header_length + 8
                with open(os.path.join(folder, "file-" + key), "wb") as seed:
                    seed.write(b"\0" + data)
                with open(os.path.join(folder, "payload-" + key), "wb") as seed:
                    seed.write(b"\1" + data[start : start + payload_size])


if __name__ == "__main__":
    main(sys.argv[1])
