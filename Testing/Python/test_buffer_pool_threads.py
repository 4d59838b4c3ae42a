# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""A buffer the pool handed to Python is never given to, nor deleted by, the C++ leases that
digest worker threads take: deleting an object Python observes (VTK 9.7's numpy interface adds
a Python observer to every array it views; any wrapper with attributes of its own leaves a
Python "ghost" behind) needs the interpreter's lock, which the thread waiting for the workers
holds. The scenario runs in a child process so that a deadlock fails the test instead of
hanging it."""

import subprocess
import sys
import textwrap

SCENARIO = textwrap.dedent(
    """
    import numpy as np
    from vtkmodules.vtkCommonCore import VTK_DOUBLE, vtkSOADataArrayTemplate
    from trackedarraycache import vtkTrackedArrayCache

    soa = vtkSOADataArrayTemplate["float64"]()
    soa.SetNumberOfComponents(3)
    soa.SetNumberOfTuples(1_000_000)  # many chunks: hashed by worker threads
    cache = vtkTrackedArrayCache()
    pool = cache.GetBufferPool()
    piece = (512 * 1024) // 24 * 3  # the lease an SOA double x 3 digest takes
    for _ in range(20):
        pool.SetMaximumPooledBytes(piece * 8)  # one idle buffer: leases trim it at once
        buffer = pool.Acquire(VTK_DOUBLE, piece)
        buffer.note = "Python state of its own"
        np.asarray(buffer)[:] = 1.0
        pool.Release(buffer)
        del buffer  # the wrapper goes; the pooled array stays, observed from Python
        assert cache.GetDigest(soa) == vtkTrackedArrayCache.ComputeDigest(soa)
        soa.Modified()
    print("reuses", pool.GetNumberOfReuses())
    """
)


def test_digest_workers_never_take_nor_free_what_python_was_given():
    child = subprocess.run(
        [sys.executable, "-c", SCENARIO], capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.startswith("reuses ")
