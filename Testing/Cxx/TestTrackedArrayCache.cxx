// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkTrackedArrayCache: DESIGN.md scenarios 1, 2, 3, 6, 7, 8, the
// buffer-changed observer path, data object sources and every bad input.
#include "vtkTrackedArrayCache.h"

#include "TrackedTestHelpers.h"

#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkIdTypeArray.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkLogger.h"
#include "vtkMatrix3x3.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkNew.h"
#include "vtkPointData.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkStaticPointLocator.h"
#include "vtkVersionMacros.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace
{
constexpr vtkIdType Tuples = 100;
constexpr int Components = 3;

// Counts the events an object fires, to prove a change came with no event at all.
class EventCounter
{
public:
  explicit EventCounter(vtkObject* subject)
    : Subject(subject)
  {
    this->Command->SetClientData(this);
    this->Command->SetCallback([](vtkObject*, unsigned long, void* self, void*)
      { ++static_cast<EventCounter*>(self)->Count; });
    this->Tag = subject->AddObserver(vtkCommand::AnyEvent, this->Command);
  }
  ~EventCounter() { this->Subject->RemoveObserver(this->Tag); }
  int Count = 0;

private:
  vtkObject* Subject;
  vtkNew<vtkCallbackCommand> Command;
  unsigned long Tag = 0;
};

// The number of entries a cache holds each time a buffer-changed event reaches an array,
// seen by an observer added after the cache's (VTK calls observers in the order added).
class EntriesAtBufferEvent
{
public:
  EntriesAtBufferEvent(vtkObject* subject, vtkTrackedArrayCache* cache)
    : Subject(subject)
    , Cache(cache)
  {
    this->Command->SetClientData(this);
    this->Command->SetCallback(
      [](vtkObject*, unsigned long, void* self, void*)
      {
        auto* counter = static_cast<EntriesAtBufferEvent*>(self);
        counter->Counts.push_back(counter->Cache->GetNumberOfEntries());
      });
    this->Tag =
      subject->AddObserver(vtkTrackedArrayCache::GetBufferChangedEventId(), this->Command);
  }
  ~EntriesAtBufferEvent() { this->Subject->RemoveObserver(this->Tag); }
  std::vector<vtkTypeInt64> Counts;

private:
  vtkObject* Subject;
  vtkTrackedArrayCache* Cache;
  vtkNew<vtkCallbackCommand> Command;
  unsigned long Tag = 0;
};

// Array operations whose spelling differs between AOS and SOA arrays.
template <typename ArrayT>
struct Layout
{
  // Hands the array a new, malloc'ed buffer of the same shape (the array frees it).
  static void SwapBuffer(ArrayT* array)
  {
    using T = typename ArrayT::ValueType;
    const vtkIdType values = array->GetNumberOfValues();
    auto* buffer = static_cast<T*>(std::calloc(values, sizeof(T)));
    array->SetArray(buffer, values, /*save=*/0, ArrayT::VTK_DATA_ARRAY_FREE);
  }
  static void SwapBufferThroughVoid(ArrayT* array)
  {
    using T = typename ArrayT::ValueType;
    const vtkIdType values = array->GetNumberOfValues();
    array->SetVoidArray(std::calloc(values, sizeof(T)), values, /*save=*/0);
  }
  // A raw write into the live buffer, bypassing Modified().
  static void WriteRaw(ArrayT* array) { array->GetPointer(0)[0] += 1; }
};

template <typename T>
struct Layout<vtkSOADataArrayTemplate<T>>
{
  using ArrayT = vtkSOADataArrayTemplate<T>;
  static void SwapBuffer(ArrayT* array)
  {
    const vtkIdType tuples = array->GetNumberOfTuples();
    for (int c = 0; c < array->GetNumberOfComponents(); ++c)
    {
      auto* buffer = static_cast<T*>(std::calloc(tuples, sizeof(T)));
      array->SetArray(
        c, buffer, tuples, /*updateMaxId=*/true, /*save=*/false, ArrayT::VTK_DATA_ARRAY_FREE);
    }
  }
  // SOA arrays have no SetVoidArray: swap a single component's buffer instead.
  static void SwapBufferThroughVoid(ArrayT* array)
  {
    const vtkIdType tuples = array->GetNumberOfTuples();
    auto* buffer = static_cast<T*>(std::calloc(tuples, sizeof(T)));
    array->SetArray(
      1, buffer, tuples, /*updateMaxId=*/true, /*save=*/false, ArrayT::VTK_DATA_ARRAY_FREE);
  }
  // SetTypedComponent() calls no Modified() either; ParaView 5.11's SOA arrays may hold
  // their values in one AOS buffer with no component pointer to write through.
  static void WriteRaw(ArrayT* array)
  {
    array->SetTypedComponent(0, 0, array->GetTypedComponent(0, 0) + 1);
  }
};

template <typename ArrayT>
vtkSmartPointer<ArrayT> MakeArray(vtkIdType tuples = Tuples)
{
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfComponents(Components);
  array->SetNumberOfTuples(tuples);
  for (vtkIdType i = 0; i < tuples * Components; ++i)
  {
    array->SetValue(i, static_cast<typename ArrayT::ValueType>(i % 97));
  }
  return array;
}

vtkSmartPointer<vtkDoubleArray> MakeValue(double first = 1.0)
{
  auto value = vtkSmartPointer<vtkDoubleArray>::New();
  value->SetNumberOfValues(4);
  value->FillValue(first);
  return value;
}

template <typename ArrayT>
class TrackedArrayCacheTest : public ::testing::Test
{
protected:
  void SetUp() override
  {
    this->Array = MakeArray<ArrayT>();
    ASSERT_TRUE(this->Cache->Set(this->Array, "derived", this->Value));
    ASSERT_EQ(this->Cache->Get(this->Array, "derived"), this->Value.GetPointer());
  }

  // Before VTK 9.7 the change must come with no event at all: the stamp check alone sees
  // it at the next lookup. From 9.7 on, where `firesOn97`, VTK's own buffer-changed event
  // must act as it fires: the entries and the kept digest are gone before any lookup.
  template <typename Change>
  void ExpectReallocationMisses(Change&& change, const char* reason, bool firesOn97)
  {
    ASSERT_FALSE(this->Cache->GetDigest(this->Array).empty());
    const bool fires =
      firesOn97 && VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0); // NOLINT: a constant
    {
      EventCounter events(this->Array);
      EntriesAtBufferEvent entriesAtEvent(this->Array, this->Cache);
      change(this->Array.GetPointer());
      if (!fires)
      {
        EXPECT_EQ(events.Count, 0) << "the operation fired an event: this test needs it silent";
        EXPECT_EQ(this->Cache->GetNumberOfEntries(), 1) << "no event, so nothing dropped yet";
      }
      else
      {
        ASSERT_FALSE(entriesAtEvent.Counts.empty()) << "VTK fired no buffer-changed event";
        EXPECT_EQ(entriesAtEvent.Counts.back(), 0) << "the event dropped the entries at once";
        ExpectPrintsEvery(this->Cache, { "NumberOfRememberedDigests: 0" });
      }
    }
    EXPECT_EQ(this->Cache->Get(this->Array, "derived"), nullptr);
    EXPECT_STREQ(this->Cache->GetLastMissReason(), reason);
    EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
    EXPECT_EQ(this->Cache->GetNumberOfTrackedSources(), 0);
  }

  vtkNew<vtkTrackedArrayCache> Cache;
  vtkSmartPointer<ArrayT> Array;
  vtkSmartPointer<vtkDoubleArray> Value = MakeValue();
};

