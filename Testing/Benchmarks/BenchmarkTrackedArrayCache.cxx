// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Costs of vtkTrackedArrayCache's hot paths. Run (Release build):
//   build/bin/BenchmarkTrackedArrayCache --benchmark_repetitions=5 \
//     --benchmark_report_aggregates_only=true
// and quote the medians. Targets: a Get hit costs at most 100 ns, under either eviction
// policy; the digest of an unchanged array at most twice the stamp check (StampCheck):
// CachedDigest returns a new string (GetDigest), CachedDigestInto writes a reused one
// (TryGetDigest), next to the least a returned string allows (CachedDigestFloor).
#include "vtkFloatArray.h"
#include "vtkNew.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedStamp.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace
{
vtkSmartPointer<vtkFloatArray> MakeArray(vtkIdType tuples = 1000)
{
  auto array = vtkSmartPointer<vtkFloatArray>::New();
  array->SetNumberOfComponents(3);
  array->SetNumberOfTuples(tuples);
  array->FillValue(1.0f);
  return array;
}

// A cache holding `entries` entries, one per source array.
struct FilledCache
{
  vtkNew<vtkTrackedArrayCache> Cache;
  std::vector<vtkSmartPointer<vtkFloatArray>> Sources;
  vtkSmartPointer<vtkFloatArray> Value = MakeArray(1);

  explicit FilledCache(std::size_t entries)
  {
    for (std::size_t i = 0; i < entries; ++i)
    {
      this->Sources.push_back(MakeArray(1 + i % 16));
      this->Cache->Set(this->Sources.back(), "range", this->Value);
    }
  }
};

// Get hits on one unchanged array while the cache holds `entries` entries (range 0): the
// cost of a lookup as the cache grows (the hot array stays in the CPU caches), under an
// eviction policy (range 1: 0 LeastRecentlyUsed, 1 CostAware, where a hit also only
// counts itself).
void GetHit(benchmark::State& state)
{
  FilledCache filled(static_cast<std::size_t>(state.range(0)));
  filled.Cache->SetEvictionPolicy(static_cast<int>(state.range(1)));
  vtkFloatArray* source = filled.Sources[filled.Sources.size() / 2];
  const std::string key = "range";
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(filled.Cache->Get(source, key));
  }
  if (filled.Cache->GetNumberOfMisses() != 0)
  {
    state.SkipWithError("a lookup missed");
  }
}
BENCHMARK(GetHit)->ArgsProduct({ { 1, 1000, 100000 }, { 0, 1 } });

// Get hits cycling through all `entries` arrays: with 1e5 arrays each lookup touches
// memory the CPU caches no longer hold (the array, its record, its entry).
void GetHitCycling(benchmark::State& state)
{
  FilledCache filled(static_cast<std::size_t>(state.range(0)));
  const std::string key = "range";
  std::size_t next = 0;
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(filled.Cache->Get(filled.Sources[next], key));
    next = next + 1 == filled.Sources.size() ? 0 : next + 1;
  }
  if (filled.Cache->GetNumberOfMisses() != 0)
  {
    state.SkipWithError("a lookup missed");
  }
}
BENCHMARK(GetHitCycling)->Arg(1)->Arg(1000)->Arg(100000);

// Stores into a full cache of `entries` entries (range 0) under a policy (range 1: 0
// LeastRecentlyUsed, 1 CostAware), each evicting one entry; costs vary per key.
void SetEvicting(benchmark::State& state)
{
  const auto entries = static_cast<std::size_t>(state.range(0));
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetEvictionPolicy(static_cast<int>(state.range(1)));
  cache->SetMemoryBudget(static_cast<vtkTypeInt64>(entries) * 64);
  auto source = MakeArray();
  auto value = MakeArray(1);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < 2 * entries; ++i)
  {
    keys.push_back("k" + std::to_string(i));
    cache->Set(source, keys.back(), value, 64, 1e-3 * static_cast<double>(i * 7919 % 1000));
  }
  std::size_t next = 0;
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(
      cache->Set(source, keys[next], value, 64, 1e-3 * static_cast<double>(next * 7919 % 1000)));
    next = next + 1 == keys.size() ? 0 : next + 1;
  }
}
BENCHMARK(SetEvicting)->ArgsProduct({ { 1000, 100000 }, { 0, 1 } });

// Set replacing the value under one key of one source.
void Set(benchmark::State& state)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeArray();
  auto value = MakeArray(1);
  const std::string key = "range";
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(cache->Set(source, key, value, 64));
  }
}
BENCHMARK(Set);

// The stamp comparison alone, the part of a Get that proves the storage unchanged.
template <typename ArrayT>
void StampCheck(benchmark::State& state)
{
  vtkNew<ArrayT> array;
  array->SetNumberOfComponents(3);
  array->SetNumberOfTuples(1000);
  const vtkTrackedSource source(array);
  vtkTrackedStamp stamp;
  stamp.Capture(source);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(stamp.Compare(source));
  }
}
BENCHMARK_TEMPLATE(StampCheck, vtkFloatArray);
BENCHMARK_TEMPLATE(StampCheck, vtkSOADataArrayTemplate<float>);

// The digest of an unchanged tracked array: the stamp check and the kept digest.
void CachedDigest(benchmark::State& state)
{
  auto array = MakeArray();
  vtkNew<vtkTrackedArrayCache> cache;
  cache->GetDigest(array);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(cache->GetDigest(array));
  }
}
BENCHMARK(CachedDigest);

// The same through TryGetDigest() into a string the caller reuses: no allocation.
void CachedDigestInto(benchmark::State& state)
{
  auto array = MakeArray();
  vtkNew<vtkTrackedArrayCache> cache;
  std::string digest;
  std::string error;
  cache->TryGetDigest(array, /*fresh=*/false, digest, error);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(cache->TryGetDigest(array, /*fresh=*/false, digest, error));
    benchmark::DoNotOptimize(digest.data());
  }
}
BENCHMARK(CachedDigestInto);

// The least any GetDigest() of an unchanged array does as its API stands: the stamp check
// of the array given, and the digest's 41-character text returned (an allocation).
void CachedDigestFloor(benchmark::State& state)
{
  auto array = MakeArray();
  const vtkTrackedSource source(array);
  vtkTrackedStamp stamp;
  stamp.Capture(source);
  vtkTrackedDigest digest;
  vtkTrackedDigest::OfArray(array, /*pool=*/nullptr, digest);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(stamp.Compare(source));
    benchmark::DoNotOptimize(digest.ToString());
  }
}
BENCHMARK(CachedDigestFloor);
}

BENCHMARK_MAIN();
