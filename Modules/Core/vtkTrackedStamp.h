// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedStamp
 * @brief Private: what identifies the storage of an array or data object now.
 *
 * A stamp records, for each array of its source (the array itself, or every array a
 * data object owns, see vtkTrackedDataObjectArrays::VisitArrays): the array's address, MTime, data
 * type, number of components, tuples and allocated values, and its buffers (one for arrays with the
 * standard AOS layout, one per component for SOA arrays; on VTK >= 9.7 also the vtkBuffer of bit,
 * string and variant arrays), each with the vtkBuffer object holding it, that object's MTime and
 * size: a buffer swapped in by ShallowCopy or SetArray comes in a vtkBuffer of its own, told apart
 * even when the allocator placed it where the old one was, and a buffer reallocated in place
 * changes size. An implicit array (VTK >= 9.7) has no buffer: its stamp records its backend's
 * parameters and, recursively, the stamps of the arrays it reads (see vtkTrackedImplicitArrays).
 * For a data object the stamp also records the latest MTime in its tree
 * (vtkTrackedDataObjectArrays::LatestMTime()), so a change to a block, a block name or an image's
 * direction is seen too.
 *
 * Compare() tells how the live source differs from the stamp without allocating (but for
 * an implicit array, whose backend it describes again): O(1) for an AOS array,
 * O(components) for SOA, O(arrays) for a data object. It sees
 * a reallocation, SetArray/SetVoidArray, ShallowCopy or a resize even when no Modified()
 * and no event came, because each of those changes a pointer, a size or a vtkBuffer
 * object. It cannot see raw writes into an unchanged buffer, nor a buffer reallocated
 * within the same vtkBuffer object away and back to the same address and size: those need
 * content digests (the oracle test counts both).
 *
 * It also tells whether the source's values can change without the source knowing:
 * *shared* storage. That is a vtkBuffer with another owner than its array (another array
 * after ShallowCopy, which may write into it and call Modified() on itself only; VTK 9.7's
 * numpy interface, which holds the buffer and writes into it without Modified()), or an
 * implicit array whose backend reads what the stamp cannot see (std::function and user
 * backends, strided arrays over another's buffer). Callers validate such sources by content.
 * Sharing is read from reference counts when a stamp is taken or compared: an alias that
 * writes, calls Modified() on itself and dies between two lookups leaves no trace (as a
 * raw write does not).
 *
 * @sa
 * vtkTrackedDigestMemo vtkTrackedEntryStore vtkTrackedDataObjectArrays
 */

#ifndef vtkTrackedStamp_h
#define vtkTrackedStamp_h

#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include "vtkType.h"

#include <cstdint> // for the implicit backends' parameters
#include <vector>  // for the per-array records

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkDataObject;
class vtkObject;
VTK_ABI_NAMESPACE_END

/**
 * A cache source seen as what it is: an array or a data object (never both). Null
 * members for any other object.
 */
struct vtkTrackedSource
{
  vtkTrackedSource() = default;
  explicit vtkTrackedSource(vtkObject* source);
  bool IsSupported() const { return this->Array || this->DataObject; }
  vtkObject* Object() const;

  vtkAbstractArray* Array = nullptr;
  vtkDataObject* DataObject = nullptr;
};

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedStamp
{
public:
  enum class Change
  {
    None,
    Modified,     // an MTime moved (of an array, the data object, or an array read), same storage
    BufferChanged // a buffer pointer, a size, the type or the array set changed
  };

  /**
   * A buffer as recorded: its address, its vtkBuffer object with that object's MTime and
   * size, and whether the object had other owners.
   */
  struct BufferState
  {
    const void* Pointer = nullptr;
    const void* Holder = nullptr; // identity only, never dereferenced
    vtkMTimeType HolderTime = 0;
    vtkIdType HolderSize = 0;
    bool Shared = false;
    bool SameStorage(const BufferState& other) const
    {
      return this->Pointer == other.Pointer && this->Holder == other.Holder &&
        this->HolderTime == other.HolderTime && this->HolderSize == other.HolderSize;
    }
  };

  /**
   * Records the state of an array, or of a data object and all its arrays.
   */
  void Capture(const vtkTrackedSource& source);

  ///@{
  /**
   * How the live source differs from the recorded state; `shared` tells whether its storage
   * is shared now (see the class description).
   */
  Change Compare(const vtkTrackedSource& source) const;
  Change Compare(const vtkTrackedSource& source, bool& shared) const;
  ///@}

  /**
   * Whether the storage was shared when captured.
   */
  bool IsShared() const { return this->Shared; }

  /**
   * Whether the live source's storage is shared, without capturing a stamp.
   */
  static bool IsShared(const vtkTrackedSource& source);

  /**
   * How the allocation of an array compares with the captured one (a stamp of that one
   * array): the same array, type, components, capacity and buffers, whatever its tuple
   * count and MTime now. Overrun: the same, but a buffer holds fewer values than the array
   * claims (an array sharing its vtkBuffer after ShallowCopy put a smaller one under both
   * with SetArray; VTK's own accessors would read past its end).
   */
  enum class Allocation
  {
    Same,
    Changed,
    Overrun
  };
  Allocation CompareAllocation(vtkAbstractArray* array) const;

  /**
   * The captured buffers (of a stamp of one array), in the order ForEachBuffer visits them.
   */
  const std::vector<BufferState>& GetBuffers() const;

private:
  struct ArrayState
  {
    const vtkAbstractArray* Array = nullptr; // identity only, never dereferenced
    vtkMTimeType MTime = 0;
    int DataType = 0;
    int NumberOfComponents = 0;
    vtkIdType NumberOfTuples = 0;
    vtkIdType Capacity = 0;
    std::vector<BufferState> Buffers;
    std::vector<std::uint64_t> Parameters; // an implicit array's backend
    std::vector<ArrayState> Reads;         // the arrays an implicit array reads
    bool Opaque = false;                   // an implicit array whose inputs are unseen

    // `depth` bounds the recursion into the arrays implicit arrays read.
    void Capture(vtkAbstractArray* array, int depth);
    Change Compare(vtkAbstractArray* array, bool& shared, int depth) const;
    bool IsShared() const;
    bool SameAllocation(vtkAbstractArray* array) const;
    bool HoldsClaimedValues(vtkAbstractArray* array) const;

  private:
    bool SameShape(vtkAbstractArray* array) const;
    bool SameBuffers(vtkAbstractArray* array, bool& shared) const;
    Change CompareReads(vtkAbstractArray* array, bool& shared, int depth) const;
  };

  vtkMTimeType DataObjectMTime = 0;
  std::vector<ArrayState> Arrays;
  bool Shared = false;
};

#endif
