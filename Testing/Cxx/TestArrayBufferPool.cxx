// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkArrayBufferPool: reuse, the byte cap, leases, pack/unpack
// round trips for every layout, bad input and concurrent use.
#include "vtkArrayBufferPool.h"

#include "TrackedTestHelpers.h"

#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkIdTypeArray.h"
#include "vtkNew.h"
#include "vtkStringArray.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace
{
TEST(ArrayBufferPool, SecondAcquireOfTheSameShapeAllocatesNothing)
{
  vtkNew<vtkArrayBufferPool> pool;
  vtkDataArray* first = pool->Acquire(VTK_FLOAT, 1000);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->GetDataType(), VTK_FLOAT);
  EXPECT_EQ(first->GetNumberOfValues(), 1000);
  EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 1);
  pool->Release(first);
  EXPECT_EQ(pool->GetPooledBytes(), 4000);

  vtkDataArray* second = pool->Acquire(VTK_FLOAT, 1000);
  EXPECT_EQ(second, first) << "the idle buffer is handed out again";
  EXPECT_EQ(pool->GetNumberOfAllocations(), 1);
  EXPECT_EQ(pool->GetNumberOfReuses(), 1);
  EXPECT_EQ(pool->GetPooledBytes(), 0);

  vtkDataArray* otherShape = pool->Acquire(VTK_FLOAT, 999);
  vtkDataArray* otherType = pool->Acquire(VTK_DOUBLE, 1000);
  EXPECT_EQ(pool->GetNumberOfAllocations(), 3);
  pool->Release(second);
  pool->Release(otherShape);
  pool->Release(otherType);
  EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 0);
}

TEST(ArrayBufferPool, CapKeepsTheMostRecentlyReleased)
{
  vtkNew<vtkArrayBufferPool> pool;
  pool->SetMaximumPooledBytes(1000);
  vtkDataArray* older = pool->Acquire(VTK_DOUBLE, 100); // 800 bytes
  vtkDataArray* newer = pool->Acquire(VTK_DOUBLE, 100);
  pool->Release(older);
  pool->Release(newer);
  EXPECT_EQ(pool->GetPooledBytes(), 800) << "two would exceed the cap";
  EXPECT_EQ(pool->Acquire(VTK_DOUBLE, 100), newer);
  EXPECT_EQ(pool->GetNumberOfReuses(), 1);
  vtkDataArray* again = pool->Acquire(VTK_DOUBLE, 100);
  EXPECT_EQ(pool->GetNumberOfAllocations(), 3) << "the older one was freed";
  pool->Release(newer);
  pool->Release(again);

  pool->SetMaximumPooledBytes(0);
  EXPECT_EQ(pool->GetPooledBytes(), 0);
  vtkDataArray* tooBig = pool->Acquire(VTK_CHAR, 10);
  pool->Release(tooBig);
  EXPECT_EQ(pool->GetPooledBytes(), 0);
}

TEST(ArrayBufferPool, LeaseReleasesOnScopeExitAndMoves)
{
  vtkNew<vtkArrayBufferPool> pool;
  {
    vtkArrayBufferPool::Lease lease(pool, VTK_INT, 64);
    ASSERT_TRUE(lease);
    EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 1);
    vtkArrayBufferPool::Lease moved(std::move(lease));
    EXPECT_FALSE(lease);
    EXPECT_TRUE(moved);
    EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 1);
  }
  EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 0);
  EXPECT_EQ(pool->GetPooledBytes(), 64 * static_cast<vtkTypeInt64>(sizeof(int)));
}

TEST(ArrayBufferPool, BadAcquireAndReleaseAreErrors)
{
  vtkNew<vtkArrayBufferPool> pool;
  vtkNew<vtkFloatArray> stranger;
  ErrorCatcher errors(pool);
  EXPECT_EQ(pool->Acquire(VTK_BIT, 10), nullptr);
  EXPECT_EQ(pool->Acquire(VTK_STRING, 10), nullptr);
  EXPECT_EQ(pool->Acquire(12345, 10), nullptr);
  EXPECT_EQ(pool->Acquire(VTK_FLOAT, -1), nullptr);
  pool->Release(stranger);
  pool->Release(nullptr);
  pool->SetMaximumPooledBytes(-5);
  EXPECT_EQ(errors.Messages.size(), 7u);
  EXPECT_EQ(pool->GetNumberOfAllocations(), 0);
}

// Every layout packs to and unpacks from the same tuple-major values.
template <typename ArrayT>
class PackRoundTrip : public ::testing::Test
{
};

using PackedLayouts = ::testing::Types<vtkFloatArray, vtkIdTypeArray,
  vtkSOADataArrayTemplate<double>, vtkSOADataArrayTemplate<vtkIdType>, TrackedGenericArray<double>,
  TrackedGenericArray<long long>>;
TYPED_TEST_SUITE(PackRoundTrip, PackedLayouts);