using ArrayTypes =
  ::testing::Types<vtkFloatArray, vtkDoubleArray, vtkIdTypeArray, vtkSOADataArrayTemplate<float>>;
TYPED_TEST_SUITE(TrackedArrayCacheTest, ArrayTypes);

// Scenario 1.
TYPED_TEST(TrackedArrayCacheTest, SetThenGetHitsUntilModified)
{
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), this->Value.GetPointer());
  EXPECT_EQ(this->Cache->GetNumberOfHits(), 2);
  EXPECT_EQ(this->Cache->Get(this->Array, "other key"), nullptr);
  EXPECT_STREQ(this->Cache->GetLastMissReason(), "absent");

  this->Array->Modified();
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0) << "ModifiedEvent drops the entries at once";
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), nullptr);
  EXPECT_STREQ(this->Cache->GetLastMissReason(), "modified");
  EXPECT_EQ(this->Cache->GetNumberOfMisses(), 2);
  EXPECT_EQ(this->Cache->GetNumberOfInvalidations(), 1);

  ASSERT_TRUE(this->Cache->Set(this->Array, "derived", this->Value));
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), this->Value.GetPointer());
}

// Scenario 2: every reallocation or swap path; no event before VTK 9.7, VTK's own after.
TYPED_TEST(TrackedArrayCacheTest, GrowingSetNumberOfTuplesMissesAsBufferChanged)
{
  this->ExpectReallocationMisses(
    [](TypeParam* array) { array->SetNumberOfTuples(100 * Tuples); }, "buffer-changed", true);
}

TYPED_TEST(TrackedArrayCacheTest, ShrinkingSetNumberOfTuplesMissesAsBufferChanged)
{
  this->ExpectReallocationMisses(
    [](TypeParam* array) { array->SetNumberOfTuples(Tuples / 2); }, "buffer-changed", false);
}

TYPED_TEST(TrackedArrayCacheTest, ResizeMissesAsBufferChanged)
{
  this->ExpectReallocationMisses(
    [](TypeParam* array) { ResizeCapacity(array, 50 * Tuples); }, "buffer-changed", true);
}

