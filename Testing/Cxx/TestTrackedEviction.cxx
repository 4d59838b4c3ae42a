// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkTrackedArrayCache's eviction policies: LeastRecentlyUsed and
// CostAware, against a model of each that picks its victim by brute force.
#include "vtkTrackedArrayCache.h"

#include "TrackedEvictionTrace.h"
#include "TrackedTestHelpers.h"

#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkNew.h"
#include "vtkSmartPointer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace
{
vtkSmartPointer<vtkFloatArray> MakeSource()
{
  auto source = vtkSmartPointer<vtkFloatArray>::New();
  source->SetNumberOfValues(10);
  source->FillValue(1.0f);
  return source;
}

vtkSmartPointer<vtkDoubleArray> MakeValue()
{
  auto value = vtkSmartPointer<vtkDoubleArray>::New();
  value->SetNumberOfValues(1);
  value->SetValue(0, 1.0);
  return value;
}

// What the cache should hold, by the documented rules: every lookup and store is a use;
// CostAware evicts the lowest max(seconds, 1e-6) * uses / max(bytes, 1) * 2^(-unused /
// half-life), LeastRecentlyUsed the oldest last use.
class EvictionModel
{
public:
  EvictionModel(int policy, vtkTypeInt64 budget, double halfLife)
    : Policy(policy)
    , Budget(budget)
    , HalfLife(halfLife)
  {
  }

  bool Get(const std::string& key)
  {
    ++this->Uses;
    auto found = this->Entries.find(key);
    if (found == this->Entries.end())
    {
      return false;
    }
    found->second.LastUse = this->Uses;
    ++found->second.UseCount;
    return true;
  }

  void Set(const std::string& key, vtkTypeInt64 bytes, double seconds)
  {
    const std::uint64_t use = ++this->Uses;
    this->Drop(key);
    if (bytes > this->Budget)
    {
      return;
    }
    while (this->Usage + bytes > this->Budget)
    {
      this->Drop(this->Victim());
    }
    this->Entries[key] = { bytes, seconds, use, 1 };
    this->Usage += bytes;
  }

  std::size_t Size() const { return this->Entries.size(); }
  vtkTypeInt64 GetUsage() const { return this->Usage; }

private:
  struct Entry
  {
    vtkTypeInt64 Bytes;
    double Seconds;
    std::uint64_t LastUse;
    std::uint64_t UseCount;
  };

  // The decayed score, as a logarithm relative to the current use (same order).
  double LogScore(const Entry& entry) const
  {
    return std::log2(std::max(entry.Seconds, 1e-6) * static_cast<double>(entry.UseCount) /
             std::max<double>(entry.Bytes, 1)) -
      static_cast<double>(this->Uses - entry.LastUse) / this->HalfLife;
  }

  std::string Victim() const
  {
    std::string victim;
    double lowest = std::numeric_limits<double>::infinity();
    for (const auto& entry : this->Entries)
    {
      const double score = this->Policy == vtkTrackedArrayCache::CostAware
        ? this->LogScore(entry.second)
        : static_cast<double>(entry.second.LastUse);
      if (score < lowest)
      {
        lowest = score;
        victim = entry.first;
      }
    }
    return victim;
  }

  void Drop(const std::string& key)
  {
    auto found = this->Entries.find(key);
    if (found != this->Entries.end())
    {
      this->Usage -= found->second.Bytes;
      this->Entries.erase(found);
    }
  }

  int Policy;
  vtkTypeInt64 Budget;
  double HalfLife;
  std::uint64_t Uses = 0;
  vtkTypeInt64 Usage = 0;
  std::map<std::string, Entry> Entries;
};

// Random stores and lookups of 40 keys with log-uniform costs and sizes, checked step by
// step against the model.
void ExpectCacheFollowsModel(int policy, unsigned seed)
{
  constexpr vtkTypeInt64 Budget = 4000;
  constexpr double HalfLife = 25.0;
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(Budget);
  cache->SetEvictionPolicy(policy);
  cache->SetCostHalfLife(HalfLife);
  EvictionModel model(policy, Budget, HalfLife);
  auto source = MakeSource();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> keyOf(0, 39);
  std::uniform_real_distribution<double> exponent(-4.0, 1.0);
  std::uniform_int_distribution<int> bytesOf(1, 1500);
  for (int step = 0; step < 3000; ++step)
  {
    const std::string key = "k" + std::to_string(keyOf(random));
    if (random() % 3 == 0)
    {
      const vtkTypeInt64 bytes = bytesOf(random);
      const double seconds = std::pow(10.0, exponent(random));
      model.Set(key, bytes, seconds);
      cache->Set(source, key, MakeValue(), bytes, seconds);
    }
    else
    {
      ASSERT_EQ(cache->Get(source, key) != nullptr, model.Get(key))
        << "step " << step << ", key " << key;
    }
    ASSERT_EQ(cache->GetNumberOfEntries(), static_cast<vtkTypeInt64>(model.Size()))
      << "step " << step;
    ASSERT_EQ(cache->GetMemoryUsage(), model.GetUsage()) << "step " << step;
    ASSERT_LE(cache->GetMemoryUsage(), Budget);
  }
  EXPECT_GT(cache->GetNumberOfEvictions(), 100) << "the trace must exercise eviction";
}
}

