"""Views of VTK arrays that cannot read freed memory.

``view(array, begin, end, components=None)``: a contiguous copy of tuples [begin, end)
and some components of any numeric VTK array (AOS, SOA, implicit), refreshed from the
array and written back to it (``vtkTrackedArrayView``); a context manager that releases
it on exit.

``numpy_view(array)``: a zero-copy numpy view of an AOS array that raises
``RuntimeError`` instead of reading freed memory once the array reallocated, swapped its
buffer or died (what VTK 9.7 added to its numpy support, here on every VTK).
"""

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonCore import VTK_BIT, VTK_STRING, vtkCommand, vtkDataArray, vtkIdList

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
    """One numpy call on guarded views. Their buffers go in read-only, except where the
    call writes (out=, ufunc.at, the functions above), whose arrays get Modified()
    afterwards; so numpy either calls Modified() or raises. Nothing that may alias any of
    the buffers comes out: a view passed as out= comes back as itself, others as copies."""

    def __init__(self):
        self.passed = []  # (view, ndarray, written)

    def unwrap(self, value, written=False):
        if isinstance(value, GuardedNumpyView):
            values = value._ndarray()
            values.flags.writeable = written
            self.passed.append((value, values, written))
            return values
        if isinstance(value, (list, tuple)):
            return type(value)(self.unwrap(item, written) for item in value)
        if isinstance(value, dict):
            return {name: self.unwrap(item, written) for name, item in value.items()}
        return value

    def finish(self, result):
        for view, _, written in self.passed:
            if written:
                view._modified()
        return self.detach(result)

    def detach(self, result):
        if isinstance(result, np.ndarray):
            for view, values, written in self.passed:
                if written and result is values:
                    return view
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
    """A numpy-like view of a VTK AOS array that checks, before every access, that the
    array is alive and has the same buffer, size, type and components as when the view
    was made; otherwise it raises ``RuntimeError``.

    Guarantee: no access through this object reads or writes freed memory. Reads and
    writes go to the array's memory without copying (indexing, assignment, ufuncs and
    numpy functions such as ``np.sum(v)``). Writes call the array's Modified(): numpy
    may write only where a call says it writes (``out=``, ``ufunc.at``, ``np.copyto``,
    ``np.put``, ``np.putmask``, ``np.place``, ``np.fill_diagonal``,
    ``np.put_along_axis``); anywhere else the buffer is read-only and numpy raises.
    Nothing that may alias the array's memory is handed out: slices, ``np.asarray(v)``
    and numpy results that may share memory with any view of a call (in lists, tuples
    and dicts too) come back as copies, so they stay valid whatever happens to the
    array; a view passed as ``out=`` comes back as itself.

    Cost: each access compares the array's storage with the view's (a microsecond) and
    wraps the current buffer in a fresh ndarray (a few microseconds), on top of the
    operation itself. The view holds no reference to the array: when the array's last
    owner lets go, the view raises instead of keeping it alive.
    """

    def __init__(self, array):
        if not isinstance(array, vtkDataArray):
            raise TypeError(f"numpy_view() needs a vtkDataArray, not {type(array).__name__}")
        if not array.HasStandardMemoryLayout() or array.GetDataType() == VTK_BIT:
            raise TypeError(
                f"numpy_view() needs an array with one contiguous buffer (AOS); "
                f"{array.GetClassName()} is not one: use view() to copy its values"
            )
        self._guard = vtkTrackedArrayView()
        self._guard.SetView(array, 0, array.GetNumberOfTuples())
        self._components = array.GetNumberOfComponents()

    def _ndarray(self):
        if not self._guard.IsValid():
            raise RuntimeError(f"numpy_view: {self._guard.GetInvalidReason()}")
        values = vtk_to_numpy(self._guard.GetArray())
        return values if self._components == 1 else values.reshape(-1, self._components)

    def _modified(self):
        self._guard.GetArray().Modified()

    @property
    def valid(self):
        """Whether accesses still reach the array's values."""
        return self._guard.IsValid()

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
        if isinstance(value, GuardedNumpyView):
            value = value._ndarray()
        self._ndarray()[index] = value
        self._modified()

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
        if not self._guard.IsValid():
            return f"<numpy_view of a gone array: {self._guard.GetInvalidReason()}>"
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
    """A zero-copy numpy view of a VTK AOS array that raises ``RuntimeError`` on access
    once the array reallocated, swapped its buffer or died; see ``GuardedNumpyView``."""
    return GuardedNumpyView(array)