TYPED_TEST(TrackedArrayCacheTest, SqueezeMissesAsBufferChanged)
{
  ResizeCapacity(this->Array, 50 * Tuples);
  ASSERT_TRUE(this->Cache->Set(this->Array, "derived", this->Value)); // stamped anew
  this->ExpectReallocationMisses(
    [](TypeParam* array) { array->Squeeze(); }, "buffer-changed", true);
}

TYPED_TEST(TrackedArrayCacheTest, SetArrayMissesAsBufferChanged)
{
  this->ExpectReallocationMisses(
    [](TypeParam* array) { Layout<TypeParam>::SwapBuffer(array); }, "buffer-changed", true);
}

TYPED_TEST(TrackedArrayCacheTest, SetVoidArrayMissesAsBufferChanged)
{
  this->ExpectReallocationMisses([](TypeParam* array)
    { Layout<TypeParam>::SwapBufferThroughVoid(array); },
    "buffer-changed", true);
}

TYPED_TEST(TrackedArrayCacheTest, ShallowCopyMissesAsBufferChanged)
{
  auto other = MakeArray<TypeParam>();
  this->ExpectReallocationMisses(
    [&](TypeParam* array) { array->ShallowCopy(other); }, "buffer-changed", true);
}

// SetNumberOfComponents() calls Modified(): the event drops the entries at once.
TYPED_TEST(TrackedArrayCacheTest, ComponentChangeMisses)
{
  this->Array->SetNumberOfComponents(1);
  this->Array->SetNumberOfTuples(Tuples * Components);
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), nullptr);
  EXPECT_STREQ(this->Cache->GetLastMissReason(), "modified");
}

// Scenario 4's limit, documented: a raw write with no Modified() is invisible to Stamp.
TYPED_TEST(TrackedArrayCacheTest, StampModeCannotSeeRawWrites)
{
  Layout<TypeParam>::WriteRaw(this->Array);
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), this->Value.GetPointer());
}

// The buffer-changed observer path with the event fired by hand (what code that swaps
// buffers behind VTK's back does before 9.7): it drops the entries at once when the
// storage changed.
TYPED_TEST(TrackedArrayCacheTest, BufferChangedEventDropsEntriesWhoseStorageChanged)
{
  {
    EntriesAtBufferEvent entriesAtEvent(this->Array, this->Cache);
    Layout<TypeParam>::SwapBuffer(this->Array);
    this->Array->InvokeEvent(vtkTrackedArrayCache::GetBufferChangedEventId());
    ASSERT_FALSE(entriesAtEvent.Counts.empty());
    EXPECT_EQ(entriesAtEvent.Counts.back(), 0);
  }
  EXPECT_EQ(this->Cache->GetMemoryUsage(), 0);
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), nullptr);
  EXPECT_STREQ(this->Cache->GetLastMissReason(), "buffer-changed");
  // The reason was told: nothing is left to observe.
  EXPECT_EQ(this->Cache->GetNumberOfTrackedSources(), 0);
  EXPECT_FALSE(this->Array->HasObserver(vtkTrackedArrayCache::GetBufferChangedEventId()));
  EXPECT_FALSE(this->Array->HasObserver(vtkCommand::ModifiedEvent));
}

// An event whose storage did not change drops nothing: VTK 9.7 fires it when a buffer is
// set to itself, for example.
TYPED_TEST(TrackedArrayCacheTest, BufferChangedEventWithTheStorageUnchangedKeepsEntries)
{
  const std::string digest = this->Cache->GetDigest(this->Array);
  this->Array->InvokeEvent(vtkTrackedArrayCache::GetBufferChangedEventId());
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 1);
  ExpectPrintsEvery(this->Cache, { "NumberOfRememberedDigests: 1" });
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), this->Value.GetPointer());
  EXPECT_EQ(this->Cache->GetDigest(this->Array), digest);
}

// Scenario 3.
TYPED_TEST(TrackedArrayCacheTest, DeletedArrayLeavesNothingBehind)
{
  EXPECT_EQ(this->Value->GetReferenceCount(), 2);
  this->Array = nullptr;
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
  EXPECT_EQ(this->Cache->GetNumberOfTrackedSources(), 0);
  EXPECT_EQ(this->Cache->GetMemoryUsage(), 0);
  EXPECT_EQ(this->Value->GetReferenceCount(), 1) << "the cache released the value";
}

