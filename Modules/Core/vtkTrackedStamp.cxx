// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedStamp.h"

#include "vtkAbstractArray.h"
#include "vtkDataArray.h"
#include "vtkDataObject.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedImplicitArrays.h"
#include "vtkTrackedSOAStorage.h"
#include "vtkTrackedVTKVersion.h"

#if VTK_TRACKED_HAS_NON_NUMERIC_BUFFERS
#include "vtkBitArray.h"
#include "vtkStringArray.h"
#include "vtkVariantArray.h"
#endif

namespace
{
// Implicit arrays reading implicit arrays: deeper than this, an array counts as opaque.
constexpr int MaximumReadDepth = 16;

// What identifies a buffer: its address, and its vtkBuffer object (null if unknown) with that
// object's MTime (unique to it: a new vtkBuffer gets a new one) and size, never dereferenced
// once recorded; and whether the object has other owners than the array.
vtkTrackedStamp::BufferState StateOf(const void* pointer, vtkObject* holder, vtkIdType size)
{
  vtkTrackedStamp::BufferState state;
  state.Pointer = pointer;
  state.Holder = holder;
  state.HolderTime = holder ? vtkTrackedObjectTime::Of(holder) : vtkMTimeType(0);
  state.HolderSize = size;
  state.Shared = holder && holder->GetReferenceCount() > 1;
  return state;
}

template <typename T>
vtkTrackedStamp::BufferState StateOf(vtkBuffer<T>* holder)
{
  return holder ? StateOf(holder->GetBuffer(), holder, holder->GetSize())
                : StateOf(nullptr, nullptr, 0);
}

template <typename T, typename Use>
void ForEachSOABuffer(vtkSOADataArrayTemplate<T>* array, Use&& use)
{
  bool single = false;
  vtkTrackedSOAStorage<T>::SingleBuffer(array, single);
  const int buffers = single ? 1 : array->GetNumberOfComponents();
  for (int c = 0; c < buffers; ++c)
  {
    use(StateOf(vtkTrackedSOAStorage<T>::Holder(array, c)));
  }
}

// The vtkBuffer of a bit, string or variant array (VTK >= 9.7 keeps their values in one,
// which ShallowCopy shares); false for other arrays and before 9.7.
template <typename Use>
bool ForEachNonNumericBuffer(vtkAbstractArray* array, Use&& use)
{
#if VTK_TRACKED_HAS_NON_NUMERIC_BUFFERS
  switch (array->GetArrayType())
  {
    case vtkArrayTypes::VTK_BIT_ARRAY:
      use(StateOf(static_cast<vtkBitArray*>(array)->GetBuffer()));
      return true;
    case vtkArrayTypes::VTK_STRING_ARRAY:
      use(StateOf(static_cast<vtkStringArray*>(array)->GetBuffer()));
      return true;
    case vtkArrayTypes::VTK_VARIANT_ARRAY:
      use(StateOf(static_cast<vtkVariantArray*>(array)->GetBuffer()));
      return true;
  }
#else
  (void)array;
  (void)use;
#endif
  return false;
}

// Calls `use(state)` for each buffer of `array` whose address identifies its storage. SOA
// arrays are asked per component: their GetVoidPointer() would build an AOS copy. Implicit
// and other generic arrays have none.
template <typename Use>
void ForEachBuffer(vtkAbstractArray* array, Use&& use)
{
  if (vtkTrackedWithSOAArray(array, [&](auto* typed) { ForEachSOABuffer(typed, use); }))
  {
    return;
  }
  if (array->GetArrayType() == vtkTrackedVTK::AOSArrayType)
  {
    switch (array->GetDataType())
    {
      vtkTemplateMacro(use(StateOf(vtkTrackedAOSStorage<VTK_TT>::Holder(
        static_cast<vtkAOSDataArrayTemplate<VTK_TT>*>(array))));
                       return;);
    }
  }
  if (ForEachNonNumericBuffer(array, use) || !array->HasStandardMemoryLayout() ||
    vtkTrackedVTK::IsImplicit(array))
  {
    return;
  }
  use(StateOf(array->GetVoidPointer(0), nullptr, 0));
}
}

