// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// vtkTrackedCacheFilter on a ~1M-point sphere: recomputing an algorithm against serving
// its output from the cache, and the cost of digesting the inputs, in the same run.
//   build/vtk/bin/BenchmarkCacheFilter --benchmark_repetitions=3 \
//     --benchmark_report_aggregates_only=true
// Quote the medians. Recompute/* re-runs the plain algorithm; HitAfterModified/* serves
// a hit after the input data object's Modified() (arrays untouched, their digests
// recalled); HitAfterNewEqualData/* after the source produced new arrays holding the same
// values (every array hashed again); DigestInputs hashes the input from scratch, and
// ReadInputs reads the same arrays with as many threads (vectorized for this CPU): the
// read-bandwidth floor of DigestInputs, in the same run; RawHashInputs hashes them with
// raw XXH3-128 inline for this CPU, in the same pieces: the floor of any XXH3 digest.
// The targets: HitAfterNewEqualData <= 1.5 x DigestInputs, and ReadInputs / DigestInputs
// >= 0.8 (where raw XXH3 reaches it: RawHashInputs / DigestInputs near 1 is the limit).
#include "BenchmarkDigestLimits.h"

#include "vtkCellArray.h"
#include "vtkCleanPolyData.h"
#include "vtkDataArray.h"
#include "vtkNew.h"
#include "vtkPointData.h"
#include "vtkPolyData.h"
#include "vtkPolyDataNormals.h"
#include "vtkQuadricDecimation.h"
#include "vtkSMPTools.h"
#include "vtkSmartPointer.h"
#include "vtkSphereSource.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCacheFilter.h"
#include "vtkTrivialProducer.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <type_traits>
#include <vector>

