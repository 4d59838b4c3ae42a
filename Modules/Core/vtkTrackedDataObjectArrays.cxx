#include "vtkTrackedDataObjectArrays.h"

#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCompositeDataIterator.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataSet.h"
#include "vtkFieldData.h"
#include "vtkIdTypeArray.h"
#include "vtkPointData.h"
#include "vtkPointSet.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkSmartPointer.h"
#include "vtkTable.h"
#include "vtkUnsignedCharArray.h"
#include "vtkUnstructuredGrid.h"

namespace
{
using Visitor = std::function<void(vtkAbstractArray*)>;

void VisitIfPresent(vtkAbstractArray* array, const Visitor& visit)
{
  if (array)
  {
    visit(array);
  }
}

void VisitFieldData(vtkFieldData* fields, const Visitor& visit)
{
  if (!fields)
  {
    return;
  }
  for (int i = 0; i < fields->GetNumberOfArrays(); ++i)
  {
    VisitIfPresent(fields->GetAbstractArray(i), visit);
  }
}

void VisitCells(vtkCellArray* cells, const Visitor& visit)
{
  if (cells)
  {
    VisitIfPresent(cells->GetOffsetsArray(), visit);
    VisitIfPresent(cells->GetConnectivityArray(), visit);
  }
}

void VisitDataSetStructure(vtkDataSet* dataSet, const Visitor& visit)
{
  if (auto* pointSet = vtkPointSet::SafeDownCast(dataSet))
  {
    if (vtkPoints* points = pointSet->GetPoints())
    {
      VisitIfPresent(points->GetData(), visit);
    }
  }
  if (auto* rectilinear = vtkRectilinearGrid::SafeDownCast(dataSet))
  {
    VisitIfPresent(rectilinear->GetXCoordinates(), visit);
    VisitIfPresent(rectilinear->GetYCoordinates(), visit);
    VisitIfPresent(rectilinear->GetZCoordinates(), visit);
  }
  if (auto* polyData = vtkPolyData::SafeDownCast(dataSet))
  {
    VisitCells(polyData->GetVerts(), visit);
    VisitCells(polyData->GetLines(), visit);
    VisitCells(polyData->GetPolys(), visit);
    VisitCells(polyData->GetStrips(), visit);
  }
  if (auto* grid = vtkUnstructuredGrid::SafeDownCast(dataSet))
  {
    VisitCells(grid->GetCells(), visit);
    VisitIfPresent(grid->GetCellTypesArray(), visit);
    VisitIfPresent(grid->GetFaces(), visit);
    VisitIfPresent(grid->GetFaceLocations(), visit);
  }
}
}

void vtkTrackedVisitArrays(vtkDataObject* object, const Visitor& visit)
{
  if (!object)
  {
    return;
  }
  if (auto* composite = vtkCompositeDataSet::SafeDownCast(object))
  {
    VisitFieldData(composite->GetFieldData(), visit);
    vtkSmartPointer<vtkCompositeDataIterator> leaves;
    leaves.TakeReference(composite->NewIterator());
    for (leaves->InitTraversal(); !leaves->IsDoneWithTraversal(); leaves->GoToNextItem())
    {
      vtkTrackedVisitArrays(leaves->GetCurrentDataObject(), visit);
    }
    return;
  }
  VisitFieldData(object->GetFieldData(), visit);
  if (auto* dataSet = vtkDataSet::SafeDownCast(object))
  {
    VisitDataSetStructure(dataSet, visit);
    VisitFieldData(dataSet->GetPointData(), visit);
    VisitFieldData(dataSet->GetCellData(), visit);
  }
  if (auto* table = vtkTable::SafeDownCast(object))
  {
    VisitFieldData(table->GetRowData(), visit);
  }
}
