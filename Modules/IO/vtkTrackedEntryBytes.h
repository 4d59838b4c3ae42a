// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedEntryBytes.h
 * @brief Private: the bytes of an entry file being read, memory-mapped, and the hand-over of
 * mapped values to VTK arrays without a copy.
 *
 * An entry is mapped private (MAP_PRIVATE): arrays that point into it can be written, and
 * what is written stays in this process, never reaching the file. The mapping lives as long
 * as the last array that points into it: each such array's free function drops one
 * reference.
 *
 * What other processes can do to a mapped entry: the cache replaces an entry by renaming a
 * new file over it and removes one by unlinking it; both leave the mapped file (its inode)
 * as it was, so mapped values never change. Truncating a mapped file in place would make
 * reading the truncated pages raise SIGBUS; the cache never does, and it creates entries
 * read-only (mode 0400), so a process must first make the file writable (or run as root)
 * to truncate it. vtkTrackedDiskCache::SetMemoryMapping(false) reads entries into memory
 * of their own instead, for directories that other tools write into.
 *
 * @sa
 * vtkTrackedDiskEntry vtkTrackedDiskCache
 */

#ifndef vtkTrackedEntryBytes_h
#define vtkTrackedEntryBytes_h

#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include "vtkType.h"                    // for vtkIdType

#include <cstdint> // for sizes
#include <memory>  // for shared ownership
#include <string>  // for errors

VTK_ABI_NAMESPACE_BEGIN
class vtkDataArray;
VTK_ABI_NAMESPACE_END

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedEntryBytes
  : public std::enable_shared_from_this<vtkTrackedEntryBytes>
{
public:
  /**
   * The first `size` bytes of the open file `fd`, mapped; null with `error` if they cannot
   * be.
   */
  static std::shared_ptr<vtkTrackedEntryBytes> Map(int fd, std::uint64_t size, std::string& error);

  /**
   * The first `size` bytes of `fd` read into memory of their own; null with `error` if they
   * cannot be.
   */
  static std::shared_ptr<vtkTrackedEntryBytes> Read(int fd, std::uint64_t size, std::string& error);

  /**
   * A copy of `size` bytes at `data`, in memory of their own.
   */
  static std::shared_ptr<vtkTrackedEntryBytes> Copy(const char* data, std::uint64_t size);

  ~vtkTrackedEntryBytes();
  vtkTrackedEntryBytes(const vtkTrackedEntryBytes&) = delete;
  vtkTrackedEntryBytes& operator=(const vtkTrackedEntryBytes&) = delete;

  const char* GetData() const { return this->Data; }
  std::uint64_t GetSize() const { return this->Size; }

  /**
   * Makes `array` (an AOS array, its number of components set) hold the `count` values at
   * `offset` of these bytes in place: no copy; these bytes live while the array holds them.
   * False if they cannot be lent (the values are not aligned for their type, or the range
   * is outside); the caller copies them then.
   */
  bool Lend(std::uint64_t offset, vtkIdType count, vtkDataArray* array);

  /**
   * How many blocks of values lent by Lend() arrays hold in this process (for tests).
   */
  static std::size_t GetNumberOfLentBlocks();

private:
  vtkTrackedEntryBytes() = default;

  char* Data = nullptr;
  std::uint64_t Size = 0;
  bool Mapping = false; // a file's pages (unmapped), else memory of its own (freed)
};

#endif
