// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Uses the installed library: a Set/Get round trip and a miss after Modified().
#include "vtkFloatArray.h"
#include "vtkNew.h"
#include "vtkTrackedArrayCache.h"

#include <cstring>
#include <iostream>

int main()
{
  vtkNew<vtkTrackedArrayCache> cache;
  vtkNew<vtkFloatArray> array;
  array->SetNumberOfValues(10);
  vtkNew<vtkFloatArray> derived;
  cache->Set(array, "derived", derived);
  const bool hit = cache->Get(array, "derived") == derived.GetPointer();
  array->Modified();
  const bool missed = cache->Get(array, "derived") == nullptr &&
    std::strcmp(cache->GetLastMissReason(), "modified") == 0;
  std::cout << "downstream: hit " << hit << ", miss after Modified " << missed << "\n";
  return hit && missed ? 0 : 1;
}
