# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Views, numpy_view and the cached decorator from Python: DESIGN.md scenarios 11 and 12."""

import functools
import gc
import importlib
import sys
import textwrap

import numpy as np
import pytest
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import (
    vtkBitArray,
    vtkCommand,
    vtkDoubleArray,
    vtkFloatArray,
    vtkSOADataArrayTemplate,
    vtkVersion,
)
from vtkmodules.vtkCommonDataModel import vtkMutableDirectedGraph
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trackedarraycache import (
    cached,
    numpy_digest,
    numpy_view,
    view,
    vtkTrackedArrayCache,
)


# VTK 9.7 makes every AOS array a numpy-like object that caches its own ndarray view.
VTK_9_7 = (vtkVersion.GetVTKMajorVersion(), vtkVersion.GetVTKMinorVersion()) >= (9, 7)


def filled(array, tuples=20, components=3):
    array.SetNumberOfComponents(components)
    array.SetNumberOfTuples(tuples)
    for t in range(tuples):
        for c in range(components):
            array.SetComponent(t, c, float(t * components + c))
    return array


@pytest.mark.parametrize("make", [vtkDoubleArray, lambda: vtkSOADataArrayTemplate["float32"]()])
def test_view_round_trip_of_a_sub_range_and_components(make):
    array = filled(make())
    with view(array, 5, 10, components=[2, 0]) as v:
        assert v.data.shape == (5, 2)
        np.testing.assert_array_equal(v.data[:, 0], [17, 20, 23, 26, 29])
        np.testing.assert_array_equal(v.data[:, 1], [15, 18, 21, 24, 27])
        data = v.data
        data[:] = -1
        v.update(1, 3)  # view tuples 1 and 2: array tuples 6 and 7
        assert not v.stale
        array.SetComponent(5, 2, 99.0)
        array.Modified()
        assert v.stale
        v.refresh()
        assert v.data[0, 0] == 99.0
    assert [array.GetComponent(t, 0) for t in range(5, 9)] == [15.0, -1.0, -1.0, 24.0]
    assert [array.GetComponent(t, 1) for t in range(5, 9)] == [16.0, 19.0, 22.0, 25.0]
    assert not array.HasObserver(vtkCommand.ModifiedEvent), "leaving the block released it"


def test_view_fails_cleanly_after_the_array_changes_or_dies():
    array = filled(vtkFloatArray())
    v = view(array, 0, 10)
    v.refresh()
    array.SetNumberOfTuples(10**6)  # reallocates
    with pytest.raises(RuntimeError, match="reallocated"):
        v.refresh()
    with pytest.raises(RuntimeError, match="reallocated"):
        v.data
    array = filled(vtkFloatArray())
    v = view(array, 0, 10)
    del array
    gc.collect()
    assert not v.valid
    with pytest.raises(RuntimeError, match="deleted"):
        v.update()


def test_view_bad_inputs():
    array = filled(vtkFloatArray())
    with pytest.raises(ValueError, match="Cannot view tuples"):
        view(array, 0, 21)
    with pytest.raises(ValueError, match="Cannot view component 3"):
        view(array, 0, 2, components=[3])
    with pytest.raises(TypeError):
        view(np.zeros(3), 0, 1)
    bits = vtkBitArray()
    bits.SetNumberOfTuples(4)
    with pytest.raises(ValueError, match="vtkBitArray"):
        view(bits, 0, 4)
    v = view(array, 0, 5)
    with pytest.raises(RuntimeError, match="the view has 5 tuples"):
        v.refresh(2, 9)


def test_numpy_view_reads_and_writes_in_place():
    array = filled(vtkDoubleArray(), tuples=4, components=2)
    v = numpy_view(array)
    assert v.shape == (4, 2) and v.dtype == np.float64 and len(v) == 4
    assert v[1, 1] == 3.0
    before = array.GetMTime()
    v[0] = (10.0, 11.0)
    assert array.GetTuple2(0) == (10.0, 11.0)
    assert array.GetMTime() > before, "writes call Modified()"
    v += 1
    assert array.GetTuple2(3) == (7.0, 8.0)
    assert float(np.sum(v)) == pytest.approx(sum(array.GetValue(i) for i in range(8)))
    total = v * 2
    assert isinstance(total, np.ndarray) and total[3, 1] == 16.0


