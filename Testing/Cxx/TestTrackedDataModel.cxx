// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of what VTK's data model puts in stamps and digests beyond plain arrays:
// cell types in any kind of array, polyhedron faces, buffers shared by ShallowCopy aliases,
// data objects that are refused (AMR, cell grids), and on VTK >= 9.7 implicit arrays: what
// they read, their backends' parameters, their digests, stored filter outputs holding them,
// their memory, and writes into them.
#include "vtkTrackedArrayCache.h"

#include "TrackedTestHelpers.h"
#include "vtkTrackedVTKVersion.h" // private: which arrays are implicit

#include "vtkArrayBufferPool.h"
#include "vtkBitArray.h"
#include "vtkCellArray.h"
#include "vtkCellType.h"
#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkIdList.h"
#include "vtkNew.h"
#include "vtkOverlappingAMR.h"
#include "vtkPoints.h"
#include "vtkSmartPointer.h"
#include "vtkStringArray.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVariantArray.h"
#include "vtkVersionMacros.h"

#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
#include "vtkAffineArray.h"
#include "vtkAppendFilter.h"
#include "vtkAppendPolyData.h"
#include "vtkCellGrid.h"
#include "vtkCompositeArray.h"
#include "vtkConstantArray.h"
#include "vtkImplicitArray.h"
#include "vtkIndexedArray.h"
#include "vtkPointData.h"
#include "vtkPolyData.h"
#include "vtkSphereSource.h"
#include "vtkTrackedArrayView.h"
#include "vtkTrackedCacheFilter.h"
#include "vtkTrivialProducer.h"
#endif

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace
{
vtkSmartPointer<vtkDoubleArray> MakeValue()
{
  auto value = vtkSmartPointer<vtkDoubleArray>::New();
  value->SetNumberOfValues(1);
  return value;
}

// Eight points of a unit cube, and a grid over them.
// Two cells of four points each, the same connectivity for every cell type.
vtkSmartPointer<vtkCellArray> TwoCellsOfFourPoints()
{
  auto cells = vtkSmartPointer<vtkCellArray>::New();
  const vtkIdType first[4] = { 0, 1, 3, 2 };
  const vtkIdType second[4] = { 4, 5, 7, 6 };
  cells->InsertNextCell(4, first);
  cells->InsertNextCell(4, second);
  return cells;
}

vtkSmartPointer<vtkUnstructuredGrid> GridOfOneType(int type)
{
  auto grid = MakeCubeGrid();
  grid->SetCells(type, TwoCellsOfFourPoints()); // VTK 9.6: cell types in a vtkConstantArray
  return grid;
}
}

// SetCells(type, cells) keeps the cell types in a vtkConstantArray from VTK 9.6 on, which
// GetCellTypesArray() does not return: a quad grid and a tetra grid over the same
// connectivity are different data all the same.
TEST(TrackedDataModel, CellTypesOfAnyArrayKindAreDigested)
{
  auto quads = GridOfOneType(VTK_QUAD);
  auto tetras = GridOfOneType(VTK_TETRA);
  const std::string quadDigest = vtkTrackedArrayCache::ComputeDigest(quads);
  ASSERT_FALSE(quadDigest.empty());
  EXPECT_NE(quadDigest, vtkTrackedArrayCache::ComputeDigest(tetras));
  EXPECT_EQ(quadDigest, vtkTrackedArrayCache::ComputeDigest(GridOfOneType(VTK_QUAD)));

  vtkNew<vtkTrackedArrayCache> cache;
  ASSERT_TRUE(cache->Set(quads, "derived", MakeValue()));
  quads->SetCells(VTK_TETRA, quads->GetCells());
  EXPECT_EQ(cache->Get(quads, "derived"), nullptr) << "new cell types, same connectivity";
  EXPECT_EQ(cache->GetDigest(quads), vtkTrackedArrayCache::ComputeDigest(tetras));
}

