// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedStorageGuard
 * @brief A weak reference to a data array that gives the array back only while it is
 * on the allocation the guard was set on.
 *
 * SetArray() records where an array's values live: its buffers (one for an AOS array, one
 * per component for SOA), each with the vtkBuffer object holding it and that object's size,
 * the array's type, components and capacity. GetGuardedArray() gives the array back while
 * it is alive, on that allocation, and holds every value it claims; otherwise null, and
 * GetInvalidReason() tells why. The tuple count may change within the allocation (Reset(),
 * fewer tuples, InsertNext... within the capacity), and the values and MTime freely.
 *
 * It is what a zero-copy view (trackedarraycache.numpy_view) checks before each access, so
 * that the view never reads or writes freed memory: a reallocation, Resize, Squeeze,
 * SetArray, ShallowCopy or a change of components gives another buffer or size, seen with
 * no event (VTK before 9.7 fires none). It also refuses an array that claims more values
 * than its vtkBuffer holds: an array sharing that buffer (after ShallowCopy) that called
 * SetArray() put a smaller one under both, and VTK's own accessors would read past its end.
 * GetGuardedArray() costs a few comparisons (O(components)) and reports nothing: it is
 * meant to be called at every access.
 *
 * Not told apart: a buffer freed and allocated again in the same vtkBuffer object, at the
 * same address and size (Initialize() then as many values); a view may follow it, into
 * live memory. An array of another class with the standard memory layout is guarded by
 * its first value's address and its capacity alone (no vtkBuffer to compare, nor to
 * check for an overrun).
 *
 * @sa vtkTrackedArrayView, vtkTrackedArrayCache
 */

#ifndef vtkTrackedStorageGuard_h
#define vtkTrackedStorageGuard_h

#include "vtkObject.h"
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for export macro

#include <memory> // for the private implementation
#include <string> // for the reason the guard refuses

VTK_ABI_NAMESPACE_BEGIN
class vtkDataArray;
VTK_ABI_NAMESPACE_END

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedStorageGuard : public vtkObject
{
public:
  static vtkTrackedStorageGuard* New();
  vtkTypeMacro(vtkTrackedStorageGuard, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /**
   * Guards `array`: records its allocation now. Errors (vtkErrorMacro, returns false, the
   * guard then guards nothing): a null array, an array whose values are not in buffers
   * (implicit arrays, VTK >= 9.7, and other generic arrays), a vtkBitArray.
   */
  bool SetArray(vtkDataArray* array);

  /**
   * The guarded array, if it is alive, on the recorded allocation and holds every value it
   * claims; otherwise null (see GetInvalidReason()). Never an error.
   */
  vtkDataArray* GetGuardedArray();

  /**
   * Why GetGuardedArray() gives null now ("" when it gives the array): "no array", "the
   * array was deleted", "the array's buffer was reallocated, resized or replaced, or its
   * type or components changed", or that the array claims more values than a buffer holds.
   */
  std::string GetInvalidReason();

protected:
  vtkTrackedStorageGuard();
  ~vtkTrackedStorageGuard() override;

private:
  vtkTrackedStorageGuard(const vtkTrackedStorageGuard&) = delete;
  void operator=(const vtkTrackedStorageGuard&) = delete;

  class vtkInternals;
  std::unique_ptr<vtkInternals> Internals;
};

#endif
