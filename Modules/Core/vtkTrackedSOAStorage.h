// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedSOAStorage.h
 * @brief Private: where an SOA or AOS array's values live, without side effects.
 *
 * ParaView 5.11's VTK (9.2) keeps a vtkSOADataArrayTemplate's values in one AOS buffer
 * until SetArray(component, ...) hands it per-component buffers. In that mode
 * GetComponentArrayPointer() reports an error, and GetVoidPointer() of an array in SOA
 * mode converts it to AOS. The storage state is protected: this derived accessor reads
 * it through member pointers, and detects at compile time whether the VTK in use has it.
 * Debian's VTK 9.1 always stores SOA arrays per component.
 *
 * @sa
 * vtkTrackedStamp vtkArrayBufferPool
 */

#ifndef vtkTrackedSOAStorage_h
#define vtkTrackedSOAStorage_h

#include "vtkAOSDataArrayTemplate.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkTrackedVTKVersion.h"

#include <type_traits> // for the detection of StorageType

template <typename T>
struct vtkTrackedSOAStorage : public vtkSOADataArrayTemplate<T>
{
  template <typename Accessor, typename = void>
  struct HasStorageType : std::false_type
  {
  };
  template <typename Accessor>
  struct HasStorageType<Accessor, std::void_t<decltype(&Accessor::StorageType)>> : std::true_type
  {
  };

  /**
   * The vtkBuffer object of component `c` (or of the single buffer, in AOS mode).
   */
  static vtkBuffer<T>* Holder(vtkSOADataArrayTemplate<T>* array, int c)
  {
    if constexpr (HasStorageType<vtkTrackedSOAStorage>::value)
    {
      if (array->*(&vtkTrackedSOAStorage::StorageType) == vtkTrackedSOAStorage::AOS)
      {
        return array->*(&vtkTrackedSOAStorage::AoSData);
      }
    }
    const auto& components = array->*(&vtkTrackedSOAStorage::Data);
    return c < static_cast<int>(components.size()) ? components[c] : nullptr;
  }

  /**
   * The one buffer holding all values (tuple-major) if the array is in AOS mode (it
   * may be null for an empty array), else null with `single` false: then the values
   * are in GetComponentArrayPointer(c) for each component.
   */
  static T* SingleBuffer(vtkSOADataArrayTemplate<T>* array, bool& single)
  {
    single = false;
    if constexpr (HasStorageType<vtkTrackedSOAStorage>::value)
    {
      if (array->*(&vtkTrackedSOAStorage::StorageType) == vtkTrackedSOAStorage::AOS)
      {
        single = true;
        vtkBuffer<T>* values = array->*(&vtkTrackedSOAStorage::AoSData);
        return values ? values->GetBuffer() : nullptr;
      }
    }
    (void)array;
    return nullptr;
  }
};

/**
 * The vtkBuffer objects holding an array's values. An array that swapped its buffer for a
 * new one (ShallowCopy, SetArray through a new vtkBuffer) holds another vtkBuffer object,
 * whose MTime, set when it was made, no earlier buffer had: a stamp that records them
 * tells the new buffer apart even when the allocator placed it at the freed one's address.
 */
template <typename T>
struct vtkTrackedAOSStorage : public vtkAOSDataArrayTemplate<T>
{
  static vtkBuffer<T>* Holder(vtkAOSDataArrayTemplate<T>* array)
  {
    return array->*(&vtkTrackedAOSStorage::Buffer);
  }
};

/**
 * The MTime of an object read without a virtual call (vtkBuffer does not override
 * GetMTime()): on the path of every stamp check.
 */
struct vtkTrackedObjectTime : public vtkObject
{
  static vtkMTimeType Of(const vtkObject* object)
  {
    return (object->*(&vtkTrackedObjectTime::MTime)).GetMTime();
  }
};

/**
 * Calls `use(soa)` with `array` as its vtkSOADataArrayTemplate<T>* if it is an SOA array
 * of a standard value type, and returns whether it was.
 */
template <typename Use>
bool vtkTrackedWithSOAArray(vtkAbstractArray* array, Use&& use)
{
  if (array->GetArrayType() != vtkTrackedVTK::SOAArrayType)
  {
    return false;
  }
  switch (array->GetDataType())
  {
    vtkTemplateMacro(use(static_cast<vtkSOADataArrayTemplate<VTK_TT>*>(array)); return true);
  }
  return false;
}

#endif
