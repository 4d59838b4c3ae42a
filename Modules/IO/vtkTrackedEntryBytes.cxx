// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedEntryBytes.h"

#include "vtkDataArray.h"
#include "vtkTrackedFileIO.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace
{
// Who holds lent values: each array's values pointer, with the bytes it points into. VTK
// calls an array's free function with that pointer only, so the owner is found here (once
// per array, should two arrays be lent the same values).
struct LentBlocks
{
  std::mutex Mutex;
  std::unordered_multimap<const void*, std::shared_ptr<vtkTrackedEntryBytes>> Owners;
};

LentBlocks& Lent()
{
  static auto* blocks = new LentBlocks; // outlives arrays freed during static destruction
  return *blocks;
}

// An array's free function: gives a lent block back, or frees what VTK allocated for the
// array since (vtkBuffer keeps the free function it was given across its own allocations,
// which are malloc()'s).
void ReturnLentBlock(void* values)
{
  std::shared_ptr<vtkTrackedEntryBytes> owner; // released after the lock: it may unmap
  {
    auto& lent = Lent();
    std::lock_guard<std::mutex> lock(lent.Mutex);
    auto found = lent.Owners.find(values);
    if (found != lent.Owners.end())
    {
      owner = std::move(found->second);
      lent.Owners.erase(found);
    }
  }
  if (!owner)
  {
    std::free(values);
  }
}

constexpr std::uint64_t OwnAlignment = 4096;

char* AllocateOwn(std::uint64_t size)
{
  const std::uint64_t rounded = (size + OwnAlignment - 1) / OwnAlignment * OwnAlignment;
  return static_cast<char*>(std::aligned_alloc(OwnAlignment, rounded ? rounded : OwnAlignment));
}
}

//------------------------------------------------------------------------------
std::shared_ptr<vtkTrackedEntryBytes> vtkTrackedEntryBytes::Map(
  int fd, std::uint64_t size, std::string& error)
{
  // Mapped readable and populated first: populating a writable private mapping would copy
  // every page. Writable afterwards, so that arrays can be written (copy on write).
  void* data = size > 0
    ? ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
    : MAP_FAILED;
  if (data == MAP_FAILED ||
    ::mprotect(data, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE) != 0)
  {
    error = std::string("cannot map it: ") + std::strerror(errno);
    if (data != MAP_FAILED)
    {
      ::munmap(data, static_cast<std::size_t>(size));
    }
    return nullptr;
  }
  std::shared_ptr<vtkTrackedEntryBytes> bytes(new vtkTrackedEntryBytes);
  bytes->Data = static_cast<char*>(data);
  bytes->Size = size;
  bytes->Mapping = true;
  return bytes;
}

//------------------------------------------------------------------------------
std::shared_ptr<vtkTrackedEntryBytes> vtkTrackedEntryBytes::Read(
  int fd, std::uint64_t size, std::string& error)
{
  std::shared_ptr<vtkTrackedEntryBytes> bytes(new vtkTrackedEntryBytes);
  bytes->Data = AllocateOwn(size);
  bytes->Size = size;
  if (!bytes->Data)
  {
    error = "cannot allocate " + std::to_string(size) + " bytes to read it";
    return nullptr;
  }
  errno = 0; // a short file sets none
  if (!vtkTrackedFileIO::ReadAt(fd, 0, bytes->Data, static_cast<std::size_t>(size)))
  {
    error = std::string("cannot read it: ") + (errno ? std::strerror(errno) : "it is shorter");
    return nullptr;
  }
  return bytes;
}

//------------------------------------------------------------------------------
std::shared_ptr<vtkTrackedEntryBytes> vtkTrackedEntryBytes::Copy(
  const char* data, std::uint64_t size)
{
  std::shared_ptr<vtkTrackedEntryBytes> bytes(new vtkTrackedEntryBytes);
  bytes->Data = AllocateOwn(size);
  if (!bytes->Data)
  {
    return nullptr;
  }
  bytes->Size = size;
  std::memcpy(bytes->Data, data, static_cast<std::size_t>(size));
  return bytes;
}

//------------------------------------------------------------------------------
vtkTrackedEntryBytes::~vtkTrackedEntryBytes()
{
  if (this->Mapping)
  {
    ::munmap(this->Data, static_cast<std::size_t>(this->Size));
  }
  else
  {
    std::free(this->Data);
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedEntryBytes::Lend(std::uint64_t offset, vtkIdType count, vtkDataArray* array)
{
  const auto valueBytes = static_cast<std::uint64_t>(array->GetDataTypeSize());
  if (count <= 0 || valueBytes == 0 || offset > this->Size ||
    static_cast<std::uint64_t>(count) > (this->Size - offset) / valueBytes)
  {
    return false;
  }
  char* values = this->Data + offset;
  if (reinterpret_cast<std::uintptr_t>(values) % valueBytes != 0)
  {
    return false;
  }
  {
    auto& lent = Lent();
    std::lock_guard<std::mutex> lock(lent.Mutex);
    lent.Owners.emplace(values, this->shared_from_this());
  }
  // VTK keeps the pointer and calls the free function with it when the array lets go.
  array->SetVoidArray(values, count, /*save=*/1, vtkAbstractArray::VTK_DATA_ARRAY_USER_DEFINED);
  array->SetArrayFreeFunction(&ReturnLentBlock);
  return true;
}

//------------------------------------------------------------------------------
std::size_t vtkTrackedEntryBytes::GetNumberOfLentBlocks()
{
  auto& lent = Lent();
  std::lock_guard<std::mutex> lock(lent.Mutex);
  return lent.Owners.size();
}
