# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""vtkTrackedArrayCache from Python: DESIGN.md scenarios 1, 2 and 3, the statistics
and GetLastMissReason(), on AOS and SOA arrays."""

import gc
import pathlib
import re

import numpy as np
import pytest
from vtkmodules.vtkCommonCore import (
    vtkCommand,
    vtkDoubleArray,
    vtkFloatArray,
    vtkIdTypeArray,
    vtkSOADataArrayTemplate,
    vtkVersion,
)
from vtkmodules.vtkCommonDataModel import vtkPolyData

import trackedarraycache
from trackedarraycache import vtkTrackedArrayCache, vtkTrackedArrayView

TUPLES = 100


def make_float_aos():
    return vtkFloatArray()


def make_double_aos():
    return vtkDoubleArray()


def make_id_aos():
    return vtkIdTypeArray()


def make_float_soa():
    return vtkSOADataArrayTemplate["float32"]()


ARRAY_MAKERS = [make_float_aos, make_double_aos, make_id_aos, make_float_soa]


def filled(maker, tuples=TUPLES):
    array = maker()
    array.SetNumberOfComponents(3)
    array.SetNumberOfTuples(tuples)
    for i in range(tuples * 3):
        array.SetValue(i, i % 97)
    return array


def value():
    derived = vtkDoubleArray()
    derived.SetNumberOfValues(4)
    return derived


def count_events(array):
    """Counts every event the array fires; returns (counter list, remover)."""
    fired = []
    tag = array.AddObserver(vtkCommand.AnyEvent, lambda obj, event: fired.append(event))
    return fired, lambda: array.RemoveObserver(tag)


@pytest.fixture(params=ARRAY_MAKERS, ids=lambda m: m.__name__)
def stored(request):
    cache = vtkTrackedArrayCache()
    array = filled(request.param)
    derived = value()
    assert cache.Set(array, "derived", derived)
    return cache, array, derived, request.param


def test_package_exports_the_cache():
    assert trackedarraycache.vtkTrackedArrayCache is vtkTrackedArrayCache
    assert vtkTrackedArrayCache.Stamp == 0


def test_version_is_the_projects():
    # The version is written once, in CMake; the package reports what the library was
    # built with.
    version_file = pathlib.Path(__file__).parents[2] / "CMake" / "TrackedArrayCacheVersion.cmake"
    written = re.search(r"set\(TRACKEDARRAYCACHE_VERSION (\S+)\)", version_file.read_text())
    assert written, f"no version in {version_file}"
    assert trackedarraycache.__version__ == written.group(1)
    assert re.fullmatch(r"\d+\.\d+\.\d+", trackedarraycache.__version__)


def test_scenario1_hit_then_modified_miss(stored):
    cache, array, derived, _ = stored
    assert cache.Get(array, "derived") is derived
    assert cache.Get(array, "other") is None
    assert cache.GetLastMissReason() == "absent"
    array.Modified()
    assert cache.GetNumberOfEntries() == 0
    assert cache.Get(array, "derived") is None
    assert cache.GetLastMissReason() == "modified"
    assert cache.GetNumberOfHits() == 1
    assert cache.GetNumberOfMisses() == 2
    assert cache.GetNumberOfInvalidations() == 1


def swap_buffer(array, keep_alive):
    """Gives the array new storage of the same shape, without Modified()."""
    if isinstance(array, vtkSOADataArrayTemplate["float32"]):
        for component in range(3):
            buffer = np.zeros(TUPLES, dtype=np.float32)
            keep_alive.append(buffer)
            array.SetArray(component, buffer, TUPLES, True, True)
    else:
        dtype = {"vtkFloatArray": np.float32, "vtkDoubleArray": np.float64}.get(
            array.GetClassName(), np.int64
        )
        buffer = np.zeros(TUPLES * 3, dtype=dtype)
        keep_alive.append(buffer)
        array.SetVoidArray(buffer, TUPLES * 3, 1)


STORAGE_CHANGES = {
    "grow": lambda array, other, keep: array.SetNumberOfTuples(100 * TUPLES),
    "shrink": lambda array, other, keep: array.SetNumberOfTuples(TUPLES // 2),
    "resize": lambda array, other, keep: array.Resize(50 * TUPLES),
    "swap buffer": lambda array, other, keep: swap_buffer(array, keep),
    "shallow copy": lambda array, other, keep: array.ShallowCopy(other),
}

# VTK 9.7 fires BufferChangedEvent when an array reallocates or replaces its buffer; before,
# nothing does. Fewer tuples within the allocation are silent on every VTK.
VTK_9_7 = (vtkVersion.GetVTKMajorVersion(), vtkVersion.GetVTKMinorVersion()) >= (9, 7)
EVENTFUL_CHANGES = {"grow", "resize", "swap buffer", "shallow copy"} if VTK_9_7 else set()


def record_at_event(array, cache, view):
    """Observes the array's buffer-changed event after every other observer (a lower
    priority), noting what the cache and the view say at that moment; returns the notes
    (entries, view valid) and a remover."""
    noted = []
    tag = array.AddObserver(
        vtkTrackedArrayCache.GetBufferChangedEventId(),
        lambda obj, event: noted.append((cache.GetNumberOfEntries(), view.IsValid())),
        -1.0,
    )
    return noted, lambda: array.RemoveObserver(tag)


@pytest.mark.parametrize("change", STORAGE_CHANGES.keys())
def test_scenario2_buffer_change_misses(stored, change):
    """On VTK 9.7 a reallocation or a new buffer fires VTK's own event, which drops the
    entries at once; a silent change (every change before 9.7) is seen by the stamp at the
    next lookup. Either way the kept digest and a view of the array go with the storage."""
    cache, array, derived, maker = stored
    kept = cache.GetDigest(array)
    view = vtkTrackedArrayView()
    assert view.SetView(array, 0, TUPLES)
    other, keep_alive = filled(maker), []
    fired, stop_counting = count_events(array)
    noted, stop_noting = record_at_event(array, cache, view)
    STORAGE_CHANGES[change](array, other, keep_alive)
    stop_counting(), stop_noting()
    if change in EVENTFUL_CHANGES:
        assert vtkTrackedArrayCache.GetBufferChangedEventId() == vtkCommand.BufferChangedEvent
        assert "BufferChangedEvent" in fired and "ModifiedEvent" not in fired, fired
        assert noted[0] == (0, False), "entries dropped and the view invalid when it fired"
        assert cache.GetNumberOfEntries() == 0
    else:
        assert fired == [] and noted == [], "it fired events: the stamp check is not what is tested"
        assert cache.GetNumberOfEntries() == 1, "nothing told the cache before this lookup"
        assert not view.IsValid()
    assert cache.Get(array, "derived") is None
    assert cache.GetLastMissReason() == "buffer-changed"
    assert cache.GetNumberOfTrackedSources() == 0
    assert cache.GetDigest(array) == vtkTrackedArrayCache.ComputeDigest(array)
    if change in ("grow", "shrink", "swap buffer"):  # the values changed
        assert cache.GetDigest(array) != kept, "the kept digest was forgotten"


def test_buffer_changed_event_drops_entries_only_when_the_storage_changed(stored):
    cache, array, derived, _ = stored
    event = vtkTrackedArrayCache.GetBufferChangedEventId()
    array.InvokeEvent(event)  # VTK 9.7 also fires it when a buffer is set to itself
    assert cache.GetNumberOfEntries() == 1
    assert cache.Get(array, "derived") is derived
    STORAGE_CHANGES["shrink"](array, None, None)  # silent on every VTK
    assert cache.GetNumberOfEntries() == 1
    array.InvokeEvent(event)
    assert cache.GetNumberOfEntries() == 0, "the event dropped them before any lookup"
    assert cache.Get(array, "derived") is None
    assert cache.GetLastMissReason() == "buffer-changed"


@pytest.mark.parametrize("maker", ARRAY_MAKERS, ids=lambda m: m.__name__)
def test_scenario3_deleted_array_leaves_nothing(maker):
    cache = vtkTrackedArrayCache()
    array = filled(maker)
    derived = value()
    assert cache.Set(array, "other", value())
    array.Modified()  # "other" keeps a miss reason: it must go with the array too
    assert cache.Set(array, "derived", derived)
    del array
    gc.collect()
    assert cache.GetNumberOfEntries() == 0
    assert cache.GetNumberOfTrackedSources() == 0
    assert cache.GetMemoryUsage() == 0
    assert derived.GetReferenceCount() == 1  # only Python holds it now
    # New arrays (some land on the freed address) start empty.
    for _ in range(100):
        assert cache.Get(filled(maker, 10), "derived") is None
        assert cache.GetLastMissReason() == "absent"


def test_tampered_value_is_not_served(stored):
    cache, array, derived, _ = stored
    derived.Modified()
    assert cache.Get(array, "derived") is None
    assert cache.GetLastMissReason() == "tampered"


def test_data_object_source():
    cache = vtkTrackedArrayCache()
    mesh = vtkPolyData()
    scalars = filled(make_float_aos, 10)
    mesh.GetPointData().AddArray(scalars)
    bounds = value()
    assert cache.Set(mesh, "bounds", bounds)
    assert cache.Get(mesh, "bounds") is bounds
    scalars.SetNumberOfTuples(1000)
    assert cache.Get(mesh, "bounds") is None
    assert cache.GetLastMissReason() == "buffer-changed"


def test_statistics_budget_and_eviction():
    cache = vtkTrackedArrayCache()
    cache.SetMemoryBudget(200)
    source = filled(make_float_aos)
    first, second, third = value(), value(), value()
    assert cache.Set(source, "first", first, 100)
    assert cache.Set(source, "second", second, 100)
    assert cache.Get(source, "first") is first
    assert cache.Set(source, "third", third, 100)
    assert cache.GetMemoryUsage() == 200
    assert cache.Get(source, "second") is None
    assert cache.GetLastMissReason() == "evicted"
    assert cache.GetNumberOfEvictions() == 1
    assert cache.GetNumberOfHits() == 1
    assert cache.GetNumberOfMisses() == 1
    assert not cache.Set(source, "huge", value(), 201)
    cache.ResetStatistics()
    assert (cache.GetNumberOfHits(), cache.GetNumberOfMisses(), cache.GetLastMissReason()) == (
        0,
        0,
        "",
    )
    cache.Clear()
    assert cache.GetNumberOfEntries() == 0
    assert not source.HasObserver(vtkCommand.ModifiedEvent)


def test_bad_input_is_an_error_not_a_crash():
    cache = vtkTrackedArrayCache()
    errors = []
    cache.AddObserver(vtkCommand.ErrorEvent, lambda obj, event: errors.append(event))
    array = filled(make_float_aos)
    assert not cache.Set(None, "k", value())
    assert not cache.Set(array, "", value())
    assert not cache.Set(array, "k", None)
    assert not cache.Set(cache, "k", value())  # neither array nor data object
    assert cache.Get(None, "k") is None
    assert cache.Get(cache, "k") is None
    assert len(errors) == 6
    assert cache.GetNumberOfEntries() == 0


def test_print_self_mentions_statistics():
    text = str(vtkTrackedArrayCache())
    for field in ("ValidationMode: Stamp", "MemoryBudget", "NumberOfHits", "LastMissReason"):
        assert field in text
