// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// The eviction policies on a replayed session (TrackedEvictionTrace.h): the seconds spent
// recomputing what the memory budget evicted, LeastRecentlyUsed against CostAware in the
// same run, on the session's costs and on the same accesses at a uniform cost. Run:
//   build/bin/BenchmarkEvictionReplay --benchmark_repetitions=5 \
//     --benchmark_report_aggregates_only=true
// The table after the timings gives the recompute seconds (deterministic: the costs come
// from the trace); the timings give the cache's own cost per access of each policy.
// Targets: CostAware recomputes >= 30% less on the session, and at most 10% more at a
// uniform cost.
#include "TrackedEvictionTrace.h"
#include "vtkTrackedArrayCache.h"

#include <benchmark/benchmark.h>

#include <cstdio>

namespace
{
constexpr int Accesses = 3000;

TrackedEvictionTrace::Trace TraceOf(unsigned seed, bool uniform)
{
  auto trace = TrackedEvictionTrace::MakeSessionTrace(seed, Accesses);
  return uniform ? TrackedEvictionTrace::WithUniformCost(trace, 0.3) : trace;
}

// One replay of seed 1 per iteration (range 0: the policy, range 1: uniform cost or not).
void Replay(benchmark::State& state)
{
  const int policy = static_cast<int>(state.range(0));
  const auto trace = TraceOf(1, state.range(1) != 0);
  double seconds = 0.0;
  for (auto _ : state)
  {
    seconds =
      TrackedEvictionTrace::ReplayRecomputeSeconds(trace, policy, trace.WorkingSetBytes / 3);
  }
  state.counters["recompute_s"] = seconds;
  state.SetItemsProcessed(state.iterations() * Accesses);
  state.SetLabel(std::string(policy == vtkTrackedArrayCache::CostAware ? "CostAware" : "LRU") +
    (state.range(1) ? ", uniform cost" : ", session"));
}
BENCHMARK(Replay)->ArgsProduct({ { 0, 1 }, { 0, 1 } })->Unit(benchmark::kMicrosecond);

void PrintTable()
{
  std::printf("\nRecompute seconds, %d accesses, budget = 1/3 of the working set:\n", Accesses);
  std::printf("%-6s %-13s %10s %10s %8s\n", "seed", "trace", "LRU", "CostAware", "ratio");
  for (unsigned seed = 1; seed <= 5; ++seed)
  {
    for (bool uniform : { false, true })
    {
      const auto trace = TraceOf(seed, uniform);
      const auto budget = trace.WorkingSetBytes / 3;
      const double lru = TrackedEvictionTrace::ReplayRecomputeSeconds(
        trace, vtkTrackedArrayCache::LeastRecentlyUsed, budget);
      const double costAware = TrackedEvictionTrace::ReplayRecomputeSeconds(
        trace, vtkTrackedArrayCache::CostAware, budget);
      std::printf("%-6u %-13s %10.1f %10.1f %8.2f\n", seed, uniform ? "uniform cost" : "session",
        lru, costAware, costAware / lru);
    }
  }
}
}

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
  {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintTable();
  return 0;
}
