"""Views of VTK arrays that cannot read freed memory.

``view(array, begin, end, components=None)``: a contiguous copy of tuples [begin, end)
and some components of any numeric VTK array (AOS, SOA, implicit), refreshed from the
array and written back to it (``vtkTrackedArrayView``); a context manager that releases
it on exit.

``numpy_view(array)``: a zero-copy numpy view of an AOS array that raises
``RuntimeError`` instead of reading freed memory once the array reallocated, swapped its
buffer or died (what VTK 9.7 added to its numpy support, here on every VTK, and without
9.7's cached view, which can outlive the memory it points at).
"""

import numpy as np
from vtkmodules.util.numpy_support import get_numpy_array_type, vtk_to_numpy
from vtkmodules.vtkCommonCore import (
    VTK_BIT,
    VTK_STRING,
    vtkCommand,
    vtkDataArray,
    vtkIdList,
    vtkWeakReference,
)

from .vtkTrackedArrayCache import vtkTrackedArrayView


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
    return isinstance(result, np.ndarray) and np.may_share_memory(result, memory)


def _is_aos(array):
    """Whether numpy can wrap the array's values in place: one contiguous buffer of a
    numeric type (bit arrays pack eight values a byte)."""
    return array.HasStandardMemoryLayout() and array.GetDataType() != VTK_BIT


# VTK 9.7 renamed GetSize() GetCapacity(), and GetSize() warns there.
_CAPACITY = "GetCapacity" if hasattr(vtkDataArray, "GetCapacity") else "GetSize"


def _allocation(array):
    """What identifies an AOS array's storage: where its buffer is, how many values it has
    room for, their type and the components. Not the tuple count, which changes within
    one allocation (Reset(), fewer tuples, InsertNext...) without freeing anything."""
    return (array.GetVoidPointer(0), getattr(array, _CAPACITY)(), array.GetDataType(),
            array.GetNumberOfComponents())


def _buffer_overrun(array):
    """Why an AOS array's values cannot be wrapped ("" when they can): it claims more
    values than its vtkBuffer holds. An array sharing the buffer (after ShallowCopy) that
    calls SetArray() puts a smaller one under both, and VTK's own accessors would read
    past its end. Seen from VTK 9.7 on; before, the vtkBuffer is not wrapped."""
    buffer = array.GetBuffer() if hasattr(array, "GetBuffer") else None
    values = array.GetNumberOfValues()
    if buffer is None or buffer.GetSize() >= values:
        return ""
    return (f"the {array.GetClassName()} claims {values} values but its buffer holds "
            f"{buffer.GetSize()}: an array sharing the buffer replaced it")


def _current_values(array):
    """A new ndarray over an AOS array's live tuples in its buffer as it is now, wrapped
    through the buffer protocol at this call. Never VTK 9.7's cached ``__array__`` view:
    that one keeps its shape when tuples go, and its memory when another array sharing
    the vtkBuffer (after ShallowCopy) reallocates it, which frees that memory."""
    overrun = _buffer_overrun(array)
    if overrun:
        raise RuntimeError(f"numpy_view: {overrun}")
    values = np.frombuffer(array, dtype=get_numpy_array_type(array.GetDataType()))
    components = array.GetNumberOfComponents()
    return values if components == 1 else values.reshape(-1, components)


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


class _Call:
    """One numpy call on guarded views. Their buffers, and those of the AOS VTK arrays
    among the operands, go in read-only as they are now, except where the call writes
    (out=, ufunc.at, the functions above), whose arrays get Modified() afterwards; so
    numpy either calls Modified() or raises. Nothing that may alias any of the buffers
    comes out: a view or VTK array passed as out= comes back as itself, others as copies."""

    def __init__(self):
        self.passed = []  # (view or VTK array, ndarray, written)

    def unwrap(self, value, written=False):
        values = _operand_values(value)
        if values is not None:
            values.flags.writeable = written
            self.passed.append((value, values, written))
            return values
        if isinstance(value, (list, tuple)):
            return type(value)(self.unwrap(item, written) for item in value)
        if isinstance(value, dict):
            return {name: self.unwrap(item, written) for name, item in value.items()}
        return value

    def finish(self, result):
        for operand, _, written in self.passed:
            if written:
                _vtk_array_of(operand).Modified()
        return self.detach(result)

    def detach(self, result):
        if isinstance(result, np.ndarray):
            for operand, values, written in self.passed:
                if written and result is values:
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


