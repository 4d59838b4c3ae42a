# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""numpy_view against numpy itself: every ndarray method, attribute and operator (issue 16).

The peer test walks dir(np.ndarray), so a method numpy adds is tried too, and calls each
name with every argument guess on a view and on a plain ndarray over a twin VTK array
holding the same values: the same result or the same exception, the same bytes written,
no result aliasing VTK memory, the kept digest changing exactly when the bytes did, and
no Modified() from a call that cannot write."""

import copy
import math
import pickle
import warnings

import numpy as np
import pytest
from numpy.lib.mixins import NDArrayOperatorsMixin
from vtkmodules.util.numpy_support import get_numpy_array_type, numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkSOADataArrayTemplate

from trackedarraycache import numpy_view, vtkTrackedArrayCache
from trackedarraycache.views import GuardedNumpyView

# Placeholders in argument guesses: the object called (view or ndarray), and another one.
SELF, OTHER = object(), object()

# (args, kwargs): what a user would try, so that each method meets a few that it takes.
GUESSES = [
    ((), {}),
    ((0,), {}),
    ((1,), {}),
    ((-1,), {}),
    ((2,), {}),
    ((0.5,), {}),
    ((7.0,), {}),
    ((True,), {}),
    ((None,), {}),
    (({},), {}),
    (("",), {}),
    (("F",), {}),
    (("S",), {}),
    ((0, 1), {}),
    ((0, 7.0), {}),
    (((12,),), {}),
    (((2,),), {}),
    (((2, 6),), {}),
    (([0, 2],), {}),
    (([0, 2], [7.0, 8.0]), {}),
    ((slice(1, 3),), {}),
    ((slice(None, None, -1),), {}),
    ((np.int64,), {}),
    ((np.float32,), {}),
    ((7.0, np.float64), {}),
    ((np.float64, 0), {}),
    ((np.eye(3),), {}),
    ((OTHER,), {}),
    ((), {"axis": 0}),
    ((), {"axis": -1}),
    ((), {"out": SELF}),
    ((0, 1), {"out": SELF}),
    ((), {"axis": 0, "out": SELF}),
    ((np.sum, (np.ndarray,), (SELF,), {}), {}),
    ((np.add, "__call__", SELF, 1), {}),
    ((np.add, "at", SELF, [0, 1], 1.0), {}),
]

# What numpy_view refuses where an ndarray hands out or replaces its memory.
REFUSED = {"ctypes", "data", "__array_interface__", "__array_struct__", "__setstate__", "resize"}
# Slices and np.asarray(v) are copies by contract, where numpy gives views.
COPIES = {"__getitem__", "__array__"}


def walked_names():
    """The names ndarray defines or overrides, from dir(): not object's own, not the
    class-level machinery (__new__, __init_subclass__, ...), not the docstring."""

    def own(name):
        member = getattr(np.ndarray, name)
        return (
            member is not getattr(object, name, None)
            and name != "__doc__"
            and getattr(member, "__self__", None) is not np.ndarray
        )

    return [name for name in dir(np.ndarray) if own(name)]


def in_place_operator(name):
    return name.startswith("__i") and f"__{name[3:]}" in dir(NDArrayOperatorsMixin)


# The methods that write into the array they are called on (issue 16).
WRITING_METHODS = {"sort", "fill", "partition", "put", "itemset", "setfield", "byteswap"}


def may_write(name, guess):
    """Whether a call may write into the object it is called on, and so call Modified()."""
    args, kwargs = guess
    return (
        name in WRITING_METHODS
        or in_place_operator(name)
        or name == "__setitem__"
        or kwargs.get("out") is SELF
        or (len(args) > 1 and isinstance(args[1], str) and args[1] == "at")
    )


# The values of the VTK arrays tried: floats with 3 components; integers (the bitwise
# operators, searchsorted and choose of a 1-D array); one integer (int(), bool(), index()).
SUBJECTS = {
    "float64 4x3": np.arange(12.0).reshape(4, 3) - 5.5,
    "int32 6": np.array([3, -1, 4, 1, -5, 9], dtype=np.int32),
    "int32 1": np.array([3], dtype=np.int32),
}
# What numpy itself refuses whatever the arguments: deleting elements, operator.index() of
# an array that is not 0-d (a view's is 1-d or 2-d), in-place matmul before numpy 1.25.
NUMPY_REFUSES = {"__delitem__", "__index__"} | (
    {"__imatmul__"} if np.lib.NumpyVersion(np.__version__) < "1.25.0" else set()
)


def over(array):
    """A plain ndarray over a VTK array's memory, shaped as numpy_view shapes it."""
    values = np.frombuffer(array, get_numpy_array_type(array.GetDataType()))
    components = array.GetNumberOfComponents()
    return values if components == 1 else values.reshape(-1, components)


