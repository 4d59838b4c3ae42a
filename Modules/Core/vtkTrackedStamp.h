/**
 * @class vtkTrackedStamp
 * @brief Private: what identifies the storage of an array or data object now.
 *
 * A stamp records, for each array of its source (the array itself, or every array a
 * data object owns, see vtkTrackedVisitArrays): the array's address, MTime, data type,
 * number of components, tuples and allocated values, and its buffer pointers (one for
 * arrays with the standard AOS layout, one per component for SOA arrays, none for
 * implicit or mapped arrays, whose storage has no pointer to compare), each with the
 * vtkBuffer object holding it and that object's MTime: a buffer swapped in by ShallowCopy
 * or SetArray comes in a vtkBuffer of its own, told apart even when the allocator placed
 * it where the old one was. For a data
 * object it also records the latest MTime in its tree (vtkTrackedLatestMTime()), so a
 * change to a block, a block name or an image's direction is seen too.
 *
 * Compare() tells how the live source differs from the stamp without allocating:
 * O(1) for an AOS array, O(components) for SOA, O(arrays) for a data object. It sees
 * a reallocation, SetArray/SetVoidArray, ShallowCopy or Resize even when no Modified()
 * and no event came, because each of those changes a pointer, a size or a vtkBuffer
 * object. It cannot see raw writes into an unchanged buffer, nor a buffer reallocated
 * within the same vtkBuffer object away and back to the same address and size: those need
 * content digests (the oracle test counts both).
 */

#ifndef vtkTrackedStamp_h
#define vtkTrackedStamp_h

#include "vtkType.h"

#include <vector> // for the per-array records

class vtkAbstractArray;
class vtkDataObject;
class vtkObject;

/**
 * A cache source seen as what it is: an array or a data object (never both). Null
 * members for any other object.
 */
struct vtkTrackedSource
{
  explicit vtkTrackedSource(vtkObject* source);
  bool IsSupported() const { return this->Array || this->DataObject; }

  vtkAbstractArray* Array = nullptr;
  vtkDataObject* DataObject = nullptr;
};

class vtkTrackedStamp
{
public:
  enum class Change
  {
    None,
    Modified,     // an MTime moved, the storage is the same
    BufferChanged // a buffer pointer, a size, the type or the array set changed
  };

  /**
   * A buffer as recorded: its address, its vtkBuffer object and that object's MTime.
   */
  struct BufferState
  {
    const void* Pointer = nullptr;
    const void* Holder = nullptr; // identity only, never dereferenced
    vtkMTimeType HolderTime = 0;
    bool operator==(const BufferState& other) const
    {
      return this->Pointer == other.Pointer && this->Holder == other.Holder &&
        this->HolderTime == other.HolderTime;
    }
  };

  /**
   * Records the state of an array, or of a data object and all its arrays.
   */
  void Capture(const vtkTrackedSource& source);

  /**
   * How the live source differs from the recorded state.
   */
  Change Compare(const vtkTrackedSource& source) const;

private:
  struct ArrayState
  {
    const vtkAbstractArray* Array = nullptr; // identity only, never dereferenced
    vtkMTimeType MTime = 0;
    int DataType = 0;
    int NumberOfComponents = 0;
    vtkIdType NumberOfTuples = 0;
    vtkIdType Size = 0;
    std::vector<BufferState> Buffers;

    void Capture(vtkAbstractArray* array);
    bool SameStorage(vtkAbstractArray* array) const;
  };

  vtkMTimeType DataObjectMTime = 0;
  std::vector<ArrayState> Arrays;
};

#endif
