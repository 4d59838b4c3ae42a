// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of the disk cache's key lock: one computation per key across
// processes (TrackedDiskCacheWorker), a dead or stalled owner taken over, a timeout of 0
// computing everywhere, and the lock's life in one process.
#include "vtkTrackedDiskCache.h"

#include "TrackedDiskCacheContent.h"
#include "TrackedDiskCacheFixture.h"
#include "TrackedTestHelpers.h"

#include "vtkContourFilter.h"
#include "vtkInformation.h"
#include "vtkInformationVector.h"
#include "vtkObjectFactory.h"
#include "vtkRTAnalyticSource.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCacheFilter.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace
{
using Clock = std::chrono::steady_clock;

class TrackedDiskKeyLockTest : public TrackedDiskCacheTest
{
protected:
  // Starts `count` workers computing `key`, lets them look it up at once when all are
  // ready, and returns their output files.
  std::vector<std::string> ComputeInWorkers(
    int count, const std::string& key, double timeout, int computeMilliseconds)
  {
    const std::string start = this->Root + "/start" + std::to_string(++this->Starts);
    ::setenv("TRACKED_WORKER_START", start.c_str(), 1);
    std::vector<pid_t> workers;
    std::vector<std::string> outputs;
    for (int i = 0; i < count; ++i)
    {
      outputs.push_back(
        this->Root + "/worker" + std::to_string(this->Starts) + "-" + std::to_string(i));
      workers.push_back(StartWorker({ "compute", this->Directory, key, std::to_string(timeout),
                                      std::to_string(computeMilliseconds), this->Log() },
        outputs.back()));
    }
    ::unsetenv("TRACKED_WORKER_START");
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (CountFiles(this->Root, "start" + std::to_string(this->Starts) + ".") <
        static_cast<std::size_t>(count) &&
      Clock::now() < deadline)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::ofstream{ start }; // all ready: go
    for (pid_t worker : workers)
    {
      EXPECT_EQ(Wait(worker), 0);
    }
    return outputs;
  }

  std::string Log() const { return this->Root + "/computations"; }

  // How many files of `directory` have names that start with `prefix`.
  static std::size_t CountFiles(const std::string& directory, const std::string& prefix)
  {
    std::size_t count = 0;
    if (DIR* listing = ::opendir(directory.c_str()))
    {
      while (dirent* item = ::readdir(listing))
      {
        count += std::string(item->d_name).compare(0, prefix.size(), prefix) == 0;
      }
      ::closedir(listing);
    }
    return count;
  }

  int Starts = 0;

  int Computations() const
  {
    std::ifstream log(this->Log());
    int lines = 0;
    for (std::string line; std::getline(log, line);)
    {
      ++lines;
    }
    return lines;
  }

  // A worker holding `key`'s lock, stalled until killed.
  pid_t StartHolder(const std::string& key)
  {
    const std::string output = this->Root + "/holder";
    const pid_t holder = StartWorker({ "hold", this->Directory, key }, output);
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (ReadFile(output) != "locked\n" && Clock::now() < deadline)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(ReadFile(output), "locked\n");
    return holder;
  }

  struct Outcome
  {
    std::string Kind; // "hit" or "computed"
    std::string Digest;
    double Milliseconds = 0;
  };

  static Outcome Parse(const std::string& output)
  {
    std::istringstream text(ReadFile(output));
    Outcome outcome;
    text >> outcome.Kind >> outcome.Digest >> outcome.Milliseconds;
    return outcome;
  }

  // Every worker got the content the one computation stored.
  static void ExpectEqualResults(const std::vector<std::string>& outputs)
  {
    const std::string expected = vtkTrackedArrayCache::ComputeDigest(TrackedDiskCacheContent(40));
    for (const auto& output : outputs)
    {
      EXPECT_EQ(Parse(output).Digest, expected) << output << ": " << ReadFile(output);
    }
  }

  static void Report(const char* what, const std::vector<std::string>& outputs)
  {
    std::printf("%s:", what);
    for (const auto& output : outputs)
    {
      const Outcome outcome = Parse(output);
      std::printf(" %s %.0f ms;", outcome.Kind.c_str(), outcome.Milliseconds);
    }
    std::printf("\n");
  }
};
}

TEST_F(TrackedDiskKeyLockTest, FourProcessesMissingOneKeyComputeItOnce)
{
  const auto outputs = this->ComputeInWorkers(4, "shared key", 60, 1000);
  EXPECT_EQ(this->Computations(), 1);
  ExpectEqualResults(outputs);
  int computed = 0;
  for (const auto& output : outputs)
  {
    computed += Parse(output).Kind == "computed";
  }
  EXPECT_EQ(computed, 1);
  EXPECT_TRUE(this->Files(".lock-").empty()) << "the lock file goes with its owner's store";
  Report("4 processes, 1 s computation", outputs);
}

