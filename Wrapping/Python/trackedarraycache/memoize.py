"""``cached``: memoize a Python function of VTK arrays, VTK data objects, numpy arrays
and plain values, keyed by content digests.

The key of a call is the digest of: the function's qualified name and source text (so
editing the function misses), then each argument, positional and keyword, as

- a VTK array or data object: its content digest from the cache's ``GetDigest()``
  (kept with the object's stamp: an object passed again unchanged is not hashed again);
  in Content validation mode, hashed afresh every call;
- a numpy array: dtype, shape and the XXH3 content digest of its bytes, hashed in place
  through the same C++ digest (non-contiguous arrays are made contiguous first);
- None, bool, int, float, complex, str, bytes: type and ``repr``; tuples, lists and dicts
  (with plain keys) of those, recursively.

Any other argument type raises ``TypeError`` naming the argument. ``f(a)`` and
``f(x=a)`` are different calls, as for ``functools.lru_cache``.

Results that are VTK objects are stored in a ``vtkTrackedArrayCache`` as they are (the
same object is returned on a hit; the cache's tamper check drops it if a caller modified
it); numpy results are stored as VTK arrays and returned read-only; other results are
kept in a per-function dictionary of at most ``maxsize`` entries. With a disk level, VTK
and numpy results are also written there (VTK's XML formats) and found by later
processes; other results stay in memory. Nothing is pickled.
"""

import functools
import inspect
from collections import OrderedDict, namedtuple

import numpy as np
from vtkmodules.util.numpy_support import (
    create_vtk_array,
    get_vtk_array_type,
    numpy_to_vtk,
    vtk_to_numpy,
)
from vtkmodules.vtkCommonCore import vtkAbstractArray, vtkObject
from vtkmodules.vtkCommonDataModel import vtkDataObject

from .vtkTrackedArrayCache import vtkTrackedArrayCache, vtkTrackedDiskCache

CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])

_ENTRY_KEY = "trackedarraycache.cached"
_SHAPE_PREFIX = "trackedarraycache numpy shape "
_COMPRESSIONS = {None: 0, "none": 0, "zlib": 1, "lz4": 2, "lzma": 3}  # vtkTrackedDiskCache
_PLAIN = (type(None), bool, int, float, complex, str, bytes)


