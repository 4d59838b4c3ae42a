// Digest throughput against the machine's own memory speed, measured in the same run.
//   build/bin/BenchmarkDigest --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Quote the medians; bytes_per_second of Digest* over that of PlainRead at the same size
// and thread count is the fraction of read bandwidth a digest reaches.
#include "vtkDoubleArray.h"
#include "vtkNew.h"
#include "vtkSMPTools.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedArrayCache.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace
{
constexpr int Components = 3;

vtkIdType TuplesFor(benchmark::State& state)
{
  return static_cast<vtkIdType>(state.range(0)) / (Components * sizeof(double));
}

template <typename ArrayT>
vtkSmartPointer<ArrayT> MakeArray(vtkIdType tuples)
{
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfComponents(Components);
  array->SetNumberOfTuples(tuples);
  for (vtkIdType t = 0; t < tuples; ++t)
  {
    for (int c = 0; c < Components; ++c)
    {
      array->SetTypedComponent(t, c, 0.5 * t + c);
    }
  }
  return array;
}

// Runs `body` with vtkSMPTools limited to the benchmark's thread count.
template <typename Body>
void WithThreads(benchmark::State& state, Body&& body)
{
  vtkSMPTools::LocalScope(vtkSMPTools::Config{ static_cast<int>(state.range(1)) }, body);
}

void Report(benchmark::State& state)
{
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// Reads every 64-bit word once (summed so the reads cannot be dropped), split over the
// same threads as the digests.
void PlainRead(benchmark::State& state)
{
  auto array = MakeArray<vtkDoubleArray>(TuplesFor(state));
  const auto* words = reinterpret_cast<const std::uint64_t*>(array->GetPointer(0));
  const vtkIdType count = array->GetNumberOfValues();
  const vtkIdType block = 1 << 17;
  std::vector<std::uint64_t> sums((count + block - 1) / block);
  WithThreads(state,
    [&]
    {
      for (auto _ : state)
      {
        vtkSMPTools::For(0, static_cast<vtkIdType>(sums.size()), 1,
          [&](vtkIdType b, vtkIdType e)
          {
            for (vtkIdType i = b; i < e; ++i)
            {
              std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
              const vtkIdType last = std::min(count, (i + 1) * block);
              vtkIdType w = i * block;
              for (; w + 4 <= last; w += 4)
              {
                s0 += words[w];
                s1 += words[w + 1];
                s2 += words[w + 2];
                s3 += words[w + 3];
              }
              for (; w < last; ++w)
              {
                s0 += words[w];
              }
              sums[i] = s0 + s1 + s2 + s3;
            }
          });
        benchmark::DoNotOptimize(sums.data());
        benchmark::ClobberMemory();
      }
    });
  Report(state);
}

void Memcpy(benchmark::State& state)
{
  auto array = MakeArray<vtkDoubleArray>(TuplesFor(state));
  std::vector<double> copy(array->GetNumberOfValues(), 1.0);
  for (auto _ : state)
  {
    std::memcpy(copy.data(), array->GetPointer(0), copy.size() * sizeof(double));
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  Report(state);
}

template <typename ArrayT>
void Digest(benchmark::State& state)
{
  auto array = MakeArray<ArrayT>(TuplesFor(state));
  WithThreads(state,
    [&]
    {
      for (auto _ : state)
      {
        benchmark::DoNotOptimize(vtkTrackedArrayCache::ComputeDigest(array));
      }
    });
  Report(state);
}

void DigestAOS(benchmark::State& state)
{
  Digest<vtkDoubleArray>(state);
}
void DigestSOA(benchmark::State& state)
{
  Digest<vtkSOADataArrayTemplate<double>>(state);
}

void Sizes(benchmark::internal::Benchmark* benchmark)
{
  for (std::int64_t bytes : { 64LL << 10, 1LL << 20, 64LL << 20, 512LL << 20 })
  {
    for (std::int64_t threads : { 1, 2 })
    {
      benchmark->Args({ bytes, threads });
    }
  }
  benchmark->ArgNames({ "bytes", "threads" })->UseRealTime();
}

BENCHMARK(PlainRead)->Apply(Sizes);
BENCHMARK(DigestAOS)->Apply(Sizes);
BENCHMARK(DigestSOA)->Apply(Sizes);
BENCHMARK(Memcpy)->Apply(
  [](benchmark::internal::Benchmark* benchmark)
  {
    for (std::int64_t bytes : { 64LL << 10, 1LL << 20, 64LL << 20, 512LL << 20 })
    {
      benchmark->Args({ bytes, 1 });
    }
    benchmark->ArgNames({ "bytes", "threads" })->UseRealTime();
  });

// First digest after a change of a 1M x 3 float64 array (24 MiB), as trimesh's
// TrackedArray pays it, through the cache's GetDigest().
void FirstDigestAfterChange(benchmark::State& state)
{
  auto array = MakeArray<vtkDoubleArray>(1000000);
  vtkNew<vtkTrackedArrayCache> cache;
  WithThreads(state,
    [&]
    {
      for (auto _ : state)
      {
        array->Modified();
        benchmark::DoNotOptimize(cache->GetDigest(array));
      }
    });
}
BENCHMARK(FirstDigestAfterChange)
  ->Args({ 24000000, 1 })
  ->Args({ 24000000, 2 })
  ->ArgNames({ "bytes", "threads" })
  ->UseRealTime()
  ->Unit(benchmark::kMillisecond);

// The digest of an unchanged tracked array: the stamp check and the kept digest.
void CachedDigest(benchmark::State& state)
{
  auto array = MakeArray<vtkDoubleArray>(1000000);
  vtkNew<vtkTrackedArrayCache> cache;
  cache->GetDigest(array);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(cache->GetDigest(array));
  }
}
BENCHMARK(CachedDigest);
}

BENCHMARK_MAIN();
