/**
 * @file vtkTrackedDataObjectArrays.h
 * @brief Private: visits every array a data object owns, in a fixed order.
 *
 * The cache stamps a data object by the storage of all its arrays, and the content
 * digest hashes them; both must see the same arrays in the same order. Visiting is
 * read-only and never allocates array storage.
 */

#ifndef vtkTrackedDataObjectArrays_h
#define vtkTrackedDataObjectArrays_h

#include <functional> // for std::function

class vtkAbstractArray;
class vtkDataObject;

/**
 * Calls `visit` for each array of `object`: field data; for data sets the point
 * coordinates (point sets), rectilinear coordinates, cell connectivity and offsets
 * (poly data, unstructured grids, with cell types and polyhedral faces), point data
 * and cell data; the row data of tables; the leaves of composite data, depth first.
 * Null arrays are skipped. A null object visits nothing.
 */
void vtkTrackedVisitArrays(
  vtkDataObject* object, const std::function<void(vtkAbstractArray*)>& visit);

#endif