TYPED_TEST(PackRoundTrip, SubRange)
{
  using T = typename TypeParam::ValueType;
  // 64-bit values beyond 2^53 check that no layout goes through double.
  const T big = sizeof(T) == 8 && std::is_integral<T>::value ? static_cast<T>(1LL << 60) : T(0);
  auto array = MakeFilled<TypeParam>(10, 3, [&](vtkIdType i) { return static_cast<T>(big + i); });
  vtkNew<vtkArrayBufferPool> pool;
  vtkArrayBufferPool::Lease buffer(pool, vtkArrayBufferPool::GetPackedDataType(array), 12);
  ASSERT_TRUE(pool->Pack(array, 3, 7, buffer.Get()));
  auto* packed = static_cast<T*>(buffer.Get()->GetVoidPointer(0));
  for (vtkIdType i = 0; i < 12; ++i)
  {
    ASSERT_EQ(packed[i], static_cast<T>(big + 9 + i)) << "value " << i;
  }

  for (vtkIdType i = 0; i < 12; ++i)
  {
    packed[i] = static_cast<T>(big + 1000 + i);
  }
  const vtkMTimeType before = array->GetMTime();
  ASSERT_TRUE(pool->Unpack(array, 3, 7, buffer.Get()));
  EXPECT_GT(array->GetMTime(), before) << "Unpack calls Modified()";
  for (vtkIdType i = 0; i < 30; ++i)
  {
    const bool written = i >= 9 && i < 21;
    ASSERT_EQ(array->GetVariantValue(i).ToTypeInt64(),
      vtkVariant(static_cast<T>(written ? big + 1000 + i - 9 : big + i)).ToTypeInt64())
      << "value " << i;
  }
}

TEST(ArrayBufferPool, BitArraysPackOneBytePerValue)
{
  auto bits =
    MakeFilled<vtkBitArray>(20, 1, [](vtkIdType i) { return static_cast<int>(i % 3 == 0); });
  vtkNew<vtkArrayBufferPool> pool;
  ASSERT_EQ(vtkArrayBufferPool::GetPackedDataType(bits), VTK_UNSIGNED_CHAR);
  vtkArrayBufferPool::Lease buffer(pool, VTK_UNSIGNED_CHAR, 20);
  ASSERT_TRUE(pool->Pack(bits, 0, 20, buffer.Get()));
  auto* packed = static_cast<unsigned char*>(buffer.Get()->GetVoidPointer(0));
  for (int i = 0; i < 20; ++i)
  {
    ASSERT_EQ(packed[i], i % 3 == 0 ? 1 : 0);
    packed[i] = static_cast<unsigned char>(i % 2);
  }
  ASSERT_TRUE(pool->Unpack(bits, 0, 20, buffer.Get()));
  for (int i = 0; i < 20; ++i)
  {
    ASSERT_EQ(bits->GetValue(i), i % 2);
  }
}

TEST(ArrayBufferPool, BadPackIsAnErrorAndTouchesNothing)
{
  vtkNew<vtkArrayBufferPool> pool;
  auto array = MakeFilled<vtkFloatArray>(10, 2, [](vtkIdType i) { return static_cast<float>(i); });
  vtkNew<vtkStringArray> strings;
  strings->SetNumberOfValues(3);
  vtkArrayBufferPool::Lease small(pool, VTK_FLOAT, 3);
  vtkArrayBufferPool::Lease doubles(pool, VTK_DOUBLE, 100);
  vtkArrayBufferPool::Lease floats(pool, VTK_FLOAT, 100);
  auto soa = MakeFilled<vtkSOADataArrayTemplate<float>>(50, 2, [](vtkIdType) { return 0.f; });
  ErrorCatcher errors(pool);
  EXPECT_FALSE(pool->Pack(array, 0, 2, small.Get()));   // too small
  EXPECT_FALSE(pool->Pack(array, 0, 2, doubles.Get())); // wrong type
  EXPECT_FALSE(pool->Pack(array, -1, 2, floats.Get()));
  EXPECT_FALSE(pool->Pack(array, 5, 11, floats.Get()));
  EXPECT_FALSE(pool->Pack(array, 6, 5, floats.Get()));
  EXPECT_FALSE(pool->Pack(strings, 0, 1, floats.Get()));
  EXPECT_FALSE(pool->Pack(nullptr, 0, 1, floats.Get()));
  EXPECT_FALSE(pool->Unpack(array, 0, 1, nullptr));
  EXPECT_FALSE(pool->Pack(array, 0, 1, soa)); // not contiguous
  EXPECT_EQ(errors.Messages.size(), 9u);
  EXPECT_EQ(array->GetValue(0), 0.f);
  EXPECT_EQ(pool->GetPackSeconds(), 0.0) << "nothing was packed";
}

TEST(ArrayBufferPool, ConcurrentAcquirePackRelease)
{
  vtkNew<vtkArrayBufferPool> pool;
  auto source = MakeFilled<vtkSOADataArrayTemplate<double>>(
    1000, 3, [](vtkIdType i) { return static_cast<double>(i); });
  constexpr int Threads = 4, Rounds = 500;
  std::atomic<int> wrong{ 0 };
  std::vector<std::thread> workers;
  for (int t = 0; t < Threads; ++t)
  {
    workers.emplace_back(
      [&, t]
      {
        for (int round = 0; round < Rounds; ++round)
        {
          const vtkIdType tuples = 1 + (round + t) % 7;
          vtkArrayBufferPool::Lease buffer(pool, VTK_DOUBLE, tuples * 3);
          pool->Pack(source, round, round + tuples, buffer.Get());
          const auto* packed = static_cast<const double*>(buffer.Get()->GetVoidPointer(0));
          if (packed[0] != 3.0 * round || packed[tuples * 3 - 1] != 3.0 * (round + tuples) - 1)
          {
            ++wrong;
          }
        }
      });
  }
  for (auto& worker : workers)
  {
    worker.join();
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(pool->GetNumberOfLeasedBuffers(), 0);
  EXPECT_EQ(pool->GetNumberOfReuses() + pool->GetNumberOfAllocations(), Threads * Rounds);
  EXPECT_LE(pool->GetNumberOfAllocations(), Threads * 7)
    << "at most one buffer per shape and thread";
  EXPECT_GT(pool->GetPackSeconds(), 0.0);
}
}
