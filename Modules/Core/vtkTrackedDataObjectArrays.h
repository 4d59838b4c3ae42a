// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedDataObjectArrays.h
 * @brief Private: visits every array a data object owns, in a fixed order.
 *
 * The cache stamps a data object by the storage of all its arrays, and the content
 * digest hashes them; both must see the same arrays in the same order. Visiting is
 * read-only and never allocates array storage.
 *
 * @sa
 * vtkTrackedStamp vtkTrackedDigest
 */

#ifndef vtkTrackedDataObjectArrays_h
#define vtkTrackedDataObjectArrays_h

#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include "vtkType.h"                    // for vtkMTimeType

#include <functional> // for std::function
#include <string>     // for why a data object is not covered

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkCompositeDataSet;
class vtkDataObject;
class vtkInformation;
VTK_ABI_NAMESPACE_END

namespace vtkTrackedDataObjectArrays
{
/**
 * Receives each array with where it sits: a role ("field", "point", "cell", "row",
 * "points", "x", "y", "z", "verts.offsets", "verts.connectivity", ..., "cells.offsets",
 * "cells.connectivity", "cell-types", and the polyhedron faces: "faces" and "face-locations"
 * before VTK 9.6, "faces.offsets", "faces.connectivity", "face-locations.offsets" and
 * "face-locations.connectivity" since) and, for point, cell
 * and row data, the bit mask of the vtkDataSetAttributes roles it holds (bit t set when
 * it is the attribute of type t: scalars, vectors, normals, ...).
 */
using Visitor = std::function<void(const char* role, int attributeMask, vtkAbstractArray* array)>;

/**
 * Calls `visit` for each array `object` owns itself: field data; for data sets the point
 * coordinates (point sets), rectilinear coordinates, cell offsets and connectivity (poly
 * data and unstructured grids, with cell types and polyhedral faces), point data and
 * cell data; the row data of tables. For composite data only its own field data.
 * Null arrays are skipped; a null object visits nothing.
 */
VTKTRACKEDARRAYCACHE_EXPORT void VisitOwnArrays(vtkDataObject* object, const Visitor& visit);

/**
 * vtkTrackedDataObjectArrays::VisitOwnArrays(), then for composite data the arrays of every leaf,
 * depth first.
 */
VTKTRACKEDARRAYCACHE_EXPORT void VisitArrays(vtkDataObject* object, const Visitor& visit);

/**
 * Whether the arrays vtkTrackedDataObjectArrays::VisitArrays() visits, with the structure digests
 * record (extents, origin, spacing, direction, the composite tree), are all that `object` holds:
 * vtkImageData, vtkRectilinearGrid, vtkStructuredGrid, vtkPolyData, vtkUnstructuredGrid,
 * vtkTable, plain vtkDataObject, and vtkMultiBlockDataSet, vtkPartitionedDataSet and
 * vtkPartitionedDataSetCollection of those. Not AMR data (its levels, boxes and refinement
 * ratios live in metadata; since VTK 9.6 it is a partitioned collection), vtkCellGrid,
 * graphs, hyper tree grids and the rest. If not, `why` says which part is not.
 */
VTKTRACKEDARRAYCACHE_EXPORT bool IsCovered(vtkDataObject* object, std::string& why);

/**
 * The latest MTime anywhere in `object`: its own; for composite data that of every node
 * and leaf and of their metadata (block names), which the composite's own MTime does not
 * include; for image data also its direction matrix, which can be edited in place.
 * MTimes come from one global counter, so any later change anywhere makes this larger.
 */
VTKTRACKEDARRAYCACHE_EXPORT vtkMTimeType LatestMTime(vtkDataObject* object);

/**
 * The composite trees the module walks node by node (what it is, by SafeDownCast), or
 * NotComposite.
 */
enum class TreeKind
{
  NotComposite,
  MultiBlock,
  Partitioned,
  PartitionedCollection
};
VTKTRACKEDARRAYCACHE_EXPORT TreeKind TreeKindOf(vtkDataObject* object);

/**
 * Receives a child of a composite node, in order, null children included, with its
 * metadata (null when it has none: none is made); returns false to stop the walk.
 */
using ChildVisitor = std::function<bool(vtkDataObject* child, vtkInformation* metaData)>;

/**
 * How many children the node `composite` of kind `kind` (not NotComposite) has.
 */
VTKTRACKEDARRAYCACHE_EXPORT unsigned int NumberOfChildren(
  vtkCompositeDataSet* composite, TreeKind kind);

/**
 * Calls `visit` for each child of the node `composite` of kind `kind` (not NotComposite),
 * one level down: the one walk the digest and the disk entry writer share. False when
 * `visit` stopped it.
 */
VTKTRACKEDARRAYCACHE_EXPORT bool VisitChildren(
  vtkCompositeDataSet* composite, TreeKind kind, const ChildVisitor& visit);
}

#endif
