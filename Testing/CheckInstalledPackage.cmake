# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs the build tree into PREFIX, then configures, builds and runs the
# downstream project against it, and imports the installed Python package.
function (run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if (result)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "Failed (${result}): ${command}")
  endif ()
endfunction ()

file(REMOVE_RECURSE "${PREFIX}" "${WORK_DIR}")
run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
run("${CMAKE_COMMAND}" -S "${DOWNSTREAM_SOURCE}" -B "${WORK_DIR}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DVTK_DIR=${VTK_DIR}")
run("${CMAKE_COMMAND}" --build "${WORK_DIR}")
run("${WORK_DIR}/downstream")
if (PYTHON_DESTINATION)
  run("${CMAKE_COMMAND}" -E env "PYTHONPATH=${PREFIX}/${PYTHON_DESTINATION}:${VTK_PYTHON_DIR}"
    "${PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/CheckInstalledPython.py" "${PREFIX}")
endif ()