TYPED_TEST(TrackedArrayCacheTest, NewArrayAtAReusedAddressNeverHits)
{
  this->Array->Modified(); // leaves a "modified" reason behind for this address and key
  ASSERT_TRUE(this->Cache->Set(this->Array, "derived", this->Value));
  const void* oldAddress = this->Array.GetPointer();
  this->Array = nullptr;

  // The allocator hands a freed block of the same size out again; keep trying until it
  // does, holding the misses so they cannot be reused themselves.
  std::vector<vtkSmartPointer<TypeParam>> held;
  vtkSmartPointer<TypeParam> reused;
  for (int attempt = 0; attempt < 10000 && !reused; ++attempt)
  {
    auto candidate = MakeArray<TypeParam>();
    if (candidate.GetPointer() == oldAddress)
    {
      reused = candidate;
    }
    else
    {
      held.push_back(candidate);
    }
  }
  ASSERT_TRUE(reused) << "the allocator never reused the address; the test cannot run";
  EXPECT_EQ(this->Cache->Get(reused, "derived"), nullptr);
  EXPECT_STREQ(this->Cache->GetLastMissReason(), "absent");
}

TYPED_TEST(TrackedArrayCacheTest, ObserversGoWithTheLastEntryAndTheCache)
{
  EXPECT_TRUE(this->Array->HasObserver(vtkCommand::ModifiedEvent));
  EXPECT_TRUE(this->Array->HasObserver(vtkCommand::DeleteEvent));
  ASSERT_TRUE(this->Cache->Set(this->Array, "second", MakeValue()));
  this->Cache->Invalidate(this->Array, "derived");
  EXPECT_TRUE(this->Array->HasObserver(vtkCommand::ModifiedEvent)) << "one entry is left";
  this->Cache->Invalidate(this->Array, "second");
  EXPECT_FALSE(this->Array->HasObserver(vtkCommand::ModifiedEvent));
  EXPECT_FALSE(this->Array->HasObserver(vtkCommand::DeleteEvent));
  EXPECT_FALSE(this->Array->HasObserver(vtkTrackedArrayCache::GetBufferChangedEventId()));

  auto cache = vtkSmartPointer<vtkTrackedArrayCache>::New();
  ASSERT_TRUE(cache->Set(this->Array, "derived", this->Value));
  EXPECT_TRUE(this->Array->HasObserver(vtkCommand::DeleteEvent));
  cache = nullptr;
  EXPECT_FALSE(this->Array->HasObserver(vtkCommand::DeleteEvent));
  this->Array->Modified(); // must not reach the dead cache
}

// Scenario 6.
TYPED_TEST(TrackedArrayCacheTest, ValueModifiedAfterSetIsNotServed)
{
  this->Value->SetValue(0, 42.0); // SetValue does not call Modified(): not tampering yet
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), this->Value.GetPointer());
  this->Value->Modified();
  EXPECT_EQ(this->Cache->Get(this->Array, "derived"), nullptr);
  EXPECT_STREQ(this->Cache->GetLastMissReason(), "tampered");
  EXPECT_EQ(this->Cache->GetNumberOfEntries(), 0);
}

TEST(TrackedArrayCache, InvalidateAndClear)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto a = MakeArray<vtkFloatArray>();
  auto b = MakeArray<vtkFloatArray>();
  cache->Set(a, "x", MakeValue());
  cache->Set(a, "y", MakeValue());
  cache->Set(b, "x", MakeValue());
  cache->Invalidate(a, "x");
  EXPECT_EQ(cache->Get(a, "x"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "absent");
  EXPECT_NE(cache->Get(a, "y"), nullptr);
  cache->Invalidate(a);
  EXPECT_EQ(cache->Get(a, "y"), nullptr);
  EXPECT_NE(cache->Get(b, "x"), nullptr);
  cache->Clear();
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);
  EXPECT_EQ(cache->GetNumberOfTrackedSources(), 0);
  EXPECT_EQ(cache->GetMemoryUsage(), 0);
  EXPECT_FALSE(b->HasObserver(vtkCommand::ModifiedEvent));
  EXPECT_EQ(cache->GetNumberOfInvalidations(), 3);
  cache->Invalidate(nullptr); // no-op, no crash
}

// Scenario 7.
TEST(TrackedArrayCache, MemoryBudgetEvictsLeastRecentlyUsedFirst)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(300);
  auto source = MakeArray<vtkFloatArray>();
  auto a = MakeValue(), b = MakeValue(), c = MakeValue(), d = MakeValue();
  ASSERT_TRUE(cache->Set(source, "a", a, 100));
  ASSERT_TRUE(cache->Set(source, "b", b, 100));
  ASSERT_TRUE(cache->Set(source, "c", c, 100));
  EXPECT_EQ(cache->GetMemoryUsage(), 300);
  EXPECT_EQ(cache->Get(source, "a"), a.GetPointer()); // a is now the most recent
  ASSERT_TRUE(cache->Set(source, "d", d, 100));
  EXPECT_LE(cache->GetMemoryUsage(), 300);
  EXPECT_EQ(cache->Get(source, "b"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "evicted");
  EXPECT_EQ(cache->Get(source, "a"), a.GetPointer());
  EXPECT_EQ(cache->Get(source, "c"), c.GetPointer());
  EXPECT_EQ(cache->Get(source, "d"), d.GetPointer());
  EXPECT_EQ(cache->GetNumberOfEvictions(), 1);

  EXPECT_FALSE(cache->Set(source, "huge", MakeValue(), 301)) << "larger than the whole budget";
  EXPECT_EQ(cache->Get(source, "huge"), nullptr);
  EXPECT_EQ(cache->GetNumberOfEntries(), 3);

  cache->SetMemoryBudget(150); // lowering evicts at once, oldest first
  EXPECT_EQ(cache->GetMemoryUsage(), 100);
  EXPECT_EQ(cache->Get(source, "d"), d.GetPointer());
}

