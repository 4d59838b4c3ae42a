// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedArrayView.h"

#include "vtkArrayBufferPool.h"
#include "vtkBitArray.h"
#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkDataArray.h"
#include "vtkIdList.h"
#include "vtkNew.h"
#include "vtkObjectFactory.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedObserverSet.h"
#include "vtkTrackedStamp.h"
#include "vtkTrackedVTKVersion.h"
#include "vtkVariant.h"
#include "vtkVariantCast.h"
#include "vtkWeakPointer.h"

#include <vector>

vtkStandardNewMacro(vtkTrackedArrayView);

namespace
{
// Copies tuples [first, first + tuples) of the listed components between an array and
// a tuple-major run, in the direction `toView` says. Reads the array's pointers afresh:
// the view keeps none.
template <typename T>
void CopyTuples(vtkDataArray* array, vtkIdType first, vtkIdType tuples,
  const std::vector<int>& components, T* view, bool toView)
{
  const vtkIdType viewed = static_cast<vtkIdType>(components.size());
  const vtkIdType arrayComponents = array->GetNumberOfComponents();
  if (array->HasStandardMemoryLayout())
  {
    T* values = static_cast<T*>(array->GetVoidPointer(0)) + first * arrayComponents;
    for (vtkIdType t = 0; t < tuples; ++t)
    {
      for (vtkIdType j = 0; j < viewed; ++j)
      {
        T& value = values[t * arrayComponents + components[j]];
        T& copy = view[t * viewed + j];
        toView ? (copy = value) : (value = copy);
      }
    }
    return;
  }
  if (array->GetArrayType() == vtkTrackedVTK::SOAArrayType)
  {
    auto* soa = static_cast<vtkSOADataArrayTemplate<T>*>(array);
    for (vtkIdType t = 0; t < tuples; ++t)
    {
      for (vtkIdType j = 0; j < viewed; ++j)
      {
        if (toView)
        {
          view[t * viewed + j] = soa->GetTypedComponent(first + t, components[j]);
        }
        else
        {
          soa->SetTypedComponent(first + t, components[j], view[t * viewed + j]);
        }
      }
    }
    return;
  }
  // Any other layout, value by value through vtkVariant (exact for 64-bit integers).
  for (vtkIdType t = 0; t < tuples; ++t)
  {
    for (vtkIdType j = 0; j < viewed; ++j)
    {
      const vtkIdType index = (first + t) * arrayComponents + components[j];
      if (toView)
      {
        view[t * viewed + j] = vtkVariantCast<T>(array->GetVariantValue(index));
      }
      else
      {
        array->SetVariantValue(index, vtkVariant(view[t * viewed + j]));
      }
    }
  }
}
}

class vtkTrackedArrayView::vtkInternals
{
public:
  vtkWeakPointer<vtkDataArray> Array;
  bool HasArray = false; // SetView() succeeded and Release() was not called since
  bool Deleted = false;
  bool BufferChanged = false; // a buffer-changed event came with the storage changed
  bool Stale = false;
  vtkTrackedStamp Stamp; // the storage the view was made on
  vtkIdType Begin = 0;
  vtkIdType End = 0;
  std::vector<int> Components;
  vtkSmartPointer<vtkArrayBufferPool> Pool = vtkSmartPointer<vtkArrayBufferPool>::New();
  vtkDataArray* Buffer = nullptr; // leased from Pool
  vtkNew<vtkCallbackCommand> Observer;
  vtkTrackedObserverSet Observers;

  static void OnArrayEvent(vtkObject*, unsigned long event, void* self, void*)
  {
    auto* internals = static_cast<vtkInternals*>(self);
    if (event == vtkCommand::DeleteEvent)
    {
      internals->Deleted = true;
    }
    else if (event == vtkCommand::ModifiedEvent)
    {
      internals->Stale = true;
    }
    else if (internals->Array &&
      internals->Stamp.Compare(vtkTrackedSource(internals->Array)) ==
        vtkTrackedStamp::Change::BufferChanged)
    {
      // Only a real change counts: VTK 9.7 also fires the event when a buffer is set to
      // itself. A change that is undone later still invalidates the view.
      internals->BufferChanged = true;
    }
  }

  std::string InvalidReason() const
  {
    if (!this->HasArray)
    {
      return "no array";
    }
    if (this->Deleted || !this->Array)
    {
      return "the array was deleted";
    }
    if (this->BufferChanged ||
      this->Stamp.Compare(vtkTrackedSource(this->Array)) == vtkTrackedStamp::Change::BufferChanged)
    {
      return "the array's buffer was reallocated, resized or replaced, or its type or components "
             "changed";
    }
    return std::string();
  }

