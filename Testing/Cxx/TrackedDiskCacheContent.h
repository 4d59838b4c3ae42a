// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// What the disk cache tests and their worker process store: content that both sides can
// make again, to check what is served byte for byte (through its digest).
#ifndef TrackedDiskCacheContent_h
#define TrackedDiskCacheContent_h

#include "vtkElevationFilter.h"
#include "vtkNew.h"
#include "vtkPolyData.h"
#include "vtkSmartPointer.h"
#include "vtkSphereSource.h"

// A sphere of about resolution^2 points with an elevation array.
inline vtkSmartPointer<vtkDataObject> TrackedDiskCacheContent(int resolution)
{
  vtkNew<vtkSphereSource> sphere;
  sphere->SetThetaResolution(resolution);
  sphere->SetPhiResolution(resolution);
  vtkNew<vtkElevationFilter> elevation;
  elevation->SetInputConnection(sphere->GetOutputPort());
  elevation->Update();
  return elevation->GetOutputDataObject(0);
}

// The resolution of the content key k holds in the concurrency tests.
inline int TrackedDiskCacheResolution(int key)
{
  return 8 + 7 * key;
}

#endif
