"""TrackedArrayCache: track VTK data arrays for change and cache what is derived from them.

>>> import trackedarraycache
>>> cache = trackedarraycache.vtkTrackedArrayCache()
"""

from .vtkTrackedArrayCache import vtkArrayBufferPool, vtkTrackedArrayCache, vtkTrackedCacheFilter

__all__ = ["vtkArrayBufferPool", "vtkTrackedArrayCache", "vtkTrackedCacheFilter"]
