// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkPVTrackedCacheFilter
 * @brief vtkTrackedCacheFilter as ParaView's cached filters use it.
 *
 * It takes the session's shared memory and disk caches from vtkTrackedCacheSettings, and
 * describes the parameters of ParaView's own classes that it wraps: vtkPVContourFilter
 * (vtkContourFilter's, it adds none) and vtkPPolyDataNormals (vtkPolyDataNormals' and
 * PieceInvariant). It also reports the shared cache's use for the information properties.
 */

#ifndef vtkPVTrackedCacheFilter_h
#define vtkPVTrackedCacheFilter_h

#include "vtkTrackedArrayCacheParaViewModule.h" // for export macro
#include "vtkTrackedCacheFilter.h"

class VTKTRACKEDARRAYCACHEPARAVIEW_EXPORT vtkPVTrackedCacheFilter : public vtkTrackedCacheFilter
{
public:
  static vtkPVTrackedCacheFilter* New();
  vtkTypeMacro(vtkPVTrackedCacheFilter, vtkTrackedCacheFilter);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  ///@{
  /**
   * The shared cache: megabytes it holds, its budget, its entries.
   */
  double GetCacheMemoryUsage();
  double GetCacheMemoryBudget();
  int GetCacheEvictionPolicy();
  vtkTypeInt64 GetNumberOfCacheEntries();
  ///@}

protected:
  vtkPVTrackedCacheFilter();
  ~vtkPVTrackedCacheFilter() override = default;

private:
  vtkPVTrackedCacheFilter(const vtkPVTrackedCacheFilter&) = delete;
  void operator=(const vtkPVTrackedCacheFilter&) = delete;
};

#endif
