# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
#
# The CMake package: find_package(TrackedArrayCache) gives VTK::TrackedArrayCache.
include(CMakePackageConfigHelpers)

install(EXPORT TrackedArrayCache
  NAMESPACE   VTK::
  FILE        TrackedArrayCache-targets.cmake
  DESTINATION "${trackedarraycache_cmake_destination}"
  COMPONENT   development)

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/TrackedArrayCacheConfig.cmake.in"
  "${CMAKE_CURRENT_BINARY_DIR}/TrackedArrayCacheConfig.cmake"
  INSTALL_DESTINATION "${trackedarraycache_cmake_destination}")
write_basic_package_version_file(
  "${CMAKE_CURRENT_BINARY_DIR}/TrackedArrayCacheConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(
  FILES
    "${CMAKE_CURRENT_BINARY_DIR}/TrackedArrayCacheConfig.cmake"
    "${CMAKE_CURRENT_BINARY_DIR}/TrackedArrayCacheConfigVersion.cmake"
  DESTINATION "${trackedarraycache_cmake_destination}"
  COMPONENT   development)
