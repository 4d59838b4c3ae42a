// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedCachedOutputs
 * @brief Private: what vtkTrackedCacheFilter stores for one key.
 *
 * The wrapped algorithm's outputs (one per output port, owned by nobody else), the
 * seconds it took to compute them, their stamps, and in Content validation mode their
 * digests. Its MTime is the newest of its own and of its outputs', which the cache's
 * tamper check compares; IsIntact() compares the stamps of every array in the outputs
 * (cell connectivity and cell types included, which some outputs' GetMTime() leaves
 * out): any array modified, resized or replaced since the outputs were stored.
 *
 * @sa
 * vtkTrackedCacheFilter vtkTrackedStamp
 */

#ifndef vtkTrackedCachedOutputs_h
#define vtkTrackedCachedOutputs_h

#include "vtkObject.h"
#include "vtkSmartPointer.h"        // for the outputs
#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedStamp.h"        // for the outputs' stamps

#include <string> // for the digests
#include <vector> // for the outputs

VTK_ABI_NAMESPACE_BEGIN
class vtkDataObject;
VTK_ABI_NAMESPACE_END

class vtkTrackedCachedOutputs : public vtkObject
{
public:
  static vtkTrackedCachedOutputs* New();
  vtkTypeMacro(vtkTrackedCachedOutputs, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  vtkMTimeType GetMTime() override;

  /**
   * Bytes the outputs take (GetActualMemorySize()).
   */
  vtkTypeInt64 GetSizeInBytes();

  /**
   * Records the stamps of the outputs, as stored.
   */
  void CaptureStamps();

  /**
   * Whether every array of every output still has the MTime and storage (buffers, sizes)
   * it was stored with.
   */
  bool IsIntact();

  std::vector<vtkSmartPointer<vtkDataObject>> Outputs;
  std::vector<vtkTrackedStamp> Stamps; // one per output, from CaptureStamps()
  std::vector<std::string> Digests;    // Content validation: one per output, else empty
  double ComputeSeconds = 0.0;

protected:
  vtkTrackedCachedOutputs() = default;
  ~vtkTrackedCachedOutputs() override = default;

private:
  vtkTrackedCachedOutputs(const vtkTrackedCachedOutputs&) = delete;
  void operator=(const vtkTrackedCachedOutputs&) = delete;
};

#endif