class GuardedNumpyView:
    """A numpy-like view of the live tuples of a VTK AOS array. Before every access it
    checks that the array is alive and still on the allocation the view was made on
    (buffer address, capacity, type, components); otherwise it raises ``RuntimeError``.
    Within that allocation it follows the tuple count: after ``Reset()``, fewer tuples or
    ``InsertNext...`` within the capacity it shows the tuples there are now, never values
    past them.

    Guarantee: no access through this object reads or writes freed memory. Each one
    wraps the array's buffer as it is at that moment (the buffer protocol), never VTK
    9.7's cached view of it, which can outlive its memory. From VTK 9.7 on it also refuses
    an array that claims more values than its vtkBuffer holds (an array sharing the buffer
    replaced it with SetArray(); VTK's own accessors would read past the end); before 9.7
    the vtkBuffer is not wrapped and this cannot be seen.

    Reads and writes go to the array's memory without copying (indexing, assignment,
    ufuncs and numpy functions such as ``np.sum(v)``); AOS VTK arrays among the operands
    (``v += vtk_array``, ``np.copyto(v, vtk_array)``, ``out=vtk_array``) are read and
    written the same way. Writes call Modified() on the arrays written: numpy may write
    only where a call says it writes (``out=``, ``ufunc.at``, ``np.copyto``, ``np.put``,
    ``np.putmask``, ``np.place``, ``np.fill_diagonal``, ``np.put_along_axis``); anywhere
    else the buffers are read-only and numpy raises. Nothing that may alias the arrays'
    memory is handed out: slices, ``np.asarray(v)`` and numpy results that may share
    memory with any operand of a call (in lists, tuples and dicts too) come back as
    copies, so they stay valid whatever happens to the array; a view or VTK array passed
    as ``out=`` comes back as itself.

    Not told apart: a buffer freed and allocated again at the same address with the same
    capacity (``Initialize()``, then as many values) counts as the same allocation, and
    the view follows it (into live memory).

    Cost: each access compares the array's allocation with the view's and wraps its
    buffer in a new ndarray (about three microseconds), on top of the operation itself.
    The view holds no reference to the array: when the array's last owner lets go, the
    view raises instead of keeping it alive.
    """

    def __init__(self, array):
        if not isinstance(array, vtkDataArray):
            raise TypeError(f"numpy_view() needs a vtkDataArray, not {type(array).__name__}")
        if not _is_aos(array):
            raise TypeError(
                f"numpy_view() needs an array with one contiguous buffer (AOS); "
                f"{array.GetClassName()} is not one: use view() to copy its values"
            )
        self._array = vtkWeakReference()
        self._array.Set(array)
        self._allocation = _allocation(array)

    def _invalid_reason(self, array):
        if array is None:
            return "the array was deleted"
        if _allocation(array) != self._allocation:
            return ("the array's buffer was reallocated, resized or replaced, or its type or "
                    "components changed")
        return _buffer_overrun(array)

    def _guarded_array(self):
        """The array, alive and on the view's allocation; RuntimeError otherwise."""
        array = self._array.Get()
        reason = self._invalid_reason(array)
        if reason:
            raise RuntimeError(f"numpy_view: {reason}")
        return array

    def _ndarray(self):
        return _current_values(self._guarded_array())

    @property
    def valid(self):
        """Whether accesses still reach the array's values."""
        return not self._invalid_reason(self._array.Get())

    @property
    def shape(self):
        return self._ndarray().shape

    @property
    def dtype(self):
        return self._ndarray().dtype

    @property
    def ndim(self):
        return self._ndarray().ndim

    @property
    def size(self):
        return self._ndarray().size

    def __len__(self):
        return len(self._ndarray())

    def __getitem__(self, index):
        values = self._ndarray()
        result = values[index]
        return result.copy() if _aliases(result, values) else result

    def __setitem__(self, index, value):
        array = self._guarded_array()
        _current_values(array)[index] = _Call().unwrap(value)
        array.Modified()

    def __array__(self, dtype=None, copy=None):
        return np.array(self._ndarray(), dtype=dtype, copy=True)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        call = _Call()
        # ufunc.at writes into its first input; every ufunc method into out=.
        arguments = [call.unwrap(value, method == "at" and i == 0) for i, value in enumerate(inputs)]
        kwargs = {name: call.unwrap(value, name == "out") for name, value in kwargs.items()}
        return call.finish(getattr(ufunc, method)(*arguments, **kwargs))

    def __array_function__(self, func, types, args, kwargs):
        call = _Call()
        position, keyword = _WRITING_FUNCTIONS.get(func, (None, "out"))
        arguments = [call.unwrap(value, i == position) for i, value in enumerate(args)]
        kwargs = {name: call.unwrap(value, name in ("out", keyword)) for name, value in kwargs.items()}
        return call.finish(func(*arguments, **kwargs))

    def __repr__(self):
        reason = self._invalid_reason(self._array.Get())
        if reason:
            return f"<numpy_view of a gone array: {reason}>"
        return f"numpy_view({self._ndarray()!r})"

    # The arithmetic operators through the ufuncs above.
    def _binary(ufunc, reflected=False):
        if reflected:
            return lambda self, other: ufunc(other, self)
        return lambda self, other: ufunc(self, other)

    def _inplace(ufunc):
        def apply(self, other):
            ufunc(self, other, out=(self,))
            return self

        return apply

    __add__, __radd__, __iadd__ = _binary(np.add), _binary(np.add, True), _inplace(np.add)
    __sub__, __rsub__, __isub__ = (
        _binary(np.subtract),
        _binary(np.subtract, True),
        _inplace(np.subtract),
    )
    __mul__, __rmul__, __imul__ = (
        _binary(np.multiply),
        _binary(np.multiply, True),
        _inplace(np.multiply),
    )
    __truediv__, __rtruediv__, __itruediv__ = (
        _binary(np.true_divide),
        _binary(np.true_divide, True),
        _inplace(np.true_divide),
    )
    __eq__, __ne__ = _binary(np.equal), _binary(np.not_equal)
    __lt__, __le__, __gt__, __ge__ = (
        _binary(np.less),
        _binary(np.less_equal),
        _binary(np.greater),
        _binary(np.greater_equal),
    )
    __neg__ = lambda self: np.negative(self)  # noqa: E731
    __hash__ = None
    del _binary, _inplace


def numpy_view(array):
    """A zero-copy numpy view of a VTK AOS array's live tuples that raises
    ``RuntimeError`` on access once the array reallocated, swapped its buffer or died;
    see ``GuardedNumpyView``."""
    return GuardedNumpyView(array)
