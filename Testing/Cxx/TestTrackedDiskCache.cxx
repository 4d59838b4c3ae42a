// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkTrackedDiskCache: DESIGN.md scenario 10. Round trips of every
// stored type, the options, damaged and foreign files, permissions, names that try to be
// paths, a full disk; and with a second process (TrackedDiskCacheWorker): reading what
// another wrote, writers killed with SIGKILL mid-write, concurrent writers.
#include "vtkTrackedDiskCache.h"

#include "TrackedDiskCacheContent.h"
#include "TrackedDiskCacheFixture.h"
#include "TrackedTestHelpers.h"

#include "vtkTrackedVTKVersion.h" // for VTK_TRACKED_HAS_IMPLICIT_ARRAYS

#if VTK_TRACKED_HAS_IMPLICIT_ARRAYS
#include "vtkAffineArray.h"
#include "vtkConstantArray.h"
#endif
#include "vtkBitArray.h"
#include "vtkCell.h"
#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCharArray.h"
#include "vtkCompositeDataSet.h"
#include "vtkContourFilter.h"
#include "vtkDataAssembly.h"
#include "vtkDoubleArray.h"
#include "vtkFieldData.h"
#include "vtkIdTypeArray.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkLongArray.h"
#include "vtkLongLongArray.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkPartitionedDataSet.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointData.h"
#include "vtkRTAnalyticSource.h"
#include "vtkRectilinearGrid.h"
#include "vtkSignedCharArray.h"
#include "vtkStringArray.h"
#include "vtkStructuredGrid.h"
#include "vtkStructuredPoints.h"
#include "vtkTable.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCacheFilter.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedEntryArrays.h"
#include "vtkTrackedEntryBytes.h"
#include "vtkTypeInt64Array.h"
#include "vtkUnsignedLongArray.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVariantArray.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace
{
std::string Digest(vtkObject* object)
{
  if (auto* array = vtkAbstractArray::SafeDownCast(object))
  {
    return vtkTrackedArrayCache::ComputeDigest(array);
  }
  return vtkTrackedArrayCache::ComputeDigest(vtkDataObject::SafeDownCast(object));
}

// The bytes with the lowest bit of one byte flipped.
std::string WithBitFlipped(std::string bytes, std::size_t offset)
{
  bytes.at(offset) = static_cast<char>(bytes.at(offset) ^ 1);
  return bytes;
}

TEST_F(TrackedDiskCacheTest, EveryStoredTypeComesBackIdentical)
{
  std::vector<std::pair<std::string, vtkSmartPointer<vtkObject>>> values;
  auto sphere = TrackedDiskCacheContent(40);
  values.emplace_back("poly data", sphere);
  vtkNew<vtkRTAnalyticSource> wavelet;
  wavelet->SetWholeExtent(-4, 4, -3, 3, -2, 2);
  wavelet->Update();
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->DeepCopy(wavelet->GetOutput());
  image->SetOrigin(1, 2, 3);
  image->SetSpacing(0.5, 0.25, 2);
  image->SetDirectionMatrix(0, 1, 0, -1, 0, 0, 0, 0, 1);
  values.emplace_back("image", image);
  vtkNew<vtkContourFilter> contour;
  contour->SetInputData(image);
  contour->SetValue(0, 150);
  contour->Update();
  values.emplace_back("contour", contour->GetOutput());
  auto grid = vtkSmartPointer<vtkUnstructuredGrid>::New();
  grid->SetPoints(vtkPolyData::SafeDownCast(sphere)->GetPoints());
  values.emplace_back("empty unstructured grid", vtkSmartPointer<vtkUnstructuredGrid>::New());
  values.emplace_back("unstructured grid without cells", grid);
  values.emplace_back("empty poly data", vtkSmartPointer<vtkPolyData>::New());
  auto rectilinear = vtkSmartPointer<vtkRectilinearGrid>::New();
  rectilinear->SetDimensions(3, 2, 1);
  rectilinear->SetXCoordinates(MakeFilled<vtkDoubleArray>(3, 1, [](vtkIdType i) { return i; }));
  rectilinear->SetYCoordinates(MakeFilled<vtkDoubleArray>(2, 1, [](vtkIdType i) { return 2 * i; }));
  rectilinear->SetZCoordinates(MakeFilled<vtkDoubleArray>(1, 1, [](vtkIdType) { return 0; }));
  values.emplace_back("rectilinear", rectilinear);
  auto table = vtkSmartPointer<vtkTable>::New();
  auto column = MakeFilled<vtkDoubleArray>(4, 1, [](vtkIdType i) { return i / 3.0; });
  column->SetName("third");
  table->AddColumn(column);
  values.emplace_back("table", table);
  auto blocks = vtkSmartPointer<vtkMultiBlockDataSet>::New();
  blocks->SetNumberOfBlocks(3);
  blocks->SetBlock(0, sphere);
  blocks->SetBlock(2, image);
  blocks->GetMetaData(0u)->Set(vtkCompositeDataSet::NAME(), "sphere");
  values.emplace_back("multiblock", blocks);
  auto partitions = vtkSmartPointer<vtkPartitionedDataSet>::New();
  partitions->SetPartition(0, image);
  partitions->SetPartition(1, sphere);
  auto collection = vtkSmartPointer<vtkPartitionedDataSetCollection>::New();
  collection->SetPartitionedDataSet(0, partitions);
  collection->GetMetaData(0u)->Set(vtkCompositeDataSet::NAME(), "parts");
  vtkNew<vtkDataAssembly> assembly;
  assembly->AddDataSetIndex(assembly->AddNode("group"), 0);
  collection->SetDataAssembly(assembly);
  values.emplace_back("partitioned collection", collection);
  values.emplace_back("SOA array",
    MakeFilled<vtkSOADataArrayTemplate<float>>(7, 3, [](vtkIdType i) { return 0.5 * i; }));
  auto strings = vtkSmartPointer<vtkStringArray>::New();
  strings->InsertNextValue("plain");
  strings->InsertNextValue("with spaces, ünïcode and \"quotes\" <tags>");
  values.emplace_back("string array", strings);
  auto bits = vtkSmartPointer<vtkBitArray>::New();
  for (int i = 0; i < 13; ++i)
  {
    bits->InsertNextValue(i % 3 == 0);
  }
  values.emplace_back("bit array", bits);
  values.emplace_back("signed char array",
    MakeFilled<vtkSignedCharArray>(5, 2, [](vtkIdType i) { return static_cast<int>(i) - 4; }));
  values.emplace_back("long long array",
    MakeFilled<vtkLongLongArray>(5, 1, [](vtkIdType i) { return (i << 40) - 3; }));
  values.emplace_back(
    "id type array", MakeFilled<vtkIdTypeArray>(5, 1, [](vtkIdType i) { return i * 7; }));

  for (int compression : { vtkTrackedDiskCache::NoCompression, vtkTrackedDiskCache::ZLib,
         vtkTrackedDiskCache::LZ4, vtkTrackedDiskCache::LZMA })
  {
    this->Cache->SetCompression(compression);
    this->Cache->SetCompressionLevel(compression == vtkTrackedDiskCache::LZMA ? 9 : 1);
    for (const auto& value : values)
    {
      SCOPED_TRACE(value.first + ", compression " + std::to_string(compression));
      ASSERT_TRUE(this->Cache->Set(value.first, value.second));
      auto loaded = this->Load(this->Cache, value.first);
      ASSERT_NE(loaded, nullptr);
      EXPECT_NE(loaded.GetPointer(), value.second.GetPointer()) << "a copy";
      EXPECT_EQ(Digest(loaded), Digest(value.second));
    }
  }
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), static_cast<vtkTypeInt64>(values.size()));
  EXPECT_EQ(this->Cache->GetNumberOfHits(), 4 * static_cast<vtkTypeInt64>(values.size()));
}