def test_numpy_view_hands_out_no_alias_of_vtk_memory():
    array = filled(vtkDoubleArray(), tuples=4, components=1)
    v = numpy_view(array)
    piece = v[1:3]
    whole = np.asarray(v)
    memory = vtk_to_numpy(array)
    assert not np.shares_memory(piece, memory)
    assert not np.shares_memory(whole, memory)
    array.SetNumberOfTuples(10**6)  # frees the old buffer: the copies stay valid
    np.testing.assert_array_equal(piece, [1.0, 2.0])
    np.testing.assert_array_equal(whole, [0.0, 1.0, 2.0, 3.0])


def test_numpy_view_results_of_numpy_functions_never_alias_and_writes_modify():
    a = numpy_to_vtk(np.arange(12.0).reshape(6, 2), deep=1)
    b = numpy_to_vtk(np.zeros((6, 2)), deep=1)
    va, vb = numpy_view(a), numpy_view(b)
    parts = np.split(va, 2)  # a list of results
    pairs = np.broadcast_arrays(va, vb)
    for result in parts + pairs:
        assert not np.may_share_memory(result, vtk_to_numpy(a))
        assert not np.may_share_memory(result, vtk_to_numpy(b))
    before = b.GetMTime()
    assert np.add(va, 1, out=vb) is vb, "a view passed as out= comes back as itself"
    assert b.GetMTime() > before and b.GetTuple2(5) == (11.0, 12.0)
    assert np.sum(va, axis=1, out=np.empty(6))[0] == 1.0  # a plain output array
    for write in (
        lambda: np.copyto(va, 5.0),
        lambda: np.copyto(dst=va, src=6.0),
        lambda: np.put(va, [0], [7.0]),
        lambda: np.putmask(va, np.asarray(va) > 6.5, 0.0),
        lambda: np.add.at(va, [1], 1.0),
        lambda: np.place(va, np.asarray(va) == 6.0, [2.0]),
    ):
        before = a.GetMTime()
        write()
        assert a.GetMTime() > before, "a write through numpy calls Modified()"
    assert a.GetTuple2(0) == (0.0, 2.0) and a.GetTuple2(1) == (7.0, 7.0)
    with pytest.raises(ValueError, match="read-only"):
        np.cumsum(vb, 0, None, va)  # an output passed by position: refused, not unseen
    a.Initialize()
    np.testing.assert_array_equal(parts[1], np.arange(6.0, 12.0).reshape(3, 2))
    with pytest.raises(RuntimeError, match="numpy_view"):
        np.split(va, 2)


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a.SetNumberOfTuples(10**6),
        lambda a: a.Resize(2),
        lambda a: a.Squeeze(),
        lambda a: a.ShallowCopy(filled(vtkDoubleArray(), tuples=3)),
        lambda a: a.SetNumberOfComponents(1),
    ],
    ids=["grown", "resized", "squeezed", "shallow-copied", "components"],
)
def test_numpy_view_raises_after_reallocation(change):
    array = vtkDoubleArray()
    array.SetNumberOfComponents(3)
    array.Allocate(120)
    for i in range(60):
        array.InsertNextValue(float(i))
    v = numpy_view(array)
    assert v[0, 0] == 0.0
    change(array)
    for access in (lambda: v[0], lambda: np.asarray(v), lambda: v.shape, lambda: np.sum(v)):
        with pytest.raises(RuntimeError, match="numpy_view"):
            access()
    with pytest.raises(RuntimeError):
        v[0] = 1.0


