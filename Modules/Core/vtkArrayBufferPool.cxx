// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkArrayBufferPool.h"

#include "vtkBitArray.h"
#include "vtkDataArray.h"
#include "vtkObjectFactory.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedImplicitArrays.h"
#include "vtkTrackedSOAStorage.h"
#include "vtkTrackedVTKVersion.h"
#include "vtkVariant.h"
#include "vtkVariantCast.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

vtkStandardNewMacro(vtkArrayBufferPool);

namespace
{
bool IsNumericValueType(int dataType)
{
  switch (dataType)
  {
    vtkTemplateMacro(return true);
  }
  return false;
}

// Interleaves (or splits back) `Components` component runs and a tuple-major run. A
// compile-time count lets the compiler unroll the inner loop: packing is on the path
// of every SOA digest.
template <int Components, typename T>
void Interleave(T* const* component, vtkIdType tuples, int components, T* packed, bool toPacked)
{
  const int count = Components > 0 ? Components : components;
  for (vtkIdType t = 0; t < tuples; ++t)
  {
    T* tuple = packed + t * count;
    for (int c = 0; c < count; ++c)
    {
      if (toPacked)
      {
        tuple[c] = component[c][t];
      }
      else
      {
        component[c][t] = tuple[c];
      }
    }
  }
}

// Copies between tuples [begin, begin + tuples) of an array and a packed tuple-major
// run, in the direction `toPacked` says.
template <typename T>
void TransferSOA(
  vtkSOADataArrayTemplate<T>* array, vtkIdType begin, vtkIdType tuples, T* packed, bool toPacked)
{
  const int components = array->GetNumberOfComponents();
  bool single = false;
  T* values = vtkTrackedSOAStorage<T>::SingleBuffer(array, single);
  if (single)
  {
    T* first = values + begin * components;
    const std::size_t bytes = sizeof(T) * tuples * components;
    std::memcpy(toPacked ? packed : first, toPacked ? first : packed, bytes);
    return;
  }
  std::vector<T*> component(components);
  for (int c = 0; c < components; ++c)
  {
    component[c] = array->GetComponentArrayPointer(c) + begin;
  }
  switch (components)
  {
    case 1:
      std::memcpy(
        toPacked ? packed : component[0], toPacked ? component[0] : packed, sizeof(T) * tuples);
      break;
    case 2:
      Interleave<2>(component.data(), tuples, components, packed, toPacked);
      break;
    case 3:
      Interleave<3>(component.data(), tuples, components, packed, toPacked);
      break;
    case 4:
      Interleave<4>(component.data(), tuples, components, packed, toPacked);
      break;
    default:
      Interleave<0>(component.data(), tuples, components, packed, toPacked);
  }
}

// Any other numeric layout, through vtkVariant: exact for every value (a float NaN's
// payload, 64-bit integers), unlike the double-valued tuple API.
template <typename T>
void TransferGeneric(
  vtkDataArray* array, vtkIdType begin, vtkIdType tuples, T* packed, bool toPacked)
{
  const vtkIdType first = begin * array->GetNumberOfComponents();
  const vtkIdType count = tuples * array->GetNumberOfComponents();
  for (vtkIdType i = 0; i < count; ++i)
  {
    if (toPacked)
    {
      packed[i] = vtkVariantCast<T>(array->GetVariantValue(first + i));
    }
    else
    {
      array->SetVariantValue(first + i, vtkVariant(packed[i]));
    }
  }
}

void TransferBits(
  vtkBitArray* array, vtkIdType begin, vtkIdType tuples, unsigned char* packed, bool toPacked)
{
  const vtkIdType first = begin * array->GetNumberOfComponents();
  const vtkIdType count = tuples * array->GetNumberOfComponents();
  for (vtkIdType i = 0; i < count; ++i)
  {
    if (toPacked)
    {
      packed[i] = static_cast<unsigned char>(array->GetValue(first + i) != 0);
    }
    else
    {
      array->SetValue(first + i, packed[i] != 0);
    }
  }
}

void Transfer(vtkDataArray* array, vtkIdType begin, vtkIdType end, void* packed, bool toPacked)
{
  const vtkIdType tuples = end - begin;
  if (tuples == 0)
  {
    return; // an empty array may have no buffer: memcpy must not see its null pointer
  }
  if (auto* bits = vtkBitArray::SafeDownCast(array))
  {
    TransferBits(bits, begin, tuples, static_cast<unsigned char*>(packed), toPacked);
    return;
  }
  const bool soa = vtkTrackedWithSOAArray(array,
    [begin, tuples, packed, toPacked](auto* typed)
    {
      using ValueType = typename std::remove_pointer_t<decltype(typed)>::ValueType;
      TransferSOA(typed, begin, tuples, static_cast<ValueType*>(packed), toPacked);
    });
  if (soa)
  {
    return;
  }
  if (array->HasStandardMemoryLayout())
  {
    void* first = array->GetVoidPointer(begin * array->GetNumberOfComponents());
    const std::size_t bytes =
      static_cast<std::size_t>(array->GetDataTypeSize()) * tuples * array->GetNumberOfComponents();
    std::memcpy(toPacked ? packed : first, toPacked ? first : packed, bytes);
    return;
  }
  // Implicit arrays are only read: Unpack() refuses them.
  if (toPacked &&
    vtkTrackedImplicitArrays::Read(array, begin, tuples, packed,
      [](vtkDataArray* part, vtkIdType partBegin, vtkIdType partTuples, void* partPacked)
      { Transfer(part, partBegin, partBegin + partTuples, partPacked, /*toPacked=*/true); }))
  {
    return;
  }
  switch (array->GetDataType())
  {
    vtkTemplateMacro(TransferGeneric(array, begin, tuples, static_cast<VTK_TT*>(packed), toPacked));
  }
}

long long NanosecondsSince(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::steady_clock::now() - start)
    .count();
}
}

