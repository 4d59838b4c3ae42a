// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedImplicitArrays.h
 * @brief Private: what an implicit array's values depend on, and its values read fast.
 *
 * An implicit array (vtkImplicitArray with a backend; tracked on VTK >= 9.7) has no buffer: its
 * values are computed by the backend, from parameters (an affine array's slope and intercept, a
 * constant), from other arrays (an indexed array's base and index arrays, a composite
 * array's parts, a structured point array's coordinates) or from a buffer it does not own (a
 * strided array). vtkAppendFilter and vtkAppendPolyData with UseImplicitArrayOn() make
 * composite arrays of their inputs' arrays: writing into an input changes the output's
 * values while the output's arrays keep their MTime. A stamp therefore records what a
 * known backend reads, and hands anything else (a std::function or user backend) to content
 * validation.
 *
 * Reading values avoids a vtkVariant per value: constant arrays are filled, composite arrays
 * read part by part, the others are asked for typed tuples.
 *
 * @sa
 * vtkTrackedStamp vtkTrackedDigest
 */

#ifndef vtkTrackedImplicitArrays_h
#define vtkTrackedImplicitArrays_h

#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include "vtkType.h"

#include <cstdint>    // for the parameter words
#include <functional> // for the part reader
#include <vector>     // for the parameters and the arrays read

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkDataArray;
VTK_ABI_NAMESPACE_END

namespace vtkTrackedImplicitArrays
{
/**
 * What an implicit array's values are computed from.
 */
struct Dependencies
{
  std::vector<std::uint64_t> Parameters; // the backend's identity and parameter bits
  std::vector<vtkDataArray*> Reads;      // the arrays it reads
  // False when the values also depend on what a stamp cannot see: memory of another's (a
  // strided array's buffer) or a backend of unknown kind (std::function, a user's).
  bool Known = false;
};

/**
 * Whether `array` is implicit; if so, `dependencies` receives what its values depend on.
 */
VTKTRACKEDARRAYCACHE_EXPORT bool Describe(vtkAbstractArray* array, Dependencies& dependencies);

/**
 * Writes tuples [begin, begin + tuples) of another array (a composite array's part), as
 * tuple-major values of its own type.
 */
using PartReader =
  std::function<void(vtkDataArray* part, vtkIdType begin, vtkIdType tuples, void* packed)>;

/**
 * Writes tuples [begin, begin + tuples) of an implicit `array` into `packed`, tuple-major, as
 * values of the array's type; composite parts go through `readPart`. False, writing nothing,
 * when `array` is not an implicit array of a standard value type.
 */
VTKTRACKEDARRAYCACHE_EXPORT bool Read(
  vtkDataArray* array, vtkIdType begin, vtkIdType tuples, void* packed, const PartReader& readPart);
}

#endif
