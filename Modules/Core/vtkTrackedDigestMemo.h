// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedDigestMemo
 * @brief Private: content digests of arrays and data objects, kept with their stamps.
 *
 * Digest() hashes an array or a data object once and recalls the digest for as long as
 * the object's stamp is unchanged (vtkTrackedStamp): an unchanged array is never hashed
 * again. A data object's digest reuses its arrays' kept digests and hashes the others
 * together, in one parallel pass. An object whose storage is shared is hashed at every
 * call: its values may change unseen. Digests of dead objects are harmless (a new object
 * at the same address has a newer MTime, so its stamp differs) but take memory: the most
 * recently used MaximumDigests are kept.
 *
 * Thread-safe: a lock of its own guards the digests (never held while hashing), and it
 * takes no other lock, so callers may call Forget() while holding theirs.
 *
 * @sa vtkTrackedArrayCache, vtkTrackedDigest, vtkTrackedStamp, vtkTrackedRecencyList
 */

#ifndef vtkTrackedDigestMemo_h
#define vtkTrackedDigestMemo_h

#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedDigest.h"       // for the kept digests
#include "vtkTrackedRecencyList.h"  // for the recency order
#include "vtkTrackedStamp.h"        // for the stamps

#include <cstddef>       // for std::size_t
#include <mutex>         // for the lock
#include <string>        // for errors
#include <typeinfo>      // for the kept objects' types
#include <unordered_map> // for the digests by object
#include <vector>        // for the arrays of a data object

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkObject;
VTK_ABI_NAMESPACE_END
class vtkArrayBufferPool;

class vtkTrackedDigestMemo
{
public:
  static constexpr std::size_t MaximumDigests = 16384;

  /**
   * The digest of `typed` (an array or a data object), computed with buffers from `pool`
   * and kept; a data object's arrays' kept digests are reused unless `fresh`. Callers
   * Recall() first, which needs no pool. False with `error` set for data objects digests
   * do not cover, or when memory for packing ran out.
   */
  bool Digest(const vtkTrackedSource& typed, bool fresh, vtkArrayBufferPool* pool,
    vtkTrackedDigest& digest, std::string& error);

  /**
   * The kept digest of `object`, if its stamp is unchanged (what Digest() recalls). No
   * downcast: an object found at a kept address is taken as typed then if its dynamic type
   * is the same.
   */
  bool Recall(const vtkObject* object, vtkTrackedDigest& digest);

  /// Forgets the digest of `object`; with `onlyIfChanged`, only if its stamp changed.
  void Forget(vtkObject* object, bool onlyIfChanged);

  std::size_t GetNumberOfDigests();

private:
  struct Kept
  {
    vtkTrackedStamp Stamp;
    vtkTrackedDigest Digest;
    vtkTrackedSource Typed;               // the object, as it was typed when kept
    const std::type_info* Type = nullptr; // and its dynamic type
    vtkTrackedRecencyList<const vtkObject*>::Position Recency;
  };

  bool DigestArrays(const std::vector<vtkAbstractArray*>& arrays, bool fresh,
    vtkArrayBufferPool* pool, std::vector<vtkTrackedDigest>& digests);
  void Remember(
    const vtkTrackedSource& typed, vtkTrackedStamp&& stamp, const vtkTrackedDigest& digest);

  std::mutex Mutex;
  std::unordered_map<const vtkObject*, Kept> Digests;
  vtkTrackedRecencyList<const vtkObject*> Recency;
};

#endif