class vtkArrayBufferPool::vtkInternals
{
public:
  // (data type, number of values, handed out by Acquire() once): a buffer Acquire() handed
  // out may be held or observed by its user (VTK 9.7's numpy interface observes it from
  // Python), so leases, which digest worker threads take, never take or free it.
  using Shape = std::tuple<int, vtkIdType, bool>;
  struct Loan
  {
    vtkSmartPointer<vtkDataArray> Buffer;
    bool Exposed = false;
  };
  struct IdleBuffer
  {
    vtkSmartPointer<vtkDataArray> Buffer;
    Shape Key;
    vtkTypeInt64 Bytes = 0;
  };

  std::mutex Mutex;
  std::list<IdleBuffer> Idle; // front: released last
  std::multimap<Shape, std::list<IdleBuffer>::iterator> IdleByShape;
  std::unordered_map<vtkDataArray*, Loan> Leased;
  vtkTypeInt64 MaximumPooledBytes = 64 * 1024 * 1024;
  vtkTypeInt64 PooledBytes = 0;
  vtkTypeInt64 Reuses = 0;
  vtkTypeInt64 Allocations = 0;
  std::atomic<long long> PackNanoseconds{ 0 };
  std::atomic<long long> UnpackNanoseconds{ 0 };

  static vtkTypeInt64 BytesOf(vtkDataArray* buffer)
  {
    return static_cast<vtkTypeInt64>(buffer->GetNumberOfValues()) * buffer->GetDataTypeSize();
  }

  // Takes an idle buffer out of the pool; returns the next one in Idle.
  std::list<IdleBuffer>::iterator TakeIdle(std::list<IdleBuffer>::iterator idle)
  {
    auto range = this->IdleByShape.equal_range(idle->Key);
    for (auto it = range.first; it != range.second; ++it)
    {
      if (it->second == idle)
      {
        this->IdleByShape.erase(it);
        break;
      }
    }
    this->PooledBytes -= idle->Bytes;
    return this->Idle.erase(idle);
  }

