// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// A seeded access trace shaped like a visualization session, and its replay through a
// vtkTrackedArrayCache: shared by the eviction test and the replay benchmark.
//
// The session (sizes and costs as this machine kind gives them, rounded):
// - an isovalue sweep over a wavelet: 40 contour results of 3-6 MB that take 0.25-0.4 s,
//   visited in order with back-steps of 1-3 values, and from the start again at the end;
// - normals of 6 meshes: 12-36 MB arrays that take 0.04-0.12 s, the first meshes more
//   often (weights 1/(m+1));
// - an occasional 1M-point decimation: 2 results of 2 MB that take 15-25 s.
// Each access is a lookup; a miss recomputes (its seconds are counted) and stores. The
// trace is the same wherever the standard library is libstdc++ (the distributions'
// algorithms are the library's own).
#ifndef TrackedEvictionTrace_h
#define TrackedEvictionTrace_h

#include "vtkDoubleArray.h"
#include "vtkNew.h"
#include "vtkTrackedArrayCache.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace TrackedEvictionTrace
{
struct Item
{
  std::string Digest; // content key of the result
  vtkTypeInt64 Bytes;
  double Seconds;
};

struct Trace
{
  std::vector<Item> Items;
  std::vector<int> Accesses; // item indices, in order
  vtkTypeInt64 WorkingSetBytes = 0;
};

inline Trace MakeSessionTrace(unsigned seed, int accesses)
{
  constexpr vtkTypeInt64 MB = 1 << 20;
  constexpr int Contours = 40;
  constexpr int Meshes = 6;
  constexpr int Decimations = 2;
  std::mt19937 random(seed);
  auto uniform = [&random](double low, double high)
  { return std::uniform_real_distribution<double>(low, high)(random); };
  Trace trace;
  // An item's seconds are drawn before its size, in this order on every compiler.
  auto add = [&](const std::string& name, double lowSeconds, double highSeconds,
               double lowMegabytes, double highMegabytes)
  {
    const double seconds = uniform(lowSeconds, highSeconds);
    const double megabytes =
      lowMegabytes < highMegabytes ? uniform(lowMegabytes, highMegabytes) : lowMegabytes;
    trace.Items.push_back({ vtkTrackedArrayCache::ComputeTextDigest(name),
      static_cast<vtkTypeInt64>(megabytes * MB), seconds });
    trace.WorkingSetBytes += trace.Items.back().Bytes;
  };
  for (int i = 0; i < Contours; ++i)
  {
    add("contour " + std::to_string(i), 0.25, 0.4, 3, 6);
  }
  std::vector<double> meshWeights;
  for (int m = 0; m < Meshes; ++m)
  {
    add("normals " + std::to_string(m), 0.04, 0.12, 12, 36);
    meshWeights.push_back(1.0 / (m + 1));
  }
  for (int d = 0; d < Decimations; ++d)
  {
    add("decimation " + std::to_string(d), 15, 25, 2, 2);
  }
  std::discrete_distribution<int> meshOf(meshWeights.begin(), meshWeights.end());
  int isovalue = 0;
  for (int access = 0; access < accesses; ++access)
  {
    const double activity = uniform(0, 1);
    if (activity < 0.63)
    {
      const bool back = uniform(0, 1) < 0.2;
      isovalue = back ? std::max(0, isovalue - 1 - static_cast<int>(random() % 3))
                      : (isovalue + 1) % Contours;
      trace.Accesses.push_back(isovalue);
    }
    else if (activity < 0.98)
    {
      trace.Accesses.push_back(Contours + meshOf(random));
    }
    else
    {
      trace.Accesses.push_back(Contours + Meshes + (uniform(0, 1) < 0.7 ? 0 : 1));
    }
  }
  return trace;
}

// The same accesses, every result costing the same seconds: what CostAware must not do
// much worse than LeastRecentlyUsed on.
inline Trace WithUniformCost(Trace trace, double seconds)
{
  for (auto& item : trace.Items)
  {
    item.Seconds = seconds;
  }
  return trace;
}

// The seconds spent recomputing misses when `trace` runs through a cache with `policy`
// and `budget`.
inline double ReplayRecomputeSeconds(const Trace& trace, int policy, vtkTypeInt64 budget)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(budget);
  cache->SetEvictionPolicy(policy);
  vtkNew<vtkDoubleArray> result; // stands for every result: sizes are given
  double seconds = 0.0;
  for (int index : trace.Accesses)
  {
    const Item& item = trace.Items[index];
    if (!cache->Get(item.Digest, "result"))
    {
      seconds += item.Seconds;
      cache->Set(item.Digest, "result", result, item.Bytes, item.Seconds);
    }
  }
  return seconds;
}
}

#endif
