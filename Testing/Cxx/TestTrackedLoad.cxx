// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Load test of vtkTrackedArrayCache: 8 threads doing mixed operations (10^6 in all by
// default, TRACKED_LOAD_OPERATIONS to change) under a small memory budget. The budget is
// never exceeded (a sampler thread reads the usage all along), nothing deadlocks (a
// watchdog aborts after TRACKED_LOAD_SECONDS, 300 by default), and the statistics add up:
// hits + misses = lookups made. Each thread modifies only its own arrays and reads shared
// ones, as VTK requires of objects used from several threads.
#include "vtkTrackedArrayCache.h"

#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkNew.h"
#include "vtkSmartPointer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace
{
constexpr int Threads = 8;
constexpr int OwnArrays = 4;
constexpr int SharedArrays = 8;
constexpr vtkTypeInt64 Budget = 256 * 1024;

long Setting(const char* name, long fallback)
{
  const char* text = std::getenv(name);
  return text ? std::atol(text) : fallback;
}

vtkSmartPointer<vtkFloatArray> MakeArray(int tuples)
{
  auto array = vtkSmartPointer<vtkFloatArray>::New();
  array->SetNumberOfComponents(3);
  array->SetNumberOfTuples(tuples);
  for (vtkIdType i = 0; i < array->GetNumberOfValues(); ++i)
  {
    array->SetValue(i, static_cast<float>(i));
  }
  return array;
}

TEST(TrackedLoad, ManyThreadsUnderASmallBudget)
{
  const long operations = Setting("TRACKED_LOAD_OPERATIONS", 1000000);
  const long seconds = Setting("TRACKED_LOAD_SECONDS", 300);
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(Budget);
  std::vector<vtkSmartPointer<vtkFloatArray>> shared;
  for (int i = 0; i < SharedArrays; ++i)
  {
    shared.push_back(MakeArray(16 + i));
  }

  std::atomic<bool> done{ false };
  std::atomic<long> lookups{ 0 };
  std::atomic<vtkTypeInt64> highest{ 0 };
  std::atomic<long> samples{ 0 };
  std::thread watchdog(
    [&]
    {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
      while (!done && std::chrono::steady_clock::now() < deadline)
      {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (!done)
      {
        std::fprintf(stderr, "TrackedLoad: no progress after %ld s: a deadlock\n", seconds);
        std::abort();
      }
    });
  std::thread sampler(
    [&]
    {
      while (!done)
      {
        const vtkTypeInt64 usage = cache->GetMemoryUsage();
        vtkTypeInt64 seen = highest.load();
        while (usage > seen && !highest.compare_exchange_weak(seen, usage))
        {
        }
        ++samples;
        std::this_thread::yield();
      }
    });

  std::vector<std::thread> workers;
  for (int t = 0; t < Threads; ++t)
  {
    workers.emplace_back(
      [&, t]
      {
        std::mt19937 random(static_cast<unsigned>(1000 + t));
        std::vector<vtkSmartPointer<vtkFloatArray>> own;
        for (int i = 0; i < OwnArrays; ++i)
        {
          own.push_back(MakeArray(8 + i));
        }
        long made = 0;
        for (long op = t; op < operations; op += Threads)
        {
          const bool mine = random() % 2 == 0;
          vtkFloatArray* source = mine ? own[random() % OwnArrays].GetPointer()
                                       : shared[random() % SharedArrays].GetPointer();
          const std::string key = "k" + std::to_string(random() % 6);
          switch (random() % 10)
          {
            case 0:
            case 1:
            {
              auto value = vtkSmartPointer<vtkDoubleArray>::New();
              value->SetNumberOfValues(1 + random() % 2048); // up to 16 KiB
              cache->Set(source, key, value);
              break;
            }
            case 2:
            case 3:
            case 4:
              cache->Get(source, key);
              ++made;
              break;
            case 5:
            case 6:
              cache->GetOrCompute(source, key,
                [&]
                {
                  auto value = vtkSmartPointer<vtkDoubleArray>::New();
                  value->SetNumberOfValues(512);
                  return vtkSmartPointer<vtkObject>(value);
                });
              ++made;
              break;
            case 7:
            {
              const std::string digest = vtkTrackedArrayCache::ComputeTextDigest(key);
              if (random() % 2)
              {
                cache->Set(digest, key, vtkSmartPointer<vtkDoubleArray>::New());
              }
              else
              {
                cache->Get(digest, key);
                ++made;
              }
              break;
            }
            case 8:
              if (mine)
              {
                source->Modified(); // its own arrays only
              }
              break;
            default:
              if (mine && random() % 4 == 0)
              {
                source->SetNumberOfTuples(8 + random() % 32); // may reallocate
              }
              else
              {
                cache->Invalidate(source, key);
              }
          }
        }
        lookups += made;
      });
  }
  for (auto& worker : workers)
  {
    worker.join();
  }
  done = true;
  sampler.join();
  watchdog.join();

  std::printf("%ld operations on %d threads: %ld lookups, %lld hits, %lld misses, %lld "
              "evictions; memory sampled %ld times, at most %lld of %lld bytes\n",
    operations, Threads, lookups.load(), static_cast<long long>(cache->GetNumberOfHits()),
    static_cast<long long>(cache->GetNumberOfMisses()),
    static_cast<long long>(cache->GetNumberOfEvictions()), samples.load(),
    static_cast<long long>(highest.load()), static_cast<long long>(Budget));
  EXPECT_LE(highest.load(), Budget) << "the budget held at every sample";
  EXPECT_LE(cache->GetMemoryUsage(), Budget);
  EXPECT_GT(samples.load(), 10);
  EXPECT_EQ(cache->GetNumberOfHits() + cache->GetNumberOfMisses(), lookups.load())
    << "every lookup is a hit or a miss";
  EXPECT_GT(cache->GetNumberOfHits(), 0);
  EXPECT_GT(cache->GetNumberOfEvictions(), 0) << "the budget was reached";
}
}