def numpy_digest(values):
    """The XXH3-128 content digest of a numpy array's values, hashed in place: the digest
    of a VTK array of the same type holding them (one tuple per row, the other axes as
    components)."""
    contiguous = np.ascontiguousarray(values)
    if contiguous.dtype == np.bool_:
        contiguous = contiguous.view(np.uint8)
    try:
        vtk_type = get_vtk_array_type(contiguous.dtype)
    except (KeyError, TypeError):
        raise TypeError(f"numpy arrays of dtype {values.dtype} cannot be digested") from None
    array = create_vtk_array(vtk_type)
    rows = contiguous.shape[0] if contiguous.ndim else 1
    array.SetNumberOfComponents(max(1, contiguous.size // rows) if rows else 1)
    flat = contiguous.reshape(-1)
    array.SetVoidArray(flat, flat.size, 1)  # borrows the memory: flat outlives the call
    return vtkTrackedArrayCache.ComputeDigest(array)


def _disk_level(disk, compress, readable_names):
    """A vtkTrackedDiskCache from the `disk` option: one, or a directory."""
    if disk is None or isinstance(disk, vtkTrackedDiskCache):
        return disk
    level = vtkTrackedDiskCache()
    level.SetDirectory(str(disk))
    name, strength = compress if isinstance(compress, tuple) else (compress, None)
    if name not in _COMPRESSIONS:
        raise ValueError(f"compress={compress!r}: one of None, 'zlib', 'lz4', 'lzma'")
    level.SetCompression(_COMPRESSIONS[name])
    if strength is not None:
        level.SetCompressionLevel(int(strength))
    level.SetReadableNames(bool(readable_names))
    if not level.IsUsable():
        raise ValueError(f"cached(disk={disk!r}): {level.GetUnusableReason()}")
    return level


def _numpy_from_vtk(array):
    """A read-only numpy array from a stored VTK array, shaped as its name records."""
    values = vtk_to_numpy(array)
    name = array.GetName() or ""
    if name.startswith(_SHAPE_PREFIX):
        shape = tuple(int(n) for n in name[len(_SHAPE_PREFIX):].split())
        values = values.reshape(shape)
    values.flags.writeable = False  # a caller's write would change the stored result
    return values


class _Memo:
    def __init__(self, function, memory, maxsize, enable, write, force_update, disk):
        self.function = function
        self.private = not isinstance(memory, vtkTrackedArrayCache)
        if not self.private:
            self.cache = memory
        else:
            self.cache = vtkTrackedArrayCache()
            if memory is not None:
                self.cache.SetMemoryBudget(int(memory))
        self.maxsize = maxsize
        self.enable, self.write, self.force_update = enable, write, force_update
        self.disk = disk
        self.plain = OrderedDict()  # key digest -> plain result, least recent first
        self.stored = set()  # key digests this function stored in the cache
        self.hits = self.misses = 0
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):  # no source file (a REPL): the compiled code instead
            code = function.__code__
            source = repr((code.co_code, code.co_consts, code.co_names))
        self.identity = f"cached/1\n{function.__module__}.{function.__qualname__}\n{source}\n"
        try:  # names for error messages only; keys use positions
            self.positional = [
                p.name
                for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            self.positional = []

    def describe(self, name, value):
        """The key text of one argument."""
        if isinstance(value, (vtkAbstractArray, vtkDataObject)):
            if self.cache.GetValidationMode() == vtkTrackedArrayCache.Content:
                digest = vtkTrackedArrayCache.ComputeDigest(value)
            else:
                digest = self.cache.GetDigest(value)
            if not digest:
                raise TypeError(f"argument '{name}': a {value.GetClassName()} cannot be digested")
            return f"vtk {digest}"
        if isinstance(value, np.ndarray):
            try:
                return f"numpy {value.dtype.str} {value.shape} {numpy_digest(value)}"
            except TypeError as error:
                raise TypeError(f"argument '{name}': {error}") from None
        if isinstance(value, _PLAIN):
            return f"{type(value).__name__} {value!r}"
        if isinstance(value, (tuple, list)):
            items = ", ".join(self.describe(f"{name}[{i}]", v) for i, v in enumerate(value))
            return f"{type(value).__name__} [{items}]"
        if isinstance(value, dict):
            keys = sorted(value, key=repr)
            for key in keys:
                if not isinstance(key, _PLAIN):
                    raise TypeError(f"argument '{name}': dictionary key {key!r} is not a plain value")
            items = ", ".join(f"{k!r}: {self.describe(f'{name}[{k!r}]', value[k])}" for k in keys)
            return f"dict {{{items}}}"
        raise TypeError(
            f"argument '{name}' of {self.function.__qualname__} is a {type(value).__name__}, "
            "which cannot be keyed by content (VTK arrays and data objects, numpy arrays "
            "and plain values can)"
        )

    def key(self, args, kwargs):
        parts = [self.identity]
        for index, value in enumerate(args):
            name = self.positional[index] if index < len(self.positional) else f"#{index}"
            parts.append(f"{index}={self.describe(name, value)}")
        for name in sorted(kwargs):
            parts.append(f"{name}={self.describe(name, kwargs[name])}")
        return vtkTrackedArrayCache.ComputeTextDigest("\n".join(parts))

    def lookup(self, key):
        if key in self.plain:
            self.plain.move_to_end(key)
            return True, self.plain[key]
        stored = self.cache.Get(key, _ENTRY_KEY)
        if stored is None:
            self.stored.discard(key)
            stored = self.disk.Get(key) if self.disk is not None else None
            if stored is None:
                return False, None
            if self.cache.Set(key, _ENTRY_KEY, stored):  # found on disk: kept in memory
                self.stored.add(key)
        name = stored.GetName() if hasattr(stored, "GetName") else None
        if name and name.startswith(_SHAPE_PREFIX):
            return True, _numpy_from_vtk(stored)
        return True, stored

    def store(self, key, result):
        if isinstance(result, np.ndarray) and result.dtype != object:
            rows = result.shape[0] if result.ndim else 1
            value = numpy_to_vtk(np.ascontiguousarray(result).reshape(rows, -1), deep=1)
            value.SetName(_SHAPE_PREFIX + " ".join(str(n) for n in result.shape))
        elif isinstance(result, vtkObject):
            value = result
        else:
            self.plain[key] = result
            self.plain.move_to_end(key)
            while self.maxsize is not None and len(self.plain) > self.maxsize:
                self.plain.popitem(last=False)
            return
        if self.cache.Set(key, _ENTRY_KEY, value):
            self.stored.add(key)
        if self.disk is not None and isinstance(value, (vtkAbstractArray, vtkDataObject)):
            self.disk.Set(key, value)

    def __call__(self, *args, **kwargs):
        if not self.enable:
            return self.function(*args, **kwargs)
        key = self.key(args, kwargs)
        if not self.force_update:
            found, result = self.lookup(key)
            if found:
                self.hits += 1
                return result
        self.misses += 1
        result = self.function(*args, **kwargs)
        if self.write:
            self.store(key, result)
        return result

    def info(self):
        # A function's own cache holds only its results; in a shared one, the results it
        # stored that no lookup found gone yet (an upper bound).
        stored = self.cache.GetNumberOfEntries() if self.private else len(self.stored)
        return CacheInfo(self.hits, self.misses, self.maxsize, len(self.plain) + stored)

    def clear(self):
        for key in self.stored:
            self.cache.Invalidate(key, _ENTRY_KEY)
        self.stored.clear()
        self.plain.clear()
        self.hits = self.misses = 0


def cached(function=None, *, enable=True, write=True, force_update=False, memory=None,
           maxsize=128, disk=None, compress="lz4", readable_names=False):
    """Memoizes `function` by the content of its arguments (see the module's text).

    Options: ``enable`` (False calls straight through), ``write`` (False only reuses what
    is stored), ``force_update`` (recompute and overwrite), ``memory`` (a
    ``vtkTrackedArrayCache`` to share, or a budget in bytes for the function's own),
    ``maxsize`` (plain results kept), ``disk`` (a ``vtkTrackedDiskCache``, or a
    directory for one made with ``compress`` — None, "zlib", "lz4", "lzma", or a
    (name, level) pair — and ``readable_names``). The wrapper has ``cache_info()`` and
    ``cache_clear()`` like ``functools.lru_cache`` (clearing leaves the disk level).
    """
    disk = _disk_level(disk, compress, readable_names)

    def decorate(f):
        memo = _Memo(f, memory, maxsize, enable, write, force_update, disk)

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            return memo(*args, **kwargs)

        wrapper.cache_info = memo.info
        wrapper.cache_clear = memo.clear
        wrapper.cache = memo.cache
        return wrapper

    return decorate(function) if function is not None else decorate
