// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedImplicitArrays.h"

#include "vtkDataArray.h"
#include "vtkTrackedVTKVersion.h"

#if VTK_TRACKED_HAS_IMPLICIT_ARRAYS
#include "vtkAOSDataArrayTemplate.h"
#include "vtkAffineArray.h"
#include "vtkCompositeArray.h"
#include "vtkConstantArray.h"
#include "vtkIndexedArray.h"
#include "vtkStridedArray.h"
#include "vtkStructuredPointArray.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace
{
using vtkTrackedImplicitArrays::Dependencies;
using vtkTrackedImplicitArrays::PartReader;

template <typename T>
std::uint64_t Bits(T value)
{
  static_assert(sizeof(T) <= sizeof(std::uint64_t), "a value type wider than 64 bits");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  return bits;
}

std::uint64_t Identity(const void* object)
{
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(object));
}

template <typename T>
void DescribeAffine(vtkAffineArray<T>* array, Dependencies& dependencies)
{
  auto backend = array->GetBackend();
  dependencies.Parameters = { Identity(backend.get()), backend ? Bits(backend->Slope) : 0,
    backend ? Bits(backend->Intercept) : 0 };
}

template <typename T>
void DescribeConstant(vtkConstantArray<T>* array, Dependencies& dependencies)
{
  auto backend = array->GetBackend();
  dependencies.Parameters = { Identity(backend.get()), backend ? Bits(backend->Value) : 0 };
}

template <typename T>
void DescribeIndexed(vtkIndexedArray<T>* array, Dependencies& dependencies)
{
  auto backend = array->GetBackend();
  dependencies.Parameters = { Identity(backend.get()),
    static_cast<std::uint64_t>(backend && backend->GetMapTuples()) };
  if (backend)
  {
    dependencies.Reads = { backend->GetBaseArray(), backend->GetIndexArray() };
  }
}

template <typename T>
void DescribeComposite(vtkCompositeArray<T>* array, Dependencies& dependencies)
{
  auto backend = array->GetBackend();
  dependencies.Parameters = { Identity(backend.get()) };
  for (vtkIdType part = 0; backend && part < backend->GetNumberOfArrays(); ++part)
  {
    dependencies.Reads.push_back(backend->GetArray(part));
    dependencies.Parameters.push_back(static_cast<std::uint64_t>(backend->GetOffset(part)));
  }
}

template <typename T>
void DescribeStrided(vtkStridedArray<T>* array, Dependencies& dependencies)
{
  auto backend = array->GetBackend();
  dependencies.Parameters = { Identity(backend.get()),
    backend ? static_cast<std::uint64_t>(backend->GetStride()) : 0,
    backend ? static_cast<std::uint64_t>(backend->GetOffset()) : 0 };
  dependencies.Parameters.push_back(Identity(backend ? backend->GetBuffer() : nullptr));
  dependencies.Known = false; // whoever owns the buffer may write into it
}

template <typename T>
void DescribeStructuredPoints(vtkStructuredPointArray<T>* array, Dependencies& dependencies)
{
  auto backend = array->GetBackend();
  dependencies.Parameters = { Identity(backend.get()) };
  if (backend)
  {
    dependencies.Parameters.push_back(backend->GetUsesDirectionMatrix());
    dependencies.Reads = { backend->GetXCoordinates(), backend->GetYCoordinates(),
      backend->GetZCoordinates() };
  }
}

template <typename T>
bool DescribeTyped(vtkDataArray* array, Dependencies& dependencies)
{
  dependencies.Known = true;
  switch (array->GetArrayType())
  {
    case vtkArrayTypes::VTK_AFFINE_ARRAY:
      DescribeAffine(static_cast<vtkAffineArray<T>*>(array), dependencies);
      break;
    case vtkArrayTypes::VTK_CONSTANT_ARRAY:
      DescribeConstant(static_cast<vtkConstantArray<T>*>(array), dependencies);
      break;
    case vtkArrayTypes::VTK_INDEXED_ARRAY:
      DescribeIndexed(static_cast<vtkIndexedArray<T>*>(array), dependencies);
      break;
    case vtkArrayTypes::VTK_COMPOSITE_ARRAY:
      DescribeComposite(static_cast<vtkCompositeArray<T>*>(array), dependencies);
      break;
    case vtkArrayTypes::VTK_STRIDED_ARRAY:
      DescribeStrided(static_cast<vtkStridedArray<T>*>(array), dependencies);
      break;
    case vtkArrayTypes::VTK_STRUCTURED_POINT_ARRAY:
      DescribeStructuredPoints(static_cast<vtkStructuredPointArray<T>*>(array), dependencies);
      break;
    default:
      dependencies.Known = false; // std::function or a user's backend
  }
  // Arrays a backend was built without (null) read nothing.
  dependencies.Reads.erase(
    std::remove(dependencies.Reads.begin(), dependencies.Reads.end(), nullptr),
    dependencies.Reads.end());
  return true;
}

