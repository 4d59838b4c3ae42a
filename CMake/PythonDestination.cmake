# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Where the Python package goes, relative to the install prefix. Debian's python3
# reads <prefix>/lib/python3.X/dist-packages (not site-packages) under /usr/local.
if (NOT DEFINED TRACKEDARRAYCACHE_PYTHON_DESTINATION)
  execute_process(
    COMMAND "${Python3_EXECUTABLE}" -c
      "import sys; print(int(any(p.endswith('dist-packages') for p in sys.path)))"
    OUTPUT_VARIABLE trackedarraycache_python_uses_dist_packages
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if (trackedarraycache_python_uses_dist_packages)
    set(trackedarraycache_python_default
      "lib/python${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}/dist-packages")
  else ()
    vtk_module_python_default_destination(trackedarraycache_python_default)
  endif ()
  set(TRACKEDARRAYCACHE_PYTHON_DESTINATION "${trackedarraycache_python_default}"
    CACHE STRING "Python package destination, relative to the install prefix")
endif ()