// What an array is, beyond its digest (which leaves component names out): class, name
// (null or not), components and their names, and every value as text.
std::string Describe(vtkAbstractArray* array)
{
  std::ostringstream text;
  text << array->GetClassName() << " " << (array->GetName() ? array->GetName() : "(null)") << " "
       << array->GetNumberOfComponents() << "x" << array->GetNumberOfTuples() << ":";
  for (int component = 0; array->HasAComponentName() && component < array->GetNumberOfComponents();
       ++component)
  {
    const char* name = array->GetComponentName(component);
    text << " [" << (name ? name : "(null)") << "]";
  }
  for (vtkIdType value = 0; value < array->GetNumberOfValues(); ++value)
  {
    const vtkVariant variant = array->GetVariantValue(value);
    text << " " << variant.GetType() << ":" << variant.ToString();
  }
  return text.str();
}

// What VTK's XML formats refused or changed is stored exactly: char, long and unsigned long
// arrays (XML gave them back as other types), variant arrays (skipped), names of any bytes
// (written unescaped), attribute arrays of any tuple count, null and empty names.
TEST_F(TrackedDiskCacheTest, WhatTheXMLFormatRefusedRoundTripsExactly)
{
  std::vector<vtkSmartPointer<vtkAbstractArray>> arrays = {
    MakeFilled<vtkCharArray>(4, 1, [](vtkIdType i) { return static_cast<int>(i) - 2; }),
    MakeFilled<vtkLongArray>(3, 2, [](vtkIdType i) { return (i << 33) - 1; }),
    MakeFilled<vtkUnsignedLongArray>(3, 1, [](vtkIdType i) { return ~0ul - i; })
  };
  auto variants = vtkSmartPointer<vtkVariantArray>::New();
  for (const vtkVariant& value :
    { vtkVariant(1.5), vtkVariant(-7), vtkVariant(static_cast<unsigned long long>(~0ull)),
      vtkVariant("text"), vtkVariant(), vtkVariant(static_cast<char>('c')), vtkVariant(2.5f) })
  {
    variants->InsertNextValue(value);
  }
  arrays.emplace_back(variants);
  const char* names[] = { "T<P", "T&P", "say \"T\"", "two\nlines", "tab\tand\x01control",
    "Latin-1 \xb0"
    "C",
    "\xed\xa0\x80", "" };
  int named = 0;
  for (const auto& array : arrays)
  {
    array->SetName(names[named++]);
  }
  for (; named < static_cast<int>(sizeof(names) / sizeof(names[0])); ++named)
  {
    auto array = MakeFilled<vtkDoubleArray>(3, 2, [](vtkIdType i) { return i; });
    array->SetName(names[named]);
    array->SetComponentName(0, names[named]);
    arrays.emplace_back(array);
  }
  arrays.emplace_back(MakeFilled<vtkDoubleArray>(2, 1, [](vtkIdType i) { return i; })); // unnamed

  // In a data set too: point and cell data with other tuple counts than points and cells.
  auto sphere = vtkSmartPointer<vtkPolyData>::New();
  sphere->DeepCopy(TrackedDiskCacheContent(8));
  auto extra =
    MakeFilled<vtkDoubleArray>(sphere->GetNumberOfCells() + 3, 1, [](vtkIdType i) { return i; });
  extra->SetName("RegionId");
  sphere->GetCellData()->AddArray(extra);
  auto fewer = MakeFilled<vtkCharArray>(2, 1, [](vtkIdType i) { return static_cast<int>(i); });
  fewer->SetName("fewer\n<&>");
  sphere->GetPointData()->AddArray(fewer);
  for (const auto& array : arrays)
  {
    sphere->GetFieldData()->AddArray(array);
  }
  for (int compression : { vtkTrackedDiskCache::NoCompression, vtkTrackedDiskCache::LZ4 })
  {
    this->Cache->SetCompression(compression);
    for (const auto& array : arrays)
    {
      SCOPED_TRACE(Describe(array) + ", compression " + std::to_string(compression));
      ASSERT_TRUE(this->Cache->Set("k", array));
      vtkSmartPointer<vtkObject> loaded = this->Load(this->Cache, "k");
      auto* back = vtkAbstractArray::SafeDownCast(loaded);
      ASSERT_NE(back, nullptr);
      EXPECT_EQ(Describe(back), Describe(array));
      EXPECT_EQ(Digest(back), Digest(array));
    }
    ASSERT_TRUE(this->Cache->Set("sphere", sphere));
    vtkSmartPointer<vtkObject> loaded = this->Load(this->Cache, "sphere");
    auto* back = vtkPolyData::SafeDownCast(loaded);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(Digest(back), Digest(sphere));
    EXPECT_EQ(back->GetCellData()->GetArray("RegionId")->GetNumberOfTuples(),
      sphere->GetNumberOfCells() + 3);
    ASSERT_EQ(
      back->GetFieldData()->GetNumberOfArrays(), sphere->GetFieldData()->GetNumberOfArrays());
    for (int i = 0; i < sphere->GetFieldData()->GetNumberOfArrays(); ++i)
    {
      EXPECT_EQ(Describe(back->GetFieldData()->GetAbstractArray(i)),
        Describe(sphere->GetFieldData()->GetAbstractArray(i)));
    }
  }
  EXPECT_EQ(this->Cache->GetNumberOfCorruptEntries(), 0);
}

