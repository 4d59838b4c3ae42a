# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Content digests, the buffer pool, content-keyed entries and the Content validation
mode from Python. The digest format is checked against xxHash's own command line tool
(xxhsum -H2, XXH3-128), independently of the module's code."""

import shutil
import struct
import subprocess

import numpy as np
import pytest
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import (
    VTK_DOUBLE,
    vtkCommand,
    vtkDoubleArray,
    vtkSOADataArrayTemplate,
)
from vtkmodules.vtkCommonDataModel import vtkPolyData

from trackedarraycache import vtkArrayBufferPool, vtkTrackedArrayCache

CHUNK_BYTES = 1 << 20


def aos(values):
    """A vtkDoubleArray holding a copy of a (tuples, components) numpy array."""
    return numpy_to_vtk(np.ascontiguousarray(values, dtype=np.float64), deep=True)


def soa(values):
    array = vtkSOADataArrayTemplate["float64"]()
    array.SetNumberOfComponents(values.shape[1])
    array.SetNumberOfTuples(values.shape[0])
    for component in range(values.shape[1]):
        for tuple_index, value in enumerate(values[:, component]):
            array.SetTypedComponent(tuple_index, component, value)
    return array


def xxh128(data):
    """XXH3-128 of `data` by the xxhsum tool, as 16 canonical (big-endian) bytes."""
    out = subprocess.run(["xxhsum", "-H2", "-"], input=data, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.split()[0].decode())


def documented_digest(values, vtk_type):
    """The digest as vtkTrackedDigest.h documents it, built from raw bytes."""
    stream = np.ascontiguousarray(values).tobytes()
    tag = b"vtkTrackedArray/1"
    header = struct.pack("<Q", len(tag)) + tag
    header += struct.pack("<iiq", vtk_type, values.shape[1], values.shape[0])
    chunks = [stream[i : i + CHUNK_BYTES] for i in range(0, len(stream), CHUNK_BYTES)]
    return "xxh3-128:" + xxh128(header + b"".join(xxh128(chunk) for chunk in chunks)).hex()


@pytest.fixture(scope="module")
def xxhsum():
    if shutil.which("xxhsum") is None:
        pytest.fail(
            "xxhsum (Debian package xxhash) is missing; scripts/install-deps.sh installs it"
        )


# 150000 x 3 doubles: 4 chunks; 400000 x 3: 10 chunks, past the 8 MiB from which
# contiguous arrays are hashed in prefetched pieces.
@pytest.mark.parametrize("tuples", [0, 5, 150_000, 400_000])
def test_digest_matches_the_documented_format(xxhsum, tuples):
    values = np.arange(tuples * 3, dtype=np.float64).reshape(tuples, 3) * 0.25
    expected = documented_digest(values, VTK_DOUBLE)
    assert vtkTrackedArrayCache.ComputeDigest(aos(values)) == expected


def test_aos_and_soa_agree_and_one_value_differs():
    values = np.random.default_rng(5).random((1000, 3))
    digest = vtkTrackedArrayCache.ComputeDigest(aos(values))
    assert vtkTrackedArrayCache.ComputeDigest(soa(values)) == digest
    values[500, 2] += 1e-9
    assert vtkTrackedArrayCache.ComputeDigest(aos(values)) != digest


def test_content_keyed_entries_hit_for_equal_content():
    cache = vtkTrackedArrayCache()
    values = np.linspace(0, 1, 300).reshape(100, 3)
    original, reread = aos(values), aos(values)
    result = vtkDoubleArray()
    assert cache.Set(cache.GetDigest(original), "normals", result)
    assert cache.Get(cache.GetDigest(reread), "normals") is result
    assert cache.GetNumberOfTrackedSources() == 0


def test_content_mode_sees_a_raw_numpy_write():
    cache = vtkTrackedArrayCache()
    cache.SetValidationModeToContent()
    assert cache.GetValidationMode() == vtkTrackedArrayCache.Content
    array = aos(np.zeros((100, 3)))
    result = vtkDoubleArray()
    assert cache.Set(array, "derived", result)
    array.Modified()  # spurious: same content
    assert cache.Get(array, "derived") is result
    view = vtk_to_numpy(array)  # zero-copy view: writes bypass Modified()
    view[10, 1] = 5.0
    assert cache.Get(array, "derived") is None
    assert cache.GetLastMissReason() == "content-changed"


def test_cached_digest_of_a_data_object():
    cache = vtkTrackedArrayCache()
    mesh = vtkPolyData()
    scalars = aos(np.arange(30.0).reshape(10, 3))
    scalars.SetName("vectors")
    mesh.GetPointData().AddArray(scalars)
    digest = cache.GetDigest(mesh)
    assert digest == vtkTrackedArrayCache.ComputeDigest(mesh)
    scalars.SetName("renamed")
    scalars.Modified()
    assert cache.GetDigest(mesh) != digest


def test_buffer_pool_from_python():
    pool = vtkArrayBufferPool()
    source = soa(np.arange(12.0).reshape(4, 3))
    buffer = pool.Acquire(VTK_DOUBLE, 6)
    assert pool.Pack(source, 1, 3, buffer)
    assert list(vtk_to_numpy(buffer)) == [3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    pool.Release(buffer)
    assert pool.Acquire(VTK_DOUBLE, 6) is buffer
    assert pool.GetNumberOfReuses() == 1
    errors = []
    pool.AddObserver(vtkCommand.ErrorEvent, lambda obj, event: errors.append(event))
    assert not pool.Pack(source, 3, 9, buffer)
    assert len(errors) == 1


def test_digest_bad_input():
    cache = vtkTrackedArrayCache()
    errors = []
    cache.AddObserver(vtkCommand.ErrorEvent, lambda obj, event: errors.append(event))
    assert cache.GetDigest(None) == ""
    assert cache.Get("not a digest", "key") is None
    assert len(errors) == 2


@pytest.mark.parametrize("text", ["", "a key", "ünïcode and\nlines" * 100])
def test_text_digest_matches_the_documented_format(xxhsum, text):
    data = text.encode()
    expected = "xxh3-128:" + xxh128(struct.pack("<Q", len(data)) + data).hex()
    assert vtkTrackedArrayCache.ComputeTextDigest(text) == expected
