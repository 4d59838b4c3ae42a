// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedEntryArrays.h
 * @brief Private: the array classes a vtkTrackedDiskCache entry gives back, by name.
 *
 * An entry records each array's class, so that a hit gives back a vtkTypeInt64Array as a
 * vtkTypeInt64Array and a vtkDoubleArray as a vtkDoubleArray (VTK's cell arrays take their
 * offsets in place only as the classes they store). Only VTK's own AOS arrays of the
 * standard types (the classic and the fixed-width classes), vtkIdTypeArray, vtkBitArray,
 * vtkStringArray and vtkVariantArray are made from an entry; any other array (SOA,
 * implicit, a subclass) is stored as, and comes back as, VTK's own class for its type.
 *
 * @sa
 * vtkTrackedDiskEntry
 */

#ifndef vtkTrackedEntryArrays_h
#define vtkTrackedEntryArrays_h

#include "vtkSmartPointer.h"            // for the arrays made
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro

#include <string> // for class names

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
VTK_ABI_NAMESPACE_END

namespace vtkTrackedEntryArrays
{
/**
 * The class an entry records for `array`: its own if an entry can make it, else VTK's own
 * class for its data type; null for an array of neither.
 */
VTKTRACKEDARRAYCACHE_EXPORT const char* StoredClassName(vtkAbstractArray* array);

/**
 * A new array of the class `name`, if an entry can make it and its data type is `type`;
 * null otherwise.
 */
VTKTRACKEDARRAYCACHE_EXPORT vtkSmartPointer<vtkAbstractArray> New(
  const std::string& name, int type);
}

#endif
