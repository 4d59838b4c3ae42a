// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkTrackedStorageGuard: it gives the array back through every change
// within the allocation (values, Modified, fewer tuples, InsertNext within the capacity)
// and never after the array died, reallocated, swapped or shrank its buffer, or changed
// components; bad input is an error. The test command also runs it under AddressSanitizer.
#include "vtkTrackedStorageGuard.h"

#include "TrackedTestHelpers.h"

#include "vtkBitArray.h"
#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkNew.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkVersion.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
#include "vtkAffineArray.h"
#endif

namespace
{
vtkSmartPointer<vtkDoubleArray> MakeArray()
{
  return MakeFilled<vtkDoubleArray>(10, 3, [](vtkIdType i) { return 1.0 * i; });
}

bool ReasonHas(vtkTrackedStorageGuard* guard, const std::string& fragment)
{
  return guard->GetInvalidReason().find(fragment) != std::string::npos;
}

using Change = std::function<void(vtkDoubleArray*)>;
}

TEST(TrackedStorageGuard, FollowsEveryChangeWithinTheAllocation)
{
  const std::vector<std::pair<const char*, Change>> changes = {
    { "a value and Modified()",
      [](vtkDoubleArray* a)
      {
        a->SetValue(4, -1.0);
        a->Modified();
      } },
    { "a raw write", [](vtkDoubleArray* a) { a->GetPointer(0)[0] = 7.0; } },
    { "fewer tuples", [](vtkDoubleArray* a) { a->SetNumberOfTuples(4); } },
    { "Reset()", [](vtkDoubleArray* a) { a->Reset(); } },
    { "InsertNextTuple within the capacity",
      [](vtkDoubleArray* a)
      {
        a->SetNumberOfTuples(9);
        const double tuple[3] = { 1, 2, 3 };
        a->InsertNextTuple(tuple);
      } },
  };
  for (const auto& change : changes)
  {
    auto array = MakeArray();
    vtkNew<vtkTrackedStorageGuard> guard;
    ASSERT_TRUE(guard->SetArray(array));
    change.second(array);
    EXPECT_EQ(guard->GetGuardedArray(), array.GetPointer()) << change.first;
    EXPECT_EQ(guard->GetInvalidReason(), "") << change.first;
  }
}

TEST(TrackedStorageGuard, RefusesEveryOtherAllocation)
{
  const std::vector<std::pair<const char*, Change>> changes = {
    { "more tuples than the capacity", [](vtkDoubleArray* a) { a->SetNumberOfTuples(100000); } },
    { "Squeeze() after fewer tuples",
      [](vtkDoubleArray* a)
      {
        a->SetNumberOfTuples(2);
        a->Squeeze();
      } },
    { "a resize", [](vtkDoubleArray* a) { ResizeCapacity(a, 50000); } },
    { "another buffer by SetArray",
      [](vtkDoubleArray* a)
      {
        auto* values = new double[30];
        a->SetArray(values, 30, 0, vtkDoubleArray::VTK_DATA_ARRAY_DELETE);
      } },
    { "a ShallowCopy of another array", [](vtkDoubleArray* a) { a->ShallowCopy(MakeArray()); } },
    { "other components", [](vtkDoubleArray* a) { a->SetNumberOfComponents(1); } },
    { "Initialize()", [](vtkDoubleArray* a) { a->Initialize(); } },
  };
  for (const auto& change : changes)
  {
    auto array = MakeArray();
    vtkNew<vtkTrackedStorageGuard> guard;
    ASSERT_TRUE(guard->SetArray(array));
    change.second(array);
    EXPECT_EQ(guard->GetGuardedArray(), nullptr) << change.first;
    EXPECT_TRUE(ReasonHas(guard, "reallocated, resized or replaced")) << change.first;
  }
}

// The same memory under another vtkBuffer object, or in the same one with another size:
// neither address nor capacity tells these apart.
TEST(TrackedStorageGuard, TellsBuffersApartByTheirHolderAndItsSize)
{
  std::vector<double> memory(30, 1.0);
  vtkNew<vtkDoubleArray> array;
  array->SetNumberOfComponents(3);
  array->SetArray(memory.data(), 30, 1);
  vtkNew<vtkDoubleArray> other;
  other->SetNumberOfComponents(3);
  other->SetArray(memory.data(), 30, 1);
  vtkNew<vtkTrackedStorageGuard> guard;
  ASSERT_TRUE(guard->SetArray(array));
  array->ShallowCopy(other); // other's vtkBuffer: the same address and size
  EXPECT_EQ(array->GetPointer(0), memory.data());
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);

  ASSERT_TRUE(guard->SetArray(array));
  other->SetArray(memory.data(), 18, 1); // the shared vtkBuffer shrinks in place
  EXPECT_EQ(array->GetPointer(0), memory.data());
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);
  ASSERT_TRUE(guard->SetArray(array));
  EXPECT_TRUE(ReasonHas(guard, "claims 30 values but its buffer holds 18"))
    << guard->GetInvalidReason();
}

