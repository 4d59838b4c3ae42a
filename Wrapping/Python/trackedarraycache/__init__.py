"""TrackedArrayCache: track VTK data arrays for change and cache what is derived from them.

>>> import trackedarraycache
>>> cache = trackedarraycache.vtkTrackedArrayCache()
"""

from .vtkTrackedArrayCache import vtkArrayBufferPool, vtkTrackedArrayCache

__all__ = ["vtkArrayBufferPool", "vtkTrackedArrayCache"]