// Eviction may run on any thread: it leaves the source's observers to the next call
// that names the source, which reports the eviction and releases them.
TEST(TrackedArrayCache, EvictedSourceIsReleasedByItsNextLookup)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(100);
  auto first = MakeArray<vtkFloatArray>();
  auto second = MakeArray<vtkFloatArray>();
  ASSERT_TRUE(cache->Set(first, "k", MakeValue(), 100));
  ASSERT_TRUE(cache->Set(second, "k", MakeValue(), 100));
  EXPECT_EQ(cache->GetNumberOfEntries(), 1);
  EXPECT_TRUE(first->HasObserver(vtkCommand::DeleteEvent));
  EXPECT_EQ(cache->Get(first, "k"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "evicted");
  EXPECT_FALSE(first->HasObserver(vtkCommand::DeleteEvent));
  EXPECT_EQ(cache->GetNumberOfTrackedSources(), 1);
  first = nullptr; // a source that dies while only remembered is forgotten too
}

TEST(TrackedArrayCache, MemoryUsageIsNeverAboveBudget)
{
  vtkNew<vtkTrackedArrayCache> cache;
  const vtkTypeInt64 budget = 64 * 1024;
  cache->SetMemoryBudget(budget);
  std::vector<vtkSmartPointer<vtkFloatArray>> sources;
  for (int i = 0; i < 200; ++i)
  {
    sources.push_back(MakeArray<vtkFloatArray>(1 + i % 7));
    auto value = vtkSmartPointer<vtkDoubleArray>::New();
    value->SetNumberOfValues(100 + 300 * (i % 11)); // sized from GetActualMemorySize
    cache->Set(sources.back(), "value", value);
    ASSERT_LE(cache->GetMemoryUsage(), budget);
  }
  EXPECT_GT(cache->GetNumberOfEvictions(), 0);
}

// Data objects as sources: their own MTime and the storage of all their arrays.
TEST(TrackedArrayCache, DataObjectSource)
{
  vtkNew<vtkTrackedArrayCache> cache;
  vtkNew<vtkPolyData> mesh;
  vtkNew<vtkPoints> points;
  points->SetNumberOfPoints(10);
  mesh->SetPoints(points);
  auto scalars = MakeArray<vtkFloatArray>(10);
  scalars->SetName("scalars");
  mesh->GetPointData()->AddArray(scalars);
  auto value = MakeValue();

  ASSERT_TRUE(cache->Set(mesh, "bounds", value));
  EXPECT_EQ(cache->Get(mesh, "bounds"), value.GetPointer());

  scalars->Modified(); // an array's Modified() is not the data object's event
  EXPECT_EQ(cache->Get(mesh, "bounds"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "modified");

  ASSERT_TRUE(cache->Set(mesh, "bounds", value));
  points->GetData()->SetNumberOfTuples(1000); // reallocates, no event
  EXPECT_EQ(cache->Get(mesh, "bounds"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "buffer-changed");

  ASSERT_TRUE(cache->Set(mesh, "bounds", value));
  mesh->Modified();
  EXPECT_EQ(cache->Get(mesh, "bounds"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "modified");
}

TEST(TrackedArrayCache, GetOrComputeComputesOnceAndStores)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeArray<vtkDoubleArray>();
  int computed = 0;
  auto compute = [&]
  {
    ++computed;
    return vtkSmartPointer<vtkObject>(MakeValue());
  };
  auto first = cache->GetOrCompute(source, "k", compute);
  auto second = cache->GetOrCompute(source, "k", compute);
  EXPECT_NE(first, nullptr);
  EXPECT_EQ(first, second);
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(cache->GetNumberOfMisses(), 1);
  EXPECT_EQ(cache->GetNumberOfHits(), 1);
  source->Modified();
  cache->GetOrCompute(source, "k", compute);
  EXPECT_EQ(computed, 2);
}

TEST(TrackedArrayCache, GetOrComputeDoesNotStoreWhatASourceChangeMadeStale)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeArray<vtkDoubleArray>();
  auto value = cache->GetOrCompute(source, "k",
    [&]
    {
      source->SetNumberOfTuples(10 * Tuples); // the data changes under the computation
      return vtkSmartPointer<vtkObject>(MakeValue());
    });
  EXPECT_NE(value, nullptr) << "the caller still gets what it computed";
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);

  EXPECT_EQ(
    cache->GetOrCompute(source, "null", [] { return vtkSmartPointer<vtkObject>(); }), nullptr);
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);
}

