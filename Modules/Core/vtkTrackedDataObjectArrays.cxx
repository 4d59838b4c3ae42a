// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDataObjectArrays.h"

#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCompositeDataIterator.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataObjectTreeIterator.h"
#include "vtkDataSet.h"
#include "vtkDataSetAttributes.h"
#include "vtkFieldData.h"
#include "vtkIdTypeArray.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkMatrix3x3.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkPartitionedDataSet.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointData.h"
#include "vtkPointSet.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkSmartPointer.h"
#include "vtkStructuredGrid.h"
#include "vtkTable.h"
#include "vtkUnsignedCharArray.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVersionMacros.h"

#include <algorithm>
#include <cstring>

namespace
{
using Visitor = vtkTrackedDataObjectArrays::Visitor;

void VisitIfPresent(const char* role, vtkAbstractArray* array, const Visitor& visit)
{
  if (array)
  {
    visit(role, 0, array);
  }
}

void VisitFieldData(const char* role, vtkFieldData* fields, const Visitor& visit)
{
  if (!fields)
  {
    return;
  }
  auto* attributes = vtkDataSetAttributes::SafeDownCast(fields);
  for (int i = 0; i < fields->GetNumberOfArrays(); ++i)
  {
    vtkAbstractArray* array = fields->GetAbstractArray(i);
    if (!array)
    {
      continue;
    }
    int attributeMask = 0;
    for (int type = 0; attributes && type < vtkDataSetAttributes::NUM_ATTRIBUTES; ++type)
    {
      if (attributes->GetAbstractAttribute(type) == array)
      {
        attributeMask |= 1 << type;
      }
    }
    visit(role, attributeMask, array);
  }
}

void VisitCells(
  const char* offsetsRole, const char* connectivityRole, vtkCellArray* cells, const Visitor& visit)
{
  if (cells)
  {
    VisitIfPresent(offsetsRole, cells->GetOffsetsArray(), visit);
    VisitIfPresent(connectivityRole, cells->GetConnectivityArray(), visit);
  }
}

// Cell types and polyhedron faces. VTK 9.6 keeps cell types in any kind of array (SetCells(type,
// cells) makes a vtkConstantArray, which GetCellTypesArray() does not return) and polyhedron
// faces and face locations in cell arrays.
void VisitUnstructuredCellTypesAndFaces(vtkUnstructuredGrid* grid, const Visitor& visit)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 6, 0)
  VisitIfPresent("cell-types", grid->GetCellTypes(), visit);
  VisitCells("faces.offsets", "faces.connectivity", grid->GetPolyhedronFaces(), visit);
  VisitCells("face-locations.offsets", "face-locations.connectivity",
    grid->GetPolyhedronFaceLocations(), visit);
#else
  VisitIfPresent("cell-types", grid->GetCellTypesArray(), visit);
  VisitIfPresent("faces", grid->GetFaces(), visit);
  VisitIfPresent("face-locations", grid->GetFaceLocations(), visit);
#endif
}

void VisitDataSetStructure(vtkDataSet* dataSet, const Visitor& visit)
{
  if (auto* pointSet = vtkPointSet::SafeDownCast(dataSet))
  {
    if (vtkPoints* points = pointSet->GetPoints())
    {
      VisitIfPresent("points", points->GetData(), visit);
    }
  }
  if (auto* rectilinear = vtkRectilinearGrid::SafeDownCast(dataSet))
  {
    VisitIfPresent("x", rectilinear->GetXCoordinates(), visit);
    VisitIfPresent("y", rectilinear->GetYCoordinates(), visit);
    VisitIfPresent("z", rectilinear->GetZCoordinates(), visit);
  }
  if (auto* polyData = vtkPolyData::SafeDownCast(dataSet))
  {
    VisitCells("verts.offsets", "verts.connectivity", polyData->GetVerts(), visit);
    VisitCells("lines.offsets", "lines.connectivity", polyData->GetLines(), visit);
    VisitCells("polys.offsets", "polys.connectivity", polyData->GetPolys(), visit);
    VisitCells("strips.offsets", "strips.connectivity", polyData->GetStrips(), visit);
  }
  if (auto* grid = vtkUnstructuredGrid::SafeDownCast(dataSet))
  {
    VisitCells("cells.offsets", "cells.connectivity", grid->GetCells(), visit);
    VisitUnstructuredCellTypesAndFaces(grid, visit);
  }
}
}

