// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Digests of VTK 9.7's implicit arrays next to those of AOS arrays holding the same values,
// measured in the same run (the target: an implicit array within 3x of its AOS copy).
//   build/vtk97/bin/BenchmarkImplicitDigest --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
// Quote the medians; each Implicit/<kind> over AOS/<kind> at the same size and thread count.
#include "BenchmarkThreads.h"

#include "vtkAffineArray.h"
#include "vtkCompositeArray.h"
#include "vtkConstantArray.h"
#include "vtkDoubleArray.h"
#include "vtkIdList.h"
#include "vtkIndexedArray.h"
#include "vtkNew.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedArrayCache.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace
{
constexpr int Components = 3;

vtkSmartPointer<vtkDataArray> Affine(vtkIdType tuples)
{
  auto affine = vtkSmartPointer<vtkAffineArray<double>>::New();
  affine->SetNumberOfComponents(Components);
  affine->SetNumberOfTuples(tuples);
  affine->ConstructBackend(0.5, 1.0);
  return affine;
}

vtkSmartPointer<vtkDataArray> Constant(vtkIdType tuples)
{
  auto constant = vtkSmartPointer<vtkConstantArray<int>>::New();
  constant->SetNumberOfComponents(Components);
  constant->SetNumberOfTuples(tuples);
  constant->ConstructBackend(7);
  return constant;
}

vtkSmartPointer<vtkDataArray> Values(vtkDataArray* array)
{
  auto values =
    vtkSmartPointer<vtkDataArray>::Take(vtkDataArray::CreateDataArray(array->GetDataType()));
  values->DeepCopy(array);
  return values;
}

// Every tuple of an AOS base array, in reverse order, or shuffled (a random gather over the
// whole base array: bound by memory latency once it is larger than the CPU's caches).
vtkSmartPointer<vtkDataArray> Indexed(vtkIdType tuples, vtkIdType step)
{
  vtkNew<vtkIdList> indexes;
  indexes->SetNumberOfIds(tuples);
  for (vtkIdType i = 0; i < tuples; ++i)
  {
    indexes->SetId(i, step == 1 ? tuples - 1 - i : (i * step) % tuples);
  }
  auto indexed = vtkSmartPointer<vtkIndexedArray<double>>::New();
  indexed->SetNumberOfComponents(Components);
  indexed->SetNumberOfTuples(tuples);
  indexed->ConstructBackend(indexes, Values(Affine(tuples)), /*mapTuples=*/true);
  return indexed;
}

// Two AOS halves, as vtkAppendFilter's UseImplicitArrayOn() makes them.
vtkSmartPointer<vtkDataArray> Composite(vtkIdType tuples)
{
  auto first = Values(Affine(tuples / 2));
  auto second = Values(Affine(tuples - tuples / 2));
  return vtk::ConcatenateDataArrays<double>(std::vector<vtkDataArray*>{ first, second });
}

using Maker = std::function<vtkSmartPointer<vtkDataArray>(vtkIdType)>;

// Arrays are made once per kind and size: the AOS copy and the implicit array hold the
// same values.
vtkDataArray* ArrayFor(const char* kind, const Maker& make, bool implicit, std::int64_t bytes)
{
  static std::map<std::tuple<std::string, bool, std::int64_t>, vtkSmartPointer<vtkDataArray>> made;
  auto& array = made[{ kind, implicit, bytes }];
  if (!array)
  {
    auto computed = make(static_cast<vtkIdType>(bytes / (Components * sizeof(double))));
    array = implicit ? computed : Values(computed);
  }
  return array;
}

void Digest(benchmark::State& state, const char* kind, Maker make, bool implicit)
{
  vtkDataArray* array = ArrayFor(kind, make, implicit, state.range(0));
  WithBenchmarkThreads(static_cast<int>(state.range(1)),
    [&]
    {
      for (auto _ : state)
      {
        benchmark::DoNotOptimize(vtkTrackedArrayCache::ComputeDigest(array));
      }
    });
  state.SetBytesProcessed(state.iterations() * array->GetNumberOfValues() *
    static_cast<std::int64_t>(array->GetDataTypeSize()));
}

void Sizes(benchmark::internal::Benchmark* benchmark)
{
  for (std::int64_t bytes : { 1LL << 20, 24LL << 20 })
  {
    for (std::int64_t threads : { 1, 2 })
    {
      benchmark->Args({ bytes, threads });
    }
  }
  benchmark->ArgNames({ "bytes", "threads" })->UseRealTime();
}

struct Kind
{
  const char* Name;
  Maker Make;
};

const Kind Kinds[] = { { "affine", Affine }, { "constant", Constant },
  { "indexed", [](vtkIdType tuples) { return Indexed(tuples, 1); } },
  { "indexed-shuffled", [](vtkIdType tuples) { return Indexed(tuples, 7919); } },
  { "composite", Composite } };

int RegisterAll()
{
  for (const Kind& kind : Kinds)
  {
    for (bool implicit : { false, true })
    {
      const std::string name = std::string(implicit ? "Implicit/" : "AOS/") + kind.Name;
      benchmark::RegisterBenchmark(name.c_str(), Digest, kind.Name, kind.Make, implicit)
        ->Apply(Sizes);
    }
  }
  return 0;
}
const int Registered = RegisterAll();
}

BENCHMARK_MAIN();
