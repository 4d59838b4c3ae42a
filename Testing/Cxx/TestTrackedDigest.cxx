// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of content digests: pinned golden digests, layout independence,
// sensitivity (DESIGN.md scenario 5), thread-count and backend independence, cached
// digests, Content validation mode (scenario 4) and content-keyed entries.
#include "vtkTrackedArrayCache.h"

#include "TrackedTestHelpers.h"

#include "vtkAOSDataArrayTemplate.h"
#include "vtkArrayBufferPool.h"
#include "vtkBitArray.h"
#include "vtkCallbackCommand.h"
#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCharArray.h"
#include "vtkCommand.h"
#include "vtkDoubleArray.h"
#include "vtkFieldData.h"
#include "vtkFloatArray.h"
#include "vtkHyperTreeGrid.h"
#include "vtkIdTypeArray.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkIntArray.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkNew.h"
#include "vtkPartitionedDataSet.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointData.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkSMPTools.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkStringArray.h"
#include "vtkStructuredGrid.h"
#include "vtkTable.h"
#include "vtkTrackedDigest.h"
#include "vtkUnstructuredGrid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace
{
std::string Digest(vtkAbstractArray* array)
{
  return vtkTrackedArrayCache::ComputeDigest(array);
}
std::string Digest(vtkDataObject* object)
{
  return vtkTrackedArrayCache::ComputeDigest(object);
}

bool IsDigestText(const std::string& text)
{
  return text.size() == 9 + 32 && text.compare(0, 9, "xxh3-128:") == 0 &&
    text.find_first_not_of("0123456789abcdef", 9) == std::string::npos;
}

double Ramp(vtkIdType i)
{
  return 0.5 * static_cast<double>(i);
}

int Alternating(vtkIdType i)
{
  return static_cast<int>(i % 2);
}

// 20 points with two point arrays (one the active scalars) and 2 triangles.
vtkSmartPointer<vtkPolyData> MakeMesh()
{
  auto mesh = vtkSmartPointer<vtkPolyData>::New();
  vtkNew<vtkPoints> points;
  points->SetData(MakeFilled<vtkFloatArray>(20, 3, Ramp));
  mesh->SetPoints(points);
  vtkNew<vtkCellArray> triangles;
  const vtkIdType first[3] = { 0, 1, 2 }, second[3] = { 2, 3, 4 };
  triangles->InsertNextCell(3, first);
  triangles->InsertNextCell(3, second);
  mesh->SetPolys(triangles);
  auto temperature = MakeFilled<vtkDoubleArray>(20, 1, Ramp);
  temperature->SetName("temperature");
  auto pressure = MakeFilled<vtkDoubleArray>(20, 1, Ramp);
  pressure->SetName("pressure");
  mesh->GetPointData()->AddArray(temperature);
  mesh->GetPointData()->AddArray(pressure);
  mesh->GetPointData()->SetActiveScalars("temperature");
  return mesh;
}

vtkSmartPointer<vtkImageData> MakeImage(vtkDataArray* scalars)
{
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(4, 3, 2);
  image->SetOrigin(1, 2, 3);
  image->SetSpacing(0.5, 0.5, 2);
  scalars->SetName("density");
  image->GetPointData()->SetScalars(scalars);
  return image;
}

// Pinned digests: they must not change between versions, thread counts, VTK 9.1
// and 9.2. A change here is a format change: it needs a new version tag.
TEST(TrackedDigest, GoldenDigests)
{
  EXPECT_EQ(
    Digest(MakeFilled<vtkDoubleArray>(4, 3, Ramp)), "xxh3-128:0ec8e0579673b7083dba639e824c8b6c");
  EXPECT_EQ(Digest(MakeFilled<vtkIntArray>(7, 1, [](vtkIdType i) { return int(i * i); })),
    "xxh3-128:dec179b9e853ebad8294f2f137ad8b55");
  vtkNew<vtkFloatArray> empty;
  EXPECT_EQ(Digest(empty), "xxh3-128:f0d87e8dcf5c4e3500d8c01d9dbbce71");
  vtkNew<vtkStringArray> strings;
  strings->InsertNextValue("alpha");
  strings->InsertNextValue("");
  strings->InsertNextValue("gamma");
  EXPECT_EQ(Digest(strings), "xxh3-128:62cc44e3e97e60f773936049ed7c2bf1");
  EXPECT_EQ(Digest(MakeFilled<vtkBitArray>(11, 1, [](vtkIdType i) { return int(i % 2); })),
    "xxh3-128:e28b375496efbb20d77bf7f9756f235d");
  EXPECT_EQ(Digest(MakeMesh()), "xxh3-128:7f6ac584d455ba518ea89db5837b0f31");
  EXPECT_EQ(Digest(MakeImage(MakeFilled<vtkFloatArray>(24, 1, Ramp))),
    "xxh3-128:65d357aef1ef9474d7a1ad290f251c97");
  vtkNew<vtkMultiBlockDataSet> blocks;
  blocks->SetNumberOfBlocks(2);
  blocks->SetBlock(0, MakeMesh());
  blocks->GetMetaData(0u)->Set(vtkCompositeDataSet::NAME(), "mesh");
  EXPECT_EQ(Digest(blocks), "xxh3-128:d2259f6cf0044cdac228818833b4f03b");
}

// Pinned digests of the sizes each hashing path takes: one-shot in cache (64 KiB), several
// 1 MiB chunks, streamed from memory (beyond 8 MiB), packed SOA values, texts and the
// keyed hasher of the disk entries. Any XXH3 kernel must give these, bit for bit.
TEST(TrackedDigest, GoldenDigestsOfEveryHashingPath)
{
  auto wave = [](vtkIdType i) { return std::sin(0.001 * static_cast<double>(i)) * 1e3; };
  EXPECT_EQ(
    Digest(MakeFilled<vtkDoubleArray>(8192, 1, wave)), "xxh3-128:82d16ef7b2318c996f53a0176cf5b21e");
  EXPECT_EQ(Digest(MakeFilled<vtkDoubleArray>(131079, 1, wave)),
    "xxh3-128:5e82947d304d4b28e3379198d3668b40");
  EXPECT_EQ(Digest(MakeFilled<vtkDoubleArray>(400000, 3, wave)),
    "xxh3-128:d9d01c04e044c32d674783b516927e38");
  EXPECT_EQ(Digest(MakeFilled<vtkSOADataArrayTemplate<float>>(200000, 3, wave)),
    "xxh3-128:b032b479f645705241f4ad8eda2c9e7f");
  EXPECT_EQ(Digest(MakeFilled<vtkSOADataArrayTemplate<double>>(5, 2, wave)),
    "xxh3-128:448c02e3bc4c0c661dd1a6cdb0b2a065");
  // With their 8-byte length prefix, XXH3's length classes 4-8, 9-16, 17-128, 129-240, 241+.
  const std::pair<std::size_t, const char*> texts[] = {
    { 0, "xxh3-128:2c0a8a99dc147d5445c3b49d035665b2" },
    { 1, "xxh3-128:c929cb38480a0c19149f67bc681bcace" },
    { 16, "xxh3-128:e52cd9a8ec45ff443ba6d8c3a5c8ee69" },
    { 17, "xxh3-128:a941c1daaba38f22defc8cbadf145dfa" },
    { 128, "xxh3-128:2de1a698a2b0f4923c8cb294ac5e606f" },
    { 129, "xxh3-128:9aeaecc616f7c2af5c4228df4bf102b2" },
    { 240, "xxh3-128:68b30d757efb65cead2160bd4b5c4469" },
    { 241, "xxh3-128:8be0618de705044245415e1103dc5f7c" },
    { 1000, "xxh3-128:0c338f86afe37bfb35088a40b4491289" },
  };
  for (const auto& text : texts)
  {
    EXPECT_EQ(vtkTrackedArrayCache::ComputeTextDigest(std::string(text.first, 'v')), text.second)
      << text.first;
  }
  const std::string secret(vtkTrackedHasher::MinimumSecretBytes, 's');
  std::vector<unsigned char> bytes(3 << 20);
  for (std::size_t i = 0; i < bytes.size(); ++i)
  {
    bytes[i] = static_cast<unsigned char>(i * 2654435761u >> 13);
  }
  vtkTrackedHasher keyed(secret);
  keyed.Add(bytes.data(), 1000);
  keyed.Add(bytes.data() + 1000, bytes.size() - 1000);
  EXPECT_EQ(keyed.Digest().ToString(), "xxh3-128:90ce7081cf733ba865c508fa28a473e5");
}

TEST(TrackedDigest, TextForm)
{
  EXPECT_TRUE(IsDigestText(Digest(MakeFilled<vtkDoubleArray>(4, 3, Ramp))));
}

// Scenario 5: the same values in any layout give the same digest.
template <typename ArrayT>
class LayoutIndependence : public ::testing::Test
{
};
using DoubleLayouts =
  ::testing::Types<vtkSOADataArrayTemplate<double>, TrackedGenericArray<double>>;
TYPED_TEST_SUITE(LayoutIndependence, DoubleLayouts);

TYPED_TEST(LayoutIndependence, SameDigestAsAOS)
{
  // Small (one chunk), large (many chunks, whose edges fall inside tuples), and larger
  // than the size from which contiguous arrays are streamed from memory (8 MiB).
  for (vtkIdType tuples : { vtkIdType(5), vtkIdType(150000), vtkIdType(400000) })
  {
    auto aos = MakeFilled<vtkDoubleArray>(tuples, 3, Ramp);
    auto other = MakeFilled<TypeParam>(tuples, 3, Ramp);
    EXPECT_EQ(Digest(aos), Digest(other)) << tuples << " tuples";
  }
}

// SOA components are interleaved into the hash by each value width's own loop, with
// special cases for 2, 3 and 4 components, pieces of whole tuples, and tuples larger than a
// piece (more than 1024 eight-byte components); chunk edges fall inside tuples.
template <typename T>
void ExpectSOAAgreesWithAOS(int components, vtkIdType tuples)
{
  auto values = [](vtkIdType i) { return static_cast<T>((i * 7919) % 251 - 125); };
  EXPECT_EQ(Digest(MakeFilled<vtkSOADataArrayTemplate<T>>(tuples, components, values)),
    Digest(MakeFilled<vtkAOSDataArrayTemplate<T>>(tuples, components, values)))
    << sizeof(T) << "-byte values, " << components << " components, " << tuples << " tuples";
}

TEST(TrackedDigest, SOAOfEveryValueWidthAndComponentCount)
{
  for (int components : { 2, 3, 4, 5, 7 })
  {
    for (vtkIdType tuples : { vtkIdType(1), vtkIdType(333), vtkIdType(100003) })
    {
      ExpectSOAAgreesWithAOS<signed char>(components, tuples);
      ExpectSOAAgreesWithAOS<short>(components, tuples);
      ExpectSOAAgreesWithAOS<float>(components, tuples);
      ExpectSOAAgreesWithAOS<double>(components, tuples);
    }
  }
  ExpectSOAAgreesWithAOS<double>(1500, 300);
  ExpectSOAAgreesWithAOS<signed char>(9000, 300);
}

TEST(TrackedDigest, ImageScalarsLaidOutDifferentlyAgree)
{
  const std::string aos = Digest(MakeImage(MakeFilled<vtkFloatArray>(24, 1, Ramp)));
  const std::string soa =
    Digest(MakeImage(MakeFilled<vtkSOADataArrayTemplate<float>>(24, 1, Ramp)));
  EXPECT_EQ(aos, soa);
}

// Scenario 5: one changed value, type, component count or tuple count changes it.
TEST(TrackedDigest, ArraySensitivity)
{
  auto reference = MakeFilled<vtkDoubleArray>(100, 3, Ramp);
  const std::string digest = Digest(reference);

  auto oneValue = MakeFilled<vtkDoubleArray>(100, 3, Ramp);
  oneValue->SetValue(299, 7.25);
  EXPECT_NE(Digest(oneValue), digest);
  EXPECT_NE(Digest(MakeFilled<vtkFloatArray>(100, 3, Ramp)), digest) << "type";
  EXPECT_NE(Digest(MakeFilled<vtkDoubleArray>(300, 1, Ramp)), digest) << "components";
  EXPECT_NE(Digest(MakeFilled<vtkDoubleArray>(99, 3, Ramp)), digest) << "tuples";

  auto named = MakeFilled<vtkDoubleArray>(100, 3, Ramp);
  named->SetName("a name");
  EXPECT_EQ(Digest(named), digest) << "an array's digest is its content, not its name";
  auto slack = MakeFilled<vtkDoubleArray>(100, 3, Ramp);
  ResizeCapacity(slack, 1000);
  slack->SetNumberOfTuples(100);
  EXPECT_EQ(Digest(slack), digest) << "capacity beyond the live values is not content";
}

TEST(TrackedDigest, StringAndBitSensitivity)
{
  vtkNew<vtkStringArray> ab, a_b;
  ab->InsertNextValue("ab");
  ab->InsertNextValue("");
  a_b->InsertNextValue("a");
  a_b->InsertNextValue("b");
  EXPECT_NE(Digest(ab), Digest(a_b)) << "value boundaries are part of the content";
  auto bits = MakeFilled<vtkBitArray>(100, 1, [](vtkIdType) { return 0; });
  const std::string zeros = Digest(bits);
  bits->SetValue(99, 1);
  EXPECT_NE(Digest(bits), zeros);
}

// Scenario 5 for data objects: name, attribute role, a point, a cell.
TEST(TrackedDigest, DataObjectSensitivity)
{
  const std::string digest = Digest(MakeMesh());
  EXPECT_EQ(Digest(MakeMesh()), digest) << "deterministic";

  auto renamed = MakeMesh();
  renamed->GetPointData()->GetArray("pressure")->SetName("stress");
  EXPECT_NE(Digest(renamed), digest) << "name";

  auto otherRole = MakeMesh();
  otherRole->GetPointData()->SetActiveScalars("pressure");
  EXPECT_NE(Digest(otherRole), digest) << "attribute role";

  auto movedPoint = MakeMesh();
  movedPoint->GetPoints()->SetPoint(7, 100, 100, 100);
  EXPECT_NE(Digest(movedPoint), digest) << "point";

  auto otherCell = MakeMesh();
  otherCell->GetPolys()->ReplaceCellAtId(1, { 2, 3, 5 });
  EXPECT_NE(Digest(otherCell), digest) << "cell";

  auto cellData = MakeMesh();
  cellData->GetCellData()->AddArray(MakeFilled<vtkIntArray>(2, 1, [](vtkIdType i) { return i; }));
  EXPECT_NE(Digest(cellData), digest) << "a cell array";

  auto image = MakeImage(MakeFilled<vtkFloatArray>(24, 1, Ramp));
  const std::string imageDigest = Digest(image);
  image->SetOrigin(1, 2, 3.5);
  EXPECT_NE(Digest(image), imageDigest) << "origin";
}

TEST(TrackedDigest, EveryCoveredDataObjectType)
{
  vtkNew<vtkRectilinearGrid> rectilinear;
  rectilinear->SetDimensions(3, 2, 1);
  rectilinear->SetXCoordinates(MakeFilled<vtkDoubleArray>(3, 1, Ramp));
  rectilinear->SetYCoordinates(MakeFilled<vtkDoubleArray>(2, 1, Ramp));
  rectilinear->SetZCoordinates(MakeFilled<vtkDoubleArray>(1, 1, Ramp));
  vtkNew<vtkStructuredGrid> structured;
  structured->SetDimensions(3, 2, 1);
  vtkNew<vtkPoints> points;
  points->SetData(MakeFilled<vtkDoubleArray>(6, 3, Ramp));
  structured->SetPoints(points);
  vtkNew<vtkUnstructuredGrid> unstructured;
  unstructured->SetPoints(points);
  const vtkIdType triangle[3] = { 0, 1, 2 };
  unstructured->InsertNextCell(VTK_TRIANGLE, 3, triangle);
  vtkNew<vtkTable> table;
  auto column = MakeFilled<vtkDoubleArray>(5, 1, Ramp);
  column->SetName("column");
  table->AddColumn(column);
  vtkNew<vtkPartitionedDataSet> partitions;
  partitions->SetPartition(0, MakeMesh());
  partitions->SetPartition(1, unstructured);
  vtkNew<vtkPartitionedDataSetCollection> collection;
  collection->SetPartitionedDataSet(0, partitions);
  vtkNew<vtkDataObject> bare;

  std::vector<std::string> digests;
  for (vtkDataObject* object : std::vector<vtkDataObject*>{
         rectilinear, structured, unstructured, table, partitions, collection, bare })
  {
    digests.push_back(Digest(object));
    EXPECT_TRUE(IsDigestText(digests.back())) << object->GetClassName();
  }
  std::sort(digests.begin(), digests.end());
  EXPECT_EQ(std::unique(digests.begin(), digests.end()), digests.end()) << "all differ";

  // Structure only in the extent: a grid whose dimensions change differs.
  const std::string before = Digest(rectilinear);
  rectilinear->SetDimensions(1, 2, 3);
  EXPECT_NE(Digest(rectilinear), before);
}

TEST(TrackedDigest, CompositeStructureCounts)
{
  auto blocksWith = [](bool emptySecond, const char* name)
  {
    auto blocks = vtkSmartPointer<vtkMultiBlockDataSet>::New();
    blocks->SetNumberOfBlocks(2);
    blocks->SetBlock(0, MakeMesh());
    if (!emptySecond)
    {
      blocks->SetBlock(1, MakeMesh());
    }
    if (name)
    {
      blocks->GetMetaData(0u)->Set(vtkCompositeDataSet::NAME(), name);
    }
    return blocks;
  };
  const std::string digest = Digest(blocksWith(true, "mesh"));
  EXPECT_NE(Digest(blocksWith(false, "mesh")), digest) << "a filled block";
  EXPECT_NE(Digest(blocksWith(true, "other")), digest) << "a block name";
  EXPECT_NE(Digest(blocksWith(true, nullptr)), digest) << "no block name";
}

// Chunk digests are combined in order: 1 or 2 threads, any backend, same digest.
TEST(TrackedDigest, IndependentOfThreadsAndBackend)
{
  auto aos = MakeFilled<vtkDoubleArray>(200000, 3, Ramp); // 4.6 MiB: 5 chunks
  auto soa = MakeFilled<vtkSOADataArrayTemplate<double>>(200000, 3, Ramp);
  const std::string reference = Digest(aos);
  for (const char* backend : { "Sequential", "STDThread", "TBB" })
  {
    for (int threads : { 1, 2 })
    {
      vtkSMPTools::LocalScope(vtkSMPTools::Config{ threads, backend, true },
        [&]
        {
          EXPECT_EQ(Digest(aos), reference) << backend << " " << threads;
          EXPECT_EQ(Digest(soa), reference) << backend << " " << threads;
        });
    }
  }
}

TEST(TrackedDigest, BadAndEdgeInputs)
{
  EXPECT_EQ(vtkTrackedArrayCache::ComputeDigest(static_cast<vtkAbstractArray*>(nullptr)), "");
  EXPECT_EQ(vtkTrackedArrayCache::ComputeDigest(static_cast<vtkDataObject*>(nullptr)), "");
  vtkNew<vtkHyperTreeGrid> uncovered;
  EXPECT_EQ(Digest(uncovered), "") << "a structure digests do not cover is refused";
  vtkNew<vtkMultiBlockDataSet> blocks;
  blocks->SetNumberOfBlocks(1);
  blocks->SetBlock(0, uncovered);
  EXPECT_EQ(Digest(blocks), "") << "also inside a composite";

  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  EXPECT_EQ(cache->GetDigest(nullptr), "");
  EXPECT_EQ(cache->GetDigest(uncovered), "");
  EXPECT_EQ(cache->GetDigest(cache), "");
  EXPECT_EQ(errors.Messages.size(), 3u);
}

// More than 2^31 values: the tail beyond 32-bit indexing is covered.
TEST(TrackedDigest, ArraysBeyondTwoToTheThirtyOneValues)
{
  const vtkIdType values = (vtkIdType(1) << 31) + 16;
  vtkNew<vtkCharArray> huge;
  huge->SetNumberOfValues(values);
  std::memset(huge->GetPointer(0), 7, static_cast<std::size_t>(values));
  const std::string digest = Digest(huge);
  huge->SetValue(values - 1, 8);
  EXPECT_NE(Digest(huge), digest);
}

// The cache keeps each array's digest with its stamp and hashes again only after a change.
TEST(TrackedDigest, CachedDigestIsReusedUntilTheStampChanges)
{
  vtkNew<vtkTrackedArrayCache> cache;
  // Bit arrays are packed through the cache's pool: its counts tell each hashing.
  auto array = MakeFilled<vtkBitArray>(1000, 3, Alternating);
  vtkArrayBufferPool* pool = cache->GetBufferPool();
  const std::string digest = cache->GetDigest(array);
  EXPECT_EQ(digest, Digest(array));
  const vtkTypeInt64 acquisitions = pool->GetNumberOfAllocations() + pool->GetNumberOfReuses();
  EXPECT_GT(acquisitions, 0);
  EXPECT_EQ(cache->GetDigest(array), digest);
  EXPECT_EQ(pool->GetNumberOfAllocations() + pool->GetNumberOfReuses(), acquisitions)
    << "unchanged: not packed, not hashed again";

  // A write that bypasses Modified() is not seen by the stamp: the kept digest stays.
  array->SetValue(0, 1 - array->GetValue(0));
  EXPECT_EQ(cache->GetDigest(array), digest);
  array->Modified();
  EXPECT_NE(cache->GetDigest(array), digest);
  EXPECT_EQ(cache->GetDigest(array), Digest(array));
}

// TryGetDigest() writes into the caller's string whatever it held before: longer or shorter
// text, or another array's digest; a recalled digest (the second call) and a computed one alike.
TEST(TrackedDigest, TryGetDigestOverwritesAReusedString)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto first = MakeFilled<vtkDoubleArray>(100, 3, Ramp);
  auto second = MakeFilled<vtkDoubleArray>(100, 3, Alternating);
  std::string error;
  for (const std::string& before :
    { std::string(), std::string("short"), std::string(100, 'x'), Digest(second) })
  {
    for (int call = 0; call < 2; ++call)
    {
      std::string digest = before;
      ASSERT_TRUE(cache->TryGetDigest(first, /*fresh=*/false, digest, error)) << error;
      EXPECT_EQ(digest, Digest(first)) << "over '" << before << "', call " << call;
    }
  }
  std::string digest = Digest(first);
  ASSERT_TRUE(cache->TryGetDigest(second, /*fresh=*/false, digest, error)) << error;
  EXPECT_EQ(digest, Digest(second));
}

