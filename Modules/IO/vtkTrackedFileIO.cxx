#include "vtkTrackedFileIO.h"

#include <unistd.h>

#include <cerrno>

namespace
{
// Transfers all `count` bytes with `transfer` (pread or pwrite), resuming after signals
// and short counts.
template <typename Bytes, typename Transfer>
bool Whole(int fd, std::uint64_t position, Bytes* bytes, std::size_t count, Transfer transfer)
{
  while (count > 0)
  {
    const ssize_t done = transfer(fd, bytes, count, static_cast<off_t>(position));
    if (done < 0 && errno == EINTR)
    {
      continue;
    }
    if (done <= 0)
    {
      return false;
    }
    bytes += done;
    count -= static_cast<std::size_t>(done);
    position += static_cast<std::uint64_t>(done);
  }
  return true;
}
}

bool vtkTrackedFileIO::ReadAt(int fd, std::uint64_t position, void* bytes, std::size_t count)
{
  return Whole(fd, position, static_cast<char*>(bytes), count, ::pread);
}

bool vtkTrackedFileIO::WriteAt(int fd, std::uint64_t position, const void* bytes, std::size_t count)
{
  return Whole(fd, position, static_cast<const char*>(bytes), count, ::pwrite);
}