TEST(TrackedArrayCache, GetOrComputeReleasesWaitersWhenComputeThrows)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeArray<vtkDoubleArray>();
  EXPECT_THROW(cache->GetOrCompute(source, "k",
                 []() -> vtkSmartPointer<vtkObject> { throw std::runtime_error("boom"); }),
    std::runtime_error);
  // Not stuck "in progress": the next call computes.
  EXPECT_NE(
    cache->GetOrCompute(source, "k", [] { return vtkSmartPointer<vtkObject>(MakeValue()); }),
    nullptr);
}

// Scenario 8: 8 threads, shared keys, each value computed once.
TEST(TrackedArrayCache, ConcurrentGetOrComputeComputesEachValueOnce)
{
  vtkNew<vtkTrackedArrayCache> cache;
  constexpr int Threads = 8, Keys = 16, Rounds = 200;
  std::vector<vtkSmartPointer<vtkFloatArray>> sources;
  for (int i = 0; i < 4; ++i)
  {
    sources.push_back(MakeArray<vtkFloatArray>());
  }
  std::mutex countsMutex;
  std::map<std::pair<int, int>, int> computations;
  std::atomic<int> nullResults{ 0 };
  std::atomic<bool> go{ false };

  std::vector<std::thread> workers;
  for (int t = 0; t < Threads; ++t)
  {
    workers.emplace_back(
      [&, t]
      {
        while (!go)
        {
          std::this_thread::yield();
        }
        for (int round = 0; round < Rounds; ++round)
        {
          const int s = round % static_cast<int>(sources.size());
          const int k = (round / static_cast<int>(sources.size()) + t) % Keys;
          auto value = cache->GetOrCompute(sources[s], "key" + std::to_string(k),
            [&]
            {
              {
                std::lock_guard<std::mutex> lock(countsMutex);
                ++computations[{ s, k }];
              }
              std::this_thread::sleep_for(std::chrono::microseconds(200)); // widen the race
              return vtkSmartPointer<vtkObject>(MakeValue(k));
            });
          if (!value || vtkDoubleArray::SafeDownCast(value)->GetValue(0) != k)
          {
            ++nullResults;
          }
        }
      });
  }
  go = true;
  for (auto& worker : workers)
  {
    worker.join();
  }
  EXPECT_EQ(nullResults, 0);
  EXPECT_EQ(static_cast<int>(computations.size()), static_cast<int>(sources.size()) * Keys);
  for (const auto& counted : computations)
  {
    EXPECT_EQ(counted.second, 1) << "source " << counted.first.first << " key "
                                 << counted.first.second;
  }
  EXPECT_EQ(cache->GetNumberOfHits() + cache->GetNumberOfMisses(), Threads * Rounds);
  EXPECT_EQ(cache->GetNumberOfMisses(), static_cast<vtkTypeInt64>(computations.size()));
}

// Mixed operations from many threads, with sources changing under them: no crash, no
// deadlock, counts that add up (run under ThreadSanitizer by the test command).
TEST(TrackedArrayCache, ConcurrentMixedOperations)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(20 * 1024);
  constexpr int Threads = 8, Rounds = 2000;
  std::vector<std::thread> workers;
  std::atomic<vtkTypeInt64> lookups{ 0 };
  for (int t = 0; t < Threads; ++t)
  {
    workers.emplace_back(
      [&, t]
      {
        // Each thread owns its sources: VTK arrays are not safe to modify concurrently.
        std::vector<vtkSmartPointer<vtkFloatArray>> own = { MakeArray<vtkFloatArray>(),
          MakeArray<vtkFloatArray>() };
        for (int round = 0; round < Rounds; ++round)
        {
          auto& source = own[round % 2];
          const std::string key = "k" + std::to_string(round % 5);
          switch ((round * 31 + t) % 6)
          {
            case 0:
              cache->Set(source, key, MakeValue());
              break;
            case 1:
            case 2:
              cache->Get(source, key);
              ++lookups;
              break;
            case 3:
              cache->GetOrCompute(
                source, key, [] { return vtkSmartPointer<vtkObject>(MakeValue()); });
              ++lookups;
              break;
            case 4:
              source->Modified();
              break;
            default:
              if (round % 50 == 5)
              {
                source = MakeArray<vtkFloatArray>(); // the old array dies
              }
              else
              {
                source->SetNumberOfTuples(1 + round % 300);
              }
          }
          ASSERT_LE(cache->GetMemoryUsage(), 20 * 1024);
        }
      });
  }
  for (auto& worker : workers)
  {
    worker.join();
  }
  EXPECT_EQ(cache->GetNumberOfHits() + cache->GetNumberOfMisses(), lookups.load());
}