// A buffer-changed event forgets the kept digest of a tracked source whose storage changed
// (here swapped behind VTK's back, as VTK 9.7 itself fires it), and keeps it otherwise.
TEST(TrackedDigest, BufferChangedEventForgetsTheKeptDigestOfChangedStorage)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto array = MakeFilled<vtkDoubleArray>(100, 3, Ramp);
  ASSERT_TRUE(cache->Set(array, "derived", MakeFilled<vtkDoubleArray>(1, 1, Ramp)));
  const std::string digest = cache->GetDigest(array);
  array->InvokeEvent(vtkTrackedArrayCache::GetBufferChangedEventId());
  ExpectPrintsEvery(cache, { "NumberOfRememberedDigests: 1" });

  auto* swapped = static_cast<double*>(std::malloc(sizeof(double) * 300));
  std::copy(array->GetPointer(0), array->GetPointer(0) + 300, swapped);
  swapped[5] = -3.0;
  array->SetArray(swapped, 300, /*save=*/0, vtkDoubleArray::VTK_DATA_ARRAY_FREE);
  array->InvokeEvent(vtkTrackedArrayCache::GetBufferChangedEventId());
  ExpectPrintsEvery(cache, { "NumberOfRememberedDigests: 0" });
  EXPECT_NE(cache->GetDigest(array), digest);
  EXPECT_EQ(cache->GetDigest(array), Digest(array));
}

