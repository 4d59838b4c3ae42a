# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# Fails unless TOP_LEVEL and TWIN hold the same module description. The top-level
# file may carry keys that VTK 9.1's scanner rejects (SPDX_*, LICENSE_FILES) and that
# the twin therefore leaves out; everything else must match token for token.
function (read_module_tokens file out)
  file(READ "${file}" text)
  string(REGEX REPLACE "#[^\n]*" "" text "${text}")
  string(REGEX REPLACE "[ \t\r\n]+" ";" tokens "${text}")
  list(FILTER tokens EXCLUDE REGEX "^$")
  set(kept)
  set(skipping FALSE)
  foreach (token IN LISTS tokens)
    if (token MATCHES "^[A-Z_]+$")
      if (token MATCHES "^(SPDX_.*|LICENSE_FILES)$")
        set(skipping TRUE)
      else ()
        set(skipping FALSE)
      endif ()
    endif ()
    if (NOT skipping)
      list(APPEND kept "${token}")
    endif ()
  endforeach ()
  set("${out}" "${kept}" PARENT_SCOPE)
endfunction ()

read_module_tokens("${TOP_LEVEL}" top_tokens)
read_module_tokens("${TWIN}" twin_tokens)
if (NOT top_tokens STREQUAL twin_tokens)
  message(FATAL_ERROR "Module files disagree:\n  ${TOP_LEVEL}: ${top_tokens}\n  ${TWIN}: ${twin_tokens}")
endif ()
list(LENGTH top_tokens count)
if (count LESS 4)
  message(FATAL_ERROR "Module files hold almost nothing: ${top_tokens}")
endif ()
message(STATUS "Module files agree (${count} tokens).")