void vtkTrackedDataObjectArrays::VisitOwnArrays(vtkDataObject* object, const Visitor& visit)
{
  if (!object)
  {
    return;
  }
  VisitFieldData("field", object->GetFieldData(), visit);
  if (auto* dataSet = vtkDataSet::SafeDownCast(object))
  {
    VisitDataSetStructure(dataSet, visit);
    VisitFieldData("point", dataSet->GetPointData(), visit);
    VisitFieldData("cell", dataSet->GetCellData(), visit);
  }
  if (auto* table = vtkTable::SafeDownCast(object))
  {
    VisitFieldData("row", table->GetRowData(), visit);
  }
}

void vtkTrackedDataObjectArrays::VisitArrays(vtkDataObject* object, const Visitor& visit)
{
  vtkTrackedDataObjectArrays::VisitOwnArrays(object, visit);
  if (auto* composite = vtkCompositeDataSet::SafeDownCast(object))
  {
    vtkSmartPointer<vtkCompositeDataIterator> leaves;
    leaves.TakeReference(composite->NewIterator());
    for (leaves->InitTraversal(); !leaves->IsDoneWithTraversal(); leaves->GoToNextItem())
    {
      vtkTrackedDataObjectArrays::VisitArrays(leaves->GetCurrentDataObject(), visit);
    }
  }
}

namespace
{
bool IsCoveredLeaf(vtkDataObject* object)
{
  return vtkImageData::SafeDownCast(object) || vtkRectilinearGrid::SafeDownCast(object) ||
    vtkStructuredGrid::SafeDownCast(object) || vtkPolyData::SafeDownCast(object) ||
    vtkUnstructuredGrid::SafeDownCast(object) || vtkTable::SafeDownCast(object) ||
    std::strcmp(object->GetClassName(), "vtkDataObject") == 0;
}

bool IsCoveredTree(vtkCompositeDataSet* composite)
{
  // A vtkOverlappingAMR is a vtkPartitionedDataSetCollection from VTK 9.6 on: tested by name,
  // since its class does not exist before.
  return vtkTrackedDataObjectArrays::TreeKindOf(composite) !=
    vtkTrackedDataObjectArrays::TreeKind::NotComposite &&
    !composite->IsA("vtkAMRDataObject");
}
}

bool vtkTrackedDataObjectArrays::IsCovered(vtkDataObject* object, std::string& why)
{
  auto* composite = vtkCompositeDataSet::SafeDownCast(object);
  if (!composite ? !IsCoveredLeaf(object) : !IsCoveredTree(composite))
  {
    why = std::string("a ") + object->GetClassName() +
      (composite ? " is not a multiblock or partitioned composite data set"
                 : " holds structure that stamps and digests do not cover");
    return false;
  }
  if (!composite)
  {
    return true;
  }
  vtkSmartPointer<vtkCompositeDataIterator> leaves;
  leaves.TakeReference(composite->NewIterator());
  for (leaves->InitTraversal(); !leaves->IsDoneWithTraversal(); leaves->GoToNextItem())
  {
    if (!vtkTrackedDataObjectArrays::IsCovered(leaves->GetCurrentDataObject(), why))
    {
      return false;
    }
  }
  return true;
}

namespace
{
vtkMTimeType OwnLatestMTime(vtkDataObject* object)
{
  vtkMTimeType latest = object->GetMTime();
  if (auto* image = vtkImageData::SafeDownCast(object))
  {
    latest = std::max(latest, image->GetDirectionMatrix()->GetMTime());
  }
  return latest;
}
}

