// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Digest throughput against the machine's own limits, measured in the same run: the read
// bandwidth (PlainRead, and PlainReadVector, a vectorized loop built for this CPU), raw
// XXH3-128 (libxxhash's runtime dispatch, and inline for this CPU) and memcpy.
//   build/bin/BenchmarkDigest --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Quote the medians; bytes_per_second of Digest* over that of a limit at the same size and
// thread count is the fraction of it a digest reaches (Testing/Benchmarks/digest_ratios.py
// runs this and prints those ratios).
#include "BenchmarkDigestLimits.h"
#include "BenchmarkThreads.h"

#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkNew.h"
#include "vtkSMPTools.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedArrayCache.h"

#include <benchmark/benchmark.h>

#define XXH_DISPATCH_DISABLE_REPLACE 1
#include <xxh_x86dispatch.h>
#include <xxhash.h>

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
vtkSmartPointer<ArrayT> MakeArray(vtkIdType tuples, int components = Components)
{
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfComponents(components);
  array->SetNumberOfTuples(tuples);
  for (vtkIdType t = 0; t < tuples; ++t)
  {
    for (int c = 0; c < components; ++c)
    {
      array->SetTypedComponent(t, c, 0.5 * t + c);
    }
  }
  return array;
}

template <typename Body>
void WithThreads(benchmark::State& state, Body&& body)
{
  WithBenchmarkThreads(static_cast<int>(state.range(1)), body);
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

// The single-thread limits, on the same values as the digests.
template <typename Pass>
void OneThreadPass(benchmark::State& state, Pass&& pass)
{
  auto array = MakeArray<vtkDoubleArray>(TuplesFor(state));
  const std::size_t bytes = static_cast<std::size_t>(array->GetNumberOfValues()) * sizeof(double);
  for (auto _ : state)
  {
    pass(array->GetPointer(0), bytes);
  }
  Report(state);
}

void PlainReadVector(benchmark::State& state)
{
  OneThreadPass(state,
    [](const void* bytes, std::size_t length)
    { benchmark::DoNotOptimize(VectorRead(bytes, length)); });
}

void RawXXH3Dispatch(benchmark::State& state)
{
  OneThreadPass(state,
    [](const void* bytes, std::size_t length)
    { benchmark::DoNotOptimize(XXH3_128bits_dispatch(bytes, length)); });
}

void RawXXH3InlineNative(benchmark::State& state)
{
  OneThreadPass(state,
    [](const void* bytes, std::size_t length)
    {
      std::uint64_t digest[2];
      RawXXH3Inline(bytes, length, digest);
      benchmark::DoNotOptimize(digest);
    });
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

// AOS and SOA digests of 1 MiB of doubles or floats by component count, single thread:
// the SOA layout's cost (digest_ratios.py prints SOA / AOS per count).
template <typename ArrayT>
void DigestByComponents(benchmark::State& state)
{
  using Value = typename ArrayT::ValueType;
  const int components = static_cast<int>(state.range(0));
  auto array = MakeArray<ArrayT>((1 << 20) / (components * sizeof(Value)), components);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(vtkTrackedArrayCache::ComputeDigest(array));
  }
  state.SetBytesProcessed(state.iterations() * array->GetNumberOfValues() * sizeof(Value));
}
void DigestAOSByComponents(benchmark::State& state)
{
  DigestByComponents<vtkDoubleArray>(state);
}
void DigestSOAByComponents(benchmark::State& state)
{
  DigestByComponents<vtkSOADataArrayTemplate<double>>(state);
}
void DigestAOSFloatByComponents(benchmark::State& state)
{
  DigestByComponents<vtkFloatArray>(state);
}
void DigestSOAFloatByComponents(benchmark::State& state)
{
  DigestByComponents<vtkSOADataArrayTemplate<float>>(state);
}
void ComponentCounts(benchmark::internal::Benchmark* benchmark)
{
  for (std::int64_t components : { 2, 3, 4, 5, 6, 7, 9, 15, 16 })
  {
    benchmark->Arg(components);
  }
  benchmark->ArgNames({ "components" })->UseRealTime();
}
BENCHMARK(DigestAOSByComponents)->Apply(ComponentCounts);
BENCHMARK(DigestSOAByComponents)->Apply(ComponentCounts);
BENCHMARK(DigestAOSFloatByComponents)->Apply(ComponentCounts);
BENCHMARK(DigestSOAFloatByComponents)->Apply(ComponentCounts);

BENCHMARK(PlainRead)->Apply(Sizes);
BENCHMARK(DigestAOS)->Apply(Sizes);
BENCHMARK(DigestSOA)->Apply(Sizes);
void OneThreadSizes(benchmark::internal::Benchmark* benchmark)
{
  for (std::int64_t bytes : { 64LL << 10, 1LL << 20, 64LL << 20, 512LL << 20 })
  {
    benchmark->Args({ bytes, 1 });
  }
  benchmark->ArgNames({ "bytes", "threads" })->UseRealTime();
}

BENCHMARK(Memcpy)->Apply(OneThreadSizes);
BENCHMARK(PlainReadVector)->Apply(OneThreadSizes);
BENCHMARK(RawXXH3Dispatch)->Apply(OneThreadSizes);
BENCHMARK(RawXXH3InlineNative)->Apply(OneThreadSizes);

// The fixed cost of a digest call: ComputeDigest of one tuple (24 bytes), text included,
// next to raw XXH3 inline of the same bytes.
void DigestCallCost(benchmark::State& state)
{
  auto array = MakeArray<vtkDoubleArray>(1);
  for (auto _ : state)
  {
    benchmark::DoNotOptimize(vtkTrackedArrayCache::ComputeDigest(array));
  }
}
BENCHMARK(DigestCallCost);

void RawXXH3CallCost(benchmark::State& state)
{
  auto array = MakeArray<vtkDoubleArray>(1);
  std::uint64_t digest[2];
  for (auto _ : state)
  {
    RawXXH3Inline(array->GetVoidPointer(0), 3 * sizeof(double), digest);
    benchmark::DoNotOptimize(digest);
  }
}
BENCHMARK(RawXXH3CallCost);

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
}

BENCHMARK_MAIN();