def memory(array):
    return bytes(memoryview(array))


def normalized(result, name):
    """What to compare of a result: values, dtype and shape of arrays (a view's by copy),
    items of sequences and iterators, and the type of anything else."""
    if name == "__repr__":
        return result[len("numpy_view(") : -1] if result.startswith("numpy_view(") else result
    if name == "flags" or isinstance(result, type(np.empty(0).flags)):
        return repr(result)
    if isinstance(result, (GuardedNumpyView, np.flatiter, np.ndarray)):
        result = np.array(result)  # both copied alike (a copy may change the dtype: S0)
    if isinstance(result, (np.ndarray, np.generic)):
        content = result.tolist() if result.dtype.hasobject else result.tobytes()
        return "array", result.dtype.str, np.shape(result), content
    if isinstance(result, (list, tuple)):
        return type(result).__name__, tuple(normalized(item, "") for item in result)
    if hasattr(result, "__next__"):
        return "iterator", tuple(normalized(item, "") for item in result)
    if isinstance(result, float) and math.isnan(result):
        return "nan"
    if isinstance(result, (bool, int, float, complex, str, bytes, type(None), np.dtype, type)):
        return result
    return type(result).__name__


def resolved(value, target, other):
    """A guess's value for one call: placeholders replaced, containers and arrays new (a
    call may fill them: __deepcopy__ its memo)."""
    if value is SELF:
        return target
    if value is OTHER:
        return other
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (tuple, list)):
        return type(value)(resolved(item, target, other) for item in value)
    if isinstance(value, dict):
        return {key: resolved(item, target, other) for key, item in value.items()}
    return value


def outcome(target, other, name, guess):
    """("ok", result) or ("raised", exception) of one guess on `target`; attributes are
    read with no arguments and set to a single one."""
    args, kwargs = resolved(guess[0], target, other), resolved(guess[1], target, other)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if callable(getattr(np.ndarray, name)):
                return "ok", getattr(target, name)(*args, **kwargs)
            if not args and not kwargs:
                return "ok", getattr(target, name)
            setattr(target, name, *args)
            return "ok", None
    except Exception as error:  # numpy's own errors are what is compared
        return "raised", error


# numpy's protocol hooks, called by numpy itself, take only guesses shaped as numpy calls them.
PROTOCOL_GUESSES = {"__array_function__": np.sum, "__array_ufunc__": np.add}


def applies(name, guess):
    """Attributes take the empty guess (a read) and one-argument ones (a set)."""
    if name in PROTOCOL_GUESSES:
        return bool(guess[0]) and guess[0][0] is PROTOCOL_GUESSES[name]
    if callable(getattr(np.ndarray, name)):
        return True
    args, kwargs = guess
    return not kwargs and len(args) <= 1


def aliasing(result, array):
    """Whether any ndarray in a result shares memory with the VTK array's."""
    if isinstance(result, np.ndarray):
        return np.shares_memory(result, over(array))
    if isinstance(result, (list, tuple)):
        return any(aliasing(item, array) for item in result)
    return False


class Pair:
    """A view of a VTK array and a plain ndarray over its twin, with the same values."""

    def __init__(self, values):
        self.array, self.twin = numpy_to_vtk(values, deep=1), numpy_to_vtk(values, deep=1)
        self.other, self.other_twin = numpy_to_vtk(values, deep=1), numpy_to_vtk(values, deep=1)
        self.view, self.plain = numpy_view(self.array), over(self.twin)