TEST(TrackedArrayCache, RecursiveComputeOfTheSameKeyFailsCleanly)
{
  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  auto source = MakeArray<vtkFloatArray>();
  vtkTrackedArrayCache* raw = cache;
  auto value = cache->GetOrCompute(source, "k",
    [&]
    {
      auto inner = raw->GetOrCompute(source, "k", [] { return vtkSmartPointer<vtkObject>(); });
      EXPECT_EQ(inner, nullptr);
      return vtkSmartPointer<vtkObject>(MakeValue());
    });
  EXPECT_NE(value, nullptr);
  EXPECT_TRUE(errors.Caught("waits, directly or through other threads, for itself"));
}

// Thread A computes K1 and asks for K2 while thread B computes K2 and asks for K1: one
// of the two inner requests is refused with an error instead of both waiting forever.
TEST(TrackedArrayCache, CrossThreadComputeCycleFailsCleanly)
{
  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  auto first = MakeArray<vtkFloatArray>();
  auto second = MakeArray<vtkFloatArray>();
  std::atomic<int> computing{ 0 };
  std::atomic<int> refused{ 0 };
  auto computeAskingFor = [&](vtkFloatArray* other)
  {
    return [&, other]
    {
      ++computing;
      while (computing < 2)
      {
        std::this_thread::yield();
      }
      auto inner =
        cache->GetOrCompute(other, "k", [] { return vtkSmartPointer<vtkObject>(MakeValue()); });
      refused += inner == nullptr;
      return vtkSmartPointer<vtkObject>(MakeValue());
    };
  };
  std::thread a([&] { cache->GetOrCompute(first, "k", computeAskingFor(second)); });
  std::thread b([&] { cache->GetOrCompute(second, "k", computeAskingFor(first)); });
  a.join();
  b.join();
  EXPECT_EQ(refused, 1);
  EXPECT_TRUE(errors.Caught("for itself"));
}

// A value that holds the last reference to another tracked source: invalidating it
// deletes that source, whose DeleteEvent reaches the cache again. No deadlock.
TEST(TrackedArrayCache, InvalidatingAValueThatOwnsATrackedSource)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeArray<vtkFloatArray>();
  auto filtered = MakeArray<vtkFloatArray>();
  ASSERT_TRUE(cache->Set(source, "filtered", filtered));
  ASSERT_TRUE(cache->Set(filtered, "derived", MakeValue()));
  filtered = nullptr; // the cache holds the last reference
  cache->Invalidate(source, "filtered");
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);
  EXPECT_EQ(cache->GetNumberOfTrackedSources(), 0);

  filtered = MakeArray<vtkFloatArray>();
  ASSERT_TRUE(cache->Set(source, "filtered", filtered));
  ASSERT_TRUE(cache->Set(filtered, "derived", MakeValue()));
  filtered = nullptr;
  cache->Invalidate(source);
  EXPECT_EQ(cache->GetNumberOfEntries(), 0);
}

// Composite data: a change inside a block, or to a block's name, is a change.
TEST(TrackedArrayCache, CompositeSourceSeesChangesInsideItsBlocks)
{
  vtkNew<vtkTrackedArrayCache> cache;
  vtkNew<vtkMultiBlockDataSet> blocks;
  vtkNew<vtkImageData> image;
  image->SetDimensions(2, 2, 2);
  vtkNew<vtkMultiBlockDataSet> inner;
  inner->SetNumberOfBlocks(1);
  inner->SetBlock(0, image);
  blocks->SetNumberOfBlocks(1);
  blocks->SetBlock(0, inner);
  auto value = MakeValue();

  ASSERT_TRUE(cache->Set(blocks, "k", value));
  EXPECT_EQ(cache->Get(blocks, "k"), value.GetPointer());
  image->SetSpacing(2, 2, 2);
  EXPECT_EQ(cache->Get(blocks, "k"), nullptr);
  EXPECT_STREQ(cache->GetLastMissReason(), "modified");

  ASSERT_TRUE(cache->Set(blocks, "k", value));
  inner->GetMetaData(0u)->Set(vtkCompositeDataSet::NAME(), "renamed");
  EXPECT_EQ(cache->Get(blocks, "k"), nullptr);

  ASSERT_TRUE(cache->Set(blocks, "k", value));
  image->GetDirectionMatrix()->SetElement(0, 1, 0.5); // edited in place
  EXPECT_EQ(cache->Get(blocks, "k"), nullptr);
  EXPECT_EQ(cache->GetDigest(blocks), vtkTrackedArrayCache::ComputeDigest(blocks));
}