vtkMTimeType vtkTrackedDataObjectArrays::LatestMTime(vtkDataObject* object)
{
  vtkMTimeType latest = OwnLatestMTime(object);
  auto* composite = vtkCompositeDataSet::SafeDownCast(object);
  if (!composite)
  {
    return latest;
  }
  vtkSmartPointer<vtkCompositeDataIterator> nodes;
  nodes.TakeReference(composite->NewIterator());
  if (auto* tree = vtkDataObjectTreeIterator::SafeDownCast(nodes))
  {
    tree->VisitOnlyLeavesOff(); // inner nodes too: their children and names
    tree->TraverseSubTreeOn();
  }
  for (nodes->InitTraversal(); !nodes->IsDoneWithTraversal(); nodes->GoToNextItem())
  {
    latest = std::max(latest, OwnLatestMTime(nodes->GetCurrentDataObject()));
    if (nodes->HasCurrentMetaData())
    {
      latest = std::max(latest, nodes->GetCurrentMetaData()->GetMTime());
    }
  }
  return latest;
}

vtkTrackedDataObjectArrays::TreeKind vtkTrackedDataObjectArrays::TreeKindOf(vtkDataObject* object)
{
  if (vtkMultiBlockDataSet::SafeDownCast(object))
  {
    return TreeKind::MultiBlock;
  }
  if (vtkPartitionedDataSetCollection::SafeDownCast(object))
  {
    return TreeKind::PartitionedCollection;
  }
  if (vtkPartitionedDataSet::SafeDownCast(object))
  {
    return TreeKind::Partitioned;
  }
  return TreeKind::NotComposite;
}

unsigned int vtkTrackedDataObjectArrays::NumberOfChildren(
  vtkCompositeDataSet* composite, TreeKind kind)
{
  switch (kind)
  {
    case TreeKind::MultiBlock:
      return static_cast<vtkMultiBlockDataSet*>(composite)->GetNumberOfBlocks();
    case TreeKind::Partitioned:
      return static_cast<vtkPartitionedDataSet*>(composite)->GetNumberOfPartitions();
    case TreeKind::PartitionedCollection:
      return static_cast<vtkPartitionedDataSetCollection*>(composite)
        ->GetNumberOfPartitionedDataSets();
    case TreeKind::NotComposite:
      break;
  }
  return 0;
}

namespace
{
vtkDataObject* ChildOf(
  vtkCompositeDataSet* composite, vtkTrackedDataObjectArrays::TreeKind kind, unsigned int i)
{
  using Kind = vtkTrackedDataObjectArrays::TreeKind;
  return kind == Kind::MultiBlock ? static_cast<vtkMultiBlockDataSet*>(composite)->GetBlock(i)
    : kind == Kind::Partitioned
    ? static_cast<vtkPartitionedDataSet*>(composite)->GetPartitionAsDataObject(i)
    : static_cast<vtkPartitionedDataSetCollection*>(composite)->GetPartitionedDataSet(i);
}

// Has- before Get-: GetMetaData() would make the metadata of a child that has none.
template <typename Node>
vtkInformation* MetaDataOf(vtkCompositeDataSet* composite, unsigned int i)
{
  auto* node = static_cast<Node*>(composite);
  return node->HasMetaData(i) ? node->GetMetaData(i) : nullptr;
}
}

bool vtkTrackedDataObjectArrays::VisitChildren(
  vtkCompositeDataSet* composite, TreeKind kind, const ChildVisitor& visit)
{
  const unsigned int count = NumberOfChildren(composite, kind);
  for (unsigned int i = 0; i < count; ++i)
  {
    vtkInformation* metaData = kind == TreeKind::MultiBlock
      ? MetaDataOf<vtkMultiBlockDataSet>(composite, i)
      : kind == TreeKind::Partitioned ? MetaDataOf<vtkPartitionedDataSet>(composite, i)
                                      : MetaDataOf<vtkPartitionedDataSetCollection>(composite, i);
    if (!visit(ChildOf(composite, kind, i), metaData))
    {
      return false;
    }
  }
  return true;
}