// Polyhedron faces (and where each cell's faces start) are part of the digest.
TEST(TrackedDataModel, PolyhedronFacesAreDigested)
{
  auto polyhedron = [](vtkIdType lastFacePoint)
  {
    auto grid = MakeCubeGrid();
    const vtkIdType points[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    const vtkIdType faces[30] = { 4, 0, 2, 3, 1, 4, 4, 5, 7, 6, 4, 0, 1, 5, 4, 4, 2, 6, 7, 3, 4, 0,
      4, 6, 2, 4, 1, 3, 7, lastFacePoint };
    grid->InsertNextCell(VTK_POLYHEDRON, 8, points, 6, faces);
    return grid;
  };
  const std::string digest = vtkTrackedArrayCache::ComputeDigest(polyhedron(5));
  ASSERT_FALSE(digest.empty());
  EXPECT_EQ(digest, vtkTrackedArrayCache::ComputeDigest(polyhedron(5)));
  EXPECT_NE(digest, vtkTrackedArrayCache::ComputeDigest(polyhedron(1))) << "one face differs";
}

namespace
{
struct AliasCase
{
  const char* Name;
  std::function<vtkSmartPointer<vtkAbstractArray>()> Make;
  std::function<void(vtkAbstractArray*)> Write; // one value changed, no Modified()
};

template <typename ArrayT>
vtkSmartPointer<vtkAbstractArray> MakeNumbers()
{
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfValues(64);
  for (vtkIdType i = 0; i < 64; ++i)
  {
    array->SetVariantValue(i, vtkVariant(static_cast<int>(i % 2)));
  }
  return array;
}

class TrackedDataModelAliases : public ::testing::TestWithParam<AliasCase>
{
};

// vtkAbstractArray::ShallowCopy() is new in VTK 9.7; before, only data arrays have one.
void ShallowCopy(vtkAbstractArray* to, vtkAbstractArray* from)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  to->ShallowCopy(from);
#else
  vtkDataArray::SafeDownCast(to)->ShallowCopy(vtkDataArray::SafeDownCast(from));
#endif
}
}

// b->ShallowCopy(a) shares a's buffer (AOS arrays on every VTK; bit, string and variant
// arrays on VTK >= 9.7), so b can write a's values and call Modified() on b only. The
// entries of a are then validated by content: after the write through b they are never
// served, and a's digest is hashed afresh.
TEST_P(TrackedDataModelAliases, AWriteThroughAShallowCopyAliasIsNeverServedStale)
{
  auto a = GetParam().Make();
  auto b = vtkSmartPointer<vtkAbstractArray>::Take(a->NewInstance());
  vtkNew<vtkTrackedArrayCache> cache;
  auto value = MakeValue();
  ASSERT_TRUE(cache->Set(a, "derived", value));
  ShallowCopy(b, a);
  const bool shared = a->GetVoidPointer(0) == b->GetVoidPointer(0);
  if (shared)
  {
    EXPECT_EQ(cache->Get(a, "derived"), nullptr) << "a's storage gained an owner";
    EXPECT_STREQ(cache->GetLastMissReason(), "buffer-shared");
    ASSERT_TRUE(cache->Set(a, "derived", value));
  }
  EXPECT_EQ(cache->Get(a, "derived"), value.GetPointer()) << "nothing written yet";
  const std::string before = vtkTrackedArrayCache::ComputeDigest(a);
  EXPECT_EQ(cache->GetDigest(a), before);

  GetParam().Write(b);
  b->Modified();
  const std::string after = vtkTrackedArrayCache::ComputeDigest(a);
  EXPECT_EQ(after != before, shared) << "a and b share their values exactly when expected";
  if (after != before)
  {
    EXPECT_EQ(cache->Get(a, "derived"), nullptr);
    EXPECT_STREQ(cache->GetLastMissReason(), "content-changed");
  }
  EXPECT_EQ(cache->GetDigest(a), after);
}

INSTANTIATE_TEST_SUITE_P(Aliases, TrackedDataModelAliases,
  ::testing::Values(
    AliasCase{ "AOS", MakeNumbers<vtkFloatArray>,
      [](vtkAbstractArray* array) { static_cast<vtkFloatArray*>(array)->SetValue(3, 42.0f); } },
    AliasCase{ "Bits", MakeNumbers<vtkBitArray>,
      [](vtkAbstractArray* array) { static_cast<vtkBitArray*>(array)->SetValue(2, 1); } }
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
    ,
    AliasCase{ "Strings",
      []
      {
        auto strings = vtkSmartPointer<vtkStringArray>::New();
        strings->InsertNextValue("first");
        strings->InsertNextValue("second");
        return vtkSmartPointer<vtkAbstractArray>(strings);
      },
      [](vtkAbstractArray* array) { static_cast<vtkStringArray*>(array)->SetValue(1, "third"); } },
    AliasCase{ "Variants", MakeNumbers<vtkVariantArray>,
      [](vtkAbstractArray* array)
      { static_cast<vtkVariantArray*>(array)->SetValue(1, vtkVariant("text")); } }
#endif
    ),
  [](const ::testing::TestParamInfo<AliasCase>& info) { return std::string(info.param.Name); });