  void ReleaseBuffer()
  {
    if (this->Buffer)
    {
      this->Buffer->SetNumberOfComponents(1); // the shape the pool keeps it under
      this->Pool->Release(this->Buffer);
      this->Buffer = nullptr;
    }
  }

  void Release()
  {
    this->Observers.Remove(); // if the array is still alive
    this->ReleaseBuffer();
    this->Array = nullptr;
    this->HasArray = this->Deleted = this->BufferChanged = this->Stale = false;
    this->Components.clear();
    this->Begin = this->End = 0;
  }

  // Copies view tuples [subBegin, subEnd) in the direction `toView` says.
  void Copy(vtkIdType subBegin, vtkIdType subEnd, bool toView)
  {
    const int viewed = static_cast<int>(this->Components.size());
    void* view = this->Buffer->GetVoidPointer(subBegin * viewed);
    switch (this->Array->GetDataType())
    {
      vtkTemplateMacro(CopyTuples(this->Array, this->Begin + subBegin, subEnd - subBegin,
        this->Components, static_cast<VTK_TT*>(view), toView));
    }
  }
};

//------------------------------------------------------------------------------
vtkTrackedArrayView::vtkTrackedArrayView()
  : Internals(new vtkInternals)
{
  this->Internals->Observer->SetClientData(this->Internals.get());
  this->Internals->Observer->SetCallback(&vtkInternals::OnArrayEvent);
}