def disagreement(name, guess, values, cache):
    """Why the view and numpy disagree on one guess ("" when they agree), and whether the
    view's call succeeded."""
    pair = Pair(values)
    kept = cache.GetDigest(pair.array), memory(pair.array), pair.array.GetMTime()
    ours = outcome(pair.view, numpy_view(pair.other), name, guess)
    theirs = outcome(pair.plain, over(pair.other_twin), name, guess)
    if refused(name, guess, ours, theirs):
        reason = "" if memory(pair.array) == kept[1] else "a refused call wrote"
    else:
        reason = different_outcomes(name, ours, theirs, pair) or different_writes(
            name, guess, pair, kept, cache
        )
    if aliasing(ours[1], pair.array):
        reason = "a result aliases the VTK array's memory"
    return reason, ours[0] == "ok"


def refused(name, guess, ours, theirs):
    """Whether the view refused what numpy did: a name it refuses (the error names it), or
    an output passed by position (numpy finds the view's values read-only)."""
    if ours[0] != "raised":
        return False
    if name in REFUSED:
        return "numpy_view" in str(ours[1]) and name in str(ours[1])
    positional = any(value is SELF or value is OTHER for value in guess[0])
    return (
        positional
        and theirs[0] == "ok"
        and isinstance(ours[1], ValueError)
        and "read-only" in str(ours[1])
    )


def different_outcomes(name, ours, theirs, pair):
    if name == "base" and ours[0] == theirs[0] == "ok":
        return "" if ours[1] is pair.array else f"the base is {ours[1]!r}, not the VTK array"
    if ours[0] != theirs[0] or (ours[0] == "raised" and type(ours[1]) is not type(theirs[1])):
        return f"numpy {theirs[0]} {theirs[1]!r:.80}, the view {ours[0]} {ours[1]!r:.80}"
    if ours[0] == "ok" and normalized(ours[1], name) != normalized(theirs[1], name):
        return f"results differ: numpy {theirs[1]!r:.80}, the view {ours[1]!r:.80}"
    if (
        ours[0] == "ok"
        and name not in COPIES
        and is_view_of(theirs[1], pair.plain) != (isinstance(ours[1], GuardedNumpyView))
    ):
        return f"numpy's result is a view and the view's no guarded one, or back: {type(ours[1])}"
    return ""


def different_writes(name, guess, pair, kept, cache):
    digest, before, stamp = kept
    written = memory(pair.array) != before
    if memory(pair.array) != memory(pair.twin):
        return "the view wrote other bytes than numpy"
    if (cache.GetDigest(pair.array) != digest) != written:
        return f"the digest {'did not change' if written else 'changed'} with the bytes"
    if (
        callable(getattr(np.ndarray, name))
        and not may_write(name, guess)
        and pair.array.GetMTime() != stamp
    ):
        return "a call that cannot write called Modified()"
    return ""


def is_view_of(result, plain):
    return isinstance(result, np.flatiter) or (
        isinstance(result, np.ndarray) and np.shares_memory(result, plain)
    )


