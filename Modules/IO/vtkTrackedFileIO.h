/**
 * @file vtkTrackedFileIO.h
 * @brief Private: positioned reads and writes of whole ranges, retried across EINTR and
 * short transfers.
 */

#ifndef vtkTrackedFileIO_h
#define vtkTrackedFileIO_h

#include <cstddef> // for sizes
#include <cstdint> // for positions

namespace vtkTrackedFileIO
{
/**
 * Reads exactly `count` bytes at `position` of `fd`; false at the end of the file or on an
 * error (errno then tells which).
 */
bool ReadAt(int fd, std::uint64_t position, void* bytes, std::size_t count);

/**
 * Writes all `count` bytes at `position` of `fd`; false on an error (errno tells which).
 */
bool WriteAt(int fd, std::uint64_t position, const void* bytes, std::size_t count);
}

#endif
