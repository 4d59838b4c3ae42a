// libFuzzer target: the disk cache's entry reader on untrusted bytes. The first byte
// chooses how the rest is used:
//   even: as a whole entry file, read through vtkTrackedDiskCache::Get() (header parsing,
//         size checks, keyed checksums);
//   odd:  as a payload with valid chunk checksums, whose framing is decoded (kinds,
//         counts, names, fix-ups, sizes) without handing leaves to VTK's XML readers.
// With TRACKED_FUZZ_VTK_READERS=1 odd inputs also go through VTK's XML readers, which are
// not built for hostile input (see README.md: VTK 9.1 crashes on some). Any crash,
// sanitizer report or leak is a finding.
#include "vtkObject.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedDiskCache.h"
#include "vtkTrackedDiskEntry.h"

#include <fcntl.h>
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
  std::string Payload; // where payloads are written
  bool Readers = false;

  Setup()
  {
    vtkObject::GlobalWarningDisplayOff(); // damaged entries are expected: no log flood
    char pattern[] = "/tmp/tracked-fuzz-XXXXXX";
    const std::string root = ::mkdtemp(pattern);
    this->Cache->SetDirectory(root + "/cache");
    this->Cache->IsUsable();
    this->Payload = root + "/payload";
    const char* readers = std::getenv("TRACKED_FUZZ_VTK_READERS");
    this->Readers = readers && std::string(readers) == "1";
  }
};

Setup& Fixture()
{
  static Setup setup;
  return setup;
}

void DecodePayload(const std::string& payload, bool readers)
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
  {
    std::ofstream file(Fixture().Payload, std::ios::binary | std::ios::trunc);
    file << payload;
  }
  const int fd = ::open(Fixture().Payload.c_str(), O_RDONLY);
  std::vector<vtkSmartPointer<vtkObject>> objects;
  std::string error;
  vtkTrackedReadPayload(
    fd, 0, payload.size(), chunkBytes, checksums, secret, readers ? &objects : nullptr, error);
  ::close(fd);
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
    DecodePayload(rest, setup.Readers);
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