// A computed value that shares its source's buffer (a ShallowCopy of it) makes that storage
// shared: GetOrCompute stores it validated by content, and it hits from then on.
TEST(TrackedDataModel, AValueSharingItsSourcesBufferHits)
{
  auto source = MakeNumbers<vtkFloatArray>();
  vtkNew<vtkTrackedArrayCache> cache;
  int computed = 0;
  auto alias = [&]
  {
    ++computed;
    auto copy = vtkSmartPointer<vtkFloatArray>::New();
    copy->ShallowCopy(vtkDataArray::SafeDownCast(source));
    return vtkSmartPointer<vtkObject>(copy);
  };
  auto first = cache->GetOrCompute(source, "alias", alias);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(cache->GetOrCompute(source, "alias", alias), first);
  EXPECT_EQ(computed, 1) << "missed: " << cache->GetLastMissReason();
}

// AMR data keeps its levels, boxes, spacing and refinement ratios in metadata that digests
// do not cover (it is a vtkPartitionedDataSetCollection since VTK 9.6): refused. (VTK 9.7
// refuses it as a block or partition of another composite.)
TEST(TrackedDataModel, AMRIsRefused)
{
  vtkNew<vtkOverlappingAMR> amr;
  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  EXPECT_FALSE(cache->Set(amr, "derived", MakeValue()));
  EXPECT_TRUE(errors.Caught("Cannot track the source: a vtkOverlappingAMR"));
  EXPECT_EQ(cache->GetNumberOfTrackedSources(), 0);
  EXPECT_EQ(cache->Get(amr, "derived"), nullptr);
  EXPECT_TRUE(vtkTrackedArrayCache::ComputeDigest(amr).empty());
}

#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
// A vtkCellGrid's cells and attributes live in its own objects: refused by Set.
TEST(TrackedDataModel, CellGridIsRefused)
{
  vtkNew<vtkCellGrid> cells;
  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  EXPECT_FALSE(cache->Set(cells, "derived", MakeValue()));
  EXPECT_TRUE(errors.Caught("a vtkCellGrid holds structure that stamps and digests do not cover"));
  EXPECT_TRUE(vtkTrackedArrayCache::ComputeDigest(cells).empty());
}

namespace
{
vtkSmartPointer<vtkPolyData> Sphere(double x)
{
  vtkNew<vtkSphereSource> sphere;
  sphere->SetCenter(x, 0, 0);
  sphere->Update();
  return sphere->GetOutput();
}

vtkDataArray* Normals(vtkDataObject* object)
{
  return vtkDataSet::SafeDownCast(object)->GetPointData()->GetNormals();
}

// The output of an append filter over two spheres with UseImplicitArrayOn(): its normals are
// a composite array of the inputs' normals.
template <typename AppendT>
vtkSmartPointer<vtkDataObject> AppendImplicitly(vtkPolyData* first, vtkPolyData* second)
{
  vtkNew<AppendT> append;
  append->UseImplicitArrayOn();
  append->AddInputData(first);
  append->AddInputData(second);
  append->Update();
  return append->GetOutputDataObject(0);
}
}

// An entry on an output whose arrays read its inputs' arrays misses once an input changes,
// though no array of the output was modified; its digest follows.
TEST(TrackedDataModel, ImplicitOutputsOfAppendFiltersMissWhenAnInputChanges)
{
  using Append = std::function<vtkSmartPointer<vtkDataObject>(vtkPolyData*, vtkPolyData*)>;
  for (const Append& append :
    { Append(AppendImplicitly<vtkAppendFilter>), Append(AppendImplicitly<vtkAppendPolyData>) })
  {
    auto first = Sphere(0);
    auto second = Sphere(2);
    auto output = append(first, second);
    ASSERT_TRUE(vtkTrackedVTK::IsImplicit(Normals(output))) << Normals(output)->GetClassName();
    vtkNew<vtkTrackedArrayCache> cache;
    ASSERT_TRUE(cache->Set(output, "derived", MakeValue()));
    const std::string digest = cache->GetDigest(output);
    EXPECT_NE(cache->Get(output, "derived"), nullptr);
    const vtkMTimeType outputTime = Normals(output)->GetMTime();

    Normals(second)->SetComponent(0, 0, 0.25);
    Normals(second)->Modified();
    EXPECT_EQ(Normals(output)->GetMTime(), outputTime) << "the output's own array is untouched";
    EXPECT_EQ(cache->Get(output, "derived"), nullptr);
    EXPECT_STREQ(cache->GetLastMissReason(), "modified");
    EXPECT_NE(cache->GetDigest(output), digest);
    EXPECT_EQ(cache->GetDigest(output), vtkTrackedArrayCache::ComputeDigest(output));
  }
}

