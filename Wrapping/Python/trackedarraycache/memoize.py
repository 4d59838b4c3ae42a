# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""``cached``: memoize a Python function of VTK arrays, VTK data objects, numpy arrays
and plain values, keyed by content digests.

The key of a call is the digest of: the function's qualified name and source text (so
editing the function misses), the current values of its default arguments and of the
variables it closes over (see below), then each argument, positional and keyword, as

- a VTK array or data object: its content digest, hashed afresh at every call, since
  numpy writes into VTK arrays without ``Modified()`` (views from ``np.asarray`` and
  ``vtk_to_numpy``, and on VTK 9.7 the arrays' own numpy interface: ``a[0] = 1``,
  ``np.copyto(a, b)``, ``a[:] += 1``). With ``trust_stamps=True``, the cache's
  ``GetDigest()`` instead: kept with the object's stamp, so an object passed again
  unchanged is not hashed again; that sees a write without ``Modified()`` only into an
  array whose vtkBuffer has another owner (VTK 9.7's numpy interface holds it from an
  array's first indexing, ufunc or numpy function on), not one through an ``np.asarray``
  or ``vtk_to_numpy`` view or ``GetPointer()`` (a cache in Content validation mode hashes
  afresh whatever the option);
- a numpy array or scalar: dtype, shape and the XXH3 content digest of its bytes, hashed
  in place through the same C++ digest (non-contiguous arrays are made contiguous first);
- None, bool, int, float, complex, str, bytes: type and ``repr``; tuples, lists and dicts
  (with plain keys) of those, recursively.

Any other argument type raises ``TypeError`` naming the argument. ``f(a)`` and
``f(x=a)`` are different calls, as for ``functools.lru_cache``.

Defaults and closure variables are keyed like arguments where they can be, a function
among them like the function itself (name, source, defaults, closure); others are keyed
by their type only. That includes lists and dicts, which defaults and closures mostly use
to collect state (``calls.append(...)``): a result that depends on one is not told apart
by it. Global variables the function reads are not in the key either (as with
``joblib.Memory``): pass what the result depends on as arguments. A large numpy array
among them is hashed at every call, as an argument is.

Results that are VTK objects are stored in a ``vtkTrackedArrayCache`` as they are: the
same object is returned on a hit, unless a caller changed it since. The cache's tamper
check drops one modified with ``Modified()``; and the content of a VTK array or data
object result, recorded when it is stored, is hashed again at every hit (unless
``trust_stamps=True``), so that one written into through numpy without ``Modified()`` is
computed again instead of served (results of data object types digests do not cover
are therefore not kept unless ``trust_stamps=True``; other VTK objects, such as a
locator, have the tamper check only). Numpy results of numeric, bool and complex dtypes
are stored as VTK arrays (dtype and shape recorded) and returned read-only with the same
dtype and shape, over a read-only buffer (numpy refuses to make them writable again);
other results (numpy arrays of other dtypes, such as strings, float16 or long double, as
read-only copies) are kept in a per-function dictionary of at most ``maxsize`` entries.
Plain results are returned as they are: a caller that changes a returned list or dict
changes what later hits return, as with ``functools.lru_cache``. With a disk level, VTK
and numpy results are also written there (raw values, mapped back without a copy on a
hit) and found by later processes; other results stay in memory. Nothing is pickled. A process that misses
takes the key's lock on the disk level: others that miss the same key meanwhile wait
for its result (``lock_timeout``) instead of computing it too. Each result kept in
memory records the seconds it took, which ``eviction="cost"`` weighs.

Cost (``Testing/Benchmarks/benchmark_cached.py``, medians of one run on 2 shared cores):
by default each VTK argument and each VTK result served costs one hash pass over its
values, as a numpy argument does: about 1.9 ms for 24 MB, against 35 ms for a
``joblib.Memory`` hit (18 to 20 times less). With ``trust_stamps=True`` a hit with an
unchanged VTK argument takes about 1 microsecond, serving a VTK result about 1.4 (VTK
9.1); an argument that VTK 9.7's numpy interface viewed is still hashed (its buffer has
another owner).
"""

import functools
import inspect
import operator
import time
from collections import OrderedDict, namedtuple
from itertools import chain

import numpy as np
from vtkmodules.util.numpy_support import (
    create_vtk_array,
    get_numpy_array_type,
    get_vtk_array_type,
    numpy_to_vtk,
)
from vtkmodules.vtkCommonCore import VTK_SIGNED_CHAR, vtkAbstractArray, vtkCommand, vtkObject
from vtkmodules.vtkCommonDataModel import vtkDataObject

from .vtkTrackedArrayCache import vtkTrackedArrayCache, vtkTrackedDiskCache


@functools.lru_cache(maxsize=1024)
def _source_of(code):
    """The source text of compiled code (the code itself without a source file, as in a
    REPL), read once per code object: a reloaded module makes new ones."""
    try:
        return inspect.getsource(code)
    except (OSError, TypeError):
        return repr((code.co_code, code.co_consts, code.co_names))


def _immutable(value):
    """A plain value, or a tuple of them: its key text is fixed by the object itself."""
    return type(value) in _PLAIN or (type(value) is tuple and all(map(_immutable, value)))


def _fixed_by_identity(value):
    """Whether a default or closure value's key text stays the same while the same object
    stays there: immutable plain values, and the lists and dicts the key leaves unkeyed.
    Anything else (arrays, VTK objects, functions) is described again at each call."""
    return type(value) in (list, dict) or _immutable(value)


_UNBOUND = object()  # a closure cell not bound yet


def _held_by(function):
    """Every object a function's key text is made of, in order: the same objects (by
    identity) describe it the same way if each is fixed by identity."""
    held = (function.__code__, function.__module__, function.__qualname__, function.__defaults__)
    kwdefaults, closure = function.__kwdefaults__, function.__closure__
    if kwdefaults:
        held += (*kwdefaults, *kwdefaults.values())
    if closure:
        held += tuple(map(_contents, closure))
    return held


def _still_held(closure, held):
    """Whether `held` is four objects, then what each cell of a closure holds now."""
    if closure is None:
        return len(held) == 4
    index = 4
    try:
        for cell in closure:
            if cell.cell_contents is not held[index]:
                return False
            index += 1
    except (ValueError, IndexError):  # a cell not bound yet (_held_by tells), or fewer held
        return False
    return index == len(held)


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # not bound yet
        return _UNBOUND


CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])

_ENTRY_KEY = "trackedarraycache.cached"
_NUMPY_PREFIX = "trackedarraycache numpy "  # then the dtype, its byte order and the shape
_BYTE_ORDERS = {"<": "little", ">": "big", "|": "any"}  # words, not marks, in array names
_BYTE_ORDER_MARKS = {word: mark for mark, word in _BYTE_ORDERS.items()}
_COMPRESSIONS = {
    None: vtkTrackedDiskCache.NoCompression,
    "none": vtkTrackedDiskCache.NoCompression,
    "zlib": vtkTrackedDiskCache.ZLib,
    "lz4": vtkTrackedDiskCache.LZ4,
    "lzma": vtkTrackedDiskCache.LZMA,
}
_PLAIN = (type(None), bool, int, float, complex, str, bytes)
_PLAIN_TYPES = frozenset(_PLAIN)  # exactly these types: subclasses take describe()'s path
_CONTENT = vtkTrackedArrayCache.Content
_compute_digest = vtkTrackedArrayCache.ComputeDigest
_text_digest = vtkTrackedArrayCache.ComputeTextDigest
# A function's memo of the key digests of its recent argument texts: at most this many,
# whose arguments take at most this many characters (the function's own text is shared).
_KEYS_KEPT = 128
_KEY_TEXT_KEPT = 512
_DIGESTED = (vtkAbstractArray, vtkDataObject)

# The content of every VTK result handed out as it is, recorded under (result, call key)
# and checked by content at each hit (one hash pass of the result): what a caller wrote
# into it through numpy, without Modified(), shows. One for the process, so a function
# checks what another one sharing its cache stored; an entry goes with its result.
_HANDED_OUT = vtkTrackedArrayCache()
_HANDED_OUT.SetValidationModeToContent()
# Its only errors are results of data object types digests do not cover, which Set()
# tells by its return value.
_HANDED_OUT.AddObserver(vtkCommand.ErrorEvent, lambda caller, event: None)
_RECORDED = vtkObject()  # the value of its entries: only their presence counts


def numpy_digest(values):
    """The XXH3-128 content digest of a numpy array's values, hashed in place: the digest
    of a VTK array of the same type holding them (one tuple per row, the other axes as
    components)."""
    contiguous = np.ascontiguousarray(values)
    rows = contiguous.shape[0] if contiguous.ndim else 1
    flat = _as_vtk_values(contiguous.reshape(-1))
    try:
        vtk_type = get_vtk_array_type(flat.dtype)
    except (KeyError, TypeError):
        raise TypeError(f"numpy arrays of dtype {values.dtype} cannot be digested") from None
    array = create_vtk_array(vtk_type)
    array.SetNumberOfComponents(max(1, flat.size // rows) if rows else 1)
    array.SetVoidArray(flat, flat.size, 1)  # borrows the memory: flat outlives the call
    return vtkTrackedArrayCache.ComputeDigest(array)


def _as_vtk_values(flat):
    """A 1-D array's values as a type VTK arrays hold: bools as bytes, complex numbers as
    (real, imaginary) pairs (a view, no copy)."""
    if flat.dtype.kind == "b":
        return flat.view(np.uint8)
    if flat.dtype.kind == "c":
        return flat.view(flat.real.dtype)
    return flat


def _vtk_from_numpy(values):
    """A VTK array holding a numpy array's values, its dtype and shape recorded in its name;
    None for dtypes VTK arrays cannot hold."""
    if values.dtype.kind not in "biufc":
        return None
    native = values.dtype.newbyteorder("=")
    flat = _as_vtk_values(np.ascontiguousarray(values, dtype=native).reshape(-1))
    try:
        get_vtk_array_type(flat.dtype)
    except (KeyError, TypeError):  # float16, long double: no VTK array holds them
        return None
    # numpy_to_vtk makes int8 a vtkCharArray, whose signedness is the platform's: signed char.
    array = numpy_to_vtk(
        flat, deep=1, array_type=VTK_SIGNED_CHAR if flat.dtype == np.int8 else None
    )
    words = [values.dtype.name, _BYTE_ORDERS[values.dtype.str[0]]] + [str(n) for n in values.shape]
    array.SetName(_NUMPY_PREFIX + " ".join(words))
    return array


def _numpy_from_vtk(array):
    """The read-only numpy array a VTK array made by _vtk_from_numpy holds."""
    words = array.GetName()[len(_NUMPY_PREFIX) :].split()
    dtype = np.dtype(words[0]).newbyteorder(_BYTE_ORDER_MARKS[words[1]])
    shape = tuple(int(n) for n in words[2:])
    # Over a read-only buffer: numpy refuses to make it writable again.
    values = np.frombuffer(
        memoryview(array).toreadonly(), dtype=get_numpy_array_type(array.GetDataType())
    )
    if dtype.kind in "bc":
        values = values.view(dtype.newbyteorder("="))
    values = values.astype(dtype, copy=False).reshape(shape)
    values.flags.writeable = False  # a copy (another byte order) is the caller's own
    return values


def _holds_numpy(stored):
    """Whether a stored VTK array holds a numpy result (handed out as a numpy array)."""
    name = stored.GetName() if isinstance(stored, vtkAbstractArray) else None
    return bool(name) and name.startswith(_NUMPY_PREFIX)


def _handed_out(stored):
    """Whether a stored value is handed out as it is and has content: a VTK array (not one
    holding a numpy result) or data object. Those have their content checked at hits."""
    return isinstance(stored, (vtkAbstractArray, vtkDataObject)) and not _holds_numpy(stored)


_EVICTIONS = {"lru": vtkTrackedArrayCache.LeastRecentlyUsed, "cost": vtkTrackedArrayCache.CostAware}


def _disk_level(disk, compress, readable_names, lock_timeout):
    """A vtkTrackedDiskCache from the `disk` option: one, or a directory."""
    if disk is None or isinstance(disk, vtkTrackedDiskCache):
        return disk
    level = vtkTrackedDiskCache()
    level.SetDirectory(str(disk))
    if not (isinstance(lock_timeout, (int, float)) and 0 <= lock_timeout < float("inf")):
        raise ValueError(f"lock_timeout={lock_timeout!r}: finite seconds, 0 or more")
    level.SetLockTimeout(float(lock_timeout))
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


def _memory_level(memory, eviction):
    """The function's vtkTrackedArrayCache from the `memory` and `eviction` options."""
    if isinstance(memory, vtkTrackedArrayCache):
        if eviction is not None:
            raise ValueError("eviction=: a shared cache has its own policy (SetEvictionPolicy)")
        return memory
    if eviction not in (None, *_EVICTIONS):
        raise ValueError(f"eviction={eviction!r}: 'lru' or 'cost'")
    cache = vtkTrackedArrayCache()
    if memory is not None:
        cache.SetMemoryBudget(int(memory))
    cache.SetEvictionPolicy(_EVICTIONS[eviction or "lru"])
    return cache


