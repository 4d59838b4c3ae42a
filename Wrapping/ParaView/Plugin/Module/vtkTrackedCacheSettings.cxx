// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedCacheSettings.h"

#include "vtkSmartPointer.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedDiskCache.h"

namespace
{
constexpr double Megabyte = 1024.0 * 1024.0;
}

//------------------------------------------------------------------------------
vtkTrackedCacheSettings* vtkTrackedCacheSettings::GetInstance()
{
  static vtkSmartPointer<vtkTrackedCacheSettings> instance = []
  {
    auto* made = new vtkTrackedCacheSettings;
    made->InitializeObjectBase();
    return vtkSmartPointer<vtkTrackedCacheSettings>::Take(made);
  }();
  return instance;
}

//------------------------------------------------------------------------------
vtkTrackedCacheSettings* vtkTrackedCacheSettings::New()
{
  vtkTrackedCacheSettings* instance = GetInstance();
  instance->Register(nullptr);
  return instance;
}

//------------------------------------------------------------------------------
vtkTrackedCacheSettings::vtkTrackedCacheSettings()
  : Cache(vtkTrackedArrayCache::New())
  , DiskCache(vtkTrackedDiskCache::New())
{
  this->Cache->SetMemoryBudget(static_cast<vtkTypeInt64>(1024 * Megabyte));
  this->DiskCache->SetEnabled(false);
}

//------------------------------------------------------------------------------
vtkTrackedCacheSettings::~vtkTrackedCacheSettings()
{
  this->Cache->Delete();
  this->DiskCache->Delete();
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::SetMemoryBudget(double megabytes)
{
  if (megabytes < 0)
  {
    vtkErrorMacro("The memory budget cannot be negative (" << megabytes << " MB).");
    return;
  }
  this->Cache->SetMemoryBudget(static_cast<vtkTypeInt64>(megabytes * Megabyte));
  this->Modified();
}

//------------------------------------------------------------------------------
double vtkTrackedCacheSettings::GetMemoryBudget()
{
  return static_cast<double>(this->Cache->GetMemoryBudget()) / Megabyte;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::SetEvictionPolicy(int policy)
{
  this->Cache->SetEvictionPolicy(policy); // reports an unknown policy
  this->Modified();
}

//------------------------------------------------------------------------------
int vtkTrackedCacheSettings::GetEvictionPolicy()
{
  return this->Cache->GetEvictionPolicy();
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::SetDiskCacheLockTimeout(double seconds)
{
  this->DiskCache->SetLockTimeout(seconds); // reports a bad value
  this->Modified();
}

//------------------------------------------------------------------------------
double vtkTrackedCacheSettings::GetDiskCacheLockTimeout()
{
  return this->DiskCache->GetLockTimeout();
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::SetDiskCacheEnabled(bool enabled)
{
  this->DiskCache->SetEnabled(enabled);
  this->Modified();
}

//------------------------------------------------------------------------------
bool vtkTrackedCacheSettings::GetDiskCacheEnabled()
{
  return this->DiskCache->GetEnabled();
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::SetDiskCacheDirectory(const std::string& directory)
{
  this->DiskCache->SetDirectory(directory);
  this->Modified();
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheSettings::GetDiskCacheDirectory()
{
  return this->DiskCache->GetDirectory();
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::SetDiskCacheMaximumSize(double megabytes)
{
  if (megabytes < 0)
  {
    vtkErrorMacro("The disk cache size cannot be negative (" << megabytes << " MB).");
    return;
  }
  this->DiskCache->SetMaximumSize(static_cast<vtkTypeInt64>(megabytes * Megabyte));
  this->Modified();
}

//------------------------------------------------------------------------------
double vtkTrackedCacheSettings::GetDiskCacheMaximumSize()
{
  return static_cast<double>(this->DiskCache->GetMaximumSize()) / Megabyte;
}

//------------------------------------------------------------------------------
vtkTrackedArrayCache* vtkTrackedCacheSettings::GetCache()
{
  return this->Cache;
}

//------------------------------------------------------------------------------
vtkTrackedDiskCache* vtkTrackedCacheSettings::GetDiskCache()
{
  return this->DiskCache;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheSettings::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "Cache:\n";
  this->Cache->PrintSelf(os, indent.GetNextIndent());
  os << indent << "DiskCache:\n";
  this->DiskCache->PrintSelf(os, indent.GetNextIndent());
}
