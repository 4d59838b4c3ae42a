# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Imports trackedarraycache from an install prefix (argv[1]) and uses it once."""
import sys

import trackedarraycache
from vtkmodules.vtkCommonCore import vtkFloatArray

prefix = sys.argv[1]
if not trackedarraycache.__file__.startswith(prefix):
    sys.exit(f"imported {trackedarraycache.__file__}, not the package installed in {prefix}")
cache = trackedarraycache.vtkTrackedArrayCache()
source, derived = vtkFloatArray(), vtkFloatArray()
if not (cache.Set(source, "derived", derived) and cache.Get(source, "derived") is derived):
    sys.exit("the installed package does not cache")
if trackedarraycache.__version__ != cache.GetVersion() or not trackedarraycache.__version__:
    sys.exit(f"the installed package's __version__ is {trackedarraycache.__version__!r}")
print("installed Python package works:", trackedarraycache.__file__, trackedarraycache.__version__)