TEST(TrackedEviction, LeastRecentlyUsedIsTheDefault)
{
  vtkNew<vtkTrackedArrayCache> cache;
  EXPECT_EQ(cache->GetEvictionPolicy(), vtkTrackedArrayCache::LeastRecentlyUsed);
  EXPECT_EQ(cache->GetCostHalfLife(), 15.0);
  cache->SetEvictionPolicyToCostAware();
  EXPECT_EQ(cache->GetEvictionPolicy(), vtkTrackedArrayCache::CostAware);
  cache->SetEvictionPolicyToLeastRecentlyUsed();
  EXPECT_EQ(cache->GetEvictionPolicy(), vtkTrackedArrayCache::LeastRecentlyUsed);
}

// The case: a small result that took 20 s against a large one that takes 5 ms.
TEST(TrackedEviction, CostAwareKeepsTheExpensiveSmallResult)
{
  for (int policy : { vtkTrackedArrayCache::LeastRecentlyUsed, vtkTrackedArrayCache::CostAware })
  {
    vtkNew<vtkTrackedArrayCache> cache;
    cache->SetMemoryBudget(1000);
    cache->SetEvictionPolicy(policy);
    auto source = MakeSource();
    ASSERT_TRUE(cache->Set(source, "decimated", MakeValue(), 100, 20.0));
    ASSERT_TRUE(cache->Set(source, "large", MakeValue(), 800, 0.005));
    ASSERT_TRUE(cache->Set(source, "next", MakeValue(), 200, 0.005));
    const bool costAware = policy == vtkTrackedArrayCache::CostAware;
    EXPECT_EQ(cache->Get(source, "decimated") != nullptr, costAware);
    EXPECT_EQ(cache->Get(source, "large") != nullptr, !costAware);
    EXPECT_NE(cache->Get(source, "next"), nullptr);
    EXPECT_EQ(cache->GetNumberOfEvictions(), 1);
  }
}

// A result 100 times costlier per byte (2^6.6) than a stream of fresh ones outlives them
// for 6.6 half-lives of disuse, not more.
TEST(TrackedEviction, CostAwareScoreDecaysWithDisuse)
{
  for (int freshResults : { 50, 80 })
  {
    vtkNew<vtkTrackedArrayCache> cache;
    cache->SetMemoryBudget(200);
    cache->SetEvictionPolicyToCostAware();
    cache->SetCostHalfLife(10);
    auto source = MakeSource();
    ASSERT_TRUE(cache->Set(source, "expensive", MakeValue(), 100, 1.0));
    for (int fresh = 0; fresh < freshResults; ++fresh)
    {
      ASSERT_TRUE(cache->Set(source, "cheap" + std::to_string(fresh), MakeValue(), 100, 0.01));
    }
    const bool expensiveOutlived = freshResults < 66;
    EXPECT_EQ(cache->Get(source, "expensive") != nullptr, expensiveOutlived)
      << freshResults << " fresh results";
    EXPECT_EQ(cache->GetNumberOfEntries(), 2);
  }
}

