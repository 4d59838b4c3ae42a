// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedEntryArrays.h"

#include "vtkBitArray.h"
#include "vtkCharArray.h"
#include "vtkDoubleArray.h"
#include "vtkFloatArray.h"
#include "vtkIdTypeArray.h"
#include "vtkIntArray.h"
#include "vtkLongArray.h"
#include "vtkLongLongArray.h"
#include "vtkShortArray.h"
#include "vtkSignedCharArray.h"
#include "vtkStringArray.h"
#include "vtkTypeFloat32Array.h"
#include "vtkTypeFloat64Array.h"
#include "vtkTypeInt16Array.h"
#include "vtkTypeInt32Array.h"
#include "vtkTypeInt64Array.h"
#include "vtkTypeInt8Array.h"
#include "vtkTypeUInt16Array.h"
#include "vtkTypeUInt32Array.h"
#include "vtkTypeUInt64Array.h"
#include "vtkTypeUInt8Array.h"
#include "vtkUnsignedCharArray.h"
#include "vtkUnsignedIntArray.h"
#include "vtkUnsignedLongArray.h"
#include "vtkUnsignedLongLongArray.h"
#include "vtkUnsignedShortArray.h"
#include "vtkVariantArray.h"

#include <cstring>

namespace
{
struct StoredClass
{
  const char* Name;
  vtkAbstractArray* (*Make)();
  bool Canonical; // VTK's own class for its data type
};

template <typename ArrayT>
vtkAbstractArray* Make()
{
  return ArrayT::New();
}

#define TRACKED_CLASS(name, canonical)                                                             \
  {                                                                                                \
#name, &Make < name>, canonical                                                                \
  }
const StoredClass Classes[] = { TRACKED_CLASS(vtkCharArray, true),
  TRACKED_CLASS(vtkSignedCharArray, true), TRACKED_CLASS(vtkUnsignedCharArray, true),
  TRACKED_CLASS(vtkShortArray, true), TRACKED_CLASS(vtkUnsignedShortArray, true),
  TRACKED_CLASS(vtkIntArray, true), TRACKED_CLASS(vtkUnsignedIntArray, true),
  TRACKED_CLASS(vtkLongArray, true), TRACKED_CLASS(vtkUnsignedLongArray, true),
  TRACKED_CLASS(vtkLongLongArray, true), TRACKED_CLASS(vtkUnsignedLongLongArray, true),
  TRACKED_CLASS(vtkFloatArray, true), TRACKED_CLASS(vtkDoubleArray, true),
  TRACKED_CLASS(vtkIdTypeArray, true), TRACKED_CLASS(vtkBitArray, true),
  TRACKED_CLASS(vtkStringArray, true), TRACKED_CLASS(vtkVariantArray, true),
  TRACKED_CLASS(vtkTypeInt8Array, false), TRACKED_CLASS(vtkTypeUInt8Array, false),
  TRACKED_CLASS(vtkTypeInt16Array, false), TRACKED_CLASS(vtkTypeUInt16Array, false),
  TRACKED_CLASS(vtkTypeInt32Array, false), TRACKED_CLASS(vtkTypeUInt32Array, false),
  TRACKED_CLASS(vtkTypeInt64Array, false), TRACKED_CLASS(vtkTypeUInt64Array, false),
  TRACKED_CLASS(vtkTypeFloat32Array, false), TRACKED_CLASS(vtkTypeFloat64Array, false) };
#undef TRACKED_CLASS

// Each class's data type, learned once from an instance.
int TypeOf(const StoredClass& stored)
{
  vtkSmartPointer<vtkAbstractArray> array = vtkSmartPointer<vtkAbstractArray>::Take(stored.Make());
  return array->GetDataType();
}

const int* Types()
{
  static const auto* types = []
  {
    auto* all = new int[sizeof(Classes) / sizeof(Classes[0])];
    for (std::size_t i = 0; i < sizeof(Classes) / sizeof(Classes[0]); ++i)
    {
      all[i] = TypeOf(Classes[i]);
    }
    return all;
  }();
  return types;
}
}

const char* vtkTrackedEntryArrays::StoredClassName(vtkAbstractArray* array)
{
  const int type = array->GetDataType();
  const char* canonical = nullptr;
  for (std::size_t i = 0; i < sizeof(Classes) / sizeof(Classes[0]); ++i)
  {
    if (Types()[i] != type)
    {
      continue;
    }
    if (std::strcmp(Classes[i].Name, array->GetClassName()) == 0)
    {
      return Classes[i].Name;
    }
    canonical = Classes[i].Canonical ? Classes[i].Name : canonical;
  }
  return canonical;
}

vtkSmartPointer<vtkAbstractArray> vtkTrackedEntryArrays::New(const std::string& name, int type)
{
  for (std::size_t i = 0; i < sizeof(Classes) / sizeof(Classes[0]); ++i)
  {
    if (Types()[i] == type && name == Classes[i].Name)
    {
      return vtkSmartPointer<vtkAbstractArray>::Take(Classes[i].Make());
    }
  }
  return nullptr;
}