class _Memo:
    def __init__(
        self, function, memory, eviction, maxsize, enable, write, force_update, disk, trust_stamps
    ):
        self.function = function
        self.private = not isinstance(memory, vtkTrackedArrayCache)
        self.cache = _memory_level(memory, eviction)
        # Bound once: looking a method up on a VTK object costs tens of ns at each hit.
        self.cache_get = self.cache.Get
        self.get_digest = self.cache.GetDigest
        self.validation_mode = self.cache.GetValidationMode
        self.maxsize = maxsize
        self.enable, self.write, self.force_update = enable, write, force_update
        self.disk = disk
        # Whether a miss takes the disk key's lock: only while the function's results are
        # stored there (a lock on a result no one stores would only make others wait).
        self.lock_disk = write
        self.trust_stamps = trust_stamps
        self.plain = OrderedDict()  # key digest -> plain result, least recent first
        self.stored = set()  # key digests this function stored in the cache
        self.hits = self.misses = 0
        self.function_text = None  # (the objects held, the key text) to reuse, or None
        # The key digests of recent calls by their key's parts: the digest of equal parts
        # (made of the function's text above) is the same, and hashing it costs half a hit.
        self.keys = {}
        if not inspect.isfunction(function):
            raise TypeError(
                f"cached() needs a Python function, not {type(function).__name__} "
                "(wrap it in a def)"
            )
        try:  # names for error messages only; keys use positions
            self.positional = [
                p.name
                for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            self.positional = []

    def vtk_digest(self, value):
        """The digest of a VTK array or data object argument; empty if it has none."""
        if self.trust_stamps and self.validation_mode() != _CONTENT:
            return self.get_digest(value)
        return _compute_digest(value)

    def describe(self, name, value):
        """The key text of one argument."""
        if isinstance(value, _DIGESTED):
            digest = self.vtk_digest(value)
            if not digest:
                raise TypeError(f"argument '{name}': a {value.GetClassName()} cannot be digested")
            return f"vtk {digest}"
        if isinstance(value, np.generic) and not isinstance(value, _PLAIN):  # as a 0-d array
            value = np.asarray(value)
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
                    raise TypeError(
                        f"argument '{name}': dictionary key {key!r} is not a plain value"
                    )
            items = ", ".join(f"{k!r}: {self.describe(f'{name}[{k!r}]', value[k])}" for k in keys)
            return f"dict {{{items}}}"
        raise TypeError(
            f"argument '{name}' of {self.function.__qualname__} is a {type(value).__name__}, "
            "which cannot be keyed by content (VTK arrays and data objects, numpy arrays "
            "and plain values can)"
        )

    def describe_function(self, function, seen=()):
        """The key text of a function: its qualified name and source, and the values of its
        defaults and closure variables now (a default can be mutated, a closure variable
        rebound), functions among them likewise."""
        if function in seen:  # a recursive closure
            return f"function {function.__qualname__} again"
        seen += (function,)
        parts = [
            f"function {function.__module__}.{function.__qualname__}",
            _source_of(function.__code__),
        ]
        defaults = list(enumerate(function.__defaults__ or ()))
        defaults += sorted((function.__kwdefaults__ or {}).items())
        for name, value in defaults:
            parts.append(f"default {name}={self.describe_loosely(f'default {name}', value, seen)}")
        for name, cell in zip(function.__code__.co_freevars, function.__closure__ or ()):
            value = _contents(cell)
            value = None if value is _UNBOUND else value
            parts.append(f"closure {name}={self.describe_loosely(name, value, seen)}")
        return "\n".join(parts)

    def describe_loosely(self, name, value, seen):
        """The key text of a default or closure value (see the module's text)."""
        if inspect.isfunction(value):
            return self.describe_function(value, seen)
        if not isinstance(value, (list, dict)):
            try:
                return self.describe(name, value)
            except TypeError:
                pass
        return f"unkeyed {type(value).__name__}"

    def function_key(self):
        """describe_function(self.function), made again only when an object it is made of
        was replaced, or when one is not fixed by identity (_fixed_by_identity)."""
        function, reuse = self.function, self.function_text
        if reuse is not None:
            before, text = reuse
            # A function without keyword-only defaults: the test below, without building
            # its _held_by tuple (half a hit's function check).
            if (
                function.__code__ is before[0]
                and function.__defaults__ is before[3]
                and function.__kwdefaults__ is None
                and function.__module__ is before[1]
                and function.__qualname__ is before[2]
                and _still_held(function.__closure__, before)
            ):
                return text
        held = _held_by(function)
        if reuse is not None and len(before) == len(held) and all(map(operator.is_, before, held)):
            return text
        text = self.describe_function(function)
        self.keys.clear()  # made of the text before
        kwdefaults = function.__kwdefaults__ or {}
        values = (*(function.__defaults__ or ()), *held[4 + len(kwdefaults) :])
        self.function_text = (held, text) if all(map(_fixed_by_identity, values)) else None
        return text

    def argument_name(self, label):
        """An argument's name for error messages: a keyword's own, a position's parameter."""
        if type(label) is str:
            return label
        return self.positional[label] if label < len(self.positional) else f"#{label}"

    def key(self, args, kwargs):
        # Arguments of exact plain types and VTK ones with a digest are described here,
        # the rest (and errors) by describe(): the same text, in one loop without a call
        # per argument, as a hit costs little more than this.
        digest_of = _compute_digest
        if self.trust_stamps and self.validation_mode() != _CONTENT:
            digest_of = self.get_digest
        parts = ["cached/2", self.function_key()]
        # Keywords after the positions, sorted by name (unique: values are not compared).
        labelled = chain(enumerate(args), sorted(kwargs.items())) if kwargs else enumerate(args)
        for label, value in labelled:
            kind = type(value)
            if kind in _PLAIN_TYPES:
                parts.append(f"{label}={kind.__name__} {value!r}")
            elif isinstance(value, _DIGESTED) and (digest := digest_of(value)):
                parts.append(f"{label}=vtk {digest}")
            else:
                parts.append(f"{label}={self.describe(self.argument_name(label), value)}")
        if self.function_text is None:  # a text made afresh at each call: none to reuse
            return _text_digest("\n".join(parts))
        parts = tuple(parts)
        key = self.keys.get(parts)
        if key is None:
            key = _text_digest("\n".join(parts))
            # Only short argument texts: no long plain argument's repr is held on to.
            if sum(map(len, parts[2:])) <= _KEY_TEXT_KEPT:
                if len(self.keys) >= _KEYS_KEPT:
                    self.keys.clear()  # one step: no eviction order to keep between threads
                self.keys[parts] = key
        return key

    def lookup(self, key):
        plain = self.plain
        if key in plain:
            plain.move_to_end(key)
            return True, plain[key]
        # In memory; one handed out whose content changed since it was stored (a caller
        # wrote into it) is dropped. Trusting stamps, nothing handed out is checked.
        stored = self.cache_get(key, _ENTRY_KEY)
        if stored is not None and not self.trust_stamps and self.changed_since_stored(key, stored):
            self.cache.Invalidate(key, _ENTRY_KEY)
            stored = None
        if stored is None:
            self.stored.discard(key)
            if self.disk is None:
                return False, None
            started = time.perf_counter()
            # A miss holds the key's lock (other processes wait for this one's result)
            # until call() stores or unlocks.
            stored = self.disk.GetOrLock(key) if self.lock_disk else self.disk.Get(key)
            if stored is None:
                return False, None
            # Kept in memory at the cost of loading it again.
            self.keep(key, stored, time.perf_counter() - started)
        if _holds_numpy(stored):
            return True, _numpy_from_vtk(stored)
        return True, stored

    def changed_since_stored(self, key, stored):
        """Whether the content of a value handed out as it is differs from the one recorded
        when it was stored (one stored by a function trusting stamps has none: it differs)."""
        return _handed_out(stored) and _HANDED_OUT.Get(stored, key) is None

    def keep(self, key, value, seconds):
        """Stores a VTK value in memory with what it took to compute; unless stamps are
        trusted, one handed out as it is only with its content recorded, to be checked at
        each hit."""
        checked = not self.trust_stamps and _handed_out(value)
        if checked and not _HANDED_OUT.Set(value, key, _RECORDED):
            return  # a data object type digests do not cover: its content cannot be checked
        if self.cache.Set(key, _ENTRY_KEY, value, float(seconds)):
            self.stored.add(key)

    def store(self, key, result, seconds):
        if isinstance(result, np.ndarray):
            value = _vtk_from_numpy(result)
            if value is None:  # a dtype VTK arrays cannot hold: a read-only copy in memory
                result = np.array(result)
                result.flags.writeable = False
        else:
            value = result if isinstance(result, vtkObject) else None
        if value is None:
            self.lock_disk = False  # kept in memory only, as its kind will likely be again
            self.plain[key] = result
            self.plain.move_to_end(key)
            while self.maxsize is not None and len(self.plain) > self.maxsize:
                self.plain.popitem(last=False)
            return
        self.keep(key, value, seconds)
        if not isinstance(value, (vtkAbstractArray, vtkDataObject)):
            self.lock_disk = False  # a locator and such: kept in memory only
        elif self.disk is not None:
            self.disk.Set(key, value)  # lets go of the key's lock

    def call(self, args, kwargs):
        """A call of the function through the cache (the wrapper's body)."""
        if not self.enable:
            return self.function(*args, **kwargs)
        key = self.key(args, kwargs)
        if not self.force_update:
            found, result = self.lookup(key)
            if found:
                self.hits += 1
                return result
        self.misses += 1
        started = time.perf_counter()
        try:
            result = self.function(*args, **kwargs)
            if self.write:
                self.store(key, result, time.perf_counter() - started)
        finally:
            if self.disk is not None:
                self.disk.Unlock(key)  # if the lookup took it and nothing was stored
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


def cached(
    function=None,
    *,
    enable=True,
    write=True,
    force_update=False,
    memory=None,
    eviction=None,
    maxsize=128,
    disk=None,
    compress=None,
    readable_names=False,
    lock_timeout=60.0,
    trust_stamps=False,
):
    """Memoizes `function` by the content of its arguments (see the module's text).

    Options: ``enable`` (False calls straight through), ``write`` (False only reuses what
    is stored), ``force_update`` (recompute and overwrite), ``memory`` (a
    ``vtkTrackedArrayCache`` to share, or a budget in bytes for the function's own),
    ``eviction`` (the own cache's policy: "lru", the default, or "cost", which weighs
    the seconds each result took to compute; a shared cache keeps its own),
    ``maxsize`` (plain results kept), ``disk`` (a ``vtkTrackedDiskCache``, or a
    directory for one made with ``compress`` — None, "zlib", "lz4", "lzma", or a
    (name, level) pair — ``readable_names`` and ``lock_timeout``: the seconds a process
    that misses waits for another one computing the same key, 0 for no wait; see
    ``vtkTrackedDiskCache.SetLockTimeout``; a ``vtkTrackedDiskCache`` given keeps its own),
    ``trust_stamps`` (reuse the kept digests of
    unchanged VTK arguments and serve VTK results unhashed: for callers whose writes into
    VTK arrays all call ``Modified()``). The wrapper has ``cache_info()`` and
    ``cache_clear()`` like ``functools.lru_cache`` (clearing leaves the disk level).
    """
    disk = _disk_level(disk, compress, readable_names, lock_timeout)

    def decorate(f):
        memo = _Memo(f, memory, eviction, maxsize, enable, write, force_update, disk, trust_stamps)

        call = memo.call

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            return call(args, kwargs)

        wrapper.cache_info = memo.info
        wrapper.cache_clear = memo.clear
        wrapper.cache = memo.cache
        return wrapper

    return decorate(function) if function is not None else decorate