// Unstructured grids keep their cell types and polyhedron faces (id arrays before VTK 9.6,
// cell arrays since), and cell types set for all cells at once (a vtkConstantArray since
// VTK 9.6, stored as values).
TEST_F(TrackedDiskCacheTest, PolyhedraAndCellTypesRoundTrip)
{
  auto polyhedra = MakeCubeGrid();
  const vtkIdType ids[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const vtkIdType faces[30] = { 4, 0, 2, 3, 1, 4, 4, 5, 7, 6, 4, 0, 1, 5, 4, 4, 2, 6, 7, 3, 4, 0, 4,
    6, 2, 4, 1, 3, 7, 5 };
  polyhedra->InsertNextCell(VTK_HEXAHEDRON, 8, ids);
  polyhedra->InsertNextCell(VTK_POLYHEDRON, 8, ids, 6, faces);
  auto tetras = MakeCubeGrid();
  vtkNew<vtkCellArray> cells;
  const vtkIdType first[4] = { 0, 1, 3, 2 };
  const vtkIdType second[4] = { 4, 5, 7, 6 };
  cells->InsertNextCell(4, first);
  cells->InsertNextCell(4, second);
  tetras->SetCells(VTK_TETRA, cells);
  for (vtkUnstructuredGrid* grid : { polyhedra.Get(), tetras.Get() })
  {
    ASSERT_TRUE(this->Cache->Set("grid", grid));
    vtkSmartPointer<vtkObject> loaded = this->Load(this->Cache, "grid");
    auto* back = vtkUnstructuredGrid::SafeDownCast(loaded);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(Digest(back), Digest(grid));
    ASSERT_EQ(back->GetNumberOfCells(), grid->GetNumberOfCells());
    for (vtkIdType cell = 0; cell < grid->GetNumberOfCells(); ++cell)
    {
      EXPECT_EQ(back->GetCellType(cell), grid->GetCellType(cell));
      EXPECT_EQ(back->GetCell(cell)->GetNumberOfFaces(), grid->GetCell(cell)->GetNumberOfFaces());
    }
  }
}

#if VTK_TRACKED_HAS_IMPLICIT_ARRAYS
// Implicit arrays are stored as their values and come back as AOS arrays of the same type,
// with the same digest; so do cell arrays with implicit offsets (SetData(cellSize, ...)).
TEST_F(TrackedDiskCacheTest, ImplicitArraysComeBackAsTheirValues)
{
  vtkNew<vtkAffineArray<double>> affine;
  affine->SetNumberOfComponents(3);
  affine->SetNumberOfTuples(5000);
  affine->ConstructBackend(0.5, -2.0);
  affine->SetName("affine");
  vtkNew<vtkConstantArray<int>> constant;
  constant->SetNumberOfTuples(7000);
  constant->ConstructBackend(7);
  for (vtkDataArray* array : std::vector<vtkDataArray*>{ affine, constant })
  {
    SCOPED_TRACE(array->GetClassName());
    ASSERT_TRUE(this->Cache->Set("k", array));
    vtkSmartPointer<vtkObject> loaded = this->Load(this->Cache, "k");
    auto* back = vtkDataArray::SafeDownCast(loaded);
    ASSERT_NE(back, nullptr);
    EXPECT_TRUE(back->HasStandardMemoryLayout()) << "as values";
    EXPECT_EQ(back->GetDataType(), array->GetDataType());
    EXPECT_EQ(Digest(back), Digest(array));
  }
  auto triangles = vtkSmartPointer<vtkPolyData>::New();
  vtkNew<vtkPoints> points;
  points->SetNumberOfPoints(6);
  triangles->SetPoints(points);
  vtkNew<vtkCellArray> polys;
  polys->SetData(3, MakeFilled<vtkTypeInt64Array>(6, 1, [](vtkIdType i) { return i; }));
  triangles->SetPolys(polys);
  triangles->GetPointData()->AddArray(affine);
  ASSERT_TRUE(this->Cache->Set("triangles", triangles));
  EXPECT_EQ(Digest(this->Load(this->Cache, "triangles")), Digest(triangles));
}
#endif

// A last, partial tuple is not part of an array's tuples: it is left out, as the digest
// leaves it out. Subclasses of the stored data sets hold more than them: refused.
TEST_F(TrackedDiskCacheTest, PartialTuplesAndSubclasses)
{
  auto partial = vtkSmartPointer<vtkDoubleArray>::New();
  partial->SetNumberOfComponents(3);
  for (int i = 0; i < 7; ++i)
  {
    partial->InsertNextValue(i);
  }
  ASSERT_TRUE(this->Cache->Set("partial", partial));
  vtkSmartPointer<vtkObject> loaded = this->Load(this->Cache, "partial");
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(vtkDoubleArray::SafeDownCast(loaded)->GetNumberOfTuples(), 2);
  EXPECT_EQ(Digest(loaded), Digest(partial));

  vtkNew<vtkStructuredPoints> points;
  points->SetDimensions(2, 2, 2);
  ErrorCatcher errors(this->Cache);
  EXPECT_FALSE(this->Cache->Set("points", points));
  EXPECT_TRUE(errors.Caught("a vtkStructuredPoints cannot be stored on disk"));
  EXPECT_EQ(this->Load(this->Cache, "points"), nullptr);
}

// A variant holding an object has no place on disk: refused with an error, nothing stored.
TEST_F(TrackedDiskCacheTest, VariantsHoldingObjectsAreRefused)
{
  auto variants = vtkSmartPointer<vtkVariantArray>::New();
  variants->SetName("a");
  variants->InsertNextValue(vtkVariant(vtkSmartPointer<vtkDoubleArray>::New().GetPointer()));
  ErrorCatcher errors(this->Cache);
  EXPECT_FALSE(this->Cache->Set("k", variants));
  EXPECT_TRUE(errors.Caught("a vtkVariantArray ('a') cannot be stored on disk"));
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
  EXPECT_TRUE(this->Files().empty()) << "nothing left behind";
}

// A hit of an uncompressed entry lends the mapped values to the arrays: no copy. The
// mapping is private (writing into an array never reaches the entry) and outlives the
// entry's replacement and removal (both go through rename and unlink, which keep the
// mapped inode); it goes when the last array holding it lets go, resized or deleted.
TEST_F(TrackedDiskCacheTest, MappedHitsLendValuesThatOutliveTheEntry)
{
  const vtkIdType tuples = 100000;
  auto stored = MakeFilled<vtkDoubleArray>(tuples, 3, [](vtkIdType i) { return 0.25 * i; });
  auto other = MakeFilled<vtkDoubleArray>(tuples, 3, [](vtkIdType i) { return -1.0 * i; });
  const std::size_t before = vtkTrackedEntryBytes::GetNumberOfLentBlocks();
  ASSERT_TRUE(this->Cache->Set("k", stored));
  vtkSmartPointer<vtkObject> first = this->Load(this->Cache, "k");
  auto* mapped = vtkDoubleArray::SafeDownCast(first);
  ASSERT_NE(mapped, nullptr);
  EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before + 1) << "lent, not copied";
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(mapped->GetPointer(0)) % 4096, 0u) << "page-aligned";

  mapped->SetValue(0, 42.0); // copy on write: the entry keeps its value
  vtkSmartPointer<vtkObject> second = this->Load(this->Cache, "k");
  EXPECT_EQ(vtkDoubleArray::SafeDownCast(second)->GetValue(0), 0.0);
  EXPECT_EQ(Digest(second), Digest(stored));

  ASSERT_TRUE(this->Cache->Set("k", other)); // replaced while mapped
  EXPECT_EQ(Digest(this->Load(this->Cache, "k")), Digest(other));
  this->Cache->Clear(); // and removed
  EXPECT_TRUE(this->Files().empty());
  EXPECT_EQ(Digest(second), Digest(stored)) << "mapped values outlive the entry";
  EXPECT_EQ(mapped->GetValue(0), 42.0);
  EXPECT_EQ(mapped->GetValue(3 * tuples - 1), stored->GetValue(3 * tuples - 1));

  // Reallocated from scratch, a lent array frees what VTK allocated for it (ASan checks).
  auto* reused = vtkDoubleArray::SafeDownCast(second);
  reused->Initialize();
  reused->SetNumberOfValues(10);
  reused->FillValue(1.0);
  second = nullptr;
  EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before + 1);
  mapped->InsertNextValue(1.0); // grows: VTK copies, then lets go of the mapped values
  EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before);
  EXPECT_EQ(mapped->GetValue(3 * tuples - 1), stored->GetValue(3 * tuples - 1));
  EXPECT_EQ(mapped->GetValue(3 * tuples), 1.0);
}