  // Frees the longest-idle buffers until the idle bytes fit the cap; buffers Acquire()
  // handed out only if `mayFreeExposed` (not from a lease, in a worker thread).
  void Trim(std::vector<vtkSmartPointer<vtkDataArray>>& freed, bool mayFreeExposed)
  {
    for (auto idle = this->Idle.end();
         idle != this->Idle.begin() && this->PooledBytes > this->MaximumPooledBytes;)
    {
      --idle;
      if (mayFreeExposed || !std::get<2>(idle->Key))
      {
        freed.push_back(std::move(idle->Buffer));
        idle = this->TakeIdle(idle);
      }
    }
  }

  // An idle buffer of `shape`, leased now; null if none.
  vtkDataArray* LeaseIdle(const Shape& shape, bool exposed)
  {
    auto idle = this->IdleByShape.find(shape);
    if (idle == this->IdleByShape.end())
    {
      return nullptr;
    }
    auto entry = idle->second;
    vtkDataArray* buffer = entry->Buffer;
    this->Leased.emplace(buffer, Loan{ std::move(entry->Buffer), exposed });
    this->TakeIdle(entry);
    ++this->Reuses;
    return buffer;
  }
};

//------------------------------------------------------------------------------
vtkArrayBufferPool::vtkArrayBufferPool()
  : Internals(new vtkInternals)
{
}

//------------------------------------------------------------------------------
vtkArrayBufferPool::~vtkArrayBufferPool() = default;

//------------------------------------------------------------------------------
vtkDataArray* vtkArrayBufferPool::Acquire(int dataType, vtkIdType numberOfValues)
{
  return this->AcquireBuffer(dataType, numberOfValues, /*exposed=*/true);
}

//------------------------------------------------------------------------------
vtkDataArray* vtkArrayBufferPool::AcquireBuffer(
  int dataType, vtkIdType numberOfValues, bool exposed)
{
  if (!IsNumericValueType(dataType))
  {
    vtkErrorMacro("Cannot pool buffers of data type " << dataType << ": not a numeric type.");
    return nullptr;
  }
  if (numberOfValues < 0)
  {
    vtkErrorMacro("Cannot acquire a buffer of " << numberOfValues << " values.");
    return nullptr;
  }
  auto& internals = *this->Internals;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    // Acquire() prefers what it handed out before; a lease takes only what it did not.
    vtkDataArray* buffer = exposed
      ? internals.LeaseIdle(vtkInternals::Shape(dataType, numberOfValues, true), exposed)
      : nullptr;
    buffer = buffer
      ? buffer
      : internals.LeaseIdle(vtkInternals::Shape(dataType, numberOfValues, false), exposed);
    if (buffer)
    {
      return buffer;
    }
  }
  // Allocated outside the lock: a large buffer takes a while.
  vtkSmartPointer<vtkDataArray> created;
  created.TakeReference(vtkDataArray::CreateDataArray(dataType));
  created->SetNumberOfValues(numberOfValues);
  std::lock_guard<std::mutex> lock(internals.Mutex);
  ++internals.Allocations;
  vtkDataArray* buffer = created;
  internals.Leased.emplace(buffer, vtkInternals::Loan{ std::move(created), exposed });
  return buffer;
}

//------------------------------------------------------------------------------
void vtkArrayBufferPool::Release(vtkDataArray* buffer)
{
  this->ReleaseBuffer(buffer, /*mayFreeExposed=*/true);
}

//------------------------------------------------------------------------------
void vtkArrayBufferPool::ReleaseBuffer(vtkDataArray* buffer, bool mayFreeExposed)
{
  auto& internals = *this->Internals;
  std::vector<vtkSmartPointer<vtkDataArray>> freed;
  std::unique_lock<std::mutex> lock(internals.Mutex);
  auto leased = internals.Leased.find(buffer);
  if (leased == internals.Leased.end())
  {
    lock.unlock();
    vtkErrorMacro("Released a buffer this pool did not hand out, or already took back.");
    return;
  }
  vtkSmartPointer<vtkDataArray> returned = std::move(leased->second.Buffer);
  const bool exposed = leased->second.Exposed;
  internals.Leased.erase(leased);
  // A buffer reshaped by its user is not the shape it would be found under: drop it.
  if (returned->GetNumberOfComponents() != 1)
  {
    freed.push_back(std::move(returned));
    return;
  }
  const vtkInternals::Shape shape(returned->GetDataType(), returned->GetNumberOfValues(), exposed);
  const vtkTypeInt64 bytes = vtkInternals::BytesOf(returned);
  internals.Idle.push_front(vtkInternals::IdleBuffer{ std::move(returned), shape, bytes });
  internals.IdleByShape.emplace(shape, internals.Idle.begin());
  internals.PooledBytes += bytes;
  internals.Trim(freed, mayFreeExposed);
}

