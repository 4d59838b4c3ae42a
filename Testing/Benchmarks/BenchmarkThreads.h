// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// The thread count of a benchmark case, for vtkSMPTools.
#ifndef BenchmarkThreads_h
#define BenchmarkThreads_h

#include "vtkSMPTools.h"

/**
 * Runs `body` with vtkSMPTools limited to `threads`. One thread runs the Sequential
 * backend: under Debian's VTK 9.1, the TBB backend inside a LocalScope of one thread
 * still ran vtkSMPTools::For on two threads when called in a loop (seen with
 * GetEstimatedNumberOfThreads() = 1), so "one thread" cases measured two.
 */
template <typename Body>
void WithBenchmarkThreads(int threads, Body&& body)
{
  vtkSMPTools::LocalScope(
    threads == 1 ? vtkSMPTools::Config{ 1, "Sequential", false } : vtkSMPTools::Config{ threads },
    body);
}

#endif
