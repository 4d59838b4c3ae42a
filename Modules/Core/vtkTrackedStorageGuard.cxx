// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedStorageGuard.h"

#include "vtkBitArray.h"
#include "vtkDataArray.h"
#include "vtkObjectFactory.h"
#include "vtkTrackedStamp.h"
#include "vtkWeakPointer.h"

#include <sstream>

vtkStandardNewMacro(vtkTrackedStorageGuard);

class vtkTrackedStorageGuard::vtkInternals
{
public:
  vtkWeakPointer<vtkDataArray> Array;
  bool HasArray = false;
  vtkTrackedStamp Allocation;

  // What the array claims against what its buffers hold, for an overrun.
  std::string OverrunReason(vtkDataArray* array) const
  {
    const auto& buffers = this->Allocation.GetBuffers();
    const bool perComponent = buffers.size() > 1;
    std::ostringstream reason;
    reason << "the " << array->GetClassName() << " claims ";
    if (!perComponent)
    {
      reason << array->GetNumberOfValues() << " values but its buffer holds "
             << buffers.front().HolderSize << ": an array sharing the buffer replaced it";
      return reason.str();
    }
    for (std::size_t c = 0; c < buffers.size(); ++c)
    {
      if (buffers[c].Holder && buffers[c].HolderSize < array->GetNumberOfTuples())
      {
        reason << array->GetNumberOfTuples() << " tuples but the buffer of component " << c
               << " holds " << buffers[c].HolderSize;
        break;
      }
    }
    return reason.str();
  }
};

//------------------------------------------------------------------------------
vtkTrackedStorageGuard::vtkTrackedStorageGuard()
  : Internals(new vtkInternals)
{
}

//------------------------------------------------------------------------------
vtkTrackedStorageGuard::~vtkTrackedStorageGuard() = default;

//------------------------------------------------------------------------------
bool vtkTrackedStorageGuard::SetArray(vtkDataArray* array)
{
  auto& internals = *this->Internals;
  internals.Array = nullptr;
  internals.HasArray = false;
  internals.Allocation = vtkTrackedStamp();
  this->Modified();
  if (!array)
  {
    vtkErrorMacro("Cannot guard a null array.");
    return false;
  }
  if (vtkBitArray::SafeDownCast(array))
  {
    vtkErrorMacro("Cannot guard a vtkBitArray: its values are packed eight to a byte.");
    return false;
  }
  internals.Allocation.Capture(vtkTrackedSource(array));
  if (internals.Allocation.GetBuffers().empty())
  {
    vtkErrorMacro("Cannot guard the " << array->GetClassName()
                                      << ": its values are not in buffers (an implicit or "
                                         "other generic array).");
    return false;
  }
  internals.Array = array;
  internals.HasArray = true;
  return true;
}

//------------------------------------------------------------------------------
vtkDataArray* vtkTrackedStorageGuard::GetGuardedArray()
{
  vtkDataArray* array = this->Internals->Array;
  return array &&
      this->Internals->Allocation.CompareAllocation(array) == vtkTrackedStamp::Allocation::Same
    ? array
    : nullptr;
}

//------------------------------------------------------------------------------
std::string vtkTrackedStorageGuard::GetInvalidReason()
{
  const auto& internals = *this->Internals;
  if (!internals.HasArray)
  {
    return "no array";
  }
  vtkDataArray* array = internals.Array;
  if (!array)
  {
    return "the array was deleted";
  }
  switch (internals.Allocation.CompareAllocation(array))
  {
    case vtkTrackedStamp::Allocation::Same:
      return "";
    case vtkTrackedStamp::Allocation::Overrun:
      return internals.OverrunReason(array);
    case vtkTrackedStamp::Allocation::Changed:
      break;
  }
  return "the array's buffer was reallocated, resized or replaced, or its type or components "
         "changed";
}

//------------------------------------------------------------------------------
void vtkTrackedStorageGuard::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  const auto& internals = *this->Internals;
  vtkDataArray* array = internals.Array;
  os << indent << "Array: ";
  if (array)
  {
    os << array->GetClassName() << " (" << array << ")\n";
  }
  else
  {
    os << (internals.HasArray ? "(deleted)\n" : "(none)\n");
  }
  os << indent << "Buffers:";
  for (const auto& buffer : internals.Allocation.GetBuffers())
  {
    os << " " << buffer.Pointer;
    if (buffer.Holder)
    {
      os << " (" << buffer.HolderSize << " values)";
    }
  }
  os << "\n";
  const std::string reason = this->GetInvalidReason();
  os << indent << "Guarded: " << (reason.empty() ? "yes" : "no (" + reason + ")") << "\n";
}