def test_every_ndarray_name_behaves_as_numpy_with_every_argument_guess(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # tofile("F") and dump("F") write there
    cache, failures, working = vtkTrackedArrayCache(), [], set()
    for subject, values in SUBJECTS.items():
        for name in walked_names():
            for guess in filter(lambda guess: applies(name, guess), GUESSES):
                reason, succeeded = disagreement(name, guess, values, cache)
                if reason:
                    failures.append(f"{subject} {name}{guess}: {reason}"[:240].replace("\n", " "))
                if succeeded:
                    working.add(name)
    assert not failures, f"{len(failures)} disagreements:\n" + "\n".join(failures[:60])
    assert (
        set(walked_names()) - working == (REFUSED - {"resize"}) | NUMPY_REFUSES
    ), "each name works with some guess, but for those refused"


def filled_view():
    array = numpy_to_vtk(np.arange(12.0).reshape(4, 3), deep=1)
    return array, numpy_view(array)


def test_the_issue_examples_work():
    array, v = filled_view()
    plain = np.arange(12.0).reshape(4, 3)
    assert v.sum() == plain.sum() and (v.mean(axis=0) == plain.mean(axis=0)).all()
    assert (v.min(), v.max()) == (0.0, 11.0)
    assert v.T.shape == (3, 4) and v.reshape(2, 6)[1, 0] == 6.0
    assert v.astype(np.int32).dtype == np.int32 and v.tolist() == plain.tolist()
    assert isinstance(v.copy(), np.ndarray) and not np.shares_memory(v.copy(), over(array))
    np.testing.assert_array_equal(v @ np.eye(3), plain)
    np.testing.assert_array_equal(abs(v - 6), abs(plain - 6))
    for operate in (lambda x: x.__ifloordiv__(2), lambda x: x.__ipow__(2), lambda x: x.__imod__(3)):
        stamp = array.GetMTime()
        assert operate(v) is v and array.GetMTime() > stamp
        operate(plain)
    np.testing.assert_array_equal(over(array), plain)
    v.sort(axis=0)
    v.fill(0.0)
    assert array.GetTuple3(3) == (0.0, 0.0, 0.0)


def test_the_views_ndarray_methods_return_are_guarded_and_write_through():
    array, v = filled_view()
    plain = np.arange(12.0).reshape(4, 3)
    writes = [
        lambda x: x.T.__setitem__(0, -1.0),
        lambda x: x.reshape(-1).__setitem__(5, -2.0),
        lambda x: x.ravel().__setitem__(7, -3.0),
        lambda x: x.flat.__setitem__(slice(9, 11), -4.0),
        lambda x: x.real.__setitem__((3, 2), -5.0),
        lambda x: x.view(np.int64).__setitem__((1, 1), 0),
        lambda x: x.swapaxes(0, 1).T.squeeze().__setitem__((2, 0), -6.0),
    ]
    for write in writes:
        stamp = array.GetMTime()
        write(v)
        write(plain)
        assert array.GetMTime() > stamp
    np.testing.assert_array_equal(over(array), plain)
    assert v.T.base is v and v.base is array
    with pytest.raises(ValueError, match="read-only"):
        v.diagonal()[0] = 1.0  # as numpy's diagonal view
    transposed, flat = v.T, v.flat
    v.shape = (2, 6)  # reinterprets this view only, as on an ndarray
    assert v.shape == (2, 6) and transposed.shape == (3, 4)
    array.SetNumberOfTuples(10**6)  # reallocates: every view made from the array raises
    for derived in (transposed, v, flat):
        with pytest.raises(RuntimeError, match="numpy_view"):
            np.asarray(derived)


def test_what_would_hand_out_or_replace_raw_memory_raises_naming_it():
    array, v = filled_view()
    for name in ("ctypes", "data", "__array_interface__", "__array_struct__", "__setstate__"):
        with pytest.raises(AttributeError, match=f"numpy_view does not offer {name}"):
            getattr(v, name)
        assert not hasattr(v, name)
    with pytest.raises(AttributeError, match="data"):
        v.data = b"\0" * 96
    with pytest.raises(ValueError, match="numpy_view.resize"):
        v.resize(20)
    v.resize(12)  # as many elements: only the shape changes
    assert v.shape == (12,) and np.asarray(v).flags.owndata


def test_copies_pickles_and_iteration_outlive_the_array():
    array, v = filled_view()
    kept = [
        pickle.loads(pickle.dumps(v)),
        copy.copy(v),
        copy.deepcopy(v),
        list(v),
        v.tolist(),
        v.copy(),
        np.from_dlpack(v),
    ]
    array.SetNumberOfTuples(10**6)
    for item in kept:
        np.testing.assert_array_equal(np.asarray(item), np.arange(12.0).reshape(4, 3))


def test_read_only_through_flags_or_setflags():
    array, v = filled_view()
    v.flags.writeable = False
    assert not v.flags.writeable and not v.flags["W"]
    for write in (
        lambda: v.__setitem__(0, 1.0),
        lambda: v.__iadd__(1),
        lambda: v.sort(),
        lambda: v.fill(0.0),
        lambda: np.copyto(v, 1.0),
        lambda: v.T.__setitem__(0, 1.0),
    ):
        with pytest.raises(ValueError, match="read-only"):
            write()
    assert v.sum() == 66.0 and memory(array) == np.arange(12.0).tobytes()
    v.setflags(write=True)
    v[0] = 1.0
    assert array.GetTuple3(0) == (1.0, 1.0, 1.0)


def test_non_mutating_calls_leave_the_digest_and_the_stamp_alone():
    array, v = filled_view()
    cache = vtkTrackedArrayCache()
    digest, stamp = cache.GetDigest(array), array.GetMTime()
    for read in (
        lambda: v[1:3],
        lambda: v[::-1, 0],
        lambda: v.sum(),
        lambda: v.mean(axis=0),
        lambda: np.sum(v),
        lambda: np.linalg.norm(v, axis=1),
        lambda: v.T @ v,
        lambda: v.reshape(-1),
        lambda: v.argsort(axis=0),
        lambda: v.tolist(),
        lambda: v == 3,
        lambda: list(v),
        lambda: v.cumsum(axis=0),
        lambda: -v,
    ):
        read()
    assert array.GetMTime() == stamp and cache.GetDigest(array) == digest
    v[0, 0] = 42.0
    assert cache.GetDigest(array) != digest


def test_a_component_is_a_zero_copy_column():
    array, _ = filled_view()
    column = numpy_view(array, component=1)
    np.testing.assert_array_equal(column, [1.0, 4.0, 7.0, 10.0])
    column += 100
    assert array.GetTuple3(2) == (6.0, 107.0, 8.0)
    with pytest.raises(ValueError, match="no component 3"):
        numpy_view(array, component=3)


def soa_array(tuples=4, components=3):
    array = vtkSOADataArrayTemplate["float64"]()
    array.SetNumberOfComponents(components)
    array.SetNumberOfTuples(tuples)
    for t in range(tuples):
        array.SetTuple(t, [float(t * components + c) for c in range(components)])
    return array


def test_soa_columns_are_zero_copy_where_vtk_wraps_their_buffers():
    array = soa_array()
    with pytest.raises(TypeError, match="AOS"):
        numpy_view(array)
    if not hasattr(array, "GetComponentBuffer"):  # before VTK 9.7: an unchecked address only
        with pytest.raises(TypeError, match="before VTK 9.7"):
            numpy_view(array, component=1)
        return
    column = numpy_view(array, component=2)
    np.testing.assert_array_equal(column, [2.0, 5.0, 8.0, 11.0])
    stamp = array.GetMTime()
    column.sort()
    column[0] = -1.0
    column *= 2
    assert array.GetTuple3(0) == (0.0, 1.0, -2.0) and array.GetMTime() > stamp
    array.SetComponent(3, 2, 99.0)  # zero-copy: VTK's write shows
    assert column[3] == 99.0
    array.SetNumberOfTuples(2)  # within the allocation: the column follows
    assert column.shape == (2,)
    array.SetNumberOfTuples(10**5)  # reallocates every component
    with pytest.raises(RuntimeError, match="numpy_view"):
        column.sum()
    shorter = np.zeros(1)
    array.SetArray(2, shorter, 1, False, True)  # the array still claims 10**5 tuples
    with pytest.raises(RuntimeError, match="component 2 holds 1"):
        numpy_view(array, component=2)[0]


def test_a_view_of_a_deleted_array_raises_from_every_name():
    array, v = filled_view()
    transposed, method = v.T, v.sum
    del array
    for access in (v.sum, method, lambda: transposed[0], lambda: v.T, lambda: v.flags.writeable):
        with pytest.raises(RuntimeError, match="deleted"):
            access()
