// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: content digests and packing of generic arrays. The bytes become the
// values of an array (first byte: value type, second: components); the same values in an
// AOS, an SOA and a generic (neither) array must digest alike, and packing the SOA array
// must give the AOS bytes and unpack back. Any mismatch aborts: a finding.
#include "../Cxx/TrackedTestHelpers.h"

#include "vtkAOSDataArrayTemplate.h"
#include "vtkArrayBufferPool.h"
#include "vtkNew.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkTrackedArrayCache.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace
{
void Check(bool condition, const char* what)
{
  if (!condition)
  {
    std::fprintf(stderr, "FuzzArrayDigest: %s\n", what);
    std::abort();
  }
}

template <typename T>
void Run(const std::uint8_t* bytes, std::size_t size, int components)
{
  const vtkIdType tuples = static_cast<vtkIdType>(size / (sizeof(T) * components));
  vtkNew<vtkAOSDataArrayTemplate<T>> aos;
  vtkNew<vtkSOADataArrayTemplate<T>> soa;
  auto generic = vtkSmartPointer<TrackedGenericArray<T>>::New();
  for (vtkDataArray* array : std::initializer_list<vtkDataArray*>{ aos, soa, generic })
  {
    array->SetNumberOfComponents(components);
    array->SetNumberOfTuples(tuples);
  }
  if (tuples > 0)
  {
    std::memcpy(aos->GetPointer(0), bytes, sizeof(T) * tuples * components);
  }
  for (vtkIdType t = 0; t < tuples; ++t)
  {
    for (int c = 0; c < components; ++c)
    {
      soa->SetTypedComponent(t, c, aos->GetTypedComponent(t, c));
      generic->SetTypedComponent(t, c, aos->GetTypedComponent(t, c));
    }
  }
  const std::string digest = vtkTrackedArrayCache::ComputeDigest(aos);
  Check(vtkTrackedArrayCache::ComputeDigest(soa) == digest, "SOA digest differs from AOS");
  Check(vtkTrackedArrayCache::ComputeDigest(generic) == digest, "generic digest differs from AOS");

  vtkNew<vtkArrayBufferPool> pool;
  vtkDataArray* packed = pool->Acquire(aos->GetDataType(), tuples * components);
  Check(pool->Pack(soa, 0, tuples, packed), "Pack failed");
  Check(tuples == 0 ||
      std::memcmp(packed->GetVoidPointer(0), aos->GetPointer(0), sizeof(T) * tuples * components) ==
        0,
    "packed bytes differ from the AOS values");
  vtkNew<vtkSOADataArrayTemplate<T>> back;
  back->SetNumberOfComponents(components);
  back->SetNumberOfTuples(tuples);
  Check(pool->Unpack(back, 0, tuples, packed), "Unpack failed");
  Check(vtkTrackedArrayCache::ComputeDigest(back) == digest, "unpacked digest differs");
  pool->Release(packed);
}
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size < 2)
  {
    return 0;
  }
  const int components = 1 + data[1] % 5;
  data += 2;
  size -= 2;
  switch (data[-2] % 6)
  {
    case 0:
      Run<float>(data, size, components);
      break;
    case 1:
      Run<double>(data, size, components);
      break;
    case 2:
      Run<int>(data, size, components);
      break;
    case 3:
      Run<vtkIdType>(data, size, components);
      break;
    case 4:
      Run<unsigned char>(data, size, components);
      break;
    default:
      Run<short>(data, size, components);
  }
  return 0;
}