// Every numeric array of a mapped polydata hit is lent in place, cell arrays included (VTK
// takes their offsets and connectivity as they are), and comes back as its own class, or
// for classes an entry does not make (VTK 9.7 keeps cells in vtkAOSDataArrayTemplate<long
// long>) as VTK's own class for its type.
TEST_F(TrackedDiskCacheTest, MappedDataSetsLendEveryArray)
{
  auto sphere = TrackedDiskCacheContent(40);
  const std::size_t before = vtkTrackedEntryBytes::GetNumberOfLentBlocks();
  ASSERT_TRUE(this->Cache->Set("sphere", sphere));
  vtkSmartPointer<vtkObject> loaded = this->Load(this->Cache, "sphere");
  std::size_t numeric = 0;
  std::vector<std::string> classes, loadedClasses;
  vtkTrackedDataObjectArrays::VisitArrays(vtkDataObject::SafeDownCast(loaded),
    [&](const char*, int, vtkAbstractArray* array)
    {
      numeric += vtkDataArray::SafeDownCast(array) && array->GetNumberOfValues() > 0;
      loadedClasses.emplace_back(array->GetClassName());
    });
  vtkTrackedDataObjectArrays::VisitArrays(vtkDataObject::SafeDownCast(sphere),
    [&](const char*, int, vtkAbstractArray* array)
    { classes.emplace_back(vtkTrackedEntryArrays::StoredClassName(array)); });
  EXPECT_GE(numeric, 4u);
  EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before + numeric) << "none copied";
  EXPECT_EQ(loadedClasses, classes);
  loaded = nullptr;
  EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before);
}

// Without mapping, or compressed, a hit gives the same values from memory of its own.
TEST_F(TrackedDiskCacheTest, UnmappedAndCompressedHitsGiveTheSameValues)
{
  auto stored = MakeFilled<vtkDoubleArray>(5000, 3, [](vtkIdType i) { return 0.5 * i; });
  const std::size_t before = vtkTrackedEntryBytes::GetNumberOfLentBlocks();
  this->Cache->SetMemoryMapping(false);
  ASSERT_TRUE(this->Cache->Set("k", stored));
  vtkSmartPointer<vtkObject> read = this->Load(this->Cache, "k");
  EXPECT_EQ(Digest(read), Digest(stored));
  EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before + 1) << "lent from its buffer";
  read = nullptr;
  this->Cache->SetMemoryMapping(true);
  for (int compression :
    { vtkTrackedDiskCache::ZLib, vtkTrackedDiskCache::LZ4, vtkTrackedDiskCache::LZMA })
  {
    this->Cache->SetCompression(compression);
    ASSERT_TRUE(this->Cache->Set("k", stored));
    read = this->Load(this->Cache, "k");
    EXPECT_EQ(Digest(read), Digest(stored));
    EXPECT_EQ(vtkTrackedEntryBytes::GetNumberOfLentBlocks(), before) << "decompressed";
  }
}

TEST_F(TrackedDiskCacheTest, SeveralObjectsUnderOneKey)
{
  auto first = TrackedDiskCacheContent(10);
  auto second = TrackedDiskCacheContent(12);
  ASSERT_TRUE(this->Cache->Store("outputs", { first, nullptr, second }, 1.25));
  std::vector<vtkSmartPointer<vtkObject>> loaded;
  double seconds = 0;
  ASSERT_TRUE(this->Cache->Load("outputs", loaded, seconds));
  ASSERT_EQ(loaded.size(), 3u);
  EXPECT_EQ(Digest(loaded[0]), Digest(first));
  EXPECT_EQ(loaded[1], nullptr);
  EXPECT_EQ(Digest(loaded[2]), Digest(second));
  EXPECT_EQ(seconds, 1.25);
}