// Typed tuples from the backend: one call per value or tuple, no vtkVariant.
template <typename ArrayT>
void ReadTuples(
  ArrayT* array, vtkIdType begin, vtkIdType tuples, typename ArrayT::ValueType* packed)
{
  const int components = array->GetNumberOfComponents();
  for (vtkIdType t = 0; t < tuples; ++t)
  {
    array->GetTypedTuple(begin + t, packed + t * components);
  }
}

// Slope * index + Intercept, as the backend computes it (the usual arithmetic conversions
// of `ValueType * vtkIdType + ValueType`), without a call per value. Checked against the
// backend on samples first; tuple by tuple through it if any differ.
template <typename T>
void ReadAffine(vtkAffineArray<T>* array, vtkIdType begin, vtkIdType tuples, T* packed)
{
  auto backend = array->GetBackend();
  if (!backend)
  {
    return;
  }
  const T slope = backend->Slope;
  const T intercept = backend->Intercept;
  auto value = [slope, intercept](vtkIdType index)
  { return static_cast<T>(slope * index + intercept); };
  const vtkIdType first = begin * array->GetNumberOfComponents();
  const vtkIdType count = tuples * array->GetNumberOfComponents();
  for (vtkIdType sample = 0; sample < count; sample += 1 + count / 64)
  {
    if (value(first + sample) != (*backend)(first + sample) ||
      value(first + count - 1 - sample) != (*backend)(first + count - 1 - sample))
    {
      ReadTuples(array, begin, tuples, packed);
      return;
    }
  }
  vtkIdType i = 0;
  if (std::is_floating_point<T>::value && first + count < (vtkIdType(1) << 53))
  {
    // The index converted to T exactly as above (through a double, which holds it
    // exactly), one integer conversion per block of values: the block vectorizes.
    constexpr int Block = 8;
    for (; i + Block <= count; i += Block)
    {
      const double index = static_cast<double>(first + i);
      for (int k = 0; k < Block; ++k)
      {
        packed[i + k] = static_cast<T>(slope * static_cast<T>(index + k) + intercept);
      }
    }
  }
  for (; i < count; ++i)
  {
    packed[i] = value(first + i);
  }
}

// Runs of `stride` values of `values` at each of `count` indexes; false at the first index
// outside the `size` values. `Stride` > 0 fixes the stride at compile time (1 to 4: the
// copies unroll).
template <int Stride, typename T, typename Index>
bool Gather(const Index* indexes, vtkIdType count, vtkIdType stride, const T* values,
  vtkIdType size, T* packed)
{
  const vtkIdType run = Stride > 0 ? Stride : stride;
  for (vtkIdType i = 0; i < count; ++i)
  {
    const vtkIdType at = static_cast<vtkIdType>(indexes[i]) * run;
    if (static_cast<std::uint64_t>(at) + run > static_cast<std::uint64_t>(size)) // or at < 0
    {
      return false;
    }
    for (vtkIdType c = 0; c < run; ++c) // a few values: a call to memmove costs more
    {
      packed[i * run + c] = values[at + c];
    }
  }
  return true;
}

template <typename T, typename Index>
bool Gather(const Index* indexes, vtkIdType count, vtkIdType stride, const T* values,
  vtkIdType size, T* packed)
{
  switch (stride)
  {
    case 1:
      return Gather<1>(indexes, count, stride, values, size, packed);
    case 2:
      return Gather<2>(indexes, count, stride, values, size, packed);
    case 3:
      return Gather<3>(indexes, count, stride, values, size, packed);
    case 4:
      return Gather<4>(indexes, count, stride, values, size, packed);
  }
  return Gather<0>(indexes, count, stride, values, size, packed);
}

// Gathered from a contiguous base array of the same type through contiguous vtkIdType or
// int indexes; tuple by tuple through the backend for any other base or index array, or an
// index out of the base's range.
template <typename T>
void ReadIndexed(vtkIndexedArray<T>* array, vtkIdType begin, vtkIdType tuples, T* packed)
{
  auto backend = array->GetBackend();
  auto* base =
    backend ? vtkAOSDataArrayTemplate<T>::FastDownCast(backend->GetBaseArray()) : nullptr;
  vtkDataArray* indexes = backend ? backend->GetIndexArray() : nullptr;
  const int components = array->GetNumberOfComponents();
  const vtkIdType stride = backend && backend->GetMapTuples() ? components : 1;
  const vtkIdType first = begin * components / stride;
  const vtkIdType count = tuples * components / stride;
  bool gathered = false;
  if (base && indexes && indexes->GetNumberOfComponents() == 1 &&
    first + count <= indexes->GetNumberOfValues())
  {
    const T* values = base->GetPointer(0);
    const vtkIdType size = base->GetNumberOfValues();
    if (auto* ids = vtkAOSDataArrayTemplate<vtkIdType>::FastDownCast(indexes))
    {
      gathered = Gather(ids->GetPointer(first), count, stride, values, size, packed);
    }
    else if (auto* ints = vtkAOSDataArrayTemplate<int>::FastDownCast(indexes))
    {
      gathered = Gather(ints->GetPointer(first), count, stride, values, size, packed);
    }
  }
  if (!gathered)
  {
    ReadTuples(array, begin, tuples, packed);
  }
}