TEST(TrackedDigest, DataObjectDigestReusesItsArraysDigests)
{
  vtkNew<vtkTrackedArrayCache> cache;
  vtkNew<vtkPolyData> mesh;
  auto first = MakeFilled<vtkBitArray>(1000, 1, Alternating);
  first->SetName("first");
  auto second = MakeFilled<vtkBitArray>(1000, 1, Alternating);
  second->SetName("second");
  mesh->GetPointData()->AddArray(first);
  mesh->GetPointData()->AddArray(second);
  vtkArrayBufferPool* pool = cache->GetBufferPool();
  auto acquisitions = [&] { return pool->GetNumberOfAllocations() + pool->GetNumberOfReuses(); };

  EXPECT_EQ(cache->GetDigest(mesh), Digest(mesh));
  EXPECT_EQ(acquisitions(), 2) << "each bit array packed once";
  second->SetValue(0, 1 - second->GetValue(0));
  second->Modified();
  EXPECT_EQ(cache->GetDigest(mesh), Digest(mesh));
  EXPECT_EQ(acquisitions(), 3) << "only the changed array was hashed again";
}

// A data object's arrays are hashed together: an array shared by two blocks once. Field
// data of an inner composite node, which the leaf walk does not visit, is still covered.
TEST(TrackedDigest, DataObjectArraysHashedOnceInOnePass)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto shared = MakeFilled<vtkBitArray>(1000, 1, Alternating);
  shared->SetName("shared");
  vtkNew<vtkMultiBlockDataSet> inner;
  auto innerField = MakeFilled<vtkDoubleArray>(4, 1, Ramp);
  innerField->SetName("inner field");
  inner->GetFieldData()->AddArray(innerField);
  vtkNew<vtkMultiBlockDataSet> outer;
  for (unsigned int b = 0; b < 2; ++b)
  {
    vtkNew<vtkPolyData> leaf;
    leaf->GetPointData()->AddArray(shared);
    inner->SetBlock(b, leaf);
  }
  outer->SetBlock(0, inner);
  vtkArrayBufferPool* pool = cache->GetBufferPool();

  const std::string digest = cache->GetDigest(outer);
  EXPECT_EQ(digest, Digest(outer));
  EXPECT_EQ(pool->GetNumberOfAllocations() + pool->GetNumberOfReuses(), 1)
    << "the shared bit array packed once";
  innerField->SetValue(0, -1.0);
  innerField->Modified();
  EXPECT_NE(cache->GetDigest(outer), digest) << "the inner node's field data";
  EXPECT_EQ(cache->GetDigest(outer), Digest(outer));
}