TEST(TrackedArrayCache, BadInputsAreErrorsNotCrashes)
{
  vtkNew<vtkTrackedArrayCache> cache;
  ErrorCatcher errors(cache);
  auto source = MakeArray<vtkFloatArray>();
  auto value = MakeValue();
  vtkNew<vtkStaticPointLocator> notASource;

  EXPECT_FALSE(cache->Set(nullptr, "k", value));
  EXPECT_TRUE(errors.Caught("source is null"));
  EXPECT_FALSE(cache->Set(source, "", value));
  EXPECT_TRUE(errors.Caught("key is empty"));
  EXPECT_FALSE(cache->Set(source, "k", nullptr));
  EXPECT_TRUE(errors.Caught("is null"));
  EXPECT_FALSE(cache->Set(notASource, "k", value));
  EXPECT_TRUE(errors.Caught("neither a vtkAbstractArray nor a vtkDataObject"));
  EXPECT_FALSE(cache->Set(source, "k", value, -5)) << "an explicit size cannot be negative";

  errors.Messages.clear();
  EXPECT_EQ(cache->Get(nullptr, "k"), nullptr);
  EXPECT_EQ(cache->Get(source, ""), nullptr);
  EXPECT_EQ(cache->Get(notASource, "k"), nullptr);
  EXPECT_EQ(errors.Messages.size(), 3u);

  errors.Messages.clear();
  EXPECT_EQ(
    cache->GetOrCompute(nullptr, "k", [] { return vtkSmartPointer<vtkObject>(); }), nullptr);
  EXPECT_EQ(cache->GetOrCompute(source, "k", vtkTrackedArrayCache::ComputeFunction()), nullptr);
  EXPECT_TRUE(errors.Caught("No function"));
  EXPECT_EQ(
    cache->GetOrCompute(notASource, "k", [] { return vtkSmartPointer<vtkObject>(); }), nullptr);
  EXPECT_EQ(errors.Messages.size(), 3u);

  cache->SetMemoryBudget(-1);
  EXPECT_TRUE(errors.Caught("cannot be negative"));
  EXPECT_EQ(cache->GetMemoryBudget(), 0);
  cache->SetValidationMode(7);
  EXPECT_TRUE(errors.Caught("Unknown validation mode"));
  EXPECT_EQ(cache->GetValidationMode(), vtkTrackedArrayCache::Stamp);

  EXPECT_EQ(cache->GetNumberOfEntries(), 0);
  EXPECT_EQ(cache->GetNumberOfHits() + cache->GetNumberOfMisses(), 0)
    << "rejected calls are not lookups";
}

TEST(TrackedArrayCache, StatisticsAndReset)
{
  vtkNew<vtkTrackedArrayCache> cache;
  auto source = MakeArray<vtkFloatArray>();
  EXPECT_STREQ(cache->GetLastMissReason(), "");
  cache->Get(source, "k");
  cache->Set(source, "k", MakeValue());
  cache->Get(source, "k");
  cache->Get(source, "k");
  EXPECT_EQ(cache->GetNumberOfHits(), 2);
  EXPECT_EQ(cache->GetNumberOfMisses(), 1);
  EXPECT_EQ(cache->GetNumberOfEntries(), 1);
  cache->ResetStatistics();
  EXPECT_EQ(cache->GetNumberOfHits(), 0);
  EXPECT_EQ(cache->GetNumberOfMisses(), 0);
  EXPECT_STREQ(cache->GetLastMissReason(), "");
  EXPECT_EQ(cache->GetNumberOfEntries(), 1) << "entries are not statistics";
}

TEST(TrackedArrayCache, HitsAndMissesAreLoggedAtTheChosenVerbosity)
{
  vtkNew<vtkTrackedArrayCache> cache;
  LogCapture log;
  const std::vector<std::string>& lines = log.Lines;
  auto source = MakeArray<vtkFloatArray>();
  cache->Set(source, "k", MakeValue());
  cache->Get(source, "k"); // default verbosity TRACE: not captured at INFO
  EXPECT_TRUE(lines.empty());
  cache->SetLogVerbosity(vtkLogger::VERBOSITY_INFO);
  cache->Get(source, "k");
  source->Modified();
  cache->Get(source, "k");
  log.Stop();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("hit 'k' of vtkFloatArray"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("miss 'k' of vtkFloatArray"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("modified"), std::string::npos) << lines[1];
}

TEST(TrackedArrayCache, PrintSelfShowsEveryState)
{
  vtkNew<vtkTrackedArrayCache> cache;
  cache->SetMemoryBudget(1234);
  ExpectPrintsEvery(cache,
    { "ValidationMode: Stamp", "MemoryBudget: 1234", "MemoryUsage", "NumberOfEntries",
      "NumberOfTrackedSources", "NumberOfHits", "NumberOfMisses", "NumberOfEvictions",
      "NumberOfInvalidations", "LastMissReason", "LogVerbosity", "BufferChangedEventId",
      "ComputationsInProgress" });
}

TEST(TrackedArrayCache, BufferChangedEventIdMatchesTheVTKVersion)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  EXPECT_EQ(vtkTrackedArrayCache::GetBufferChangedEventId(), vtkCommand::BufferChangedEvent);
#else
  EXPECT_GT(vtkTrackedArrayCache::GetBufferChangedEventId(), vtkCommand::UserEvent);
#endif
}
}