// A refused array leaves nothing of the one guarded before.
TEST(TrackedStorageGuard, ARefusedArrayClearsTheGuard)
{
  auto array = MakeArray();
  vtkNew<vtkTrackedStorageGuard> guard;
  ASSERT_TRUE(guard->SetArray(array));
  ErrorCatcher errors(guard);
  vtkNew<vtkBitArray> bits;
  EXPECT_FALSE(guard->SetArray(bits));
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);
  ExpectPrintsEvery(guard, { "Array: (none)\n", "Buffers:\n", "Guarded: no (no array)" });
}

TEST(TrackedStorageGuard, ForgetsADeletedArray)
{
  vtkNew<vtkTrackedStorageGuard> guard;
  EXPECT_EQ(guard->GetInvalidReason(), "no array");
  {
    auto array = MakeArray();
    ASSERT_TRUE(guard->SetArray(array));
  }
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);
  EXPECT_EQ(guard->GetInvalidReason(), "the array was deleted");
  ExpectPrintsEvery(guard, { "Array: (deleted)", "Buffers:", "Guarded: no (the array was" });
}

// An array sharing the vtkBuffer (ShallowCopy) puts a smaller one under both with SetArray:
// the first array still claims 30 values.
TEST(TrackedStorageGuard, RefusesAnArrayClaimingMoreThanItsBufferHolds)
{
  auto array = MakeArray();
  vtkNew<vtkDoubleArray> sharing;
  sharing->ShallowCopy(array);
  vtkNew<vtkTrackedStorageGuard> before;
  ASSERT_TRUE(before->SetArray(array));
  auto* smaller = new double[6]();
  sharing->SetArray(smaller, 6, 0, vtkDoubleArray::VTK_DATA_ARRAY_DELETE);
  EXPECT_EQ(before->GetGuardedArray(), nullptr);

  vtkNew<vtkTrackedStorageGuard> after;
  ASSERT_TRUE(after->SetArray(array));
  EXPECT_EQ(after->GetGuardedArray(), nullptr);
  EXPECT_EQ(after->GetInvalidReason(),
    "the vtkDoubleArray claims 30 values but its buffer holds 6: an array sharing the buffer "
    "replaced it");
  vtkNew<vtkTrackedStorageGuard> onTheSharer;
  ASSERT_TRUE(onTheSharer->SetArray(sharing));
  EXPECT_EQ(onTheSharer->GetGuardedArray(), sharing.GetPointer());
}

TEST(TrackedStorageGuard, GuardsEachComponentBufferOfAnSOAArray)
{
  auto array = MakeFilled<vtkSOADataArrayTemplate<float>>(4, 3, [](vtkIdType i) { return i; });
  vtkNew<vtkTrackedStorageGuard> guard;
  ASSERT_TRUE(guard->SetArray(array));
  array->SetNumberOfTuples(2);
  EXPECT_EQ(guard->GetGuardedArray(), array.GetPointer());
  // Given to the array, which frees it (VTK_DATA_ARRAY_FREE): malloc'ed.
  auto* shorter = static_cast<float*>(calloc(1, sizeof(float)));
  array->SetArray(2, shorter, 1, false, false); // the array still claims 2 tuples
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);
  EXPECT_TRUE(ReasonHas(guard, "reallocated")) << guard->GetInvalidReason();

  // VTK 9.2 kept the values in one buffer until then, and leaves the other components
  // empty: the reason names the first component short of two tuples.
  ASSERT_TRUE(guard->SetArray(array));
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);
  EXPECT_TRUE(ReasonHas(guard, "claims 2 tuples but the buffer of component "))
    << guard->GetInvalidReason();
}

TEST(TrackedStorageGuard, RefusesArraysWithoutBuffers)
{
  vtkNew<vtkTrackedStorageGuard> guard;
  ErrorCatcher errors(guard);
  EXPECT_FALSE(guard->SetArray(nullptr));
  EXPECT_TRUE(errors.Caught("Cannot guard a null array."));
  vtkNew<vtkBitArray> bits;
  bits->SetNumberOfValues(8);
  EXPECT_FALSE(guard->SetArray(bits));
  EXPECT_TRUE(errors.Caught("vtkBitArray"));
  auto generic = MakeFilled<TrackedGenericArray<float>>(3, 1, [](vtkIdType i) { return i; });
  EXPECT_FALSE(guard->SetArray(generic));
  EXPECT_TRUE(errors.Caught("its values are not in buffers"));
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  vtkNew<vtkAffineArray<double>> affine;
  affine->ConstructBackend(2.0, 1.0);
  affine->SetNumberOfTuples(5);
  EXPECT_FALSE(guard->SetArray(affine));
  EXPECT_TRUE(errors.Caught("vtkAffineArray"));
#endif
  EXPECT_EQ(guard->GetGuardedArray(), nullptr);
  EXPECT_EQ(guard->GetInvalidReason(), "no array");
}

TEST(TrackedStorageGuard, PrintsTheArrayItsBuffersAndWhetherItIsGuarded)
{
  auto array = MakeArray();
  vtkNew<vtkTrackedStorageGuard> guard;
  ExpectPrintsEvery(guard, { "Array: (none)", "Guarded: no (no array)" });
  ASSERT_TRUE(guard->SetArray(array));
  ExpectPrintsEvery(guard, { "Array: vtkDoubleArray (", "(30 values)", "Guarded: yes" });
}