// With equal costs, a large array in constant use outlives small results used once.
TEST(TrackedEviction, CostAwareKeepsWhatIsUsedOften)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(1000);
  cache->SetEvictionPolicyToCostAware();
  auto source = MakeSource();
  ASSERT_TRUE(cache->Set(source, "normals", MakeValue(), 600, 0.1));
  for (int step = 0; step < 20; ++step)
  {
    ASSERT_NE(cache->Get(source, "normals"), nullptr) << "step " << step;
    ASSERT_TRUE(cache->Set(source, "contour" + std::to_string(step), MakeValue(), 150, 0.1));
  }
}

// Equal costs and sizes: CostAware evicts as LeastRecentlyUsed does.
TEST(TrackedEviction, CostAwareWithEqualCostsIsLeastRecentlyUsed)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(300);
  cache->SetEvictionPolicyToCostAware();
  auto source = MakeSource();
  for (const char* key : { "a", "b", "c" })
  {
    ASSERT_TRUE(cache->Set(source, key, MakeValue(), 100));
  }
  ASSERT_NE(cache->Get(source, "a"), nullptr);
  ASSERT_TRUE(cache->Set(source, "d", MakeValue(), 100));
  EXPECT_EQ(cache->Get(source, "b"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "evicted");
  for (const char* key : { "a", "c", "d" })
  {
    EXPECT_NE(cache->Get(source, key), nullptr) << key;
  }
}

TEST(TrackedEviction, LeastRecentlyUsedFollowsItsModel)
{
  ExpectCacheFollowsModel(vtkTrackedArrayCache::LeastRecentlyUsed, 7);
}

TEST(TrackedEviction, CostAwareFollowsItsModel)
{
  for (unsigned seed : { 1u, 2u, 3u })
  {
    ExpectCacheFollowsModel(vtkTrackedArrayCache::CostAware, seed);
  }
}

// Changing the policy or the half-life keeps every entry, and the order follows the change.
TEST(TrackedEviction, SwitchingPolicyKeepsEntries)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(300);
  auto source = MakeSource();
  ASSERT_TRUE(cache->Set(source, "expensive", MakeValue(), 100, 10.0));
  ASSERT_TRUE(cache->Set(source, "cheap1", MakeValue(), 100, 0.001));
  ASSERT_TRUE(cache->Set(source, "cheap2", MakeValue(), 100, 0.001));
  cache->SetEvictionPolicyToCostAware();
  cache->SetCostHalfLife(5);
  EXPECT_EQ(cache->GetNumberOfEntries(), 3);
  ASSERT_TRUE(cache->Set(source, "next", MakeValue(), 100, 0.001));
  EXPECT_NE(cache->Get(source, "expensive"), nullptr);
  EXPECT_EQ(cache->Get(source, "cheap1"), nullptr);
}

// GetOrCompute records the seconds compute() took.
TEST(TrackedEviction, GetOrComputeRecordsTheCost)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(300);
  cache->SetEvictionPolicyToCostAware();
  auto source = MakeSource();
  auto slow = []
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return vtkSmartPointer<vtkObject>(MakeValue());
  };
  auto fast = [] { return vtkSmartPointer<vtkObject>(MakeValue()); };
  ASSERT_NE(cache->GetOrCompute(source, "slow", slow, 100), nullptr);
  ASSERT_NE(cache->GetOrCompute(source, "fast1", fast, 100), nullptr);
  ASSERT_NE(cache->GetOrCompute(source, "fast2", fast, 100), nullptr);
  ASSERT_NE(cache->GetOrCompute(source, "fast3", fast, 100), nullptr);
  EXPECT_NE(cache->Get(source, "slow"), nullptr) << "the slow result outlives a fast one";
  EXPECT_EQ(cache->GetNumberOfEvictions(), 1); // of the fast ones, whichever was fastest
}

// A size of any integer type is a size; a floating-point number is seconds.
TEST(TrackedEviction, SetOverloadsTellSizesFromSeconds)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeSource();
  auto value = MakeValue();
  ASSERT_TRUE(cache->Set(source, "int", value, 100));
  ASSERT_TRUE(cache->Set(source, "size_t", value, sizeof(double) * 25));
  EXPECT_EQ(cache->GetMemoryUsage(), 300);
  ASSERT_TRUE(cache->Set(source, "seconds", value, 2.0));
  EXPECT_EQ(cache->GetMemoryUsage(), 300 + value->GetActualMemorySize() * 1024);
  const std::string digest = vtkTrackedArrayCache::ComputeTextDigest("content");
  ASSERT_TRUE(cache->Set(digest, "int", value, 10));
  ASSERT_TRUE(cache->Set(digest, "both", value, 20, 1.5));
  EXPECT_EQ(cache->GetMemoryUsage(), 330 + value->GetActualMemorySize() * 1024);
}

