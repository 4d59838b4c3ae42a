# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# How the GoogleTest suites are registered with ctest. Every suite goes through
# tracked_add_suite(); the build's TRACKEDARRAYCACHE_SANITIZER decides the form:
#
#   ""        each test of the suite on its own (gtest_discover_tests), label "suite";
#   "thread"  only suites with a CONCURRENCY filter, as one test <prefix>.Concurrency
#             running the tests that filter selects, label "concurrency";
#   "address" every suite as one test <prefix>.Sanitized running all its tests but those
#             its SANITIZER_EXCLUDES filter names, label "sanitized".
#
# LABELS adds labels to every test of the suite (CMakePresets.json selects by label).

set(TRACKEDARRAYCACHE_SANITIZER "" CACHE STRING
  "Sanitizer the build is instrumented with: empty, thread or address (selects the tests)")
set_property(CACHE TRACKEDARRAYCACHE_SANITIZER PROPERTY STRINGS "" thread address)
if (NOT TRACKEDARRAYCACHE_SANITIZER MATCHES "^(|thread|address)$")
  message(FATAL_ERROR
    "TRACKEDARRAYCACHE_SANITIZER is '${TRACKEDARRAYCACHE_SANITIZER}': use '', thread or address.")
endif ()

# tracked_add_suite(<name> PREFIX <prefix> TIMEOUT <seconds> [LIBRARIES <targets>...]
#   [LABELS <labels>...] [CONCURRENCY <gtest filter>] [SANITIZER_EXCLUDES <gtest filter>]
#   [DEPENDS <targets>...] [INCLUDE_DIRECTORIES <directories>...])
# The executable <name> from <name>.cxx, linked to the module, GoogleTest and LIBRARIES;
# its tests are named "<prefix>.<test>". DEPENDS names executables the suite runs;
# INCLUDE_DIRECTORIES are private to the suite.
function (tracked_add_suite name)
  cmake_parse_arguments(PARSE_ARGV 1 suite ""
    "PREFIX;TIMEOUT;CONCURRENCY;SANITIZER_EXCLUDES" "LIBRARIES;LABELS;DEPENDS;INCLUDE_DIRECTORIES")
  if (suite_UNPARSED_ARGUMENTS OR NOT suite_PREFIX OR NOT suite_TIMEOUT)
    message(FATAL_ERROR "tracked_add_suite(${name}): needs PREFIX and TIMEOUT, got "
      "'${suite_UNPARSED_ARGUMENTS}' besides")
  endif ()
  if (TRACKEDARRAYCACHE_SANITIZER STREQUAL "thread" AND NOT suite_CONCURRENCY)
    return () # nothing of this suite runs under ThreadSanitizer
  endif ()

  add_executable(${name} ${name}.cxx)
  target_link_libraries(${name} PRIVATE
    VTK::TrackedArrayCache ${suite_LIBRARIES} GTest::gtest GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${suite_INCLUDE_DIRECTORIES})
  if (suite_DEPENDS)
    add_dependencies(${name} ${suite_DEPENDS})
  endif ()

  if (TRACKEDARRAYCACHE_SANITIZER STREQUAL "")
    gtest_discover_tests(${name}
      TEST_PREFIX "${suite_PREFIX}."
      DISCOVERY_TIMEOUT 60
      PROPERTIES TIMEOUT ${suite_TIMEOUT} LABELS "suite;${suite_LABELS}")
    return ()
  endif ()

  if (TRACKEDARRAYCACHE_SANITIZER STREQUAL "thread")
    set(test_name "${suite_PREFIX}.Concurrency")
    set(filter "${suite_CONCURRENCY}")
    set(label concurrency)
  else ()
    set(test_name "${suite_PREFIX}.Sanitized")
    set(filter "*")
    if (suite_SANITIZER_EXCLUDES)
      set(filter "-${suite_SANITIZER_EXCLUDES}")
    endif ()
    set(label sanitized)
  endif ()
  add_test(NAME "${test_name}"
    COMMAND $<TARGET_FILE:${name}> --gtest_brief=1 "--gtest_filter=${filter}")
  # Sanitizers slow every test several times over.
  math(EXPR timeout "${suite_TIMEOUT} * 4")
  set_tests_properties("${test_name}" PROPERTIES
    TIMEOUT ${timeout} LABELS "${label};${suite_LABELS}")
endfunction ()