//------------------------------------------------------------------------------
vtkArrayBufferPool::Lease::Lease(vtkArrayBufferPool* pool, int dataType, vtkIdType numberOfValues)
  : Pool(pool)
  , Buffer(pool ? pool->AcquireBuffer(dataType, numberOfValues, /*exposed=*/false) : nullptr)
{
}

//------------------------------------------------------------------------------
vtkArrayBufferPool::Lease::~Lease()
{
  if (this->Buffer)
  {
    this->Pool->ReleaseBuffer(this->Buffer, /*mayFreeExposed=*/false);
  }
}

//------------------------------------------------------------------------------
vtkArrayBufferPool::Lease::Lease(Lease&& other) noexcept
  : Pool(other.Pool)
  , Buffer(std::exchange(other.Buffer, nullptr))
{
}

//------------------------------------------------------------------------------
vtkArrayBufferPool::Lease& vtkArrayBufferPool::Lease::operator=(Lease&& other) noexcept
{
  if (this != &other)
  {
    if (this->Buffer)
    {
      this->Pool->ReleaseBuffer(this->Buffer, /*mayFreeExposed=*/false);
    }
    this->Pool = other.Pool;
    this->Buffer = std::exchange(other.Buffer, nullptr);
  }
  return *this;
}

//------------------------------------------------------------------------------
int vtkArrayBufferPool::GetPackedDataType(vtkAbstractArray* array)
{
  if (!vtkDataArray::SafeDownCast(array))
  {
    return -1;
  }
  return array->GetDataType() == VTK_BIT ? VTK_UNSIGNED_CHAR : array->GetDataType();
}

//------------------------------------------------------------------------------
bool vtkArrayBufferPool::CheckTransfer(
  vtkAbstractArray* array, vtkIdType tupleBegin, vtkIdType tupleEnd, vtkDataArray* buffer)
{
  if (!array || !buffer)
  {
    vtkErrorMacro("Pack/Unpack need an array and a buffer.");
    return false;
  }
  const int packedType = GetPackedDataType(array);
  if (packedType < 0)
  {
    vtkErrorMacro("A " << array->GetClassName() << " has no numeric values to pack.");
    return false;
  }
  if (tupleBegin < 0 || tupleEnd < tupleBegin || tupleEnd > array->GetNumberOfTuples())
  {
    vtkErrorMacro("Tuples [" << tupleBegin << ", " << tupleEnd << ") are outside the "
                             << array->GetNumberOfTuples() << " tuples of the array.");
    return false;
  }
  const vtkIdType values = (tupleEnd - tupleBegin) * array->GetNumberOfComponents();
  if (buffer->GetArrayType() != vtkTrackedVTK::AOSArrayType ||
    buffer->GetDataType() != packedType || buffer->GetNumberOfValues() < values)
  {
    vtkErrorMacro("The buffer must be a contiguous "
      << vtkImageScalarTypeNameMacro(packedType) << " array of at least " << values << " values.");
    return false;
  }
  return true;
}

//------------------------------------------------------------------------------
bool vtkArrayBufferPool::Pack(
  vtkAbstractArray* array, vtkIdType tupleBegin, vtkIdType tupleEnd, vtkDataArray* buffer)
{
  if (!this->CheckTransfer(array, tupleBegin, tupleEnd, buffer))
  {
    return false;
  }
  const auto start = std::chrono::steady_clock::now();
  Transfer(static_cast<vtkDataArray*>(array), tupleBegin, tupleEnd, buffer->GetVoidPointer(0),
    /*toPacked=*/true);
  this->Internals->PackNanoseconds += NanosecondsSince(start);
  return true;
}

