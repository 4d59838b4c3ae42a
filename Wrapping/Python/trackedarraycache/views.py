# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Views of VTK arrays that cannot read freed memory.

``view(array, begin, end, components=None)``: a contiguous copy of tuples [begin, end)
and some components of any numeric VTK array (AOS, SOA, implicit), refreshed from the
array and written back to it (``vtkTrackedArrayView``); a context manager that releases
it on exit.

``numpy_view(array, component=None)``: a zero-copy numpy view of an AOS array (or of one
component of an AOS or, from VTK 9.7 on, an SOA array) with all of ndarray's methods and
operators, that raises ``RuntimeError`` instead of reading freed memory once the array
reallocated, swapped its buffer or died (what VTK 9.7 added to its numpy support, here on
every VTK, and without 9.7's cached view, which can outlive the memory it points at).
"""

import functools
import operator

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin
from vtkmodules.util.numpy_support import get_numpy_array_type, vtk_to_numpy
from vtkmodules.vtkCommonCore import (
    VTK_BIT,
    VTK_STRING,
    vtkCommand,
    vtkDataArray,
    vtkIdList,
    vtkSOADataArrayTemplate,
)

from .vtkTrackedArrayCache import vtkTrackedArrayView, vtkTrackedStorageGuard


class _Errors:
    """Collects the VTK errors an object reports while the block runs, and raises
    them as `exception` if the block's result says it failed."""

    def __init__(self, subject):
        self.subject = subject
        self.messages = []

    def __enter__(self):
        def catch(caller, event, message=None):
            self.messages.append(str(message).strip().splitlines()[-1])

        catch.CallDataType = VTK_STRING  # the message arrives as text
        self.tag = self.subject.AddObserver(vtkCommand.ErrorEvent, catch)
        return self

    def __exit__(self, *exc):
        self.subject.RemoveObserver(self.tag)
        return False

    def check(self, ok, exception=RuntimeError):
        if not ok:
            raise exception("; ".join(self.messages) or "failed")
        return ok


class TrackedView:
    """A ``vtkTrackedArrayView`` with Python errors: every call on an invalid view
    raises ``RuntimeError`` naming the reason (the array was deleted, reallocated,
    resized, or changed type or components)."""

    def __init__(self, array, begin, end, components=None):
        self.vtk_view = vtkTrackedArrayView()
        ids = None
        if components is not None:
            ids = vtkIdList()
            for component in components:
                ids.InsertNextId(int(component))
        with _Errors(self.vtk_view) as errors:
            if not isinstance(array, vtkDataArray):
                raise TypeError(f"view() needs a vtkDataArray, not {type(array).__name__}")
            ok = (
                self.vtk_view.SetView(array, begin, end, ids)
                if ids is not None
                else self.vtk_view.SetView(array, begin, end)
            )
            errors.check(ok, ValueError)

    def _call(self, method, *args):
        with _Errors(self.vtk_view) as errors:
            return errors.check(getattr(self.vtk_view, method)(*args))

    def refresh(self, begin=None, end=None):
        """Copies the array's values into the view (view tuples [begin, end) if given)."""
        return self._call("Refresh", *(() if begin is None else (begin, end)))

    def update(self, begin=None, end=None):
        """Writes the view back into the array and calls its Modified()."""
        return self._call("Update", *(() if begin is None else (begin, end)))

    @property
    def data(self):
        """The view's buffer as a (tuples, components) numpy array. Writing into it
        changes the view, not the array, until update()."""
        return vtk_to_numpy(self._call("GetData")).reshape(
            self.vtk_view.GetNumberOfTuples(), self.vtk_view.GetNumberOfComponents()
        )

    @property
    def valid(self):
        return self.vtk_view.IsValid()

    @property
    def stale(self):
        return self.vtk_view.IsStale()

    def release(self):
        self.vtk_view.Release()

    def __enter__(self):
        self.refresh()
        return self

    def __exit__(self, *exc):
        self.release()
        return False


def view(array, begin, end, components=None):
    """A view of tuples [begin, end) and the listed components (all by default) of a
    numeric VTK array; use it as a context manager to refresh it on entry and release
    it on exit. Raises ``ValueError`` for ranges or components outside the array,
    ``TypeError`` for anything but a vtkDataArray."""
    return TrackedView(array, begin, end, components)


def _aliases(result, memory):
    """Whether `result` (an ndarray, or a structured scalar viewing one) may share memory
    with `memory` (an ndarray, or a flat iterator over one)."""
    if not isinstance(result, (np.ndarray, np.void)):
        return False  # first: the scalars of v[i] are the hot path
    if isinstance(result, np.void):
        result = result.base
    if isinstance(memory, np.flatiter):
        memory = memory.base
    return isinstance(result, np.ndarray) and np.may_share_memory(result, memory)


def _makes_view(result, values):
    """Whether a method's result is a view of the values it was called on (an ndarray
    sharing their memory, or a flat iterator over them)."""
    return isinstance(result, np.flatiter) or _aliases(result, values)


@functools.lru_cache(maxsize=None)
def _dtype_of(vtk_type):
    """The numpy dtype of a VTK data type (numpy_support builds its table at each call)."""
    return np.dtype(get_numpy_array_type(vtk_type))


def _is_aos(array):
    """Whether numpy can wrap the array's values in place: one contiguous buffer of a
    numeric type (bit arrays pack eight values a byte)."""
    return array.HasStandardMemoryLayout() and array.GetDataType() != VTK_BIT


class _AOS:
    """How a view reaches an AOS array's values: its one buffer, through the buffer
    protocol (whose memoryview keeps the array alive while numpy works on it)."""

    @staticmethod
    def values(array, dtype, components, component):
        """A new ndarray over the live tuples (of one component: a strided column)."""
        values = np.frombuffer(array, dtype)
        if component is not None:
            return values.reshape(-1, components)[:, component]
        return values if components == 1 else values.reshape(-1, components)


# VTK wraps an SOA array's component buffers (vtkBuffer, with their size and the buffer
# protocol) from 9.7 on. Before, Python gets only a component's address, with no size
# to check it against, and asking for it crashes VTK 9.1 when the array was made without
# SetNumberOfComponents() (no component buffer exists): no column can be guarded there.
_SOA_CLASSES = tuple(vtkSOADataArrayTemplate.values())
_SOA_COLUMNS = hasattr(vtkSOADataArrayTemplate["float64"], "GetComponentBuffer")


class _SOA:
    """How a view reaches one component of an SOA array (VTK 9.7 on): that component's
    vtkBuffer, through the buffer protocol."""

    @staticmethod
    def values(array, dtype, components, component):
        """A new ndarray over the component's live tuples."""
        return np.frombuffer(
            array.GetComponentBuffer(component), dtype, count=array.GetNumberOfTuples()
        )


def _layout_of(array, component):
    """How a view of `array` (one component of it if `component` is not None) reaches its
    values; TypeError or ValueError when none can."""
    if not isinstance(array, vtkDataArray):
        raise TypeError(f"numpy_view() needs a vtkDataArray, not {type(array).__name__}")
    components = array.GetNumberOfComponents()
    if component is not None and not 0 <= component < components:
        raise ValueError(
            f"numpy_view(): the {array.GetClassName()} has no component "
            f"{component} ({components} components)"
        )
    if _is_aos(array):
        return _AOS
    if not isinstance(array, _SOA_CLASSES):
        raise TypeError(
            f"numpy_view() needs an array with one contiguous buffer (AOS); "
            f"{array.GetClassName()} is not one: use view() to copy its values"
        )
    if component is not None and _SOA_COLUMNS:
        return _SOA
    reach = (
        "numpy_view(array, component=c) gives one of them"
        if _SOA_COLUMNS
        else "before VTK 9.7 Python reaches them only by an address no check can guard"
    )
    raise TypeError(
        f"numpy_view() needs one contiguous buffer (an AOS array): the components of the "
        f"{array.GetClassName()} (SOA) are separate buffers; {reach}; view() copies its values"
    )


def _guard(array):
    """A vtkTrackedStorageGuard on the array's allocation now (the array is AOS or SOA)."""
    guard = vtkTrackedStorageGuard()
    with _Errors(guard) as errors:
        errors.check(guard.SetArray(array), TypeError)
    return guard


def _checked(guard):
    """The guarded array, alive, on the guarded allocation and holding every value it
    claims; RuntimeError naming the reason otherwise."""
    array = guard.GetGuardedArray()
    if array is None:
        raise RuntimeError(f"numpy_view: {guard.GetInvalidReason()}")
    return array


def _current_values(array):
    """A new ndarray over an AOS array's live tuples in its buffer as it is now, wrapped
    through the buffer protocol at this call. Never VTK 9.7's cached ``__array__`` view:
    that one keeps its shape when tuples go, and its memory when another array sharing
    the vtkBuffer (after ShallowCopy) reallocates it, which frees that memory. Refuses an
    array claiming more values than its buffer holds (see vtkTrackedStorageGuard)."""
    array = _checked(_guard(array))
    return _AOS.values(array, _dtype_of(array.GetDataType()), array.GetNumberOfComponents(), None)


def _operand_values(value):
    """The ndarray a numpy call on guarded views gets for `value`: the current values of a
    view or of an AOS VTK array; None for anything else, which goes in as it is."""
    if isinstance(value, GuardedNumpyView):
        return value._ndarray()
    if isinstance(value, vtkDataArray) and _is_aos(value):
        return _current_values(value)
    return None


def _vtk_array_of(operand):
    """The VTK array that an operand of a numpy call (a view or a VTK array) stands for."""
    return operand._guarded_array() if isinstance(operand, GuardedNumpyView) else operand


# numpy functions that write into an argument: its position and name.
_WRITING_FUNCTIONS = {
    np.copyto: (0, "dst"),
    np.put: (0, "a"),
    np.putmask: (0, "a"),
    np.place: (0, "arr"),
    np.fill_diagonal: (0, "a"),
    np.put_along_axis: (0, "arr"),
}

# ndarray methods that always write into the array they are called on (byteswap writes
# only in place, resize and setflags change the view: GuardedNumpyView has its own).
_WRITING_METHODS = frozenset({"sort", "fill", "partition", "put", "itemset", "setfield"})

# What a view never hands out, and why: each would let a reference to the array's memory
# outlive the checks. numpy asks for the two interfaces and, refused with AttributeError,
# converts the view through __array__ (a copy).
_UNCHECKED = (
    "it gives the address of the array's memory, which nothing checks once the " "array reallocates"
)
_REFUSED = {
    "ctypes": f"{_UNCHECKED}; np.array(v).ctypes is that of a copy",
    "data": "a memoryview of the array's memory outlives a reallocation; "
    "np.array(v).data is that of a copy",
    **dict.fromkeys(
        ("__array_interface__", "__array_struct__"), f"{_UNCHECKED}; np.asarray(v) gives a copy"
    ),
    "__setstate__": "it would put other memory under the view; make a new array instead",
}


def _refusal(name):
    return AttributeError(f"numpy_view does not offer {name}: {_REFUSED[name]}")


class _Call:
    """One numpy call on guarded views, as a context. Their buffers, and those of the AOS
    VTK arrays among the operands, go in as they are now, read-only except where the call
    writes (out=, ufunc.at, the functions and methods above); leaving the context calls
    Modified() on the arrays written, also when the call raised (it may have written part).
    So numpy either calls Modified() or raises. Nothing that may alias any of the buffers
    comes out of detach(): a view or VTK array written as out= comes back as itself, other
    results as copies."""

    def __init__(self):
        self.passed = []  # (view or VTK array, its values, written)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for operand, _, written in self.passed:
            if written:
                _vtk_array_of(operand).Modified()
        return False

    def unwrap(self, value, written=False):
        values = _operand_values(value)
        if values is not None:
            if not written and isinstance(values, np.ndarray):
                # Only ever cleared: a view numpy makes read-only (diagonal) stays so.
                values.flags.writeable = False
            self.passed.append((value, values, written))
            return values
        if isinstance(value, (list, tuple)):
            return type(value)(self.unwrap(item, written) for item in value)
        if isinstance(value, dict):
            return {name: self.unwrap(item, written) for name, item in value.items()}
        return value

    def unwrap_keywords(self, kwargs, written=("out",)):
        return {name: self.unwrap(value, name in written) for name, value in kwargs.items()}

    def written_operand(self, result):
        """The view or VTK array that `result` is the values of, if the call wrote it."""
        for operand, values, written in self.passed:
            if written and result is values:
                return operand
        return None

    def detach(self, result):
        if isinstance(result, (np.ndarray, np.void)):
            operand = self.written_operand(result)
            if operand is not None:
                return operand
            if any(_aliases(result, values) for _, values, _ in self.passed):
                return result.copy()
            return result
        if isinstance(result, (list, tuple)):
            items = [self.detach(item) for item in result]
            return type(result)(*items) if hasattr(result, "_fields") else type(result)(items)
        if isinstance(result, dict):
            return {name: self.detach(item) for name, item in result.items()}
        return result


def _method_step(name, args, kwargs):
    """What makes a derived view's values from its parent's at each access: the method
    that made it, with the same arguments (views among them read as they are then)."""

    def step(values):
        call = _Call()
        return getattr(values, name)(*call.unwrap(args), **call.unwrap_keywords(kwargs))

    return step


def _setting_step(name, value):
    """A step setting shape, dtype or strides on the values, as on an ndarray."""

    def step(values):
        setattr(values, name, value)
        return values

    return step


def _delegated(name, writes=False):
    """ndarray's special method `name` on the view's values (Python looks special methods
    up on the class, so they cannot come through __getattr__)."""

    def method(self, *args, **kwargs):
        return self._call_method(name, args, kwargs, writes)

    method.__name__ = name
    return method


def _on_copy(name):
    """ndarray's `name` on a copy of the view's values: what pickling, copy.copy and DLPack
    take away holds the values, never a reference to the array's memory (and is writable,
    as numpy's is, where the view's values go read-only into a reading call)."""

    def method(self, *args, **kwargs):
        return getattr(self.__array__(), name)(*args, **kwargs)

    method.__name__ = name
    return method


class _Flags:
    """A view's ndarray flags, read from its values at each access. Setting writeable,
    aligned or writebackifcopy (by attribute or key) goes through the view's setflags(),
    so it lasts (set on the flags of one access's ndarray, it would not)."""

    _SETFLAGS = {
        "writeable": "write",
        "w": "write",
        "aligned": "align",
        "a": "align",
        "writebackifcopy": "uic",
        "x": "uic",
    }

    def __init__(self, view):
        object.__setattr__(self, "_view", view)

    def __getattr__(self, name):
        return getattr(self._view._ndarray().flags, name)

    def __getitem__(self, key):
        return self._view._ndarray().flags[key]

    def __setattr__(self, name, value):
        argument = self._SETFLAGS.get(str(name).lower())
        if argument is None:
            setattr(self._view._ndarray().flags, name, value)  # numpy refuses it
        else:
            self._view.setflags(**{argument: value})

    __setitem__ = __setattr__

    def __repr__(self):
        return repr(self._view._ndarray().flags)


class GuardedNumpyView(NDArrayOperatorsMixin):
    """A numpy-like view of the live tuples of a VTK AOS array (or of one component of an
    AOS or, from VTK 9.7 on, an SOA array), with every ndarray method, attribute and
    operator. Before every access it checks that the array is alive and still on the
    allocation the view was made on (buffer addresses, their vtkBuffer objects and sizes,
    capacity, components: a ``vtkTrackedStorageGuard``); otherwise it raises
    ``RuntimeError``. Within that allocation it follows the tuple count: after ``Reset()``,
    fewer tuples or ``InsertNext...`` within the capacity it shows the tuples there are
    now, never values past them.

    Guarantee: no access through this object, nor through anything it hands out, reads or
    writes freed memory. Each access wraps the array's buffer as it is at that moment (the
    buffer protocol), never VTK 9.7's cached view of it, which can outlive its memory. It
    also refuses an array that claims more values than its vtkBuffer holds (an array
    sharing the buffer replaced it with SetArray(); VTK's own accessors would read past
    the end).

    Reads and writes go to the array's memory without copying (indexing, assignment,
    ndarray methods, operators, ufuncs and numpy functions such as ``np.sum(v)``); AOS VTK
    arrays among the operands (``v += vtk_array``, ``np.copyto(v, vtk_array)``,
    ``out=vtk_array``) are read and written the same way. Writes call Modified() on the
    arrays written, also when they fail part way: numpy may write only where a call says it
    writes (``out=``, ``ufunc.at``, ``np.copyto``, ``np.put``, ``np.putmask``, ``np.place``,
    ``np.fill_diagonal``, ``np.put_along_axis``, the in-place operators, assignment, setting
    ``real``, ``imag`` or ``flat``, and the methods ``sort``, ``fill``, ``partition``,
    ``put``, ``itemset``, ``setfield``, ``byteswap(inplace=True)``); anywhere else the
    buffers are read-only and numpy raises.

    Nothing that may alias the arrays' memory is handed out. A method or attribute that
    gives a view of an ndarray (``T``, ``reshape``, ``view``, ``ravel``, ``squeeze``,
    ``diagonal``, ``real``, ``flat``, ...) gives another guarded view, made again from the
    checked values at each access and writing into the same array, so ``v.T[0] = 1`` and
    ``v.flat[2] = 1`` work as on an ndarray; setting ``shape``, ``dtype`` or ``strides``
    reinterprets this view the same way. Slices, ``np.asarray(v)``, numpy functions'
    results that may share memory with an operand (in lists, tuples and dicts too),
    iteration, pickling and copies come back as copies, so they stay valid whatever
    happens to the array; a view or VTK array passed as ``out=`` comes back as itself.
    Refused, with an error naming them: ``ctypes``, ``data``, ``__array_interface__``,
    ``__array_struct__`` (raw memory; ``AttributeError``, so numpy converts the view by
    copy), ``__setstate__``, and ``resize`` to another number of elements (``ValueError``:
    VTK owns the allocation; ``SetNumberOfTuples()`` then a new view).

    Not told apart: a buffer freed and allocated again in the same vtkBuffer object, at
    the same address and size (``Initialize()``, then as many values), counts as the same
    allocation, and the view follows it (into live memory). Not caught: a reallocation
    while numpy runs on the values, by another thread (numpy releases the GIL) or by a
    Python function numpy calls back (``np.apply_along_axis``, ``np.vectorize``): the
    check comes before each call, not during it.

    Cost: each access compares the array's allocation with the view's (one call into C++)
    and wraps its buffer in a new ndarray (about a microsecond; a derived view adds its
    steps), on top of the operation itself; iteration pays it per row, pickling and
    copy.copy a copy.
    The view holds no reference to the array: when the array's last owner lets go, the
    view raises instead of keeping it alive.
    """

    def __init__(self, array, component=None):
        component = None if component is None else operator.index(component)
        self._layout = _layout_of(array, component)
        self._component = component
        self._guard = _guard(array)  # a weak reference, and the allocation to check
        self._dtype = _dtype_of(array.GetDataType())
        self._components = array.GetNumberOfComponents()
        self._steps = ()  # how a derived view's values come from the array's, in order
        self._base = None  # the view a derived view was made from
        self._writeable = True  # setflags(write=False) makes the view read-only

    def _guarded_array(self):
        """The array, alive and on the view's allocation; RuntimeError otherwise."""
        return _checked(self._guard)

    def _ndarray(self):
        """The view's values now: a new ndarray over the array's live tuples, through the
        steps of a derived view; read-only after setflags(write=False)."""
        values = self._layout.values(
            self._guarded_array(), self._dtype, self._components, self._component
        )
        if not self._writeable:
            values.flags.writeable = False
        for step in self._steps:
            values = step(values)
        return values

    def _derived(self, step):
        """A view of this one through one more step (``v.T``, ``v.reshape(...)``)."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__, _steps=self._steps + (step,), _base=self)
        return view

    def _call_method(self, name, args, kwargs, writes=False):
        """ndarray's method `name` on the values now, read-only unless it writes, its
        arguments unwrapped as a numpy function's are; a view it returns comes back as a
        derived view."""
        with _Call() as call:
            values = call.unwrap(self, writes)
            result = getattr(values, name)(*call.unwrap(args), **call.unwrap_keywords(kwargs))
            if not writes and call.written_operand(result) is None and _makes_view(result, values):
                return self._derived(_method_step(name, args, kwargs))
            return call.detach(result)

    def __getattr__(self, name):
        """ndarray's public methods and attributes (and any numpy adds), on the values at
        the time of the call; the ones in _REFUSED raise."""
        if name in _REFUSED:
            raise _refusal(name)
        if not hasattr(np.ndarray, name):
            raise AttributeError(f"'numpy_view' object has no attribute {name!r}")
        if callable(getattr(np.ndarray, name)):
            return self._method(name)
        values = self._ndarray()
        result = getattr(values, name)
        if _makes_view(result, values):
            return self._derived(operator.attrgetter(name))
        return result

    def _method(self, name):
        writes = name in _WRITING_METHODS

        def method(*args, **kwargs):
            return self._call_method(name, args, kwargs, writes)

        method.__name__, method.__doc__ = name, getattr(np.ndarray, name).__doc__
        return method

    def __setattr__(self, name, value):
        """Setting shape, dtype or strides reinterprets this view, as on an ndarray (numpy
        checks now, and at each access, that the values fit); setting real, imag or flat
        writes into the array; ndarray refuses the others."""
        if name.startswith("_") and not name.startswith("__"):  # the view's own state
            object.__setattr__(self, name, value)
        elif name in _REFUSED:
            raise _refusal(name)
        elif name in ("shape", "dtype", "strides"):
            if isinstance(value, GuardedNumpyView):
                value = np.asarray(value)  # its values (a copy), as numpy would take them
            step = _setting_step(name, value)
            step(self._ndarray())
            self._steps += (step,)
        else:
            with _Call() as call:
                setattr(call.unwrap(self, True), name, call.unwrap(value))

    @property
    def valid(self):
        """Whether accesses still reach the array's values."""
        return self._guard.GetGuardedArray() is not None

    @property
    def base(self):
        """What the values belong to, as ndarray.base: the VTK array for a view made by
        numpy_view(), the view it was made from for a derived one (``v.T.base is v``)."""
        return self._base if self._base is not None else self._guarded_array()

    @property
    def flags(self):
        return _Flags(self)

    def setflags(self, write=None, align=None, uic=None):
        """As ndarray.setflags (numpy checks the request against the values now); after
        write=False numpy refuses every write through this view and the views made from it
        afterwards."""
        self._ndarray().setflags(write, align, uic)
        if write is not None:
            self._writeable = bool(write)

    def byteswap(self, inplace=False):
        """As ndarray.byteswap; in place, it writes into the array and calls Modified()."""
        return self._call_method("byteswap", (inplace,), {}, writes=bool(inplace))

    def resize(self, *new_shape, refcheck=True):
        """As ndarray.resize to as many elements: the shape changes, as setting it would.
        ValueError for another number of elements: that would reallocate memory VTK owns
        (call SetNumberOfTuples() on the array, then make a new view)."""
        values = self._ndarray()
        unchanged = not new_shape or (len(new_shape) == 1 and new_shape[0] is None)
        # An empty dtype parses the shape as resize does, allocating nothing.
        shape = new_shape[0] if len(new_shape) == 1 else new_shape
        elements = values.size if unchanged else np.empty(shape, "V0").size
        if elements != values.size:
            raise ValueError(
                f"numpy_view.resize: from {values.size} to {elements} elements would reallocate "
                f"memory the VTK array owns; call SetNumberOfTuples() on it, then make a new view"
            )
        values.resize(*new_shape, refcheck=refcheck)  # numpy's checks (one segment)
        self.shape = values.shape

    def __len__(self):
        return len(self._ndarray())

    def __getitem__(self, index):
        values = self._ndarray()
        result = values[index]
        return result.copy() if _aliases(result, values) else result

    def __setitem__(self, index, value):
        with _Call() as call:
            call.unwrap(self, True)[index] = call.unwrap(value)

    def __iter__(self):
        """Row by row, each a copy read (and checked) when it is reached."""
        return (self[i] for i in range(len(self)))

    def __array__(self, *args, **kwargs):
        """A copy of the values (in the dtype asked for, with ndarray's argument checks)."""
        values, call = self._ndarray(), _Call()
        result = values.__array__(*call.unwrap(args), **call.unwrap_keywords(kwargs))
        return result.copy() if _aliases(result, values) else result

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        with _Call() as call:
            # ufunc.at writes into its first input; every ufunc method into out=.
            arguments = [
                call.unwrap(value, method == "at" and i == 0) for i, value in enumerate(inputs)
            ]
            return call.detach(getattr(ufunc, method)(*arguments, **call.unwrap_keywords(kwargs)))

    def __array_function__(self, func, types, args, kwargs):
        with _Call() as call:
            position, keyword = _WRITING_FUNCTIONS.get(func, (None, "out"))
            arguments = [call.unwrap(value, i == position) for i, value in enumerate(args)]
            return call.detach(func(*arguments, **call.unwrap_keywords(kwargs, ("out", keyword))))

    def __repr__(self):
        reason = self._guard.GetInvalidReason()
        if reason:
            return f"<numpy_view of a gone array: {reason}>"
        return f"numpy_view({self._ndarray()!r})"

    # The operators come from NDArrayOperatorsMixin, through __array_ufunc__ (in place
    # through out=), but for those where ndarray's own operator does otherwise than its
    # ufunc, which would give other results than numpy: power (v ** 2, ** 0.5, ** -1 ...
    # are computed as square, sqrt, reciprocal: other bits), the comparisons (numpy 1.24
    # answers False, with a warning, what the ufunc cannot compare), in-place matmul
    # (numpy 1.24 refuses it, later versions write in place).
    __pow__, __rpow__ = _delegated("__pow__"), _delegated("__rpow__")
    __ipow__ = _delegated("__ipow__", writes=True)
    __imatmul__ = _delegated("__imatmul__", writes=True)
    __eq__, __ne__ = _delegated("__eq__"), _delegated("__ne__")
    __lt__, __le__ = _delegated("__lt__"), _delegated("__le__")
    __gt__, __ge__ = _delegated("__gt__"), _delegated("__ge__")
    __hash__ = None
    # Python's other special methods: ndarray's own, reading the values, or on a copy.
    __str__ = _delegated("__str__")
    __format__ = _delegated("__format__")
    __bool__ = _delegated("__bool__")
    __int__ = _delegated("__int__")
    __float__ = _delegated("__float__")
    __complex__ = _delegated("__complex__")
    __index__ = _delegated("__index__")
    __contains__ = _delegated("__contains__")
    __delitem__ = _delegated("__delitem__")
    __sizeof__ = _delegated("__sizeof__")
    __copy__ = _on_copy("__copy__")
    __deepcopy__ = _on_copy("__deepcopy__")
    __reduce__ = _on_copy("__reduce__")
    __reduce_ex__ = _on_copy("__reduce_ex__")
    dump, dumps = _on_copy("dump"), _on_copy("dumps")
    __dlpack__ = _on_copy("__dlpack__")


def numpy_view(array, component=None):
    """A zero-copy numpy view of a VTK AOS array's live tuples, or with `component` of one
    component's (an AOS array's strided column, from VTK 9.7 on an SOA array's contiguous
    one), with every ndarray method and operator, that raises ``RuntimeError`` on access
    once the array reallocated, swapped its buffer or died; see ``GuardedNumpyView``."""
    return GuardedNumpyView(array, component)
