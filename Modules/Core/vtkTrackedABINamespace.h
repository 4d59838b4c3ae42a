// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedABINamespace.h
 * @brief VTK_ABI_NAMESPACE_BEGIN/END on every VTK: VTK's own where it has them (9.2 and
 * later, through vtkType.h), empty before.
 *
 * Forward declarations of VTK classes sit between them, so that the module also compiles
 * against a VTK built with an ABI namespace (VTK_ABI_NAMESPACE_NAME), whose classes live in
 * an inline namespace.
 */

#ifndef vtkTrackedABINamespace_h
#define vtkTrackedABINamespace_h

#include "vtkType.h" // includes vtkABINamespace.h where VTK has it

#ifndef VTK_ABI_NAMESPACE_BEGIN
#define VTK_ABI_NAMESPACE_BEGIN
#define VTK_ABI_NAMESPACE_END
#endif

#endif