// Scenario 4: a raw write with no Modified(). Stamp mode cannot see it; Content mode can.
TEST(TrackedDigest, ContentModeCatchesRawWritesAndForgivesSpuriousModified)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetValidationModeToContent();
  auto array = MakeFilled<vtkDoubleArray>(1000, 3, Ramp);
  auto value = MakeFilled<vtkDoubleArray>(1, 1, Ramp);
  ASSERT_TRUE(cache->Set(array, "derived", value));

  array->Modified(); // nothing changed
  EXPECT_EQ(cache->Get(array, "derived"), value.GetPointer());
  ResizeCapacity(array, 5000); // new buffer, same values
  array->SetNumberOfTuples(1000);
  EXPECT_EQ(cache->Get(array, "derived"), value.GetPointer());

  array->GetPointer(0)[17] += 1.0; // raw write, no Modified()
  EXPECT_EQ(cache->Get(array, "derived"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "content-changed");

  // The same in Stamp mode: served stale, as documented.
  cache->SetValidationModeToStamp();
  ASSERT_TRUE(cache->Set(array, "derived", value));
  array->GetPointer(0)[17] += 1.0;
  EXPECT_EQ(cache->Get(array, "derived"), value.GetPointer());
}

TEST(TrackedDigest, ContentModeWorksForDataObjectsAndGetOrCompute)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetValidationMode(vtkTrackedArrayCache::Content);
  auto mesh = MakeMesh();
  int computed = 0;
  auto compute = [&]
  {
    ++computed;
    return vtkSmartPointer<vtkObject>(MakeFilled<vtkDoubleArray>(1, 1, Ramp));
  };
  cache->GetOrCompute(mesh, "bounds", compute);
  mesh->Modified();
  cache->GetOrCompute(mesh, "bounds", compute);
  EXPECT_EQ(computed, 1) << "a spurious Modified() hits in Content mode";
  vtkDataArray::SafeDownCast(mesh->GetPointData()->GetArray("pressure"))->SetComponent(3, 0, -5);
  cache->GetOrCompute(mesh, "bounds", compute);
  EXPECT_EQ(computed, 2);
  EXPECT_STREQ(cache->GetLastMissReason(), "content-changed");
}