def test_numpy_view_raises_after_the_array_died():
    source = vtkSphereSource()
    source.Update()
    points = source.GetOutput().GetPoints().GetData()
    v = numpy_view(points)
    assert v.shape[1] == 3
    del points
    source.SetThetaResolution(40)
    source.Update()  # the old output's arrays are released
    source = None
    gc.collect()
    with pytest.raises(RuntimeError, match="deleted"):
        v[0]
    assert not v.valid


def tuples_of(array):
    """An array's live values as read through VTK's own accessors, (tuples, 3)."""
    return np.array([array.GetTuple3(t) for t in range(array.GetNumberOfTuples())]).reshape(-1, 3)


def allocation_of(array):
    """Where an array's values are and how many it has room for (GetSize() is called
    GetCapacity() from VTK 9.7 on)."""
    return array.GetVoidPointer(0), getattr(array, "GetCapacity", array.GetSize)()


def moved_under_a_cached_view():
    """An array (and the array sharing its buffer) whose buffer moved through the other
    array, then got 42 as first value through it. On VTK 9.7 np.sum() made the array
    cache an ndarray view of its buffer, and the move fired BufferChangedEvent on the
    other array only: the cached view still points at the freed memory."""
    array = filled(vtkDoubleArray(), tuples=10)
    np.sum(array)
    sharing = vtkDoubleArray()
    sharing.ShallowCopy(array)
    sharing.SetNumberOfTuples(10**5)  # reallocates the shared buffer elsewhere
    sharing.SetValue(0, 42.0)
    assert array.GetValue(0) == 42.0, "the buffer is shared: what this test is about"
    return array, sharing


def test_numpy_view_reads_vtk_operands_from_their_current_buffer():
    array, _sharing = moved_under_a_cached_view()
    target = filled(vtkDoubleArray(), tuples=10)
    v = numpy_view(target)
    np.copyto(v, array)
    np.testing.assert_array_equal(np.asarray(v), tuples_of(array))
    v[:] = 0.0
    v[:] = array
    np.testing.assert_array_equal(tuples_of(target), tuples_of(array))
    np.testing.assert_array_equal(np.asarray(numpy_view(array)), tuples_of(array))


@pytest.mark.parametrize(
    "shrink", [lambda a: a.SetNumberOfTuples(4), lambda a: a.Reset()], ids=["fewer-tuples", "reset"]
)
def test_numpy_view_follows_the_live_tuples_within_one_allocation(shrink):
    array = filled(vtkDoubleArray(), tuples=10)
    np.sum(array)  # VTK 9.7: the array caches a view of its 10 tuples, which shrinking keeps
    v = numpy_view(array)
    allocation = allocation_of(array)
    shrink(array)
    assert allocation_of(array) == allocation, "VTK kept the buffer: what this test is about"
    live = tuples_of(array)
    assert v.shape == live.shape and len(v) == len(live) and v.size == live.size
    np.testing.assert_array_equal(np.asarray(v), live)
    assert float(np.sum(v)) == live.sum()
    with pytest.raises(IndexError):
        v[len(live)]
    array.InsertNextTuple3(-1.0, -2.0, -3.0)  # within the allocation again
    assert allocation_of(array) == allocation
    assert v.shape == (len(live) + 1, 3) and tuple(v[len(live)]) == (-1.0, -2.0, -3.0)


def test_numpy_view_takes_vtk_arrays_as_operands():
    array, other = filled(vtkDoubleArray(), tuples=4), filled(vtkDoubleArray(), tuples=4)
    v = numpy_view(array)
    before = array.GetMTime()
    v += other
    assert array.GetTuple3(1) == (6.0, 8.0, 10.0) and array.GetMTime() > before
    v -= other
    v *= other
    assert array.GetTuple3(1) == (9.0, 16.0, 25.0)
    np.testing.assert_array_equal(v + other, tuples_of(array) + tuples_of(other))
    before = other.GetMTime()
    assert np.add(v, 1.0, out=other) is other, "a VTK array passed as out= comes back as itself"
    assert other.GetTuple3(1) == (10.0, 17.0, 26.0) and other.GetMTime() > before
    assert tuple(v[1]) == (9.0, 16.0, 25.0)


