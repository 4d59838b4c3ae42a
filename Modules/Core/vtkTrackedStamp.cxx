#include "vtkTrackedStamp.h"

#include "vtkAbstractArray.h"
#include "vtkDataObject.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkTrackedDataObjectArrays.h"

#include <type_traits>

namespace
{
// ParaView 5.11's VTK (9.2) keeps an SOA array's values in one AOS buffer until
// SetArray(component, ...) hands it per-component buffers: in that mode
// GetComponentArrayPointer() reports an error, and GetVoidPointer() of an array in SOA
// mode converts it. The storage state is protected; a derived accessor reads it through
// member pointers, and detects at compile time whether this VTK has it at all.
template <typename T>
struct SOAStorage : public vtkSOADataArrayTemplate<T>
{
  template <typename Accessor, typename = void>
  struct HasStorageType : std::false_type
  {
  };
  template <typename Accessor>
  struct HasStorageType<Accessor, std::void_t<decltype(&Accessor::StorageType)>> : std::true_type
  {
  };

  // Whether the values sit in one AOS buffer; if so `buffer` is set to it.
  static bool InSingleBuffer(vtkSOADataArrayTemplate<T>* array, const void*& buffer)
  {
    if constexpr (HasStorageType<SOAStorage>::value)
    {
      if (array->*(&SOAStorage::StorageType) == SOAStorage::AOS)
      {
        vtkBuffer<T>* values = array->*(&SOAStorage::AoSData);
        buffer = values ? values->GetBuffer() : nullptr;
        return true;
      }
    }
    (void)array;
    (void)buffer;
    return false;
  }
};

template <typename T, typename Use>
void ForEachSOABuffer(vtkSOADataArrayTemplate<T>* array, Use&& use)
{
  const void* single = nullptr;
  if (SOAStorage<T>::InSingleBuffer(array, single))
  {
    use(single);
    return;
  }
  for (int c = 0; c < array->GetNumberOfComponents(); ++c)
  {
    use(static_cast<const void*>(array->GetComponentArrayPointer(c)));
  }
}

// Calls `use(pointer)` for each buffer of `array` whose address identifies its storage.
// SOA arrays are asked per component: their GetVoidPointer() would build an AOS copy.
template <typename Use>
void ForEachBuffer(vtkAbstractArray* array, Use&& use)
{
  if (array->GetArrayType() == vtkAbstractArray::SoADataArrayTemplate)
  {
    switch (array->GetDataType())
    {
      vtkTemplateMacro(ForEachSOABuffer(static_cast<vtkSOADataArrayTemplate<VTK_TT>*>(array), use));
    }
  }
  else if (array->HasStandardMemoryLayout())
  {
    use(static_cast<const void*>(array->GetVoidPointer(0)));
  }
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
  ForEachBuffer(array, [this](const void* buffer) { this->Buffers.push_back(buffer); });
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
    [&](const void* buffer)
    {
      same = same && index < this->Buffers.size() && this->Buffers[index] == buffer;
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
  this->DataObjectMTime = source.DataObject->GetMTime();
  vtkTrackedVisitArrays(source.DataObject,
    [this](vtkAbstractArray* array)
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
  bool sameMTimes = source.DataObject->GetMTime() == this->DataObjectMTime;
  vtkTrackedVisitArrays(source.DataObject,
    [&](vtkAbstractArray* array)
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