TEST(TrackedDigest, ContentKeyedEntriesHitForAnotherObjectWithTheSameContent)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto original = MakeMesh();
  auto reread = MakeMesh(); // another object, as a reader would produce again
  auto value = MakeFilled<vtkDoubleArray>(1, 1, Ramp);
  ASSERT_TRUE(cache->Set(cache->GetDigest(original), "normals", value));
  EXPECT_EQ(cache->Get(cache->GetDigest(reread), "normals"), value.GetPointer());
  EXPECT_EQ(cache->GetNumberOfTrackedSources(), 0) << "content keys observe no object";

  reread->GetPoints()->SetPoint(0, 9, 9, 9); // SetPoint() calls no Modified()...
  reread->GetPoints()->Modified();           // ...so the stamp would not see it
  EXPECT_EQ(cache->Get(cache->GetDigest(reread), "normals"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "absent");

  const std::string digest = cache->GetDigest(original);
  value->Modified();
  EXPECT_EQ(cache->Get(digest, "normals"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "tampered");

  ASSERT_TRUE(cache->Set(digest, "a", value));
  ASSERT_TRUE(cache->Set(digest, "b", value));
  cache->Invalidate(digest, "a");
  EXPECT_EQ(cache->Get(digest, "a"), nullptr);
  EXPECT_EQ(cache->Get(digest, "b"), value.GetPointer());
  cache->Invalidate(digest);
  EXPECT_EQ(cache->Get(digest, "b"), nullptr);
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);

  ErrorCatcher errors(cache);
  EXPECT_FALSE(cache->Set(std::string("not a digest"), "k", value));
  EXPECT_EQ(cache->Get(std::string("xxh3-128:ABCDEF"), "k"), nullptr);
  EXPECT_EQ(cache->Get(digest, ""), nullptr);
  EXPECT_EQ(errors.Messages.size(), 3u);
}