//------------------------------------------------------------------------------
bool vtkArrayBufferPool::Unpack(
  vtkAbstractArray* array, vtkIdType tupleBegin, vtkIdType tupleEnd, vtkDataArray* buffer)
{
  if (!this->CheckTransfer(array, tupleBegin, tupleEnd, buffer))
  {
    return false;
  }
  if (vtkTrackedVTK::IsImplicit(array))
  {
    vtkErrorMacro("Cannot unpack into a " << array->GetClassName()
                                          << ": an implicit array computes its values and "
                                             "ignores writes.");
    return false;
  }
  const auto start = std::chrono::steady_clock::now();
  Transfer(static_cast<vtkDataArray*>(array), tupleBegin, tupleEnd, buffer->GetVoidPointer(0),
    /*toPacked=*/false);
  array->Modified();
  this->Internals->UnpackNanoseconds += NanosecondsSince(start);
  return true;
}

//------------------------------------------------------------------------------
void vtkArrayBufferPool::SetMaximumPooledBytes(vtkTypeInt64 bytes)
{
  if (bytes < 0)
  {
    vtkErrorMacro("The pool's byte cap cannot be negative (" << bytes << ").");
    return;
  }
  std::vector<vtkSmartPointer<vtkDataArray>> freed;
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    if (this->Internals->MaximumPooledBytes == bytes)
    {
      return;
    }
    this->Internals->MaximumPooledBytes = bytes;
    this->Internals->Trim(freed, /*mayFreeExposed=*/true);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkArrayBufferPool::GetMaximumPooledBytes()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->MaximumPooledBytes;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkArrayBufferPool::GetPooledBytes()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->PooledBytes;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkArrayBufferPool::GetNumberOfLeasedBuffers()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return static_cast<vtkTypeInt64>(this->Internals->Leased.size());
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkArrayBufferPool::GetNumberOfReuses()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Reuses;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkArrayBufferPool::GetNumberOfAllocations()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Allocations;
}

//------------------------------------------------------------------------------
double vtkArrayBufferPool::GetPackSeconds()
{
  return 1e-9 * static_cast<double>(this->Internals->PackNanoseconds.load());
}

//------------------------------------------------------------------------------
double vtkArrayBufferPool::GetUnpackSeconds()
{
  return 1e-9 * static_cast<double>(this->Internals->UnpackNanoseconds.load());
}

//------------------------------------------------------------------------------
void vtkArrayBufferPool::ResetStatistics()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Reuses = this->Internals->Allocations = 0;
  this->Internals->PackNanoseconds = 0;
  this->Internals->UnpackNanoseconds = 0;
}

//------------------------------------------------------------------------------
void vtkArrayBufferPool::Clear()
{
  std::vector<vtkSmartPointer<vtkDataArray>> freed;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  for (auto& idle : this->Internals->Idle)
  {
    freed.push_back(std::move(idle.Buffer));
  }
  this->Internals->Idle.clear();
  this->Internals->IdleByShape.clear();
  this->Internals->PooledBytes = 0;
}

//------------------------------------------------------------------------------
void vtkArrayBufferPool::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  const auto& internals = *this->Internals;
  os << indent << "MaximumPooledBytes: " << internals.MaximumPooledBytes << "\n";
  os << indent << "PooledBytes: " << internals.PooledBytes << "\n";
  os << indent << "NumberOfIdleBuffers: " << internals.Idle.size() << "\n";
  os << indent << "NumberOfLeasedBuffers: " << internals.Leased.size() << "\n";
  os << indent << "NumberOfReuses: " << internals.Reuses << "\n";
  os << indent << "NumberOfAllocations: " << internals.Allocations << "\n";
  os << indent << "PackSeconds: " << 1e-9 * internals.PackNanoseconds.load() << "\n";
  os << indent << "UnpackSeconds: " << 1e-9 * internals.UnpackNanoseconds.load() << "\n";
}