namespace
{
// Resolution 1000: 998,002 points, 1,996,000 triangles.
vtkPolyData* Sphere()
{
  static vtkSmartPointer<vtkPolyData> sphere = []
  {
    vtkNew<vtkSphereSource> source;
    source->SetThetaResolution(1000);
    source->SetPhiResolution(1000);
    source->Update();
    return vtkSmartPointer<vtkPolyData>(source->GetOutput());
  }();
  return sphere;
}

template <typename Algorithm>
vtkSmartPointer<Algorithm> Configured()
{
  auto algorithm = vtkSmartPointer<Algorithm>::New();
  if constexpr (std::is_same<Algorithm, vtkQuadricDecimation>::value)
  {
    algorithm->SetTargetReduction(0.9);
  }
  return algorithm;
}

template <typename Algorithm>
void Recompute(benchmark::State& state)
{
  auto input = vtkSmartPointer<vtkPolyData>::New();
  input->ShallowCopy(Sphere());
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(input);
  auto algorithm = Configured<Algorithm>();
  algorithm->SetInputConnection(producer->GetOutputPort());
  for (auto _ : state)
  {
    input->Modified();
    algorithm->Update();
  }
}

// A cached filter that has stored its output once, fed through `producer`.
template <typename Algorithm>
vtkSmartPointer<vtkTrackedCacheFilter> Warm(vtkTrivialProducer* producer)
{
  auto cached = vtkSmartPointer<vtkTrackedCacheFilter>::New();
  cached->SetAlgorithm(Configured<Algorithm>());
  cached->SetInputConnection(producer->GetOutputPort());
  cached->Update();
  return cached;
}

template <typename Algorithm>
void HitAfterModified(benchmark::State& state)
{
  auto input = vtkSmartPointer<vtkPolyData>::New();
  input->ShallowCopy(Sphere());
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(input);
  auto cached = Warm<Algorithm>(producer);
  for (auto _ : state)
  {
    input->Modified();
    cached->Update();
  }
  if (cached->GetLastResult() != "hit")
  {
    state.SkipWithError("not a hit");
  }
}

template <typename Algorithm>
void HitAfterNewEqualData(benchmark::State& state)
{
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(Sphere());
  auto cached = Warm<Algorithm>(producer);
  for (auto _ : state)
  {
    state.PauseTiming();
    auto copy = vtkSmartPointer<vtkPolyData>::New();
    copy->DeepCopy(Sphere());
    producer->SetOutput(copy);
    state.ResumeTiming();
    cached->Update();
  }
  if (cached->GetLastResult() != "hit")
  {
    state.SkipWithError("not a hit");
  }
}

void DigestInputs(benchmark::State& state)
{
  vtkSmartPointer<vtkPolyData> copy; // freed while paused, as HitAfterNewEqualData's input
  for (auto _ : state)
  {
    state.PauseTiming();
    copy = vtkSmartPointer<vtkPolyData>::New();
    copy->DeepCopy(Sphere()); // as fresh in memory as HitAfterNewEqualData's input
    state.ResumeTiming();
    benchmark::DoNotOptimize(vtkTrackedArrayCache::ComputeDigest(copy));
  }
}

// Passes `pass` over every array DigestInputs hashes, in 1 MiB pieces spread over
// vtkSMPTools' threads; `pass` returns a word of what it read.
template <typename Pass>
void PassOverInputs(benchmark::State& state, Pass&& pass)
{
  vtkSmartPointer<vtkPolyData> copy;
  for (auto _ : state)
  {
    state.PauseTiming();
    copy = vtkSmartPointer<vtkPolyData>::New();
    copy->DeepCopy(Sphere());
    std::vector<vtkDataArray*> arrays = { copy->GetPoints()->GetData(),
      copy->GetPolys()->GetOffsetsArray(), copy->GetPolys()->GetConnectivityArray() };
    for (int a = 0; a < copy->GetPointData()->GetNumberOfArrays(); ++a)
    {
      arrays.push_back(copy->GetPointData()->GetArray(a));
    }
    state.ResumeTiming();
    std::atomic<std::uint64_t> total{ 0 };
    for (vtkDataArray* array : arrays)
    {
      const auto* bytes = static_cast<const unsigned char*>(array->GetVoidPointer(0));
      const std::size_t length = static_cast<std::size_t>(array->GetNumberOfValues()) *
        static_cast<std::size_t>(array->GetDataTypeSize());
      constexpr std::size_t Piece = std::size_t(1) << 20;
      vtkSMPTools::For(0, static_cast<vtkIdType>((length + Piece - 1) / Piece), 1,
        [&](vtkIdType begin, vtkIdType end)
        {
          for (vtkIdType piece = begin; piece < end; ++piece)
          {
            const std::size_t offset = static_cast<std::size_t>(piece) * Piece;
            total += pass(bytes + offset, std::min(Piece, length - offset));
          }
        });
    }
    benchmark::DoNotOptimize(total.load());
  }
}

// The read-bandwidth floor.
void ReadInputs(benchmark::State& state)
{
  PassOverInputs(state, VectorRead);
}

// Raw XXH3-128 inline of the same pieces: the fastest any XXH3 digest of them can be.
void RawHashInputs(benchmark::State& state)
{
  PassOverInputs(state,
    [](const void* bytes, std::size_t length)
    {
      std::uint64_t digest[2];
      RawXXH3Inline(bytes, length, digest);
      return digest[0];
    });
}
}

BENCHMARK_TEMPLATE(Recompute, vtkPolyDataNormals)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(Recompute, vtkCleanPolyData)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(Recompute, vtkQuadricDecimation)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(HitAfterModified, vtkPolyDataNormals)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(HitAfterModified, vtkCleanPolyData)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(HitAfterModified, vtkQuadricDecimation)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(HitAfterNewEqualData, vtkPolyDataNormals)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(HitAfterNewEqualData, vtkCleanPolyData)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(HitAfterNewEqualData, vtkQuadricDecimation)->Unit(benchmark::kMillisecond);
BENCHMARK(DigestInputs)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadInputs)->Unit(benchmark::kMillisecond);
BENCHMARK(RawHashInputs)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