def test_numpy_view_refuses_values_past_a_buffer_a_sharing_array_replaced():
    array = filled(vtkDoubleArray(), tuples=10)
    sharing = vtkDoubleArray()
    sharing.ShallowCopy(array)
    before = numpy_view(array)
    smaller = np.zeros(6)
    sharing.SetArray(smaller, smaller.size, 1)  # under both: `array` still claims 30 values
    with pytest.raises(RuntimeError, match="reallocated"):
        before[0]
    after = numpy_view(array)  # the guard reads the vtkBuffer's size in C++, on every VTK
    assert not after.valid
    with pytest.raises(
        RuntimeError,
        match="claims 30 values but its buffer holds 6: an array " "sharing the buffer replaced it",
    ):
        after[0]
    with pytest.raises(RuntimeError, match="claims 30 values"):
        numpy_view(sharing) + array  # a VTK array as an operand is checked the same way


def test_numpy_view_refuses_non_contiguous_arrays():
    with pytest.raises(TypeError, match="AOS"):
        numpy_view(vtkSOADataArrayTemplate["float64"]())
    with pytest.raises(TypeError):
        numpy_view(np.zeros(3))


def test_numpy_digest_is_the_vtk_digest_of_the_same_values():
    values = np.arange(30, dtype=np.float32).reshape(10, 3)
    assert numpy_digest(values) == vtkTrackedArrayCache.ComputeDigest(numpy_to_vtk(values, deep=1))
    assert numpy_digest(values[:, :2]) == numpy_digest(np.ascontiguousarray(values[:, :2]))
    assert numpy_digest(values) != numpy_digest(values.astype(np.float64))


def test_cached_hits_misses_and_keys_by_content():
    calls = []

    @cached
    def norms(points, scale=1.0):
        calls.append(1)
        return np.linalg.norm(points, axis=1) * scale

    points = np.random.default_rng(1).random((1000, 3))
    first = norms(points)
    again = norms(points.copy())  # another object, the same content
    assert len(calls) == 1
    np.testing.assert_array_equal(first, again)
    assert not again.flags.writeable, "stored results are handed out read-only"
    norms(points, scale=2.0)
    changed = points.copy()
    changed[0, 0] += 1e-12
    norms(changed)
    assert len(calls) == 3
    assert norms.cache_info() == (1, 3, 128, 3)
    norms.cache_clear()
    assert norms.cache_info() == (0, 0, 128, 0)
    norms(points)
    assert len(calls) == 4


def test_cached_vtk_arguments_and_results():
    calls = []

    @cached
    def bounds_and_copy(data):
        calls.append(1)
        result = vtkDoubleArray()
        result.InsertNextValue(data.GetNumberOfPoints())
        return result

    source = vtkSphereSource()
    source.Update()
    mesh = source.GetOutput()
    result = bounds_and_copy(mesh)
    assert bounds_and_copy(mesh) is result, "VTK results are stored as they are"
    source.Modified()
    source.Update()  # the same content again, new arrays
    assert bounds_and_copy(source.GetOutput()) is result
    assert len(calls) == 1
    result.SetValue(0, -1)
    result.Modified()  # a caller changed the stored result: it is not served again
    assert bounds_and_copy(mesh) is not result
    source.SetRadius(3)
    source.Update()
    bounds_and_copy(source.GetOutput())
    assert len(calls) == 3


def write_through_asarray(array):
    np.asarray(array)[0] = 100.0


def write_through_vtk_to_numpy(array):
    vtk_to_numpy(array)[0] = 100.0


def write_by_index(array):
    array[0] = 100.0


def write_by_copyto(array):
    np.copyto(array, np.full(array.shape, 7.0))


def write_into_a_slice(array):
    array[:] += 1.0


