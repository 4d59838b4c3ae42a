// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedFileIO.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace
{
// Transfers up to `count` bytes with `transfer` (pread or pwrite), resuming after signals
// and short counts; stops early at the end of the file. How many it moved, or -1.
template <typename Bytes, typename Move>
long long TransferAll(int fd, std::uint64_t position, Bytes* bytes, std::size_t count, Move move)
{
  std::size_t moved = 0;
  while (moved < count)
  {
    const ssize_t done =
      move(fd, bytes + moved, count - moved, static_cast<off_t>(position + moved));
    if (done < 0 && errno == EINTR)
    {
      continue;
    }
    if (done < 0)
    {
      return -1;
    }
    if (done == 0)
    {
      break;
    }
    moved += static_cast<std::size_t>(done);
  }
  return static_cast<long long>(moved);
}
}

//------------------------------------------------------------------------------
bool vtkTrackedFileIO::ReadAt(int fd, std::uint64_t position, void* bytes, std::size_t count)
{
  return ReadUpTo(fd, position, bytes, count) == static_cast<long long>(count);
}

//------------------------------------------------------------------------------
long long vtkTrackedFileIO::ReadUpTo(int fd, std::uint64_t position, void* bytes, std::size_t count)
{
  return TransferAll(fd, position, static_cast<char*>(bytes), count, ::pread);
}

//------------------------------------------------------------------------------
bool vtkTrackedFileIO::WriteAt(int fd, std::uint64_t position, const void* bytes, std::size_t count)
{
  return TransferAll(fd, position, static_cast<const char*>(bytes), count, ::pwrite) ==
    static_cast<long long>(count);
}

//------------------------------------------------------------------------------
std::string vtkTrackedFileIO::ErrnoText()
{
  return std::strerror(errno);
}

//------------------------------------------------------------------------------
void vtkTrackedFileDescriptor::Reset(int fd)
{
  if (this->Fd >= 0)
  {
    ::close(this->Fd);
  }
  this->Fd = fd;
}
