// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedArrayView
 * @brief A contiguous copy of a tuple range and a subset of components of a data array,
 * refreshed from it and written back to it, that fails cleanly once the array changed
 * under it.
 *
 * SetView() names an array (AOS, SOA or any other numeric layout), tuples [begin, end)
 * and the components to view (all of them by default, or a list, in any order). The
 * view's values live in a contiguous tuple-major buffer of the array's type, leased from
 * a vtkArrayBufferPool when first needed: Refresh() copies the array's values in,
 * Update() writes them back and calls Modified() on the array, both optionally for a
 * sub-range [subBegin, subEnd) of the view's own tuples (0 is the view's first). GetData()
 * gives the buffer as a vtkDataArray of (end - begin) tuples and the viewed components,
 * which numpy can wrap.
 *
 * The view observes its array's DeleteEvent, ModifiedEvent and buffer-changed event
 * (vtkTrackedArrayCache::GetBufferChangedEventId(); it counts when the storage did
 * change, and the view stays invalid even if the storage comes back), and compares the
 * array's stamp (buffer pointers, sizes, type, components) at every call, since VTK
 * before 9.7 fires no event when an array reallocates. IsStale(): the array was modified
 * since the last Refresh() or Update(). IsValid(): the array is alive and its storage is
 * the one the view was made on. Once the array is deleted, reallocated or resized
 * (SetNumberOfTuples, Resize, Squeeze, SetArray, ShallowCopy, ...), or changes type or
 * components, every call fails with an error saying which, and never touches the array's
 * memory: the view holds no pointer into it, only a weak reference. Release() (or
 * destruction) removes the observers and gives the buffer back.
 *
 * A view is used from one thread at a time.
 *
 * @sa
 * vtkTrackedStorageGuard vtkArrayBufferPool vtkTrackedArrayCache
 */

#ifndef vtkTrackedArrayView_h
#define vtkTrackedArrayView_h

#include "vtkObject.h"
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for export macro

#include <memory> // for the private implementation
#include <string> // for the reason a view is invalid

VTK_ABI_NAMESPACE_BEGIN
class vtkDataArray;
class vtkIdList;
VTK_ABI_NAMESPACE_END

class vtkArrayBufferPool;

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedArrayView : public vtkObject
{
public:
  static vtkTrackedArrayView* New();
  vtkTypeMacro(vtkTrackedArrayView, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  ///@{
  /**
   * Views tuples [begin, end) of `array`: all its components, or those listed in
   * `components` (in that order). Releases what the view held before; reads nothing yet
   * (call Refresh()). Errors (vtkErrorMacro, returns false, the view released): a null
   * array, a vtkBitArray, begin > end or a range outside the array, an empty or
   * out-of-range component list.
   */
  bool SetView(vtkDataArray* array, vtkIdType begin, vtkIdType end);
  bool SetView(vtkDataArray* array, vtkIdType begin, vtkIdType end, vtkIdList* components);
  ///@}

  /**
   * Stops observing the array and gives the buffer back to the pool. The view is then
   * invalid until SetView(). Data obtained from GetData() before must not be used after.
   */
  void Release();

  ///@{
  /**
   * Copies the array's values into the view: all of it, or view tuples
   * [subBegin, subEnd). Errors (returns false, nothing read): an invalid view, a
   * sub-range outside the view.
   */
  bool Refresh();
  bool Refresh(vtkIdType subBegin, vtkIdType subEnd);
  ///@}

  ///@{
  /**
   * Writes the view's values back into the array (all, or view tuples
   * [subBegin, subEnd)) and calls Modified() on it. Errors as for Refresh(), and an
   * implicit array (VTK >= 9.7), which would ignore the writes (nothing written).
   */
  bool Update();
  bool Update(vtkIdType subBegin, vtkIdType subEnd);
  ///@}

  /**
   * The view's buffer: a contiguous array of the viewed array's type, with
   * GetNumberOfTuples() tuples of GetNumberOfComponents() components, holding what the
   * last Refresh() read and what was written into it since. Error (returns null): an
   * invalid view.
   */
  vtkDataArray* GetData();

  /**
   * Whether the viewed array is alive and has the storage (buffers, sizes, type,
   * components) it had when the view was made. Never an error.
   */
  bool IsValid();

  /**
   * Why the view is invalid ("" when valid): "no array", "the array was deleted", "the
   * array's buffer was reallocated, resized or replaced, or its type or components
   * changed".
   */
  std::string GetInvalidReason();

  /**
   * Whether the array was modified since the last Refresh() or Update() (false for an
   * invalid view).
   */
  bool IsStale();

  /**
   * The viewed array, null when there is none or it was deleted.
   */
  vtkDataArray* GetArray();

  ///@{
  /**
   * The viewed range and components.
   */
  vtkIdType GetBegin();
  vtkIdType GetEnd();
  vtkIdType GetNumberOfTuples() { return this->GetEnd() - this->GetBegin(); }
  int GetNumberOfComponents();
  int GetComponent(int index);
  ///@}

  ///@{
  /**
   * The pool lending the buffer: each view has its own unless one is set to share.
   * Null is refused; changing it releases the buffer held (its values are lost).
   */
  void SetBufferPool(vtkArrayBufferPool* pool);
  vtkArrayBufferPool* GetBufferPool();
  ///@}

protected:
  vtkTrackedArrayView();
  ~vtkTrackedArrayView() override;

private:
  vtkTrackedArrayView(const vtkTrackedArrayView&) = delete;
  void operator=(const vtkTrackedArrayView&) = delete;

  // Refresh() and Update() after their checks.
  bool Transfer(vtkIdType subBegin, vtkIdType subEnd, bool toView, const char* operation);

  class vtkInternals;
  std::unique_ptr<vtkInternals> Internals;
};

#endif