TEST(TrackedEviction, BadArgumentsAreErrors)
{
  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  auto source = MakeSource();
  cache->SetEvictionPolicy(7);
  EXPECT_TRUE(errors.Caught("Unknown eviction policy 7"));
  EXPECT_EQ(cache->GetEvictionPolicy(), vtkTrackedArrayCache::LeastRecentlyUsed);
  for (double uses : { 0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity() })
  {
    cache->SetCostHalfLife(uses);
  }
  EXPECT_EQ(errors.Messages.size(), 5u);
  EXPECT_EQ(cache->GetCostHalfLife(), 15.0);
  EXPECT_FALSE(cache->Set(source, "k", MakeValue(), -1.0));
  EXPECT_FALSE(cache->Set(source, "k", MakeValue(), 10, std::nan("")));
  EXPECT_FALSE(cache->Set(source, "k", MakeValue(), -5, 1.0));
  EXPECT_TRUE(errors.Caught("must be finite and not negative"));
  EXPECT_TRUE(errors.Caught("cannot be negative (-5)"));
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);
}

// The replayed session of the eviction benchmark (deterministic: the costs come from the
// trace): CostAware recomputes at least 30% less, and at most 10% more at a uniform cost.
TEST(TrackedEviction, ReplayedSessionRecomputesLessUnderCostAware)
{
  using namespace TrackedEvictionTrace;
  for (unsigned seed = 1; seed <= 10; ++seed)
  {
    const Trace session = MakeSessionTrace(seed, 3000);
    const vtkTypeInt64 budget = session.WorkingSetBytes / 3;
    const double lru =
      ReplayRecomputeSeconds(session, vtkTrackedArrayCache::LeastRecentlyUsed, budget);
    const double costAware =
      ReplayRecomputeSeconds(session, vtkTrackedArrayCache::CostAware, budget);
    EXPECT_LE(costAware, 0.7 * lru) << "seed " << seed;
    const Trace uniform = WithUniformCost(session, 0.3);
    const double uniformLru =
      ReplayRecomputeSeconds(uniform, vtkTrackedArrayCache::LeastRecentlyUsed, budget);
    const double uniformCostAware =
      ReplayRecomputeSeconds(uniform, vtkTrackedArrayCache::CostAware, budget);
    EXPECT_LE(uniformCostAware, 1.1 * uniformLru) << "seed " << seed;
    EXPECT_GT(uniformLru, 0.0);
  }
}

// Threads storing and hitting their own sources in one CostAware cache, while another
// switches the policy and the half-life: the budget holds, and nothing breaks (run under
// ThreadSanitizer by the test command).
TEST(TrackedEviction, ConcurrentStoresAndHitsUnderCostAware)
{
  constexpr vtkTypeInt64 Budget = 20000;
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(Budget);
  cache->SetEvictionPolicyToCostAware();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t)
  {
    threads.emplace_back(
      [&cache, t]
      {
        auto source = MakeSource();
        std::mt19937 random(t);
        for (int op = 0; op < 5000; ++op)
        {
          const std::string key = "k" + std::to_string(random() % 32);
          if (random() % 3 == 0)
          {
            cache->Set(source, key, MakeValue(), 1 + random() % 1000, 1e-4 * (random() % 100));
          }
          else
          {
            cache->Get(source, key);
          }
        }
      });
  }
  threads.emplace_back(
    [&cache]
    {
      for (int op = 0; op < 200; ++op)
      {
        cache->SetCostHalfLife(5 + op % 20);
        cache->SetEvictionPolicy(
          op % 2 ? vtkTrackedArrayCache::CostAware : vtkTrackedArrayCache::LeastRecentlyUsed);
      }
    });
  for (auto& thread : threads)
  {
    thread.join();
  }
  EXPECT_LE(cache->GetMemoryUsage(), Budget);
  EXPECT_GT(cache->GetNumberOfEvictions(), 0);
}
