"""TrackedArrayCache: track VTK data arrays for change and cache what is derived from them.

>>> import trackedarraycache
>>> cache = trackedarraycache.vtkTrackedArrayCache()
"""

from .memoize import cached, numpy_digest
from .views import numpy_view, view
from .vtkTrackedArrayCache import (
    vtkArrayBufferPool,
    vtkTrackedArrayCache,
    vtkTrackedArrayView,
    vtkTrackedCacheFilter,
    vtkTrackedDiskCache,
)

__all__ = [
    "cached",
    "numpy_digest",
    "numpy_view",
    "view",
    "vtkArrayBufferPool",
    "vtkTrackedArrayCache",
    "vtkTrackedArrayView",
    "vtkTrackedCacheFilter",
    "vtkTrackedDiskCache",
]
