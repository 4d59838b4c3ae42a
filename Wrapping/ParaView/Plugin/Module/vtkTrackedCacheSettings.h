// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedCacheSettings
 * @brief The cache shared by every cached filter of a ParaView session, and its settings.
 *
 * A singleton (New() returns it, one per process): the ParaView settings proxy
 * "TrackedArrayCache" sets it on the client and on every server process, and each
 * vtkPVTrackedCacheFilter takes its memory cache and disk cache from it, so that the
 * filters share one memory budget and one disk directory.
 */

#ifndef vtkTrackedCacheSettings_h
#define vtkTrackedCacheSettings_h

#include "vtkObject.h"
#include "vtkTrackedArrayCacheParaViewModule.h" // for export macro

#include <string> // for the directory

class vtkTrackedArrayCache;
class vtkTrackedDiskCache;

class VTKTRACKEDARRAYCACHEPARAVIEW_EXPORT vtkTrackedCacheSettings : public vtkObject
{
public:
  /**
   * The process's instance, with a reference for the caller.
   */
  static vtkTrackedCacheSettings* New();
  static vtkTrackedCacheSettings* GetInstance();
  vtkTypeMacro(vtkTrackedCacheSettings, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  ///@{
  /**
   * The memory budget of the shared cache in megabytes (0: no limit). 1024 by default.
   */
  void SetMemoryBudget(double megabytes);
  double GetMemoryBudget();
  ///@}

  ///@{
  /**
   * The shared cache's eviction policy (vtkTrackedArrayCache::EvictionPolicies):
   * LeastRecentlyUsed by default, or CostAware.
   */
  void SetEvictionPolicy(int policy);
  int GetEvictionPolicy();
  ///@}

  ///@{
  /**
   * Seconds a cached filter that misses waits for another process computing the same
   * result into the disk level (vtkTrackedDiskCache::SetLockTimeout); 60 by default, 0
   * for no wait.
   */
  void SetDiskCacheLockTimeout(double seconds);
  double GetDiskCacheLockTimeout();
  ///@}

  ///@{
  /**
   * The disk level: off by default; its directory ("" for the default one) and the
   * megabytes it may take.
   */
  void SetDiskCacheEnabled(bool enabled);
  bool GetDiskCacheEnabled();
  void SetDiskCacheDirectory(const std::string& directory);
  std::string GetDiskCacheDirectory();
  void SetDiskCacheMaximumSize(double megabytes);
  double GetDiskCacheMaximumSize();
  ///@}

  /**
   * The shared caches.
   */
  vtkTrackedArrayCache* GetCache();
  vtkTrackedDiskCache* GetDiskCache();

protected:
  vtkTrackedCacheSettings();
  ~vtkTrackedCacheSettings() override;

private:
  vtkTrackedCacheSettings(const vtkTrackedCacheSettings&) = delete;
  void operator=(const vtkTrackedCacheSettings&) = delete;

  vtkTrackedArrayCache* Cache;
  vtkTrackedDiskCache* DiskCache;
};

#endif