TEST_F(TrackedDiskKeyLockTest, OwnerKilledMidComputationIsTakenOver)
{
  const pid_t holder = this->StartHolder("shared key");
  std::vector<std::string> outputs;
  std::thread others([&] { outputs = this->ComputeInWorkers(3, "shared key", 30, 300); });
  // They wait for the holder (or start after the kill: then they find the lock free).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto killed = Clock::now();
  ::kill(holder, SIGKILL);
  EXPECT_EQ(Wait(holder), -SIGKILL);
  others.join();
  const double afterKill = std::chrono::duration<double>(Clock::now() - killed).count();
  // The bound is the timeout plus one computation; a dead owner lets go at once, so they
  // finish in about one computation, far below the 30 s a timeout would take.
  EXPECT_LT(afterKill, 10.0) << "the dead owner's lock was not let go at once";
  EXPECT_EQ(this->Computations(), 1);
  ExpectEqualResults(outputs);
  Report("owner killed; 3 waiters, 0.3 s computation", outputs);
  std::printf("all done %.0f ms after the kill\n", 1e3 * afterKill);
}

TEST_F(TrackedDiskKeyLockTest, StalledOwnerIsTakenOverAfterTheTimeout)
{
  const pid_t holder = this->StartHolder("shared key");
  const auto started = Clock::now();
  const auto outputs = this->ComputeInWorkers(3, "shared key", 1.0, 300);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ::kill(holder, SIGKILL);
  Wait(holder);
  EXPECT_GE(seconds, 1.0) << "they waited for the stalled owner's timeout";
  EXPECT_EQ(this->Computations(), 1) << "one took over; the others waited for it";
  ExpectEqualResults(outputs);
  Report("stalled owner, 1 s timeout; 3 waiters, 0.3 s computation", outputs);
}

TEST_F(TrackedDiskKeyLockTest, TimeoutZeroComputesInEveryProcess)
{
  const auto outputs = this->ComputeInWorkers(4, "shared key", 0, 2000);
  EXPECT_EQ(this->Computations(), 4);
  ExpectEqualResults(outputs);
  EXPECT_TRUE(this->Files(".lock-").empty());
}

TEST_F(TrackedDiskKeyLockTest, LockLivesFromMissToStore)
{
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  EXPECT_EQ(this->Cache->GetLockTimeout(), 60.0);
  ASSERT_FALSE(this->Cache->LoadOrLock("k", values, seconds));
  EXPECT_TRUE(this->Cache->IsLockedHere("k"));
  EXPECT_EQ(this->Files(".lock-").size(), 1u);
  // Asking again from the holder does not wait for itself.
  EXPECT_FALSE(this->Cache->LoadOrLock("k", values, seconds));
  ASSERT_TRUE(this->Cache->Set("k", TrackedDiskCacheContent(10)));
  EXPECT_FALSE(this->Cache->IsLockedHere("k"));
  EXPECT_TRUE(this->Files(".lock-").empty());
  ASSERT_TRUE(this->Cache->LoadOrLock("k", values, seconds));
  EXPECT_FALSE(this->Cache->IsLockedHere("k")) << "a hit takes no lock";
  EXPECT_EQ(this->Cache->GetNumberOfHits(), 1);
  EXPECT_EQ(this->Cache->GetNumberOfMisses(), 2);

  vtkSmartPointer<vtkObject> loaded;
  loaded.TakeReference(this->Cache->GetOrLock("other"));
  EXPECT_EQ(loaded, nullptr);
  EXPECT_TRUE(this->Cache->IsLockedHere("other"));
  this->Cache->Unlock("other");
  this->Cache->Unlock("other"); // nothing held: nothing happens
  EXPECT_FALSE(this->Cache->IsLockedHere("other"));
  EXPECT_TRUE(this->Files(".lock-").empty());
}

TEST_F(TrackedDiskKeyLockTest, NoLockWhenItCannotHelp)
{
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  this->Cache->SetLockTimeout(0);
  EXPECT_FALSE(this->Cache->LoadOrLock("a", values, seconds));
  this->Cache->SetLockTimeout(60);
  this->Cache->SetForceUpdate(true);
  EXPECT_FALSE(this->Cache->LoadOrLock("b", values, seconds));
  this->Cache->SetForceUpdate(false);
  this->Cache->SetWriteEnabled(false);
  EXPECT_FALSE(this->Cache->LoadOrLock("c", values, seconds));
  for (const char* key : { "a", "b", "c" })
  {
    EXPECT_FALSE(this->Cache->IsLockedHere(key)) << key;
  }
  EXPECT_TRUE(this->Files(".lock-").empty());
  ErrorCatcher errors(this->Cache);
  this->Cache->SetLockTimeout(-1);
  this->Cache->SetLockTimeout(std::numeric_limits<double>::infinity());
  EXPECT_EQ(errors.Messages.size(), 2u);
  EXPECT_EQ(this->Cache->GetLockTimeout(), 60.0);
}

