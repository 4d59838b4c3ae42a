// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: the disk cache's entry reader on untrusted bytes. The first byte
// chooses how the rest is used:
//   even: as a whole entry file, read through vtkTrackedDiskCache::Get() (header parsing,
//         size checks, keyed checksums);
//   odd:  as a payload with valid chunk checksums, decoded into objects (kinds, counts,
//         names, blocks, compressed frames, cell arrays), whose digests are then computed
//         (which reads every array the objects hold).
// Any crash, sanitizer report or leak is a finding. Testing/Fuzz/make_disk_corpus.py makes
// the seeds.
#include "vtkAbstractArray.h"
#include "vtkDataObject.h"
#include "vtkObject.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedDiskCache.h"
#include "vtkTrackedDiskEntry.h"
#include "vtkTrackedEntryBytes.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace
{
const char* const Key = "fuzzed entry";

struct Setup
{
  vtkSmartPointer<vtkTrackedDiskCache> Cache = vtkSmartPointer<vtkTrackedDiskCache>::New();

  Setup()
  {
    vtkObject::GlobalWarningDisplayOff(); // damaged entries are expected: no log flood
    char pattern[] = "/tmp/tracked-fuzz-XXXXXX";
    const std::string root = ::mkdtemp(pattern);
    this->Cache->SetDirectory(root + "/cache");
    this->Cache->IsUsable();
  }
};

Setup& Fixture()
{
  static Setup setup;
  return setup;
}

void DecodePayload(const std::string& payload)
{
  const std::uint32_t chunkBytes = 4096;
  const std::string secret; // any key: the checksums are made here with it
  std::vector<vtkTrackedDigest> checksums;
  for (std::size_t begin = 0; begin < payload.size(); begin += chunkBytes)
  {
    vtkTrackedHasher hasher(secret);
    hasher.Add(payload.data() + begin, std::min<std::size_t>(chunkBytes, payload.size() - begin));
    checksums.push_back(hasher.Digest());
  }
  auto bytes = vtkTrackedEntryBytes::Copy(payload.data(), payload.size());
  std::vector<vtkSmartPointer<vtkObject>> objects;
  std::string error;
  if (!bytes ||
    vtkTrackedDiskEntry::ReadPayload(bytes, 0, payload.size(), chunkBytes, checksums, secret,
      objects, error) != vtkTrackedPayloadStatus::Ok)
  {
    return;
  }
  for (const auto& object : objects)
  {
    if (auto* array = vtkAbstractArray::SafeDownCast(object))
    {
      vtkTrackedArrayCache::ComputeDigest(array);
    }
    else if (auto* data = vtkDataObject::SafeDownCast(object))
    {
      vtkTrackedArrayCache::ComputeDigest(data);
    }
  }
}
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0)
  {
    return 0;
  }
  Setup& setup = Fixture();
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2)
  {
    DecodePayload(rest);
    return 0;
  }
  {
    std::ofstream file(setup.Cache->GetEntryPath(Key), std::ios::binary | std::ios::trunc);
    file << rest;
  }
  vtkSmartPointer<vtkObject> loaded;
  loaded.TakeReference(setup.Cache->Get(Key));
  return 0;
}