# Writes into a VTK array's values through numpy, none calling Modified(): through the
# buffer protocol on every VTK, and through VTK 9.7's own numpy interface. (On 9.7
# `array += 1` is not one: VTK's arrays define no in-place operators, so it rebinds the
# name to a new array.)
NUMPY_WRITES = [write_through_asarray, write_through_vtk_to_numpy] + (
    [write_by_index, write_by_copyto, write_into_a_slice] if VTK_9_7 else []
)


def values_sum(array):
    return sum(array.GetValue(i) for i in range(array.GetNumberOfValues()))


def counted(function):
    """`function` memoized, and the list of the calls that computed."""
    calls = []

    def compute(*args):
        calls.append(args)
        return function(*args)

    return cached(compute), calls


@pytest.mark.parametrize("write", NUMPY_WRITES, ids=lambda w: w.__name__)
def test_cached_sees_a_numpy_write_into_a_vtk_argument(write):
    total, calls = counted(values_sum)
    array = filled(vtkDoubleArray(), tuples=5)
    assert total(array) == total(array) == values_sum(array)
    write(array)
    assert total(array) == values_sum(array)
    assert len(calls) == 2


def test_cached_sees_a_numpy_write_into_a_data_object_argument():
    @cached
    def first_point(mesh):
        return mesh.GetPoint(0)

    source = vtkSphereSource()
    source.Update()
    mesh = source.GetOutput()
    assert first_point(mesh) == mesh.GetPoint(0)
    np.asarray(mesh.GetPoints().GetData())[0] = (5.0, 6.0, 7.0)
    assert first_point(mesh) == (5.0, 6.0, 7.0)


def test_cached_trusting_stamps_reuses_digests_and_misses_raw_writes():
    @cached(trust_stamps=True)
    def total(array):
        return values_sum(array)

    array = filled(vtkDoubleArray(), tuples=5)
    before = total(array)
    write_through_asarray(array)
    assert total(array) == before != values_sum(array), "the documented cost of trusting stamps"
    array.Modified()
    assert total(array) == values_sum(array)
    if VTK_9_7:  # VTK's numpy interface holds the buffer: such arrays are hashed anyway
        write_by_index(array)
        array[1] = 50.0
        assert total(array) == values_sum(array)


@pytest.mark.parametrize("write", NUMPY_WRITES, ids=lambda w: w.__name__)
def test_cached_never_serves_a_vtk_result_written_through_numpy(write):
    doubled, calls = counted(lambda values: numpy_to_vtk(values * 2.0, deep=1))
    values = np.arange(15.0).reshape(5, 3)
    result = doubled(values)
    assert doubled(values) is result
    write(result)
    again = doubled(values)
    assert again is not result and len(calls) == 2
    np.testing.assert_array_equal(vtk_to_numpy(again), values * 2.0)
    assert doubled(values) is again


def test_cached_never_serves_a_data_object_result_written_through_numpy():
    @cached
    def sphere(radius):
        source = vtkSphereSource()
        source.SetRadius(radius)
        source.Update()
        return source.GetOutput()

    mesh = sphere(2.0)
    first = mesh.GetPoint(0)
    np.asarray(mesh.GetPoints().GetData())[0] = (9.0, 9.0, 9.0)
    assert sphere(2.0) is not mesh and sphere(2.0).GetPoint(0) == first


def test_cached_numpy_results_stay_read_only():
    @cached
    def ramp(n):
        return np.arange(float(n))

    ramp(4)
    hit = ramp(4)
    with pytest.raises(ValueError):
        hit.flags.writeable = True
    np.testing.assert_array_equal(ramp(4), [0.0, 1.0, 2.0, 3.0])


def test_cached_keeps_a_result_it_cannot_hash_only_when_trusting_stamps():
    calls = []

    def graph(n):
        calls.append(n)
        return vtkMutableDirectedGraph()  # digests do not cover graphs

    checked, trusted = cached(graph), cached(graph, trust_stamps=True)
    assert checked(1) is not checked(1), "its content could not be checked at a hit"
    assert trusted(1) is trusted(1)
    assert len(calls) == 3