// A backend parameter changed through its array (ConstructBackend, which calls Modified())
// or in place in the backend (which calls nothing) misses.
TEST(TrackedDataModel, ABackendParameterChangeMisses)
{
  vtkNew<vtkAffineArray<double>> affine;
  affine->SetNumberOfTuples(100);
  affine->ConstructBackend(2.0, 1.0);
  vtkNew<vtkTrackedArrayCache> cache;
  ASSERT_TRUE(cache->Set(affine, "derived", MakeValue()));
  const std::string digest = cache->GetDigest(affine);
  EXPECT_NE(cache->Get(affine, "derived"), nullptr);

  affine->GetBackend()->Slope = 3.0;
  EXPECT_EQ(cache->Get(affine, "derived"), nullptr) << "an in-place change of the slope";
  EXPECT_STREQ(cache->GetLastMissReason(), "buffer-changed");
  EXPECT_NE(cache->GetDigest(affine), digest);

  ASSERT_TRUE(cache->Set(affine, "derived", MakeValue()));
  affine->ConstructBackend(3.0, 5.0);
  EXPECT_EQ(cache->Get(affine, "derived"), nullptr) << "a new backend";
  EXPECT_EQ(cache->GetDigest(affine), vtkTrackedArrayCache::ComputeDigest(affine));
}

namespace
{
// A backend the stamp cannot see into: its values depend on a variable of the test's.
struct ScaledIndexBackend
{
  const double* Scale = nullptr;
  double operator()(vtkIdType index) const { return *this->Scale * static_cast<double>(index); }
};

template <typename ArrayT>
vtkSmartPointer<vtkDoubleArray> Copy(ArrayT* array)
{
  auto copy = vtkSmartPointer<vtkDoubleArray>::New();
  copy->DeepCopy(array);
  return copy;
}
}

