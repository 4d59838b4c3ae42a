// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// A second process for the disk cache tests (TestTrackedDiskCache): writes, reads and
// mixes operations on a cache directory shared with the test.
//   TrackedDiskCacheWorker write <dir> <key> <resolution> <times>   store, over and over
//   TrackedDiskCacheWorker read <dir> <key>          print the loaded digest, or "miss"
//   TrackedDiskCacheWorker mixed <dir> <seed> <ops>  random stores, loads (checked against
//                                                     the two contents a key may hold, of
//                                                     different sizes), removes, prunes;
//                                                     exit 1 on a wrong load or an entry
//                                                     taken for damaged
//   TrackedDiskCacheWorker compute <dir> <key> <lock timeout s> <compute ms> <log>
//                                                     LoadOrLock; on a miss "compute" (sleep),
//                                                     append a line to <log>, store; print
//                                                     "hit|computed <digest> <elapsed ms>"
//   TrackedDiskCacheWorker hold <dir> <key>           take the key's lock, print "locked",
//                                                     then stall until killed
#include "TrackedDiskCacheContent.h"

#include "vtkLogger.h"
#include "vtkNew.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedDiskCache.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace
{
// With TRACKED_WORKER_START=<path> set, says it is ready ("<path>.<pid>") and waits for
// <path> to exist, so that several workers start their lookups at once.
void WaitForTheStart()
{
  const char* start = std::getenv("TRACKED_WORKER_START");
  if (!start)
  {
    return;
  }
  const std::string ready = std::string(start) + "." + std::to_string(::getpid());
  const int fd = ::open(ready.c_str(), O_WRONLY | O_CREAT, 0600);
  if (fd >= 0)
  {
    ::close(fd);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (::access(start, F_OK) != 0 && std::chrono::steady_clock::now() < deadline)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// LoadOrLock, and on a miss a computation of `computeMilliseconds` that `log` records.
int Compute(vtkTrackedDiskCache* cache, const std::string& key, int computeMilliseconds,
  const std::string& log)
{
  WaitForTheStart();
  const auto start = std::chrono::steady_clock::now();
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  const bool hit = cache->LoadOrLock(key, values, seconds);
  if (!hit)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(computeMilliseconds));
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const std::string line = "computed by " + std::to_string(::getpid()) + "\n";
    const bool logged = fd >= 0 && ::write(fd, line.data(), line.size()) > 0;
    if (fd >= 0)
    {
      ::close(fd);
    }
    values.assign(1, TrackedDiskCacheContent(40));
    if (!logged || !cache->Store(key, { values[0] }, 1e-3 * computeMilliseconds))
    {
      return 1;
    }
  }
  auto* data = values.size() == 1 ? vtkDataObject::SafeDownCast(values[0]) : nullptr;
  const double elapsed =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s %s %.1f\n", hit ? "hit" : "computed",
    data ? vtkTrackedArrayCache::ComputeDigest(data).c_str() : "none", elapsed);
  return data ? 0 : 1;
}
}

int main(int argc, char* argv[])
{
  vtkLogger::SetStderrVerbosity(vtkLogger::VERBOSITY_ERROR);
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 4)
  {
    std::fprintf(stderr, "usage: %s write|read|mixed <dir> ...\n", argv[0]);
    return 2;
  }
  vtkNew<vtkTrackedDiskCache> cache;
  cache->SetDirectory(argv[2]);
  if (mode == "write" && argc == 6)
  {
    auto content = TrackedDiskCacheContent(std::atoi(argv[4]));
    for (int i = 0; i < std::atoi(argv[5]); ++i)
    {
      if (!cache->Set(argv[3], content))
      {
        return 1;
      }
    }
    std::printf("stored\n");
    return 0;
  }
  if (mode == "read" && argc == 4)
  {
    vtkSmartPointer<vtkObject> loaded;
    loaded.TakeReference(cache->Get(argv[3]));
    auto* data = vtkDataObject::SafeDownCast(loaded);
    std::printf("%s\n", data ? vtkTrackedArrayCache::ComputeDigest(data).c_str() : "miss");
    return 0;
  }
  if (mode == "compute" && argc == 7)
  {
    cache->SetLockTimeout(std::atof(argv[4]));
    return Compute(cache, argv[3], std::atoi(argv[5]), argv[6]);
  }
  if (mode == "hold" && argc == 4)
  {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlives a test that failed to kill it
    std::vector<vtkSmartPointer<vtkObject>> values;
    double seconds = 0;
    if (cache->LoadOrLock(argv[3], values, seconds) || !cache->IsLockedHere(argv[3]))
    {
      return 1;
    }
    std::printf("locked\n");
    std::fflush(stdout);
    for (;;)
    {
      ::pause(); // a stalled owner, until killed
    }
  }
  if (mode == "mixed" && argc == 5)
  {
    std::mt19937 random(static_cast<unsigned>(std::atoi(argv[3])));
    cache->SetMaximumSize(4 << 20); // small: evictions race with the other processes' reads
    // Key k holds the content of resolution k or k + 1: rewrites change an entry's size.
    std::vector<vtkSmartPointer<vtkDataObject>> contents; // key k's at 2k and 2k + 1
    std::vector<std::string> digests;
    for (int key = 0; key < 8; ++key)
    {
      for (int variant : { 0, 1 })
      {
        contents.push_back(TrackedDiskCacheContent(TrackedDiskCacheResolution(key) + variant));
        digests.push_back(vtkTrackedArrayCache::ComputeDigest(contents.back()));
      }
    }
    for (int op = 0; op < std::atoi(argv[4]); ++op)
    {
      const int key = static_cast<int>(random() % 8);
      const std::string name = "key " + std::to_string(key);
      const int first = 2 * key;
      switch (random() % 8)
      {
        case 0:
        case 1:
        case 2:
          if (!cache->Set(name, contents[first + random() % 2]))
          {
            return 1;
          }
          break;
        case 7:
          cache->Remove(name);
          break;
        case 6:
          if (op % 50 == 0)
          {
            cache->Prune();
            break;
          }
          // fall through
        default:
        {
          vtkSmartPointer<vtkObject> loaded;
          loaded.TakeReference(cache->Get(name));
          auto* data = vtkDataObject::SafeDownCast(loaded);
          const std::string digest = data ? vtkTrackedArrayCache::ComputeDigest(data) : "";
          if (loaded && digest != digests[first] && digest != digests[first + 1])
          {
            std::printf("wrong content under '%s'\n", name.c_str());
            return 1;
          }
        }
      }
    }
    std::printf("hits %lld misses %lld writes %lld corrupt %lld\n",
      static_cast<long long>(cache->GetNumberOfHits()),
      static_cast<long long>(cache->GetNumberOfMisses()),
      static_cast<long long>(cache->GetNumberOfWrites()),
      static_cast<long long>(cache->GetNumberOfCorruptEntries()));
    return cache->GetNumberOfCorruptEntries() == 0 ? 0 : 1;
  }
  std::fprintf(stderr, "bad arguments\n");
  return 2;
}