def test_cached_options():
    calls = []

    def twice(x):
        calls.append(x)
        return 2 * x

    off = cached(twice, enable=False)
    off(1), off(1)
    assert len(calls) == 2
    read_only = cached(twice, write=False)
    read_only(2), read_only(2)
    assert len(calls) == 4 and read_only.cache_info().currsize == 0
    forced = cached(twice, force_update=True)
    forced(3), forced(3)
    assert len(calls) == 6 and forced.cache_info().currsize == 1
    shared = vtkTrackedArrayCache()
    a, b = cached(twice, memory=shared), cached(twice, memory=shared)
    a(np.ones(4)), b(np.ones(4))
    assert len(calls) == 7, "two wrappers of one function share a cache"
    assert shared.GetNumberOfEntries() == 1
    small = cached(twice, memory=64)  # a budget in bytes: a 1 MB result is not kept
    small(np.ones(1 << 17)), small(np.ones(1 << 17))
    assert len(calls) == 9
    bounded = cached(twice, maxsize=2)
    for x in (10, 11, 12, 10):
        bounded(x)
    assert len(calls) == 13, "plain results beyond maxsize are dropped, least recent first"


def test_cached_refuses_arguments_it_cannot_key():
    @cached
    def f(x, options=None):
        return 1

    with pytest.raises(TypeError, match="argument 'x' of .*f is a object"):
        f(object())
    with pytest.raises(TypeError, match=r"argument 'options\['a'\]' of .*f is a function"):
        f(1, options={"a": lambda: 0})
    with pytest.raises(TypeError, match="dtype object"):
        f(np.array([object()]))
    assert f(1, options={"a": (1, 2.5, "x", None)}) == 1


def described_key(memo, args, kwargs):
    """The key of a call made by describe() alone, argument by argument."""
    parts = ["cached/2", memo.function_key()]
    parts += [f"{i}={memo.describe(memo.argument_name(i), v)}" for i, v in enumerate(args)]
    parts += [f"{name}={memo.describe(name, kwargs[name])}" for name in sorted(kwargs)]
    return vtkTrackedArrayCache.ComputeTextDigest("\n".join(parts))


@pytest.mark.parametrize("trust_stamps", [False, True])
def test_cached_keys_every_argument_as_describe_does(trust_stamps):
    calls = []

    @cached(trust_stamps=trust_stamps, maxsize=None)
    def f(x, y=2, *rest, z=None, **options):
        calls.append(1)
        return len(calls)

    class Int(int):
        pass

    memo = f.cache_info.__self__
    array, same = filled(vtkDoubleArray(), tuples=5), filled(vtkDoubleArray(), tuples=5)
    distinct = [
        *[((value,), {}) for value in (1, 1.0, True, Int(1), np.int64(1), "1", b"1", None, 1j)],
        ((1, 2), {}),  # a default passed is another call, as for functools.lru_cache
        ((), {"x": 1}),
        ((1,), {"y": 2}),
        ((1,), {"y": 2, "z": 3}),
        ((array,), {}),
        ((array, array), {}),
        ((), {"x": array}),
        ((1, 2, array), {"z": array, "w": (array, 1)}),
        ((np.ones(3),), {}),
        (((1, 2),), {}),
        (([1, 2],), {}),
        (({"a": 1},), {}),
        (("x" * 1000,), {}),  # too long for the memo of key digests
        (("x" * 999 + "y",), {}),
    ]
    keys = [memo.key(args, kwargs) for args, kwargs in distinct]
    assert keys == [described_key(memo, args, kwargs) for args, kwargs in distinct]
    assert len(set(keys)) == len(distinct)
    assert memo.key((same,), {}) == memo.key((array,), {}), "keyed by content"

    results = [f(*args, **kwargs) for args, kwargs in distinct]
    assert [f(*args, **kwargs) for args, kwargs in distinct] == results, "each again hits"
    assert f(same) == f(array) and len(calls) == len(distinct)
    array.SetValue(0, -1.0)
    array.Modified()
    assert f(array) == len(distinct) + 1 and f(array) == len(distinct) + 1
    for n in range(1000, 1300):  # more than the memo of key digests keeps
        assert f(n) == f(n) == len(calls)
    f.__wrapped__.__defaults__ = (3,)
    assert f(1) == len(calls), "the function's text changed: every call misses"

    with pytest.raises(TypeError, match="argument 'z' of .*f is a object"):
        f(1, z=object())
    with pytest.raises(TypeError, match="argument '#2' of .*f is a object"):
        f(1, 2, object())
    with pytest.raises(TypeError, match="argument 'x': a vtkMutableDirectedGraph cannot be"):
        f(vtkMutableDirectedGraph())


