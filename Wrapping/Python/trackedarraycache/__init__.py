# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
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

# The project's version, as the library was built with it.
__version__ = vtkTrackedArrayCache.GetVersion()

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