TEST(TrackedDigest, ContentKeyedEntriesShareTheBudget)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(100);
  auto value = MakeFilled<vtkDoubleArray>(1, 1, Ramp);
  const std::string first = Digest(MakeFilled<vtkDoubleArray>(1, 1, Ramp));
  const std::string second = Digest(MakeFilled<vtkDoubleArray>(2, 1, Ramp));
  ASSERT_TRUE(cache->Set(first, "k", value, 60));
  ASSERT_TRUE(cache->Set(second, "k", value, 60));
  EXPECT_EQ(cache->Get(first, "k"), nullptr);
  EXPECT_EQ(cache->GetNumberOfEvictions(), 1);
  EXPECT_EQ(cache->Get(second, "k"), value.GetPointer());
  EXPECT_LE(cache->GetMemoryUsage(), 100);

  // Evicted content keys leave nothing behind (no record waits for a lookup).
  for (int i = 0; i < 1000; ++i)
  {
    ASSERT_TRUE(cache->Set(
      Digest(MakeFilled<vtkIntArray>(1, 1, [&](vtkIdType) { return i; })), "k", value, 60));
  }
  std::ostringstream printed;
  cache->Print(printed);
  EXPECT_NE(printed.str().find("NumberOfContentKeys: 1\n"), std::string::npos) << printed.str();
}

// Threads sharing arrays read-only and one cache: digests agree, memos stay consistent.
TEST(TrackedDigest, ConcurrentDigestsOfSharedArrays)
{
  vtkNew<vtkTrackedArrayCache> cache;
  std::vector<vtkSmartPointer<vtkDataArray>> arrays = {
    MakeFilled<vtkDoubleArray>(200000, 3, Ramp),
    MakeFilled<vtkSOADataArrayTemplate<double>>(200000, 3, Ramp),
    MakeFilled<vtkFloatArray>(1000, 2, Ramp),
  };
  auto mesh = MakeMesh();
  std::vector<std::string> expected;
  for (auto& array : arrays)
  {
    expected.push_back(Digest(array));
  }
  const std::string meshDigest = Digest(mesh);
  std::atomic<int> wrong{ 0 };
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t)
  {
    workers.emplace_back(
      [&, t]
      {
        for (int round = 0; round < 50; ++round)
        {
          const std::size_t i = (t + round) % arrays.size();
          wrong += cache->GetDigest(arrays[i]) != expected[i];
          wrong += cache->GetDigest(mesh) != meshDigest;
        }
      });
  }
  for (auto& worker : workers)
  {
    worker.join();
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(expected[0], expected[1]);
}
}
