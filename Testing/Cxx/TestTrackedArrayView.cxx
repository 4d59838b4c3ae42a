// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkTrackedArrayView: DESIGN.md scenario 11. Sub-range round trips
// on AOS, SOA and generic arrays with component subsets; after the array dies,
// reallocates, is resized or changes components, every call fails and touches nothing
// (the test command also runs this suite under AddressSanitizer).
#include "vtkTrackedArrayView.h"

#include "TrackedTestHelpers.h"

#include "vtkArrayBufferPool.h"
#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkIdList.h"
#include "vtkIdTypeArray.h"
#include "vtkNew.h"
#include "vtkTrackedArrayCache.h"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>

namespace
{
constexpr vtkIdType Tuples = 50;
constexpr int Components = 3;

double ValueAt(vtkIdType i)
{
  return static_cast<double>(3 * i + 1); // integers: exact in every value type
}

template <typename ArrayT>
vtkSmartPointer<vtkDataArray> Make()
{
  return MakeFilled<ArrayT>(Tuples, Components, ValueAt);
}

using Maker = std::function<vtkSmartPointer<vtkDataArray>()>;

struct Layout
{
  const char* Name;
  Maker Make;
};

class TrackedArrayViewLayouts : public ::testing::TestWithParam<Layout>
{
};

vtkSmartPointer<vtkIdList> IdList(std::initializer_list<vtkIdType> ids)
{
  auto list = vtkSmartPointer<vtkIdList>::New();
  for (vtkIdType id : ids)
  {
    list->InsertNextId(id);
  }
  return list;
}

// Every operation of an invalid view fails with `fragment` in its error and returns
// the failure value.
void ExpectEveryCallFails(vtkTrackedArrayView* view, const std::string& fragment)
{
  ErrorCatcher errors(view);
  EXPECT_FALSE(view->IsValid());
  EXPECT_NE(view->GetInvalidReason().find(fragment), std::string::npos) << view->GetInvalidReason();
  EXPECT_FALSE(view->IsStale());
  EXPECT_FALSE(view->Refresh());
  EXPECT_FALSE(view->Refresh(0, 1));
  EXPECT_FALSE(view->Update());
  EXPECT_FALSE(view->Update(0, 1));
  EXPECT_EQ(view->GetData(), nullptr);
  EXPECT_EQ(errors.Messages.size(), 5u);
  for (const auto& message : errors.Messages)
  {
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST_P(TrackedArrayViewLayouts, SubRangeRoundTripWithComponentSubset)
{
  auto array = GetParam().Make();
  vtkNew<vtkTrackedArrayView> view;
  ASSERT_TRUE(view->SetView(array, 10, 30, IdList({ 2, 0 })));
  EXPECT_EQ(view->GetNumberOfTuples(), 20);
  EXPECT_EQ(view->GetNumberOfComponents(), 2);
  EXPECT_EQ(view->GetComponent(0), 2);
  vtkDataArray* data = view->GetData();
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->GetDataType(), array->GetDataType());
  EXPECT_EQ(data->GetNumberOfTuples(), 20);
  EXPECT_EQ(data->GetNumberOfComponents(), 2);
  for (vtkIdType t = 0; t < 20; ++t)
  {
    EXPECT_EQ(data->GetComponent(t, 0), ValueAt((10 + t) * Components + 2));
    EXPECT_EQ(data->GetComponent(t, 1), ValueAt((10 + t) * Components + 0));
  }

  // Write tuples 5..9 of the view (array tuples 15..19) back, and only those.
  for (vtkIdType t = 0; t < 20; ++t)
  {
    data->SetComponent(t, 0, -1.0 - t);
    data->SetComponent(t, 1, -100.0 - t);
  }
  const vtkMTimeType before = array->GetMTime();
  ASSERT_TRUE(view->Update(5, 10));
  EXPECT_GT(array->GetMTime(), before) << "Update() calls Modified()";
  EXPECT_FALSE(view->IsStale()) << "its own write does not make it stale";
  for (vtkIdType t = 0; t < Tuples; ++t)
  {
    const bool written = t >= 15 && t < 20;
    EXPECT_EQ(array->GetComponent(t, 2), written ? -1.0 - (t - 10) : ValueAt(t * Components + 2));
    EXPECT_EQ(array->GetComponent(t, 1), ValueAt(t * Components + 1)) << "not viewed";
    EXPECT_EQ(array->GetComponent(t, 0), written ? -100.0 - (t - 10) : ValueAt(t * Components));
  }

  // Someone else writes: the view is stale until refreshed, and a partial refresh reads
  // only its range.
  array->SetComponent(12, 0, 7.0);
  array->SetComponent(25, 0, 8.0);
  array->Modified();
  EXPECT_TRUE(view->IsStale());
  ASSERT_TRUE(view->Refresh(0, 5));
  EXPECT_FALSE(view->IsStale());
  EXPECT_EQ(data->GetComponent(2, 1), 7.0);
  EXPECT_EQ(data->GetComponent(15, 1), -100.0 - 15) << "outside the refreshed sub-range";
  ASSERT_TRUE(view->Refresh());
  EXPECT_EQ(data->GetComponent(15, 1), 8.0);
}

TEST_P(TrackedArrayViewLayouts, AllComponentsRoundTrip)
{
  auto array = GetParam().Make();
  vtkNew<vtkTrackedArrayView> view;
  ASSERT_TRUE(view->SetView(array, 0, Tuples));
  vtkDataArray* data = view->GetData();
  ASSERT_NE(data, nullptr);
  for (vtkIdType i = 0; i < Tuples * Components; ++i)
  {
    ASSERT_EQ(data->GetComponent(i / Components, i % Components), ValueAt(i));
    data->SetComponent(i / Components, i % Components, 2 * ValueAt(i));
  }
  ASSERT_TRUE(view->Update());
  for (vtkIdType i = 0; i < Tuples * Components; ++i)
  {
    ASSERT_EQ(array->GetComponent(i / Components, i % Components), 2 * ValueAt(i));
  }
}

TEST_P(TrackedArrayViewLayouts, DeletedArrayFailsEveryCall)
{
  auto array = GetParam().Make();
  vtkNew<vtkTrackedArrayView> view;
  ASSERT_TRUE(view->SetView(array, 0, 10));
  ASSERT_NE(view->GetData(), nullptr);
  array = nullptr; // the last reference: the array dies
  ExpectEveryCallFails(view, "the array was deleted");
  EXPECT_EQ(view->GetArray(), nullptr);
  view->Release(); // no observer to remove from a dead array
}

TEST_P(TrackedArrayViewLayouts, ReallocatedOrReshapedArrayFailsEveryCall)
{
  const std::vector<std::pair<const char*, std::function<void(vtkDataArray*)>>> changes = {
    { "grown", [](vtkDataArray* a) { a->SetNumberOfTuples(100000); } },
    { "resized", [](vtkDataArray* a) { ResizeCapacity(a, 5); } },
    { "squeezed", [](vtkDataArray* a) { a->Squeeze(); } },
    { "fewer components",
      [](vtkDataArray* a)
      {
        a->SetNumberOfComponents(1);
        a->SetNumberOfTuples(Tuples);
      } },
    { "shallow copy", [](vtkDataArray* a) { a->ShallowCopy(Make<vtkDoubleArray>()); } },
  };
  for (const auto& change : changes)
  {
    auto array = GetParam().Make();
    array->SetNumberOfTuples(0);
    ResizeCapacity(array, Tuples * 2); // room: Squeeze() reallocates
    for (vtkIdType i = 0; i < Tuples * Components; ++i)
    {
      array->InsertComponent(i / Components, i % Components, ValueAt(i));
    }
    vtkNew<vtkTrackedArrayView> view;
    ASSERT_TRUE(view->SetView(array, 0, 10, IdList({ 1 })));
    ASSERT_TRUE(view->Refresh());
    change.second(array);
    SCOPED_TRACE(change.first);
    ExpectEveryCallFails(view, "reallocated, resized or replaced");
    EXPECT_EQ(view->GetArray(), array.GetPointer()) << "alive, just not the viewed storage";
    view->Release();
    EXPECT_FALSE(array->HasObserver(vtkCommand::ModifiedEvent)) << "observers removed";
    EXPECT_FALSE(array->HasObserver(vtkCommand::DeleteEvent));
    EXPECT_TRUE(view->SetView(array, 0, 1)) << "a view can be made anew";
  }
}

// A buffer-changed event with the storage unchanged (VTK 9.7 fires one when a buffer is set
// to itself) leaves the view valid.
TEST_P(TrackedArrayViewLayouts, BufferChangedEventWithTheStorageUnchangedKeepsTheView)
{
  auto array = GetParam().Make();
  vtkNew<vtkTrackedArrayView> view;
  ASSERT_TRUE(view->SetView(array, 0, 10));
  array->InvokeEvent(vtkTrackedArrayCache::GetBufferChangedEventId());
  EXPECT_TRUE(view->IsValid());
  EXPECT_TRUE(view->Refresh());
}

INSTANTIATE_TEST_SUITE_P(Layouts, TrackedArrayViewLayouts,
  ::testing::Values(Layout{ "AOS", Make<vtkDoubleArray> },
    Layout{ "SOA", Make<vtkSOADataArrayTemplate<float>> },
    Layout{ "Generic", Make<TrackedGenericArray<vtkIdType>> }),
  [](const ::testing::TestParamInfo<Layout>& info) { return std::string(info.param.Name); });

TEST(TrackedArrayView, BadInputsAreErrorsNotCrashes)
{
  vtkNew<vtkTrackedArrayView> view;
  ErrorCatcher errors(view);
  auto array = Make<vtkFloatArray>();
  EXPECT_FALSE(view->SetView(nullptr, 0, 1));
  EXPECT_TRUE(errors.Caught("Cannot view a null array."));
  vtkNew<vtkBitArray> bits;
  bits->SetNumberOfTuples(8);
  EXPECT_FALSE(view->SetView(bits, 0, 8));
  EXPECT_TRUE(errors.Caught("vtkBitArray"));
  EXPECT_FALSE(view->SetView(array, -1, 3));
  EXPECT_FALSE(view->SetView(array, 5, 3));
  EXPECT_FALSE(view->SetView(array, 0, Tuples + 1));
  EXPECT_TRUE(errors.Caught("Cannot view tuples [0, 51) of an array of 50 tuples."));
  EXPECT_FALSE(view->SetView(array, 0, 3, IdList({ 0, 3 })));
  EXPECT_TRUE(errors.Caught("Cannot view component 3 of an array of 3 components."));
  EXPECT_FALSE(view->SetView(array, 0, 3, IdList({})));
  EXPECT_TRUE(errors.Caught("empty list of components"));
  EXPECT_FALSE(array->HasObserver(vtkCommand::ModifiedEvent)) << "a refused view observes nothing";
  ExpectEveryCallFails(view, "no array");

  ASSERT_TRUE(view->SetView(array, 10, 20));
  errors.Messages.clear();
  EXPECT_FALSE(view->Refresh(-1, 2));
  EXPECT_FALSE(view->Update(5, 11));
  EXPECT_FALSE(view->Refresh(6, 5));
  EXPECT_TRUE(errors.Caught("Cannot update view tuples [5, 11): the view has 10 tuples."));
  EXPECT_EQ(errors.Messages.size(), 3u);
  EXPECT_EQ(view->GetComponent(3), -1);
  view->SetBufferPool(nullptr);
  EXPECT_TRUE(errors.Caught("The buffer pool cannot be null."));
}

TEST(TrackedArrayView, BuffersComeFromThePoolAndGoBack)
{
  vtkNew<vtkArrayBufferPool> pool;
  auto array = Make<vtkDoubleArray>();
  {
    vtkNew<vtkTrackedArrayView> view;
    view->SetBufferPool(pool);
    ASSERT_TRUE(view->SetView(array, 0, 20, IdList({ 1, 2 })));
    EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 0) << "leased only when needed";
    ASSERT_NE(view->GetData(), nullptr);
    EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 1);
    view->Release();
    EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 0);
    EXPECT_EQ(pool->GetPooledBytes(), 20 * 2 * 8) << "kept for the next view";
    ASSERT_TRUE(view->SetView(array, 5, 25, IdList({ 0, 1 })));
    ASSERT_NE(view->GetData(), nullptr);
    EXPECT_EQ(pool->GetNumberOfReuses(), 1);
  } // destruction releases too
  EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 0);
  EXPECT_FALSE(array->HasObserver(vtkCommand::ModifiedEvent));
}

TEST(TrackedArrayView, PrintSelfShowsEveryState)
{
  vtkNew<vtkTrackedArrayView> view;
  auto array = Make<vtkFloatArray>();
  view->SetView(array, 2, 7, IdList({ 1 }));
  ExpectPrintsEvery(view,
    { "Array: vtkFloatArray", "Begin: 2", "End: 7", "Components: 1", "Valid: yes", "Stale: no",
      "Buffer:", "BufferPool:" });
}
}
