# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# The one place the version is written: the standalone project(), the library's
# vtkTrackedArrayCache::GetVersion() (also inside a VTK source tree) and Python's
# trackedarraycache.__version__ all read it.
set(TRACKEDARRAYCACHE_VERSION 0.1.0)
