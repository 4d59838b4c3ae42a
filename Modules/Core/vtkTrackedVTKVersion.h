// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedVTKVersion.h
 * @brief Private: the few VTK interfaces that differ between 9.1, 9.2 and 9.7, in one place.
 *
 * VTK 9.6 replaced vtkAbstractArray's array type enumerators with the global vtkArrayTypes
 * enum (the old names are deprecated) and 9.7 renamed GetSize() to GetCapacity(). Implicit
 * arrays report an array type of their backend's (affine, constant, indexed, composite,
 * strided, structured point, std::function, any other), none of which has a pointer to its
 * values nor writable storage. Debian's VTK 9.1 and ParaView 5.11's VTK 9.2 have none.
 */

#ifndef vtkTrackedVTKVersion_h
#define vtkTrackedVTKVersion_h

#include "vtkAbstractArray.h"
#include "vtkVersionMacros.h"

#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 6, 0)
#define VTK_TRACKED_HAS_ARRAY_TYPES_ENUM 1
#else
#define VTK_TRACKED_HAS_ARRAY_TYPES_ENUM 0
#endif

// Implicit arrays are tracked from 9.7, the version they are built and tested against
// (their backends' accessors changed during 9.3-9.6). 9.7 also keeps the values of bit,
// string and variant arrays in a vtkBuffer, which ShallowCopy shares.
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
#define VTK_TRACKED_HAS_CAPACITY 1
#define VTK_TRACKED_HAS_IMPLICIT_ARRAYS 1
#define VTK_TRACKED_HAS_NON_NUMERIC_BUFFERS 1
#else
#define VTK_TRACKED_HAS_CAPACITY 0
#define VTK_TRACKED_HAS_IMPLICIT_ARRAYS 0
#define VTK_TRACKED_HAS_NON_NUMERIC_BUFFERS 0
#endif

namespace vtkTrackedVTK
{
#if VTK_TRACKED_HAS_ARRAY_TYPES_ENUM
constexpr int AOSArrayType = vtkArrayTypes::VTK_AOS_DATA_ARRAY;
constexpr int SOAArrayType = vtkArrayTypes::VTK_SOA_DATA_ARRAY;
#else
constexpr int AOSArrayType = vtkAbstractArray::AoSDataArrayTemplate;
constexpr int SOAArrayType = vtkAbstractArray::SoADataArrayTemplate;
#endif

/**
 * Value slots allocated (GetCapacity() on VTK >= 9.7, GetSize() before).
 */
inline vtkIdType Capacity(const vtkAbstractArray* array)
{
#if VTK_TRACKED_HAS_CAPACITY
  return array->GetCapacity();
#else
  return const_cast<vtkAbstractArray*>(array)->GetSize();
#endif
}

/**
 * Whether `array` is an implicit array (vtkImplicitArray with any backend): its values are
 * computed, it has no buffer, and writing into it does nothing.
 */
inline bool IsImplicit(const vtkAbstractArray* array)
{
#if VTK_TRACKED_HAS_IMPLICIT_ARRAYS
  const int type = array->GetArrayType();
  return type >= vtkArrayTypes::VTK_IMPLICIT_ARRAY && type < vtkArrayTypes::VTK_NUM_ARRAY_TYPES;
#else
  (void)array;
  return false;
#endif
}
}

#endif
