// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedDiskStatistics
 * @brief Private: what a disk cache counted, and the statistics files that record it.
 *
 * Each vtkTrackedDiskCache object writes its totals since construction into a file of its
 * own in the cache directory (".stats-<host>-<pid>-<serial>-<random>", replaced atomically,
 * so no lock is shared), one "<name> <count>" line per counter. SumOf() adds up every such
 * file: the directory's history, which `python3 -m trackedarraycache stats` shows through
 * vtkTrackedDiskCache::GetRecordedNumberOfHits() and its siblings. This is the only place
 * the file format is written or read.
 *
 * @sa vtkTrackedDiskCache, vtkTrackedCacheDirectory
 */

#ifndef vtkTrackedDiskStatistics_h
#define vtkTrackedDiskStatistics_h

#include "vtkType.h" // for vtkTypeInt64

#include <string> // for names

class vtkTrackedCacheDirectory;

struct vtkTrackedDiskStatistics
{
  vtkTypeInt64 Hits = 0;
  vtkTypeInt64 Misses = 0;
  vtkTypeInt64 Writes = 0;
  vtkTypeInt64 Evictions = 0;
  vtkTypeInt64 Corrupt = 0; // damaged entries removed

  bool IsEmpty() const;

  /// Adds `amount` to `counter` (a member pointer such as &vtkTrackedDiskStatistics::Hits).
  void Count(vtkTypeInt64 vtkTrackedDiskStatistics::*counter, vtkTypeInt64 amount = 1)
  {
    this->*counter += amount;
  }

  /// A unique name for the statistics file of one cache object.
  static std::string NewFileName();

  /// Writes these counts as the file `name` of `directory`, replacing it atomically.
  bool Write(const vtkTrackedCacheDirectory& directory, const std::string& name) const;

  /// The sum of every statistics file in `directory` (unreadable ones are skipped).
  static vtkTrackedDiskStatistics SumOf(const vtkTrackedCacheDirectory& directory);

private:
  void Add(const std::string& text);
  std::string Format() const;
};

#endif
