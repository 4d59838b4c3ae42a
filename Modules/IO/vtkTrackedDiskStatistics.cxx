// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDiskStatistics.h"

#include "vtkTrackedCacheDirectory.h"
#include "vtkTrackedFileIO.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <sstream>
#include <utility>

namespace
{
using Counter = vtkTypeInt64 vtkTrackedDiskStatistics::*;

// The file's line names, in the order they are written.
const std::pair<const char*, Counter> Lines[] = { { "hits", &vtkTrackedDiskStatistics::Hits },
  { "misses", &vtkTrackedDiskStatistics::Misses }, { "writes", &vtkTrackedDiskStatistics::Writes },
  { "evictions", &vtkTrackedDiskStatistics::Evictions },
  { "corrupt", &vtkTrackedDiskStatistics::Corrupt } };

constexpr std::size_t MaximumFileBytes = 4096;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskStatistics::IsEmpty() const
{
  return this->Hits + this->Misses + this->Writes + this->Evictions + this->Corrupt == 0;
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskStatistics::NewFileName()
{
  static std::atomic<unsigned> serial{ 0 };
  char host[64] = "host";
  ::gethostname(host, sizeof(host) - 1);
  std::ostringstream name;
  name << vtkTrackedCacheDirectory::StatisticsPrefix
       << vtkTrackedCacheDirectory::ReadablePrefix(host) << "-" << ::getpid() << "-" << ++serial
       << "-" << std::hex << std::random_device()();
  return name.str();
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskStatistics::Format() const
{
  std::ostringstream text;
  for (const auto& line : Lines)
  {
    text << line.first << " " << this->*line.second << "\n";
  }
  return text.str();
}

//------------------------------------------------------------------------------
void vtkTrackedDiskStatistics::Add(const std::string& text)
{
  std::istringstream lines(text);
  std::string name;
  vtkTypeInt64 value = 0;
  while (lines >> name >> value)
  {
    for (const auto& line : Lines)
    {
      if (name == line.first && value >= 0)
      {
        this->*line.second += value;
      }
    }
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskStatistics::Write(
  const vtkTrackedCacheDirectory& directory, const std::string& name) const
{
  const std::string bytes = this->Format();
  std::string temporary;
  vtkTrackedFileDescriptor file(directory.CreateTemporary("-statistics", O_WRONLY, temporary));
  const std::string path = directory.GetPath() + "/" + name;
  if (!file.IsOpen() || !vtkTrackedFileIO::WriteAt(file.Get(), 0, bytes.data(), bytes.size()) ||
    ::rename(temporary.c_str(), path.c_str()) != 0)
  {
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

//------------------------------------------------------------------------------
vtkTrackedDiskStatistics vtkTrackedDiskStatistics::SumOf(const vtkTrackedCacheDirectory& directory)
{
  vtkTrackedDiskStatistics sum;
  for (const auto& file : directory.Scan(vtkTrackedCacheDirectory::StatisticsPrefix, ""))
  {
    vtkTrackedFileDescriptor opened(::open(file.Path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    std::string text(MaximumFileBytes, '\0');
    const long long read =
      opened.IsOpen() ? vtkTrackedFileIO::ReadUpTo(opened.Get(), 0, &text[0], text.size()) : -1;
    if (read > 0)
    {
      text.resize(static_cast<std::size_t>(read));
      sum.Add(text);
    }
  }
  return sum;
}