def test_cached_keys_a_closure_cell_bound_rebound_or_emptied_between_calls():
    def make():
        @cached
        def pick(x):
            return later if x else 0

        unbound = pick(0), pick(0)
        later = 5
        bound = pick(0), pick(1)
        later = 6
        rebound = pick(1)
        del later
        return pick, unbound + bound + (rebound, pick(0))

    pick, results = make()
    assert results == (0, 0, 0, 5, 6, 0)
    # An empty cell is keyed as None, as before it was bound: the last call is a hit.
    assert pick.cache_info()[:2] == (2, 4)


def test_cached_trusting_stamps_hashes_afresh_for_a_cache_validating_content():
    shared = vtkTrackedArrayCache()
    shared.SetValidationModeToContent()

    @cached(trust_stamps=True, memory=shared)
    def total(array):
        return values_sum(array)

    array = filled(vtkDoubleArray(), tuples=5)
    assert total(array) == values_sum(array)
    write_through_asarray(array)
    assert total(array) == values_sum(array), "a write without Modified() is seen"


def test_cached_keys_defaults_closures_and_every_dtype_exactly():
    shared = vtkTrackedArrayCache()

    def scaled_by(factor, offset=np.zeros(2)):
        def scale(x, shift=offset):
            return x * factor + shift

        return cached(scale, memory=shared)

    ones = np.ones(2)
    np.testing.assert_array_equal(scaled_by(2)(ones), [2.0, 2.0])
    np.testing.assert_array_equal(scaled_by(3)(ones), [3.0, 3.0]), "a closure variable is keyed"
    np.testing.assert_array_equal(scaled_by(3, np.ones(2))(ones), [4.0, 4.0]), "a default is keyed"
    assert shared.GetNumberOfEntries() == 3

    @cached
    def total(values):
        return values.sum()

    assert total(np.array([1 + 1j, 2 + 2j])) == 3 + 3j
    assert total(np.array([1 + 1j, 9 + 9j])) == 10 + 10j, "complex values are hashed whole"
    assert total(np.float64(2.5)) == 2.5 and total(np.int64(2)) == 2, "numpy scalars are keyed"

    @cached
    def shout(word):
        return word.upper()

    assert [shout(w) for w in np.array(["ab", "cd"])] == ["AB", "CD"], "numpy strings are plain"

    def factory(factor):
        def scale(x):
            return x * factor

        def apply(x):
            return scale(x)

        return cached(apply, memory=shared)

    np.testing.assert_array_equal(factory(2)(ones), [2.0, 2.0])
    np.testing.assert_array_equal(factory(5)(ones), [5.0, 5.0]), "a closure's closure is keyed"

    @cached
    def logged(x, log=[]):  # noqa: B006 (state, on purpose)
        log.append(x)
        return x + 1

    assert logged(1) == 2 and logged(1) == 2 and logged.cache_info().hits == 1, "state is not keyed"

    samples = [
        np.arange(3.0).astype(">f8"),
        np.zeros((0, 3)),
        np.array([True, False]),
        np.array([[1 + 2j], [3 - 4j]], dtype=np.complex64),
        np.array(3.5),
        np.arange(-3, 3, dtype=np.int8),
        np.array(["a", "bc"]),
        np.array([1.5, 2.5], dtype=np.float16),  # no VTK type: kept in memory
    ]

    @cached
    def sample(index):
        return samples[index].copy()

    for index, values in enumerate(samples):
        miss, hit = sample(index), sample(index)
        assert hit.dtype == values.dtype and hit.shape == values.shape, values.dtype
        np.testing.assert_array_equal(hit, values)
        assert not hit.flags.writeable, "stored results are handed out read-only"
        assert miss.flags.writeable, "a miss returns the function's own result"
    assert sample.cache_info().hits == 8
    with pytest.raises(TypeError, match="needs a Python function, not partial"):
        cached(functools.partial(sample, 1))