//------------------------------------------------------------------------------
void vtkTrackedStamp::ArrayState::Capture(vtkAbstractArray* array, int depth)
{
  this->Array = array;
  this->MTime = array->GetMTime();
  this->DataType = array->GetDataType();
  this->NumberOfComponents = array->GetNumberOfComponents();
  this->NumberOfTuples = array->GetNumberOfTuples();
  this->Capacity = vtkTrackedVTK::Capacity(array);
  this->Buffers.clear();
  this->Reads.clear();
  ForEachBuffer(array, [this](const BufferState& state) { this->Buffers.push_back(state); });
  vtkTrackedImplicitArrays::Dependencies dependencies;
  this->Opaque = vtkTrackedImplicitArrays::Describe(array, dependencies) &&
    (!dependencies.Known || depth >= MaximumReadDepth);
  this->Parameters = std::move(dependencies.Parameters);
  for (std::size_t i = 0; !this->Opaque && i < dependencies.Reads.size(); ++i)
  {
    this->Reads.emplace_back();
    this->Reads.back().Capture(dependencies.Reads[i], depth + 1);
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedStamp::ArrayState::SameShape(vtkAbstractArray* array) const
{
  return this->Array == array && this->DataType == array->GetDataType() &&
    this->NumberOfComponents == array->GetNumberOfComponents() &&
    this->NumberOfTuples == array->GetNumberOfTuples() &&
    this->Capacity == vtkTrackedVTK::Capacity(array);
}

//------------------------------------------------------------------------------
bool vtkTrackedStamp::ArrayState::SameAllocation(vtkAbstractArray* array) const
{
  bool shared = false;
  return this->Array == array && this->DataType == array->GetDataType() &&
    this->NumberOfComponents == array->GetNumberOfComponents() &&
    this->Capacity == vtkTrackedVTK::Capacity(array) && this->SameBuffers(array, shared);
}

//------------------------------------------------------------------------------
bool vtkTrackedStamp::ArrayState::HoldsClaimedValues(vtkAbstractArray* array) const
{
  // One buffer holds every value; one per component (SOA) holds a value per tuple.
  const vtkIdType claimed =
    this->Buffers.size() == 1 ? array->GetNumberOfValues() : array->GetNumberOfTuples();
  for (const auto& buffer : this->Buffers)
  {
    if (buffer.Holder && buffer.HolderSize < claimed)
    {
      return false;
    }
  }
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedStamp::ArrayState::SameBuffers(vtkAbstractArray* array, bool& shared) const
{
  std::size_t index = 0;
  bool same = true;
  ForEachBuffer(array,
    [this, &same, &shared, &index](const BufferState& state)
    {
      same = same && index < this->Buffers.size() && this->Buffers[index].SameStorage(state);
      shared = shared || state.Shared;
      ++index;
    });
  shared = shared || this->Opaque;
  return same && index == this->Buffers.size();
}

//------------------------------------------------------------------------------
vtkTrackedStamp::Change vtkTrackedStamp::ArrayState::CompareReads(
  vtkAbstractArray* array, bool& shared, int depth) const
{
  vtkTrackedImplicitArrays::Dependencies dependencies;
  vtkTrackedImplicitArrays::Describe(array, dependencies);
  if (dependencies.Parameters != this->Parameters ||
    (!this->Opaque && dependencies.Reads.size() != this->Reads.size()))
  {
    return Change::BufferChanged;
  }
  Change change = Change::None;
  for (std::size_t i = 0; i < this->Reads.size() && change != Change::BufferChanged; ++i)
  {
    const Change read = this->Reads[i].Compare(dependencies.Reads[i], shared, depth + 1);
    change = read == Change::None ? change : read;
  }
  return change;
}

//------------------------------------------------------------------------------
vtkTrackedStamp::Change vtkTrackedStamp::ArrayState::Compare(
  vtkAbstractArray* array, bool& shared, int depth) const
{
  if (!this->SameShape(array) || !this->SameBuffers(array, shared))
  {
    return Change::BufferChanged;
  }
  const Change reads = this->Parameters.empty() && this->Reads.empty()
    ? Change::None
    : this->CompareReads(array, shared, depth);
  if (reads == Change::BufferChanged)
  {
    return reads;
  }
  return array->GetMTime() == this->MTime ? reads : Change::Modified;
}

//------------------------------------------------------------------------------
bool vtkTrackedStamp::ArrayState::IsShared() const
{
  if (this->Opaque)
  {
    return true;
  }
  for (const auto& buffer : this->Buffers)
  {
    if (buffer.Shared)
    {
      return true;
    }
  }
  for (const auto& read : this->Reads)
  {
    if (read.IsShared())
    {
      return true;
    }
  }
  return false;
}

//------------------------------------------------------------------------------
bool vtkTrackedStamp::IsShared(const vtkTrackedSource& source)
{
  bool shared = false;
  auto check = [&shared](vtkAbstractArray* array)
  {
    ForEachBuffer(array, [&shared](const BufferState& state) { shared = shared || state.Shared; });
    if (!shared && vtkTrackedVTK::IsImplicit(array)) // rare: the full record tells
    {
      ArrayState state;
      state.Capture(array, 0);
      shared = state.IsShared();
    }
  };
  if (source.Array)
  {
    check(source.Array);
  }
  else
  {
    vtkTrackedDataObjectArrays::VisitArrays(
      source.DataObject, [&](const char*, int, vtkAbstractArray* array) { check(array); });
  }
  return shared;
}

//------------------------------------------------------------------------------
vtkTrackedStamp::Allocation vtkTrackedStamp::CompareAllocation(vtkAbstractArray* array) const
{
  if (this->Arrays.size() != 1 || !this->Arrays[0].SameAllocation(array))
  {
    return Allocation::Changed;
  }
  return this->Arrays[0].HoldsClaimedValues(array) ? Allocation::Same : Allocation::Overrun;
}

//------------------------------------------------------------------------------
const std::vector<vtkTrackedStamp::BufferState>& vtkTrackedStamp::GetBuffers() const
{
  static const std::vector<BufferState> none;
  return this->Arrays.size() == 1 ? this->Arrays[0].Buffers : none;
}

//------------------------------------------------------------------------------
vtkTrackedSource::vtkTrackedSource(vtkObject* source)
  : Array(vtkAbstractArray::SafeDownCast(source))
  , DataObject(this->Array ? nullptr : vtkDataObject::SafeDownCast(source))
{
}

//------------------------------------------------------------------------------
vtkObject* vtkTrackedSource::Object() const
{
  return this->Array ? static_cast<vtkObject*>(this->Array) : this->DataObject;
}

//------------------------------------------------------------------------------
void vtkTrackedStamp::Capture(const vtkTrackedSource& source)
{
  this->Arrays.clear();
  this->Shared = false;
  auto capture = [this](vtkAbstractArray* array)
  {
    this->Arrays.emplace_back();
    this->Arrays.back().Capture(array, 0);
    this->Shared = this->Shared || this->Arrays.back().IsShared();
  };
  if (source.Array)
  {
    this->DataObjectMTime = 0;
    capture(source.Array);
    return;
  }
  this->DataObjectMTime = vtkTrackedDataObjectArrays::LatestMTime(source.DataObject);
  vtkTrackedDataObjectArrays::VisitArrays(
    source.DataObject, [&](const char*, int, vtkAbstractArray* array) { capture(array); });
}

//------------------------------------------------------------------------------
vtkTrackedStamp::Change vtkTrackedStamp::Compare(const vtkTrackedSource& source) const
{
  bool shared = false;
  return this->Compare(source, shared);
}

//------------------------------------------------------------------------------
vtkTrackedStamp::Change vtkTrackedStamp::Compare(const vtkTrackedSource& source, bool& shared) const
{
  shared = false;
  if (source.Array)
  {
    return this->Arrays.size() == 1 ? this->Arrays[0].Compare(source.Array, shared, 0)
                                    : Change::BufferChanged;
  }
  // Array MTimes are compared one by one: not every data object folds all of its
  // arrays' MTimes into its own.
  std::size_t index = 0;
  Change change =
    vtkTrackedDataObjectArrays::LatestMTime(source.DataObject) == this->DataObjectMTime
    ? Change::None
    : Change::Modified;
  vtkTrackedDataObjectArrays::VisitArrays(source.DataObject,
    [this, &shared, &change, &index](const char*, int, vtkAbstractArray* array)
    {
      const Change own = index < this->Arrays.size() ? this->Arrays[index].Compare(array, shared, 0)
                                                     : Change::BufferChanged;
      change = change == Change::BufferChanged || own == Change::None ? change : own;
      ++index;
    });
  return index == this->Arrays.size() ? change : Change::BufferChanged;
}
