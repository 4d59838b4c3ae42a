// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkPVTrackedCacheFilter.h"

#include "vtkObjectFactory.h"
#include "vtkPPolyDataNormals.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCacheSettings.h"

#include <mutex>

vtkStandardNewMacro(vtkPVTrackedCacheFilter);

//------------------------------------------------------------------------------
vtkPVTrackedCacheFilter::vtkPVTrackedCacheFilter()
{
  static std::once_flag described;
  std::call_once(described,
    []
    {
      vtkTrackedCacheFilter::DescribeLike("vtkPVContourFilter", "vtkContourFilter");
      vtkTrackedCacheFilter::RegisterParameterDescription("vtkPPolyDataNormals",
        [](vtkAlgorithm* algorithm, std::ostream& os)
        {
          os << "PieceInvariant: "
             << static_cast<vtkPPolyDataNormals*>(algorithm)->GetPieceInvariant() << "\n";
        });
    });
  vtkTrackedCacheSettings* settings = vtkTrackedCacheSettings::GetInstance();
  this->SetCache(settings->GetCache());
  this->SetDiskCache(settings->GetDiskCache());
}

//------------------------------------------------------------------------------
double vtkPVTrackedCacheFilter::GetCacheMemoryUsage()
{
  return static_cast<double>(this->GetCache()->GetMemoryUsage()) / (1024.0 * 1024.0);
}

//------------------------------------------------------------------------------
double vtkPVTrackedCacheFilter::GetCacheMemoryBudget()
{
  return static_cast<double>(this->GetCache()->GetMemoryBudget()) / (1024.0 * 1024.0);
}

//------------------------------------------------------------------------------
int vtkPVTrackedCacheFilter::GetCacheEvictionPolicy()
{
  return this->GetCache()->GetEvictionPolicy();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkPVTrackedCacheFilter::GetNumberOfCacheEntries()
{
  return this->GetCache()->GetNumberOfEntries();
}

//------------------------------------------------------------------------------
void vtkPVTrackedCacheFilter::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "CacheMemoryUsage: " << this->GetCacheMemoryUsage() << " MB\n";
  os << indent << "CacheMemoryBudget: " << this->GetCacheMemoryBudget() << " MB\n";
  os << indent << "CacheEvictionPolicy: " << this->GetCacheEvictionPolicy() << "\n";
  os << indent << "NumberOfCacheEntries: " << this->GetNumberOfCacheEntries() << "\n";
}