//------------------------------------------------------------------------------
vtkTrackedArrayView::~vtkTrackedArrayView()
{
  this->Internals->Release();
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::SetView(vtkDataArray* array, vtkIdType begin, vtkIdType end)
{
  return this->SetView(array, begin, end, nullptr);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::SetView(
  vtkDataArray* array, vtkIdType begin, vtkIdType end, vtkIdList* components)
{
  auto& internals = *this->Internals;
  internals.Release();
  if (!array)
  {
    vtkErrorMacro("Cannot view a null array.");
    return false;
  }
  if (vtkBitArray::SafeDownCast(array))
  {
    vtkErrorMacro("Cannot view a vtkBitArray: its values are not addressable.");
    return false;
  }
  if (begin < 0 || begin > end || end > array->GetNumberOfTuples())
  {
    vtkErrorMacro("Cannot view tuples [" << begin << ", " << end << ") of an array of "
                                         << array->GetNumberOfTuples() << " tuples.");
    return false;
  }
  std::vector<int> viewed;
  if (components)
  {
    for (vtkIdType i = 0; i < components->GetNumberOfIds(); ++i)
    {
      const vtkIdType component = components->GetId(i);
      if (component < 0 || component >= array->GetNumberOfComponents())
      {
        vtkErrorMacro("Cannot view component " << component << " of an array of "
                                               << array->GetNumberOfComponents() << " components.");
        return false;
      }
      viewed.push_back(static_cast<int>(component));
    }
    if (viewed.empty())
    {
      vtkErrorMacro("Cannot view an empty list of components.");
      return false;
    }
  }
  else
  {
    for (int component = 0; component < array->GetNumberOfComponents(); ++component)
    {
      viewed.push_back(component);
    }
  }
  internals.Array = array;
  internals.HasArray = true;
  internals.Begin = begin;
  internals.End = end;
  internals.Components = std::move(viewed);
  internals.Stamp.Capture(vtkTrackedSource(array));
  internals.Observers.ObserveChanges(array, internals.Observer);
  this->Modified();
  return true;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayView::Release()
{
  if (this->Internals->HasArray)
  {
    this->Internals->Release();
    this->Modified();
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::Refresh()
{
  return this->Transfer(0, this->GetNumberOfTuples(), /*toView=*/true, "refresh");
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::Refresh(vtkIdType subBegin, vtkIdType subEnd)
{
  return this->Transfer(subBegin, subEnd, /*toView=*/true, "refresh");
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::Update()
{
  return this->Transfer(0, this->GetNumberOfTuples(), /*toView=*/false, "update");
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::Update(vtkIdType subBegin, vtkIdType subEnd)
{
  return this->Transfer(subBegin, subEnd, /*toView=*/false, "update");
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::Transfer(
  vtkIdType subBegin, vtkIdType subEnd, bool toView, const char* operation)
{
  auto& internals = *this->Internals;
  const std::string reason = internals.InvalidReason();
  if (!reason.empty())
  {
    vtkErrorMacro("Cannot " << operation << " the view: " << reason << ".");
    return false;
  }
  if (!toView && vtkTrackedVTK::IsImplicit(internals.Array))
  {
    vtkErrorMacro("Cannot " << operation << " the view: its array, a "
                            << internals.Array->GetClassName()
                            << ", is implicit: it computes its values and ignores writes.");
    return false;
  }
  const vtkIdType tuples = internals.End - internals.Begin;
  if (subBegin < 0 || subBegin > subEnd || subEnd > tuples)
  {
    vtkErrorMacro("Cannot " << operation << " view tuples [" << subBegin << ", " << subEnd
                            << "): the view has " << tuples << " tuples.");
    return false;
  }
  if (!internals.Buffer && !this->GetData()) // leasing the buffer reads it all
  {
    return false;
  }
  internals.Copy(subBegin, subEnd, toView);
  if (!toView)
  {
    internals.Array->Modified();
  }
  internals.Stale = false;
  return true;
}

//------------------------------------------------------------------------------
vtkDataArray* vtkTrackedArrayView::GetData()
{
  auto& internals = *this->Internals;
  const std::string reason = internals.InvalidReason();
  if (!reason.empty())
  {
    vtkErrorMacro("Cannot give the view's data: " << reason << ".");
    return nullptr;
  }
  if (!internals.Buffer)
  {
    const vtkIdType tuples = internals.End - internals.Begin;
    const int components = static_cast<int>(internals.Components.size());
    internals.Buffer = internals.Pool->Acquire(internals.Array->GetDataType(), tuples * components);
    if (!internals.Buffer)
    {
      vtkErrorMacro("No buffer for " << tuples << " tuples of " << components << " components.");
      return nullptr;
    }
    internals.Buffer->SetNumberOfComponents(components);
    internals.Copy(0, tuples, /*toView=*/true);
    internals.Stale = false;
  }
  return internals.Buffer;
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::IsValid()
{
  return this->Internals->InvalidReason().empty();
}

//------------------------------------------------------------------------------
std::string vtkTrackedArrayView::GetInvalidReason()
{
  return this->Internals->InvalidReason();
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayView::IsStale()
{
  return this->IsValid() && this->Internals->Stale;
}

//------------------------------------------------------------------------------
vtkDataArray* vtkTrackedArrayView::GetArray()
{
  return this->Internals->Deleted ? nullptr : this->Internals->Array.GetPointer();
}

//------------------------------------------------------------------------------
vtkIdType vtkTrackedArrayView::GetBegin()
{
  return this->Internals->Begin;
}

//------------------------------------------------------------------------------
vtkIdType vtkTrackedArrayView::GetEnd()
{
  return this->Internals->End;
}

//------------------------------------------------------------------------------
int vtkTrackedArrayView::GetNumberOfComponents()
{
  return static_cast<int>(this->Internals->Components.size());
}

//------------------------------------------------------------------------------
int vtkTrackedArrayView::GetComponent(int index)
{
  const auto& components = this->Internals->Components;
  if (index < 0 || index >= static_cast<int>(components.size()))
  {
    vtkErrorMacro("No viewed component " << index << ": the view has " << components.size() << ".");
    return -1;
  }
  return components[index];
}

//------------------------------------------------------------------------------
void vtkTrackedArrayView::SetBufferPool(vtkArrayBufferPool* pool)
{
  if (!pool)
  {
    vtkErrorMacro("The buffer pool cannot be null.");
    return;
  }
  if (pool != this->Internals->Pool)
  {
    this->Internals->ReleaseBuffer();
    this->Internals->Pool = pool;
    this->Modified();
  }
}

//------------------------------------------------------------------------------
vtkArrayBufferPool* vtkTrackedArrayView::GetBufferPool()
{
  return this->Internals->Pool;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayView::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  const auto& internals = *this->Internals;
  os << indent << "Array: ";
  if (internals.HasArray && !internals.Deleted && internals.Array)
  {
    os << internals.Array->GetClassName() << " (" << internals.Array.GetPointer() << ")\n";
  }
  else
  {
    os << "(none)\n";
  }
  os << indent << "Begin: " << internals.Begin << "\n";
  os << indent << "End: " << internals.End << "\n";
  os << indent << "Components:";
  for (int component : internals.Components)
  {
    os << " " << component;
  }
  os << "\n";
  const std::string reason = internals.InvalidReason();
  os << indent << "Valid: " << (reason.empty() ? "yes" : "no (" + reason + ")") << "\n";
  os << indent << "Stale: " << (internals.Stale ? "yes" : "no") << "\n";
  os << indent << "Buffer: " << internals.Buffer << "\n";
  os << indent << "BufferPool: " << internals.Pool.GetPointer() << "\n";
}
