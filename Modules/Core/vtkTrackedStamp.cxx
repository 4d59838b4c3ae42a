#include "vtkTrackedStamp.h"

#include "vtkAbstractArray.h"
#include "vtkDataObject.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedSOAStorage.h"

namespace
{
template <typename T, typename Use>
void ForEachSOABuffer(vtkSOADataArrayTemplate<T>* array, Use&& use)
{
  bool single = false;
  const T* buffer = vtkTrackedSOAStorage<T>::SingleBuffer(array, single);
  if (single)
  {
    use(static_cast<const void*>(buffer), vtkTrackedSOAStorage<T>::Holder(array, 0));
    return;
  }
  for (int c = 0; c < array->GetNumberOfComponents(); ++c)
  {
    use(static_cast<const void*>(array->GetComponentArrayPointer(c)),
      vtkTrackedSOAStorage<T>::Holder(array, c));
  }
}

// Calls `use(pointer, holder)` for each buffer of `array` whose address identifies its
// storage, with the vtkBuffer object holding it (null if unknown). SOA arrays are asked per
// component: their GetVoidPointer() would build an AOS copy.
template <typename Use>
void ForEachBuffer(vtkAbstractArray* array, Use&& use)
{
  if (vtkTrackedWithSOAArray(array, [&](auto* typed) { ForEachSOABuffer(typed, use); }))
  {
    return;
  }
  if (!array->HasStandardMemoryLayout())
  {
    return;
  }
  if (array->GetArrayType() == vtkAbstractArray::AoSDataArrayTemplate)
  {
    switch (array->GetDataType())
    {
      vtkTemplateMacro({
        vtkBuffer<VTK_TT>* holder = vtkTrackedAOSStorage<VTK_TT>::Holder(
          static_cast<vtkAOSDataArrayTemplate<VTK_TT>*>(array));
        use(static_cast<const void*>(holder->GetBuffer()), holder);
        return;
      });
    }
  }
  use(static_cast<const void*>(array->GetVoidPointer(0)), nullptr);
}

// What identifies a buffer: its address, and its vtkBuffer object with that object's MTime
// (unique to it: a new vtkBuffer gets a new one), never dereferenced once recorded.
vtkTrackedStamp::BufferState StateOf(const void* pointer, const vtkObject* holder)
{
  return { pointer, holder, holder ? vtkTrackedObjectTime::Of(holder) : vtkMTimeType(0) };
}
}

void vtkTrackedStamp::ArrayState::Capture(vtkAbstractArray* array)
{
  this->Array = array;
  this->MTime = array->GetMTime();
  this->DataType = array->GetDataType();
  this->NumberOfComponents = array->GetNumberOfComponents();
  this->NumberOfTuples = array->GetNumberOfTuples();
  this->Size = array->GetSize();
  this->Buffers.clear();
  ForEachBuffer(array,
    [this](const void* buffer, const vtkObject* holder)
    { this->Buffers.push_back(StateOf(buffer, holder)); });
}

bool vtkTrackedStamp::ArrayState::SameStorage(vtkAbstractArray* array) const
{
  if (this->Array != array || this->DataType != array->GetDataType() ||
    this->NumberOfComponents != array->GetNumberOfComponents() ||
    this->NumberOfTuples != array->GetNumberOfTuples() || this->Size != array->GetSize())
  {
    return false;
  }
  std::size_t index = 0;
  bool same = true;
  ForEachBuffer(array,
    [&](const void* buffer, const vtkObject* holder)
    {
      same =
        same && index < this->Buffers.size() && this->Buffers[index] == StateOf(buffer, holder);
      ++index;
    });
  return same && index == this->Buffers.size();
}

vtkTrackedSource::vtkTrackedSource(vtkObject* source)
  : Array(vtkAbstractArray::SafeDownCast(source))
  , DataObject(this->Array ? nullptr : vtkDataObject::SafeDownCast(source))
{
}

void vtkTrackedStamp::Capture(const vtkTrackedSource& source)
{
  this->Arrays.clear();
  if (source.Array)
  {
    this->DataObjectMTime = 0;
    this->Arrays.emplace_back();
    this->Arrays.back().Capture(source.Array);
    return;
  }
  this->DataObjectMTime = vtkTrackedLatestMTime(source.DataObject);
  vtkTrackedVisitArrays(source.DataObject,
    [this](const char*, int, vtkAbstractArray* array)
    {
      this->Arrays.emplace_back();
      this->Arrays.back().Capture(array);
    });
}

vtkTrackedStamp::Change vtkTrackedStamp::Compare(const vtkTrackedSource& source) const
{
  if (source.Array)
  {
    if (this->Arrays.size() != 1 || !this->Arrays[0].SameStorage(source.Array))
    {
      return Change::BufferChanged;
    }
    return source.Array->GetMTime() == this->Arrays[0].MTime ? Change::None : Change::Modified;
  }
  // Array MTimes are compared one by one: not every data object folds all of its
  // arrays' MTimes into its own.
  std::size_t index = 0;
  bool sameStorage = true;
  bool sameMTimes = vtkTrackedLatestMTime(source.DataObject) == this->DataObjectMTime;
  vtkTrackedVisitArrays(source.DataObject,
    [&](const char*, int, vtkAbstractArray* array)
    {
      sameStorage =
        sameStorage && index < this->Arrays.size() && this->Arrays[index].SameStorage(array);
      sameMTimes = sameMTimes && sameStorage && this->Arrays[index].MTime == array->GetMTime();
      ++index;
    });
  if (!sameStorage || index != this->Arrays.size())
  {
    return Change::BufferChanged;
  }
  return sameMTimes ? Change::None : Change::Modified;
}