def test_the_function_key_is_reused_only_while_its_defaults_and_closure_stay(monkeypatch):
    made = []
    memo_class = sys.modules["trackedarraycache.memoize"]._Memo
    describe = memo_class.describe_function
    monkeypatch.setattr(
        memo_class,
        "describe_function",
        lambda memo, function, seen=(): made.append(function) or describe(memo, function, seen),
    )

    @cached
    def scale(x, factor=2, *, offset=0):
        return x * factor + offset

    assert (scale(1), scale(1), scale(1), scale.cache_info().hits) == (2, 2, 2, 2)
    assert len(made) == 1, "plain defaults: the key text is made once"
    scale.__wrapped__.__defaults__ = (3,)
    assert scale(1) == 3, "a replaced default is keyed"
    scale.__wrapped__.__kwdefaults__["offset"] = 10  # the same dict, changed
    assert scale(1) == 13, "a changed keyword default is keyed"
    assert (scale(1), scale.cache_info().hits) == (13, 3)

    def rebinding():
        k = 2

        @cached
        def times(x):
            return x * k

        first = times(1)
        k = 5  # the same cell, another object
        return first, times(1)

    assert rebinding() == (2, 5), "a rebound closure variable is keyed"

    @cached
    def plus(x, shift=np.zeros(1)):  # noqa: B008 (an array default, on purpose)
        return x + float(shift[0])

    assert plus(1) == 1.0
    plus.__wrapped__.__defaults__[0][0] = 4.0  # the same array, other values
    assert plus(1) == 5.0, "an array default is described again at each call"

    @cached
    def first(x, pair=(1, [2])):
        return x + pair[1][0]

    assert first(1) == 3
    first.__wrapped__.__defaults__[0][1][0] = 7  # a list inside a tuple, changed in place
    assert first(1) == 8, "a tuple holding a list is described again at each call"

    def make():
        def shift(x, offset=1):
            return x + offset

        @cached
        def apply(x):
            return shift(x)

        return apply, shift

    apply, shift = make()
    assert apply(1) == 2
    shift.__defaults__ = (9,)  # the same function in the closure, another default
    assert apply(1) == 10, "a closure holding a function is described again at each call"

    @cached
    def base(x):
        return x + 1

    assert base(1) == 2
    base.__wrapped__.__code__ = (lambda x: x + 100).__code__
    assert base(1) == 101, "a replaced code object is keyed"


def test_a_function_whose_source_changed_misses(tmp_path, monkeypatch):
    module = tmp_path / "edited_module.py"
    shared = vtkTrackedArrayCache()
    monkeypatch.syspath_prepend(str(tmp_path))
    results = []
    for body in ("return x + 1", "return x + 2"):
        module.write_text(
            textwrap.dedent(
                f"""
            def compute(x):
                {body}
            """
            )
        )
        if "edited_module" in sys.modules:
            importlib.reload(sys.modules["edited_module"])
        else:
            importlib.import_module("edited_module")
        wrapped = cached(sys.modules["edited_module"].compute, memory=shared)
        results.append(wrapped(np.zeros(2)))
    np.testing.assert_array_equal(results[0], [1, 1])
    np.testing.assert_array_equal(results[1], [2, 2])
    assert shared.GetNumberOfEntries() == 2