// Two objects of one process, on two threads: flock() locks belong to open files, so the
// second waits for the first as another process would.
TEST_F(TrackedDiskKeyLockTest, ThreadsOfOneProcessWaitToo)
{
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  ASSERT_FALSE(this->Cache->LoadOrLock("k", values, seconds));
  bool secondHit = false;
  std::atomic<bool> looking{ false };
  std::thread second(
    [this, &secondHit, &looking]
    {
      vtkNew<vtkTrackedDiskCache> other;
      other->SetDirectory(this->Directory);
      std::vector<vtkSmartPointer<vtkObject>> found;
      double foundSeconds = 0;
      looking = true;
      secondHit = other->LoadOrLock("k", found, foundSeconds);
    });
  // It looks the key up before the entry exists: it hits only if it waited.
  while (!looking)
  {
    std::this_thread::yield();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(this->Cache->Set("k", TrackedDiskCacheContent(10)));
  second.join();
  EXPECT_TRUE(secondHit) << "it waited, then read what the first stored";
}

// A lock file left by a dead owner is free at once, and Prune() removes it; one held
// stays, through Clear() too.
TEST_F(TrackedDiskKeyLockTest, PruneRemovesAbandonedLockFiles)
{
  ASSERT_TRUE(this->Cache->IsUsable());
  const pid_t holder = this->StartHolder("dead");
  ::kill(holder, SIGKILL);
  Wait(holder);
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  ASSERT_FALSE(this->Cache->LoadOrLock("held", values, seconds));
  EXPECT_EQ(this->Files(".lock-").size(), 2u);
  this->Cache->Prune();
  EXPECT_EQ(this->Files(".lock-").size(), 1u);
  EXPECT_TRUE(this->Cache->IsLockedHere("held"));
  this->Cache->Clear();
  EXPECT_EQ(this->Files(".lock-").size(), 1u);
  this->Cache->Unlock("held");
  EXPECT_TRUE(this->Files(".lock-").empty());
}

namespace
{
// A contour that takes 400 ms, and counts its executions.
class SlowContour : public vtkContourFilter
{
public:
  static SlowContour* New();
  vtkTypeMacro(SlowContour, vtkContourFilter);
  static std::atomic<int> Executions;

protected:
  SlowContour() = default;
  int RequestData(
    vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs) override
  {
    ++Executions;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return this->Superclass::RequestData(request, inputs, outputs);
  }
};
vtkStandardNewMacro(SlowContour);
std::atomic<int> SlowContour::Executions{ 0 };
}

// Two cache filters with their own memory caches and one disk level, on two threads, miss
// the same key at once: the wrapped algorithm runs once, and the second serves it.
TEST_F(TrackedDiskKeyLockTest, CacheFiltersMissingOneKeyComputeItOnce)
{
  SlowContour::Executions = 0;
  std::string results[2];
  std::string digests[2];
  auto run = [this, &results, &digests](int which)
  {
    vtkNew<vtkRTAnalyticSource> wavelet;
    vtkNew<SlowContour> contour;
    contour->SetValue(0, 160);
    vtkNew<vtkTrackedCacheFilter> cached;
    cached->SetAlgorithm(contour);
    cached->SetParameterKey("slow contour at 160"); // a class it does not know by itself
    cached->SetDiskCache(this->Cache);
    cached->SetInputConnection(wavelet->GetOutputPort());
    cached->Update();
    results[which] = cached->GetLastResult();
    digests[which] = vtkTrackedArrayCache::ComputeDigest(cached->GetOutputDataObject(0));
  };
  std::thread first(run, 0);
  std::thread second(run, 1);
  first.join();
  second.join();
  EXPECT_EQ(SlowContour::Executions.load(), 1);
  std::sort(results, results + 2); // whichever thread came first computed
  EXPECT_EQ(results[0], "disk-hit");
  EXPECT_EQ(results[1], "miss");
  EXPECT_EQ(digests[0], digests[1]);
  EXPECT_TRUE(this->Files(".lock-").empty());
}

// An entry of a newer format version stays in place and is a miss: waiting for a stalled
// owner must not end on it again and again, but at the timeout, as without it.
TEST_F(TrackedDiskKeyLockTest, ANewerEntryInPlaceDoesNotEndTheWait)
{
  ASSERT_TRUE(this->Cache->Set("k", TrackedDiskCacheContent(10)));
  const std::string path = this->Cache->GetEntryPath("k");
  std::string future = ReadFile(path);
  future[8] = 99; // the format version
  ReplaceFile(path, future);
  const pid_t holder = this->StartHolder("k");
  this->Cache->SetLockTimeout(0.5);
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  const auto started = Clock::now();
  EXPECT_FALSE(this->Cache->LoadOrLock("k", values, seconds));
  const double waited = std::chrono::duration<double>(Clock::now() - started).count();
  ::kill(holder, SIGKILL);
  Wait(holder);
  EXPECT_TRUE(this->Cache->IsLockedHere("k")) << "taken over after the timeout";
  EXPECT_GE(waited, 0.5);
  EXPECT_LT(waited, 10.0);
  this->Cache->Unlock("k");
}