template <typename T>
void ReadConstant(vtkConstantArray<T>* array, vtkIdType tuples, T* packed)
{
  auto backend = array->GetBackend();
  std::fill(
    packed, packed + tuples * array->GetNumberOfComponents(), backend ? backend->Value : T());
}

// Part by part, each through `readPart` (an AOS part is one memcpy) when the part holds the
// tuples the composite's offsets give it in the composite's value type; else tuple by tuple.
template <typename T>
void ReadComposite(vtkCompositeArray<T>* array, vtkIdType begin, vtkIdType tuples, T* packed,
  const PartReader& readPart)
{
  auto backend = array->GetBackend();
  const vtkIdType parts = backend ? backend->GetNumberOfArrays() : 0;
  const int components = array->GetNumberOfComponents();
  const vtkIdType end = begin + tuples;
  for (vtkIdType part = 0; part < parts; ++part)
  {
    const vtkIdType first = backend->GetOffset(part);
    const vtkIdType last =
      part + 1 < parts ? backend->GetOffset(part + 1) : array->GetNumberOfTuples();
    const vtkIdType from = std::max(begin, first);
    const vtkIdType to = std::min(end, last);
    if (from >= to)
    {
      continue;
    }
    vtkDataArray* values = backend->GetArray(part);
    T* target = packed + (from - begin) * components;
    if (values && values->GetDataType() == array->GetDataType() &&
      values->GetNumberOfComponents() == components && values->GetNumberOfTuples() == last - first)
    {
      readPart(values, from - first, to - from, target);
    }
    else
    {
      ReadTuples(array, from, to - from, target);
    }
  }
}

template <typename T>
bool ReadTyped(
  vtkDataArray* array, vtkIdType begin, vtkIdType tuples, T* packed, const PartReader& readPart)
{
  switch (array->GetArrayType())
  {
    case vtkArrayTypes::VTK_CONSTANT_ARRAY:
      ReadConstant(static_cast<vtkConstantArray<T>*>(array), tuples, packed);
      return true;
    case vtkArrayTypes::VTK_COMPOSITE_ARRAY:
      ReadComposite(static_cast<vtkCompositeArray<T>*>(array), begin, tuples, packed, readPart);
      return true;
    case vtkArrayTypes::VTK_AFFINE_ARRAY:
      ReadAffine(static_cast<vtkAffineArray<T>*>(array), begin, tuples, packed);
      return true;
    case vtkArrayTypes::VTK_INDEXED_ARRAY:
      ReadIndexed(static_cast<vtkIndexedArray<T>*>(array), begin, tuples, packed);
      return true;
    case vtkArrayTypes::VTK_STRIDED_ARRAY:
      ReadTuples(static_cast<vtkStridedArray<T>*>(array), begin, tuples, packed);
      return true;
    case vtkArrayTypes::VTK_STRUCTURED_POINT_ARRAY:
      ReadTuples(static_cast<vtkStructuredPointArray<T>*>(array), begin, tuples, packed);
      return true;
  }
  return false; // a backend of unknown type: the caller's generic path
}
}
#endif

//------------------------------------------------------------------------------
bool vtkTrackedImplicitArrays::Describe(vtkAbstractArray* array, Dependencies& dependencies)
{
  dependencies = Dependencies();
  if (!vtkTrackedVTK::IsImplicit(array))
  {
    return false;
  }
#if VTK_TRACKED_HAS_IMPLICIT_ARRAYS
  switch (array->GetDataType())
  {
    vtkTemplateMacro(return DescribeTyped<VTK_TT>(static_cast<vtkDataArray*>(array), dependencies));
  }
#endif
  return true; // implicit, of a value type no known backend has: nothing is known
}

//------------------------------------------------------------------------------
bool vtkTrackedImplicitArrays::Read(
  vtkDataArray* array, vtkIdType begin, vtkIdType tuples, void* packed, const PartReader& readPart)
{
  if (!vtkTrackedVTK::IsImplicit(array))
  {
    return false;
  }
#if VTK_TRACKED_HAS_IMPLICIT_ARRAYS
  switch (array->GetDataType())
  {
    vtkTemplateMacro(
      return ReadTyped(array, begin, tuples, static_cast<VTK_TT*>(packed), readPart));
  }
#else
  (void)begin;
  (void)tuples;
  (void)packed;
  (void)readPart;
#endif
  return false;
}