// A backend of unknown kind is validated by content: a change of what it reads misses.
TEST(TrackedDataModel, AnUnknownBackendIsValidatedByContent)
{
  double scale = 2.0;
  vtkNew<vtkImplicitArray<ScaledIndexBackend>> scaled;
  scaled->SetBackend(std::make_shared<ScaledIndexBackend>(ScaledIndexBackend{ &scale }));
  scaled->SetNumberOfTuples(1000);
  vtkNew<vtkTrackedArrayCache> cache;
  ASSERT_TRUE(cache->Set(scaled, "derived", MakeValue()));
  EXPECT_NE(cache->Get(scaled, "derived"), nullptr);
  scale = 3.0;
  EXPECT_EQ(cache->Get(scaled, "derived"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "content-changed");
  EXPECT_EQ(cache->GetDigest(scaled), vtkTrackedArrayCache::ComputeDigest(Copy(scaled.Get())));
}

// Implicit arrays digest as the AOS arrays holding the same values.
TEST(TrackedDataModel, ImplicitArraysDigestAsTheirValues)
{
  vtkNew<vtkAffineArray<double>> affine;
  affine->SetNumberOfComponents(3);
  affine->SetNumberOfTuples(50000);
  affine->ConstructBackend(0.5, -2.0);
  vtkNew<vtkConstantArray<int>> constant;
  constant->SetNumberOfTuples(70000);
  constant->ConstructBackend(7);
  vtkNew<vtkIdList> indexes;
  for (vtkIdType i = 0; i < 1000; ++i)
  {
    indexes->InsertNextId((i * 37) % 50000);
  }
  vtkNew<vtkIndexedArray<double>> indexed;
  indexed->SetNumberOfComponents(3);
  indexed->SetNumberOfTuples(1000);
  indexed->ConstructBackend(indexes, Copy(affine.Get()), /*mapTuples=*/true);
  auto composite = vtk::ConcatenateDataArrays<double>(
    std::vector<vtkDataArray*>{ Copy(affine.Get()), affine, Copy(indexed.Get()) });
  const std::vector<vtkDataArray*> arrays = { affine, constant, indexed, composite };
  for (vtkDataArray* array : arrays)
  {
    SCOPED_TRACE(array->GetClassName());
    vtkSmartPointer<vtkDataArray> values =
      vtkSmartPointer<vtkDataArray>::Take(vtkDataArray::CreateDataArray(array->GetDataType()));
    values->DeepCopy(array);
    ASSERT_EQ(values->GetNumberOfValues(), array->GetNumberOfValues());
    EXPECT_EQ(
      vtkTrackedArrayCache::ComputeDigest(array), vtkTrackedArrayCache::ComputeDigest(values));
  }
}

// A composite array keeps the arrays it reads alive: stored as a value, it counts them (the
// cache sizes values by GetActualMemorySize(), which VTK's composite backend makes the sum
// of its parts'; the test holds the cache to it).
TEST(TrackedDataModel, ImplicitValuesCountWhatTheyHoldAgainstTheBudget)
{
  auto first = Sphere(0);
  auto second = Sphere(2);
  auto output = AppendImplicitly<vtkAppendPolyData>(first, second);
  vtkNew<vtkTrackedArrayCache> cache;
  auto key = vtkSmartPointer<vtkDoubleArray>::New();
  ASSERT_TRUE(cache->Set(key, "normals", Normals(output)));
  const vtkTypeInt64 parts = 1024 *
    static_cast<vtkTypeInt64>(
      Normals(first)->GetActualMemorySize() + Normals(second)->GetActualMemorySize());
  EXPECT_GE(cache->GetMemoryUsage(), parts);
}

// Writes into an implicit array would do nothing: they are errors.
TEST(TrackedDataModel, WritesIntoImplicitArraysAreErrors)
{
  vtkNew<vtkAffineArray<double>> affine;
  affine->SetNumberOfTuples(10);
  affine->ConstructBackend(1.0, 0.0);
  vtkNew<vtkArrayBufferPool> pool;
  vtkArrayBufferPool::Lease buffer(pool, VTK_DOUBLE, 10);
  ASSERT_TRUE(pool->Pack(affine, 0, 10, buffer.Get()));
  EXPECT_EQ(buffer.Get()->GetComponent(9, 0), 9.0);
  {
    ErrorCatcher errors(pool);
    EXPECT_FALSE(pool->Unpack(affine, 0, 10, buffer.Get()));
    EXPECT_TRUE(errors.Caught("an implicit array computes its values and ignores writes"));
  }
  vtkNew<vtkTrackedArrayView> view;
  ASSERT_TRUE(view->SetView(affine, 2, 5));
  ASSERT_TRUE(view->Refresh());
  EXPECT_EQ(view->GetData()->GetComponent(0, 0), 2.0);
  ErrorCatcher errors(view);
  EXPECT_FALSE(view->Update());
  EXPECT_TRUE(errors.Caught("is implicit: it computes its values and ignores writes"));
}

// A stored filter output whose arrays read arrays changed since is not served as stored
// (the tamper check follows what implicit arrays read): the same input content coming back
// in another object must not hand out an output that reads the changed arrays.
TEST(TrackedDataModel, StoredOutputsReadingChangedArraysAreNotServed)
{
  auto input = Sphere(0);
  auto original = vtkSmartPointer<vtkPolyData>::New();
  original->DeepCopy(input);
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(input);
  vtkNew<vtkAppendFilter> append;
  append->UseImplicitArrayOn();
  vtkNew<vtkTrackedCacheFilter> cached;
  cached->SetAlgorithm(append);
  cached->SetInputConnection(producer->GetOutputPort());
  cached->Update();
  ASSERT_TRUE(vtkTrackedVTK::IsImplicit(Normals(cached->GetOutputDataObject(0))));

  Normals(input)->SetComponent(0, 0, 0.25); // read by the stored output's normals
  Normals(input)->Modified();
  producer->Modified();
  cached->Update();

  auto again = vtkSmartPointer<vtkPolyData>::New();
  again->DeepCopy(original); // the first content, in a new object
  producer->SetOutput(again);
  const vtkTypeInt64 dropped = cached->GetCache()->GetNumberOfInvalidations();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetCache()->GetNumberOfInvalidations(), dropped + 1) << "found, not intact";
  EXPECT_EQ(Normals(cached->GetOutputDataObject(0))->GetComponent(0, 0),
    Normals(original)->GetComponent(0, 0));
}
#endif