TEST_F(TrackedDiskCacheTest, DirectoryIsCreatedPrivate)
{
  ASSERT_TRUE(this->Cache->IsUsable());
  struct stat status;
  ASSERT_EQ(::stat(this->Directory.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0700u);
  ASSERT_TRUE(this->Cache->Set("k", TrackedDiskCacheContent(8)));
  ASSERT_EQ(::stat(this->Cache->GetEntryPath("k").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0400u) << "read-only: mapped entries are never truncated";
}

// Checksums are keyed with the directory's secret: an entry made elsewhere (crafted, or
// copied from another cache) is refused before any of it is parsed.
TEST_F(TrackedDiskCacheTest, EntriesOfAnotherDirectoryAreRefused)
{
  ASSERT_TRUE(this->Cache->Set("k", TrackedDiskCacheContent(8)));
  struct stat status;
  const std::string secret = this->Directory + "/.secret";
  ASSERT_EQ(::stat(secret.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  EXPECT_EQ(status.st_size, 192);

  vtkNew<vtkTrackedDiskCache> elsewhere;
  elsewhere->SetDirectory(this->Root + "/elsewhere");
  ASSERT_TRUE(elsewhere->Set("k", TrackedDiskCacheContent(9)));
  ASSERT_EQ(
    ::rename(elsewhere->GetEntryPath("k").c_str(), this->Cache->GetEntryPath("k").c_str()), 0);
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
  EXPECT_EQ(this->Cache->GetNumberOfCorruptEntries(), 1);
  EXPECT_EQ(::access(this->Cache->GetEntryPath("k").c_str(), F_OK), -1) << "removed";

  // A damaged secret is replaced: what it keyed is no longer served.
  ASSERT_TRUE(this->Cache->Set("k", TrackedDiskCacheContent(8)));
  std::ofstream(secret, std::ios::trunc) << "short";
  vtkNew<vtkTrackedDiskCache> later;
  later->SetDirectory(this->Directory);
  EXPECT_EQ(this->Load(later, "k"), nullptr);
  ASSERT_EQ(::stat(secret.c_str(), &status), 0);
  EXPECT_EQ(status.st_size, 192);
  ASSERT_TRUE(later->Set("k", TrackedDiskCacheContent(8)));
  EXPECT_NE(this->Load(later, "k"), nullptr);
}

TEST_F(TrackedDiskCacheTest, DefaultDirectoryFollowsTheEnvironment)
{
  ::setenv("VTK_TRACKED_CACHE_DIR", "/somewhere/explicit", 1);
  EXPECT_EQ(vtkTrackedDiskCache::GetDefaultDirectory(), "/somewhere/explicit");
  ::unsetenv("VTK_TRACKED_CACHE_DIR");
  ::setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(vtkTrackedDiskCache::GetDefaultDirectory(), "/xdg/vtk-tracked-array-cache");
  ::unsetenv("XDG_CACHE_HOME");
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(
    vtkTrackedDiskCache::GetDefaultDirectory(), "/home/someone/.cache/vtk-tracked-array-cache");
  vtkNew<vtkTrackedDiskCache> fresh;
  EXPECT_EQ(fresh->GetDirectory(), "/home/someone/.cache/vtk-tracked-array-cache");
}

TEST_F(TrackedDiskCacheTest, UnsafeDirectoriesAreRefused)
{
  // Writable by others, owned by another user, not a directory, not creatable: refused
  // with an error, once; stores and lookups then do nothing.
  ASSERT_EQ(::mkdir(this->Directory.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(this->Directory.c_str(), 0777), 0);
  {
    ErrorCatcher errors(this->Cache);
    EXPECT_FALSE(this->Cache->IsUsable());
    EXPECT_FALSE(this->Cache->Set("k", TrackedDiskCacheContent(8)));
    EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
    EXPECT_EQ(errors.Messages.size(), 1u) << "reported once";
    EXPECT_TRUE(errors.Caught("writable by its group or by others"));
    EXPECT_TRUE(this->Files().empty());
  }
  ASSERT_EQ(::chmod(this->Directory.c_str(), 0700), 0);
  if (::geteuid() == 0)
  {
    ASSERT_EQ(::chown(this->Directory.c_str(), 65534, 65534), 0); // nobody
    vtkNew<vtkTrackedDiskCache> other;
    other->SetDirectory(this->Directory);
    ErrorCatcher errors(other);
    EXPECT_FALSE(other->IsUsable());
    EXPECT_TRUE(errors.Caught("belongs to another user"));
    ASSERT_EQ(::chown(this->Directory.c_str(), 0, 0), 0);
  }
  const std::string file = this->Root + "/a-file";
  std::ofstream(file) << "x";
  for (const std::string& bad : { file, file + "/below" })
  {
    vtkNew<vtkTrackedDiskCache> other;
    other->SetDirectory(bad);
    ErrorCatcher errors(other);
    EXPECT_FALSE(other->IsUsable()) << bad;
    EXPECT_EQ(errors.Messages.size(), 1u) << bad;
    EXPECT_FALSE(other->GetUnusableReason().empty());
  }
}

TEST_F(TrackedDiskCacheTest, KeysNeverBecomePaths)
{
  this->Cache->SetReadableNames(true);
  const std::string keys[] = { "../../escape", "/etc/passwd", "a/b/../c", ".hidden",
    std::string("nul\0byte", 8), "vtkContourFilter xxh3-128:0123", "" };
  for (const auto& key : keys)
  {
    ASSERT_TRUE(this->Cache->Set(key, TrackedDiskCacheContent(8))) << key;
    const std::string path = this->Cache->GetEntryPath(key);
    EXPECT_EQ(path.rfind(this->Directory + "/", 0), 0u) << path;
    EXPECT_EQ(path.find('/', this->Directory.size() + 1), std::string::npos) << path;
    EXPECT_NE(this->Load(this->Cache, key), nullptr) << key;
  }
  EXPECT_EQ(this->Files().size(), std::size(keys)) << "no file anywhere else";
  EXPECT_EQ(::access((this->Root + "/escape.vtkentry").c_str(), F_OK), -1);
  EXPECT_NE(this->Cache->GetEntryPath("vtkContourFilter xxh3-128:0123").find("vtkContourFilter"),
    std::string::npos)
    << "readable";

  // Either naming finds the entry: a reader need not share the writer's option.
  vtkNew<vtkTrackedDiskCache> hashedNames;
  hashedNames->SetDirectory(this->Directory);
  EXPECT_NE(this->Load(hashedNames, "../../escape"), nullptr);
  ASSERT_TRUE(hashedNames->Set("../../escape", TrackedDiskCacheContent(9)));
  EXPECT_EQ(this->Files().size(), std::size(keys)) << "one file per key, whatever its naming";
}

TEST_F(TrackedDiskCacheTest, OptionsEnabledWriteEnabledForceUpdate)
{
  auto value = TrackedDiskCacheContent(8);
  this->Cache->EnabledOff();
  EXPECT_FALSE(this->Cache->Set("k", value));
  EXPECT_TRUE(this->Files().empty());
  this->Cache->EnabledOn();
  this->Cache->WriteEnabledOff();
  EXPECT_FALSE(this->Cache->Set("k", value));
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
  this->Cache->WriteEnabledOn();
  this->Cache->SetCompressionToLZ4();
  EXPECT_EQ(this->Cache->GetCompression(), vtkTrackedDiskCache::LZ4);
  this->Cache->SetCompressionToNone();
  EXPECT_EQ(this->Cache->GetCompression(), vtkTrackedDiskCache::NoCompression);
  ASSERT_TRUE(this->Cache->Set("k", value));
  this->Cache->SetEnabled(false);
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
  this->Cache->SetEnabled(true);
  this->Cache->SetForceUpdate(true);
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr) << "recompute: the lookup misses";
  auto other = TrackedDiskCacheContent(9);
  ASSERT_TRUE(this->Cache->Set("k", other));
  this->Cache->SetForceUpdate(false);
  EXPECT_EQ(Digest(this->Load(this->Cache, "k")), Digest(other)) << "and overwrites";

  ErrorCatcher errors(this->Cache);
  this->Cache->SetCompression(7);
  this->Cache->SetCompressionLevel(0);
  this->Cache->SetExpireAfterDays(-1);
  this->Cache->SetMaximumSize(-1);
  EXPECT_EQ(errors.Messages.size(), 4u);
  EXPECT_EQ(this->Cache->GetCompression(), vtkTrackedDiskCache::NoCompression);
  static_assert(vtkTrackedDiskCache::None == vtkTrackedDiskCache::NoCompression, "the old name");
  EXPECT_FALSE(this->Cache->Set("k", this->Cache)) << "not a data object or an array";
  EXPECT_TRUE(errors.Caught("only data objects and arrays"));
}

TEST_F(TrackedDiskCacheTest, ExpiredEntriesAreMissesAndRemoved)
{
  ASSERT_TRUE(this->Cache->Set("old", TrackedDiskCacheContent(8)));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_TRUE(this->Cache->Set("new", TrackedDiskCacheContent(8)));
  this->Cache->SetExpireAfterDays(1.5 / 86400); // 1.5 s
  EXPECT_EQ(this->Load(this->Cache, "old"), nullptr);
  EXPECT_EQ(::access(this->Cache->GetEntryPath("old").c_str(), F_OK), -1) << "removed";
  EXPECT_NE(this->Load(this->Cache, "new"), nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(this->Cache->Prune(), 1);
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
  EXPECT_EQ(this->Cache->GetNumberOfEvictions(), 2);
}

TEST_F(TrackedDiskCacheTest, MaximumSizeEvictsLeastRecentlyAccessedFirst)
{
  auto value = TrackedDiskCacheContent(30);
  ASSERT_TRUE(this->Cache->Set("a", value));
  const vtkTypeInt64 entry = this->Cache->GetSizeInBytes();
  ASSERT_TRUE(this->Cache->Set("b", value));
  ASSERT_TRUE(this->Cache->Set("c", value));
  // Access times one second apart, "a" the most recent: it was read last.
  const char* order[] = { "b", "c", "a" };
  for (int i = 0; i < 3; ++i)
  {
    const timespec times[2] = { { 1000000 + i, 0 }, { 1000000 + i, 0 } };
    ASSERT_EQ(::utimensat(AT_FDCWD, this->Cache->GetEntryPath(order[i]).c_str(), times, 0), 0);
  }
  EXPECT_NE(this->Load(this->Cache, "b"), nullptr); // a hit makes "b" the most recent
  this->Cache->SetMaximumSize(3 * entry + entry / 2);
  ASSERT_TRUE(this->Cache->Set("d", value)); // 4 entries do not fit: "c" goes
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 3);
  EXPECT_EQ(this->Load(this->Cache, "c"), nullptr);
  for (const char* kept : { "a", "b", "d" })
  {
    EXPECT_NE(this->Load(this->Cache, kept), nullptr) << kept;
  }
  EXPECT_LE(this->Cache->GetSizeInBytes(), this->Cache->GetMaximumSize());
  this->Cache->SetMaximumSize(entry / 2);
  EXPECT_FALSE(this->Cache->Set("e", value)) << "larger than the whole cache";
  EXPECT_EQ(this->Cache->Prune(), 3);
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
}

// Access times have the file system's resolution (nanoseconds here), not seconds: the order
// holds for entries written and read within one second, and a write never evicts itself.
TEST_F(TrackedDiskCacheTest, EvictionOrderHoldsWithinOneSecond)
{
  auto value = TrackedDiskCacheContent(30);
  ASSERT_TRUE(this->Cache->Set("a", value));
  const vtkTypeInt64 first = this->Cache->GetSizeInBytes();
  ASSERT_TRUE(this->Cache->Set("b", value));
  // Later entries are a little larger: VTK's writer adds the ranges the first one computed.
  const vtkTypeInt64 entry = this->Cache->GetSizeInBytes() - first;
  this->Cache->SetMaximumSize(first + 2 * entry + entry / 2); // three fit, four do not
  ASSERT_TRUE(this->Cache->Set("c", value));
  EXPECT_NE(this->Load(this->Cache, "a"), nullptr);
  ASSERT_TRUE(this->Cache->Set("d", value)); // "b" is the least recently used
  EXPECT_EQ(this->Load(this->Cache, "b"), nullptr);
  for (int i = 0; i < 10; ++i)
  {
    const std::string key = "written " + std::to_string(i);
    ASSERT_TRUE(this->Cache->Set(key, value));
    EXPECT_NE(this->Load(this->Cache, key), nullptr) << "the entry just written stays";
    EXPECT_EQ(this->Cache->GetNumberOfEntries(), 3);
  }
}

TEST_F(TrackedDiskCacheTest, DamagedFilesAreMissesAndRemoved)
{
  auto value = TrackedDiskCacheContent(20);
  ASSERT_TRUE(this->Cache->Set("k", value));
  const std::string path = this->Cache->GetEntryPath("k");
  const std::string good = ReadFile(path);
  const std::vector<std::pair<std::string, std::function<std::string(std::string)>>> damages = {
    { "truncated in the header", [](std::string b) { return b.substr(0, 40); } },
    { "truncated in the payload", [](std::string b) { return b.substr(0, b.size() / 2); } },
    { "one byte short", [](std::string b) { return b.substr(0, b.size() - 1); } },
    { "a byte more", [](std::string b) { return b + "x"; } },
    { "a bit flipped in the header", [](std::string b) { return WithBitFlipped(b, 30); } },
    { "a bit flipped in the payload",
      [](std::string b) { return WithBitFlipped(b, b.size() - 100); } },
    { "garbage", [](std::string b) { return std::string(b.size(), '\x5a'); } },
    { "empty", [](std::string) { return std::string(); } },
    { "not ours", [](std::string) { return std::string("<VTKFile type=\"PolyData\">"); } },
  };
  for (const auto& damage : damages)
  {
    SCOPED_TRACE(damage.first);
    ReplaceFile(path, damage.second(good));
    const vtkTypeInt64 corrupt = this->Cache->GetNumberOfCorruptEntries();
    EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
    EXPECT_EQ(this->Cache->GetNumberOfCorruptEntries(), corrupt + 1);
    EXPECT_EQ(::access(path.c_str(), F_OK), -1) << "removed";
  }
  // A newer format is a miss, left for the program that wrote it.
  std::string future = good;
  future[8] = 99;
  ReplaceFile(path, future);
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "kept";
  // An older one (format 1: VTK XML leaves) is a miss too, kept for the older module that
  // may share the directory, not counted as damaged, and replaced by the next store.
  std::string older = good;
  older[8] = 1;
  ReplaceFile(path, older);
  const vtkTypeInt64 corrupt = this->Cache->GetNumberOfCorruptEntries();
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "kept";
  EXPECT_EQ(this->Cache->GetNumberOfCorruptEntries(), corrupt);
  EXPECT_EQ(this->Cache->GetNumberOfEntriesInOtherFormats(), 1);
  EXPECT_EQ(this->Cache->Prune(), 0) << "not damaged";
  ASSERT_TRUE(this->Cache->Set("k", value));
  EXPECT_EQ(Digest(this->Load(this->Cache, "k")), Digest(value));
  EXPECT_EQ(this->Cache->GetNumberOfEntriesInOtherFormats(), 0);
  // An entry renamed to another key's name is not served for that key.
  ASSERT_TRUE(this->Cache->Set("other", value));
  ASSERT_EQ(::rename(this->Cache->GetEntryPath("other").c_str(), path.c_str()), 0);
  EXPECT_EQ(this->Load(this->Cache, "k"), nullptr);
  // Prune finds damaged files by their header without being asked for them.
  ASSERT_TRUE(this->Cache->Set("fine", value));
  std::ofstream(this->Directory + "/0123456789abcdef0123456789abcdef.vtkentry") << "junk";
  EXPECT_EQ(this->Cache->Prune(), 1);
  EXPECT_NE(this->Load(this->Cache, "fine"), nullptr);
}

TEST_F(TrackedDiskCacheTest, AFullDiskIsAnErrorAndLeavesNothing)
{
  ASSERT_TRUE(this->Cache->IsUsable());
  // RLIMIT_FSIZE stands for a full disk: writes past it fail with EFBIG.
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit before;
  ::getrlimit(RLIMIT_FSIZE, &before);
  rlimit small = before;
  small.rlim_cur = 64 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool stored = true;
  {
    ErrorCatcher errors(this->Cache);
    stored = this->Cache->Set("big", TrackedDiskCacheContent(200));
    EXPECT_TRUE(errors.Caught("Cannot store 'big' on disk"));
  }
  ::setrlimit(RLIMIT_FSIZE, &before);
  EXPECT_FALSE(stored);
  EXPECT_TRUE(this->Files().empty()) << "no entry, no temporary file left";
  EXPECT_TRUE(this->Cache->Set("big", TrackedDiskCacheContent(200))) << "usable again";
}

TEST_F(TrackedDiskCacheTest, ClearRemoveAndStatistics)
{
  auto value = TrackedDiskCacheContent(8);
  ASSERT_TRUE(this->Cache->Set("a", value));
  ASSERT_TRUE(this->Cache->Set("b", value));
  EXPECT_NE(this->Load(this->Cache, "a"), nullptr);
  EXPECT_EQ(this->Load(this->Cache, "x"), nullptr);
  EXPECT_TRUE(this->Cache->Remove("a"));
  EXPECT_FALSE(this->Cache->Remove("a"));
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 1);
  EXPECT_GT(this->Cache->GetOldestEntryTime(), 0);
  EXPECT_EQ(this->Cache->GetNumberOfHits(), 1);
  EXPECT_EQ(this->Cache->GetNumberOfMisses(), 1);
  EXPECT_EQ(this->Cache->GetNumberOfWrites(), 2);
  this->Cache->WriteStatistics();
  auto statistics = this->Files(".stats-");
  ASSERT_EQ(statistics.size(), 1u);
  EXPECT_EQ(ReadFile(this->Directory + "/" + statistics[0]),
    "hits 1\nmisses 1\nwrites 2\nevictions 0\ncorrupt 0\n");
  // The directory's totals: this object's file and another object's.
  std::ofstream(this->Directory + "/.stats-other") << "hits 4\nmisses 2\nwrites 1\n";
  std::ofstream(this->Directory + "/.stats-damaged") << "hits lots\n";
  EXPECT_EQ(this->Cache->GetRecordedNumberOfHits(), 5);
  EXPECT_EQ(this->Cache->GetRecordedNumberOfMisses(), 3);
  EXPECT_EQ(this->Cache->GetRecordedNumberOfWrites(), 3);
  EXPECT_EQ(this->Cache->GetRecordedNumberOfEvictions(), 0);
  EXPECT_EQ(this->Cache->GetRecordedNumberOfCorruptEntries(), 0);
  this->Cache->ResetStatistics();
  EXPECT_EQ(this->Cache->GetNumberOfHits(), 0);
  // A temporary file of a writer that died long ago goes with Prune; a fresh one stays.
  const std::string abandoned = this->Directory + "/.tmp-1-1-dead.vtkentry.part";
  const std::string fresh = this->Directory + "/.tmp-2-1-busy.vtkentry.part";
  std::ofstream(abandoned) << "partial";
  std::ofstream(fresh) << "partial";
  const timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
  ::utimensat(AT_FDCWD, abandoned.c_str(), old, 0);
  this->Cache->Prune();
  EXPECT_EQ(::access(abandoned.c_str(), F_OK), -1);
  EXPECT_EQ(::access(fresh.c_str(), F_OK), 0);
  this->Cache->Clear();
  EXPECT_TRUE(this->Files().empty());

  ExpectPrintsEvery(this->Cache,
    { "Directory:", "Usable: yes", "Enabled: On", "WriteEnabled: On", "ForceUpdate: Off",
      "ReadableNames: Off", "Compression: NoCompression", "CompressionLevel: 1",
      "MemoryMapping: On", "ExpireAfterDays: 0", "MaximumSize:", "NumberOfHits", "NumberOfMisses",
      "NumberOfWrites", "NumberOfEvictions", "NumberOfCorruptEntries", "StatisticsFile" });
}

// Scenario 10: what one process wrote, another reads.
TEST_F(TrackedDiskCacheTest, AnotherProcessReadsWhatOneWrote)
{
  ASSERT_TRUE(this->Cache->Set("shared", TrackedDiskCacheContent(25)));
  const std::string output = this->Root + "/read.txt";
  ASSERT_EQ(Wait(StartWorker({ "read", this->Directory, "shared" }, output)), 0);
  EXPECT_EQ(ReadFile(output), Digest(TrackedDiskCacheContent(25)) + "\n");

  ASSERT_EQ(Wait(StartWorker({ "write", this->Directory, "from the worker", "30", "1" })), 0);
  EXPECT_EQ(
    Digest(this->Load(this->Cache, "from the worker")), Digest(TrackedDiskCacheContent(30)));
}

// Scenario 10: writers killed with SIGKILL at random points never leave an entry that is
// served wrong. TRACKED_DISK_CACHE_KILLS sets the number of runs (50 by default).
TEST_F(TrackedDiskCacheTest, WritersKilledMidWriteNeverLeaveABadEntry)
{
  const char* configured = std::getenv("TRACKED_DISK_CACHE_KILLS");
  const int runs = configured ? std::atoi(configured) : 50;
  const std::string expected = Digest(TrackedDiskCacheContent(150));
  ASSERT_TRUE(this->Cache->IsUsable());
  std::mt19937 random(20261128);
  int served = 0;
  int missed = 0;
  for (int run = 0; run < runs; ++run)
  {
    // Odd runs overwrite one key again and again; even runs write a new key, which a
    // kill may catch before its first write is complete.
    const std::string key = run % 2 ? "contended" : "run " + std::to_string(run);
    const pid_t writer = StartWorker({ "write", this->Directory, key, "150", "1000" });
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 250));
    ::kill(writer, SIGKILL);
    Wait(writer);
    auto loaded = this->Load(this->Cache, key);
    if (loaded)
    {
      ++served;
      ASSERT_EQ(Digest(loaded), expected) << "run " << run;
    }
    else
    {
      ++missed;
    }
  }
  EXPECT_EQ(this->Cache->GetNumberOfCorruptEntries(), 0) << "never a partial entry";
  EXPECT_GT(served, 0) << "some kills came after a complete write";
  std::printf("%d kills: %d complete entries served, %d runs with none yet, %zu temporary "
              "files left\n",
    runs, served, missed, this->Files(".tmp-").size());
  // What killed writers leave is temporary files only; Prune removes them once old.
  for (const auto& name : this->Files(".tmp-"))
  {
    const timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
    ::utimensat(AT_FDCWD, (this->Directory + "/" + name).c_str(), old, 0);
  }
  this->Cache->Prune();
  EXPECT_TRUE(this->Files(".tmp-").empty());
}

// Scenario 10: processes writing the same and different keys at once end consistent.
// TRACKED_DISK_CACHE_WORKERS x TRACKED_DISK_CACHE_OPERATIONS (2 x 300 by default).
TEST_F(TrackedDiskCacheTest, ConcurrentProcessesEndConsistent)
{
  const char* workers = std::getenv("TRACKED_DISK_CACHE_WORKERS");
  const char* operations = std::getenv("TRACKED_DISK_CACHE_OPERATIONS");
  const int count = workers ? std::atoi(workers) : 2;
  ASSERT_TRUE(this->Cache->IsUsable());
  std::vector<pid_t> children;
  for (int worker = 0; worker < count; ++worker)
  {
    children.push_back(StartWorker(
      { "mixed", this->Directory, std::to_string(worker + 1), operations ? operations : "300" },
      this->Root + "/worker" + std::to_string(worker) + ".txt"));
  }
  for (int worker = 0; worker < count; ++worker)
  {
    EXPECT_EQ(Wait(children[worker]), 0)
      << ReadFile(this->Root + "/worker" + std::to_string(worker) + ".txt");
    std::printf("worker %d: %s", worker,
      ReadFile(this->Root + "/worker" + std::to_string(worker) + ".txt").c_str());
  }
  for (int key = 0; key < 8; ++key)
  {
    auto loaded = this->Load(this->Cache, "key " + std::to_string(key));
    if (loaded) // one of the two contents the workers store under this key
    {
      const int resolution = TrackedDiskCacheResolution(key);
      const std::string digest = Digest(loaded);
      EXPECT_TRUE(digest == Digest(TrackedDiskCacheContent(resolution)) ||
        digest == Digest(TrackedDiskCacheContent(resolution + 1)))
        << "key " << key;
    }
  }
  EXPECT_EQ(this->Cache->GetNumberOfCorruptEntries(), 0);
  EXPECT_TRUE(this->Files(".tmp-").empty()) << "every writer finished its writes";
}

// The filter's second level: a new process (here: a new filter and memory cache) gets a
// disk hit with the same output.
TEST_F(TrackedDiskCacheTest, FilterFindsWhatAnotherRunStored)
{
  vtkNew<vtkRTAnalyticSource> wavelet;
  std::string computed;
  for (const char* expected : { "miss", "disk-hit" })
  {
    vtkNew<vtkContourFilter> contour;
    contour->SetValue(0, 160);
    vtkNew<vtkTrackedCacheFilter> cached;
    cached->SetAlgorithm(contour);
    cached->SetDiskCache(this->Cache);
    cached->SetInputConnection(wavelet->GetOutputPort());
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), expected);
    const std::string digest = Digest(cached->GetOutputDataObject(0));
    if (computed.empty())
    {
      computed = digest;
    }
    EXPECT_EQ(digest, computed);
    wavelet->Modified();
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), "hit") << "kept in memory too";
  }
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 1);
}
}
