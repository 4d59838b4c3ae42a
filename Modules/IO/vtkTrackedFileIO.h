// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedFileIO.h
 * @brief Private: the one place the module reads and writes file descriptors: positioned
 * transfers of whole ranges, retried across EINTR and short transfers, and a descriptor
 * that closes itself.
 *
 * @sa vtkTrackedCacheDirectory, vtkTrackedDiskKeyLock, vtkTrackedEntryBytes
 */

#ifndef vtkTrackedFileIO_h
#define vtkTrackedFileIO_h

#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include <cstddef>                      // for sizes
#include <cstdint>                      // for positions
#include <string>                       // for error texts

namespace vtkTrackedFileIO
{
/**
 * Reads exactly `count` bytes at `position` of `fd`; false at the end of the file or on an
 * error (errno then tells which).
 */
VTKTRACKEDARRAYCACHE_EXPORT bool ReadAt(
  int fd, std::uint64_t position, void* bytes, std::size_t count);

/**
 * Reads up to `count` bytes at `position` of `fd`: how many it read (fewer only at the end
 * of the file), or -1 on an error.
 */
VTKTRACKEDARRAYCACHE_EXPORT long long ReadUpTo(
  int fd, std::uint64_t position, void* bytes, std::size_t count);

/**
 * Writes all `count` bytes at `position` of `fd`; false on an error (errno tells which).
 */
VTKTRACKEDARRAYCACHE_EXPORT bool WriteAt(
  int fd, std::uint64_t position, const void* bytes, std::size_t count);

/**
 * The text of the current errno.
 */
VTKTRACKEDARRAYCACHE_EXPORT std::string ErrnoText();
}

/**
 * A file descriptor that is closed when it goes; -1 for none.
 */
class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedFileDescriptor
{
public:
  explicit vtkTrackedFileDescriptor(int fd = -1)
    : Fd(fd)
  {
  }
  ~vtkTrackedFileDescriptor() { this->Reset(); }
  vtkTrackedFileDescriptor(const vtkTrackedFileDescriptor&) = delete;
  vtkTrackedFileDescriptor& operator=(const vtkTrackedFileDescriptor&) = delete;

  int Get() const { return this->Fd; }
  bool IsOpen() const { return this->Fd >= 0; }
  /// Closes the descriptor held, and holds `fd` instead.
  void Reset(int fd = -1);

private:
  int Fd;
};

#endif
