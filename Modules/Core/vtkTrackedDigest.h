// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedDigest
 * @brief Private: XXH3-128 content digests of arrays and data objects.
 *
 * An array's digest covers its data type, number of components, number of tuples and
 * its live values in tuple-major order (never the slack capacity), and nothing about
 * its memory layout: an AOS and an SOA array with the same values have the same digest.
 * The values, as a byte stream (native little-endian bytes; one byte per value for bit
 * arrays), are cut into fixed chunks of ChunkBytes; each chunk is hashed with XXH3-128
 * and the digest is XXH3-128 of a header (type, components, tuples) followed by the
 * chunk digests. So the digest does not depend on how many threads hash the chunks.
 * Contiguous values (AOS arrays, SOA arrays with one component or one buffer) are hashed in
 * place; SOA components are interleaved into the hash in L1-sized pieces by the XXH3
 * kernel; bit and other numeric arrays are packed piece by piece into pooled buffers
 * (vtkArrayBufferPool) and streamed. String and variant arrays hash each value's type,
 * length and bytes, in chunks of ChunkStrings values.
 *
 * A data object's digest covers its class, its structure (extent, origin, spacing and
 * direction of image data; extents of structured grids; everything else of the
 * supported types lives in arrays), every array it owns with its role, name and
 * attribute roles, field data, and for composite data the tree: child counts, block
 * names (vtkCompositeDataSet::NAME) and empty blocks.
 *
 * Hashing uses XXH3 compiled inline for the widest SIMD the CPU has (SSE2, AVX2,
 * AVX-512), chosen at start (vtkTrackedXXH3.h). xxHash stays in the .cxx files.
 *
 * @sa
 * vtkTrackedDigestMemo vtkTrackedXXH3 vtkArrayBufferPool
 */

#ifndef vtkTrackedDigest_h
#define vtkTrackedDigest_h

#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include "vtkType.h"

#include <cstdint>    // for the digest words
#include <functional> // for the array digest callback
#include <string>     // for the text form
#include <vector>     // for the digests of several arrays

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkDataObject;
VTK_ABI_NAMESPACE_END

class vtkArrayBufferPool;

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedDigest
{
public:
  static constexpr std::size_t ChunkBytes = std::size_t(1) << 20;
  static constexpr vtkIdType ChunkStrings = 16384;

  std::uint64_t High = 0;
  std::uint64_t Low = 0;

  bool operator==(const vtkTrackedDigest& other) const
  {
    return this->High == other.High && this->Low == other.Low;
  }
  bool operator!=(const vtkTrackedDigest& other) const { return !(*this == other); }

  /**
   * "xxh3-128:" followed by 32 lowercase hex digits (the canonical big-endian form).
   */
  std::string ToString() const;

  /**
   * ToString() written into `text`, which allocates nothing when `text` already holds as
   * many characters (a caller reusing one string).
   */
  void AssignText(std::string& text) const;

  /**
   * Whether `text` has the form ToString() gives.
   */
  static bool IsWellFormed(const std::string& text);

  /**
   * The digest of an array; `pool` lends the packing buffers (null: a pool of the call's
   * own, made only if the array is packed). Arrays with more than one chunk are hashed
   * chunk-parallel with vtkSMPTools. False only when a packing buffer could not be had
   * (out of memory); `digest` is then unchanged.
   */
  static bool OfArray(vtkAbstractArray* array, vtkArrayBufferPool* pool, vtkTrackedDigest& digest);

  /**
   * The digest of a text (its bytes, length-prefixed): composite keys built from other
   * digests and plain values.
   */
  static vtkTrackedDigest OfText(const std::string& text);

  /**
   * The digests of several arrays, in order. Their chunks are hashed in one parallel pass,
   * so that the threads stay busy across arrays of any sizes. False as OfArray().
   */
  static bool OfArrays(const std::vector<vtkAbstractArray*>& arrays, vtkArrayBufferPool* pool,
    std::vector<vtkTrackedDigest>& digests);

  /**
   * Gives the digests of `arrays` in order (false if it cannot): OfArrays(), or a caller's
   * function that reuses digests it keeps.
   */
  using ArrayDigestsFunction = std::function<bool(
    const std::vector<vtkAbstractArray*>& arrays, std::vector<vtkTrackedDigest>& digests)>;

  /**
   * The digest of a data object. The digests of all its arrays are asked of `arrayDigests`
   * at once, then any array it failed on one by one. Returns false with `error` set for a
   * data object whose structure it does not know (it would not be covered) or an array
   * `arrayDigests` failed on.
   */
  static bool OfDataObject(vtkDataObject* object, const ArrayDigestsFunction& arrayDigests,
    vtkTrackedDigest& digest, std::string& error);
};

/**
 * Streaming XXH3-128 over any bytes (the kernel vtkTrackedXXH3 chose), for checksums
 * and keys built piece by piece; the digests above use it.
 */
class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedHasher
{
public:
  vtkTrackedHasher();

  /**
   * A keyed hasher: XXH3-128 with `secret` (at least 136 bytes, kept alive by the caller
   * while the hasher lives), so that only a holder of the secret can produce a matching
   * digest. An empty secret makes the plain hasher.
   */
  explicit vtkTrackedHasher(const std::string& secret);
  ~vtkTrackedHasher();
  vtkTrackedHasher(const vtkTrackedHasher&) = delete;
  vtkTrackedHasher& operator=(const vtkTrackedHasher&) = delete;

  void Add(const void* bytes, std::size_t length);

  /**
   * Adds values [firstValue, endValue) of the tuple-major sequence that per-component
   * buffers hold (values of `valueSize` bytes: 1, 2, 4 or 8), as Add() of those values'
   * bytes would, without a packed copy of them.
   */
  void AddTupleMajor(const void* const* components, int numberOfComponents, int valueSize,
    std::size_t firstValue, std::size_t endValue);

  vtkTrackedDigest Digest() const;

  /**
   * The smallest secret a keyed hasher takes.
   */
  static constexpr std::size_t MinimumSecretBytes = 136;

private:
  // An XXH3_state_t, kept in place (no allocation per hasher); xxhash.h stays in the kernels,
  // which check that it fits.
  alignas(64) unsigned char State[640];
};

#endif
