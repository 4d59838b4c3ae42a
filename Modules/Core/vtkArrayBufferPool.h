// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkArrayBufferPool
 * @brief Reusable contiguous buffers, and packing of any array into them.
 *
 * Hashing, sending or viewing an SOA, strided or generic array needs its values as one
 * contiguous tuple-major run. Allocating that run for every call costs more than
 * filling it; this pool keeps released buffers, keyed by (data type, number of
 * values), and hands them out again.
 *
 * - Acquire() returns a contiguous one-component AOS array of the asked type and size,
 *   from the pool when one of that shape is idle; the pool keeps it alive until
 *   Release(). In C++, vtkArrayBufferPool::Lease releases on scope exit.
 * - MaximumPooledBytes caps the bytes of idle buffers kept; releasing past it frees
 *   the longest-idle buffers first.
 * - Pack() writes tuples [tupleBegin, tupleEnd) of any array as contiguous tuple-major
 *   values into a buffer; Unpack() writes them back and calls Modified() on the array.
 *   AOS arrays are copied with memcpy, SOA arrays gathered per component, bit arrays
 *   written one value (0 or 1) per unsigned char, implicit arrays (VTK >= 9.7) read from
 *   their backends (constant arrays filled, composite arrays part by part, affine and
 *   indexed ones computed and gathered in place), and any other numeric array (a user's
 *   backend among them) read through its vtkVariant API (exact for every type, slower).
 *   Unpack() refuses implicit arrays, which ignore writes.
 * - Statistics: acquisitions served from the pool and new allocations, seconds spent
 *   packing and unpacking.
 * - A buffer Acquire() handed out may still be held or observed by its user (VTK 9.7's
 *   numpy interface adds a Python observer to any array it views), so it is given out again
 *   only by Acquire(), and freed only by Release(), SetMaximumPooledBytes(), Clear() or the
 *   pool's destruction: never by the C++ leases that digest worker threads take, whose
 *   deleting an object Python observes would need the interpreter's lock, held by the
 *   thread that waits for them. Leases use buffers of their own. So after a lease is
 *   released the idle bytes may stay above MaximumPooledBytes until the next Release(),
 *   SetMaximumPooledBytes() or Clear().
 *
 * Every method may be called from several threads at once.
 *
 * @sa
 * vtkTrackedArrayCache vtkTrackedArrayView
 */

#ifndef vtkArrayBufferPool_h
#define vtkArrayBufferPool_h

#include "vtkObject.h"
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for export macro

#include <memory> // for the private implementation

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkDataArray;
VTK_ABI_NAMESPACE_END

class VTKTRACKEDARRAYCACHE_EXPORT vtkArrayBufferPool : public vtkObject
{
public:
  static vtkArrayBufferPool* New();
  vtkTypeMacro(vtkArrayBufferPool, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /**
   * A contiguous array of `numberOfValues` values of `dataType` (one component; its
   * contents are whatever the last user left), owned by the pool until Release().
   * Errors (vtkErrorMacro, returns null): a type that is not a numeric VTK value type,
   * a negative size.
   */
  vtkDataArray* Acquire(int dataType, vtkIdType numberOfValues);

  /**
   * Gives a buffer from Acquire() back. Errors: a buffer this pool did not hand out
   * (or already took back).
   */
  void Release(vtkDataArray* buffer);

#ifndef __VTK_WRAP__
  /**
   * A buffer acquired for the lease's lifetime.
   */
  class VTKTRACKEDARRAYCACHE_EXPORT Lease
  {
  public:
    Lease(vtkArrayBufferPool* pool, int dataType, vtkIdType numberOfValues);
    ~Lease();
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    vtkDataArray* Get() const { return this->Buffer; }
    explicit operator bool() const { return this->Buffer != nullptr; }

  private:
    vtkArrayBufferPool* Pool = nullptr;
    vtkDataArray* Buffer = nullptr;
  };
#endif

  /**
   * The data type of the buffer Pack() needs for `array`: the array's own type, or
   * VTK_UNSIGNED_CHAR for a vtkBitArray; -1 for arrays with no numeric values
   * (vtkStringArray, vtkVariantArray) or a null array.
   */
  static int GetPackedDataType(vtkAbstractArray* array);

  /**
   * Writes tuples [tupleBegin, tupleEnd) of `array`, tuple-major, into `buffer` from its
   * first value. Errors (vtkErrorMacro, returns false, buffer untouched): null
   * arguments, a range outside the array, a buffer that is not a contiguous array of
   * GetPackedDataType(array) with room for the values.
   */
  bool Pack(
    vtkAbstractArray* array, vtkIdType tupleBegin, vtkIdType tupleEnd, vtkDataArray* buffer);

  /**
   * Writes `buffer`'s first values back into tuples [tupleBegin, tupleEnd) of `array`
   * and calls array->Modified(). Errors as for Pack() (array untouched).
   */
  bool Unpack(
    vtkAbstractArray* array, vtkIdType tupleBegin, vtkIdType tupleEnd, vtkDataArray* buffer);

  ///@{
  /**
   * Bytes of idle buffers kept for reuse (default 64 MiB; 0 keeps none).
   */
  void SetMaximumPooledBytes(vtkTypeInt64 bytes);
  vtkTypeInt64 GetMaximumPooledBytes();
  ///@}

  /**
   * Bytes of idle buffers kept now.
   */
  vtkTypeInt64 GetPooledBytes();

  /**
   * Buffers handed out and not released yet.
   */
  vtkTypeInt64 GetNumberOfLeasedBuffers();

  ///@{
  /**
   * Acquisitions served from the pool, acquisitions that allocated, and seconds spent
   * in Pack() and Unpack(), since construction or ResetStatistics().
   */
  vtkTypeInt64 GetNumberOfReuses();
  vtkTypeInt64 GetNumberOfAllocations();
  double GetPackSeconds();
  double GetUnpackSeconds();
  void ResetStatistics();
  ///@}

  /**
   * Frees every idle buffer.
   */
  void Clear();

protected:
  vtkArrayBufferPool();
  ~vtkArrayBufferPool() override;

private:
  vtkArrayBufferPool(const vtkArrayBufferPool&) = delete;
  void operator=(const vtkArrayBufferPool&) = delete;

  // Acquire() and leases: `exposed` for what Acquire() hands out (see the class description).
  vtkDataArray* AcquireBuffer(int dataType, vtkIdType numberOfValues, bool exposed);
  // Release() and leases: a lease's release never frees what Acquire() handed out.
  void ReleaseBuffer(vtkDataArray* buffer, bool mayFreeExposed);

  // Shared checks of Pack() and Unpack().
  bool CheckTransfer(
    vtkAbstractArray* array, vtkIdType tupleBegin, vtkIdType tupleEnd, vtkDataArray* buffer);

  class vtkInternals;
  std::unique_ptr<vtkInternals> Internals;
};

#endif
