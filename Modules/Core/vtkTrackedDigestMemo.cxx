// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDigestMemo.h"

#include "vtkAbstractArray.h"
#include "vtkArrayBufferPool.h"
#include "vtkDataObject.h"

#include <utility>

//------------------------------------------------------------------------------
bool vtkTrackedDigestMemo::Digest(const vtkTrackedSource& typed, bool fresh,
  vtkArrayBufferPool* pool, vtkTrackedDigest& digest, std::string& error)
{
  vtkTrackedStamp stamp;
  stamp.Capture(typed);
  const bool digested = typed.Array
    ? vtkTrackedDigest::OfArray(typed.Array, pool, digest)
    : vtkTrackedDigest::OfDataObject(
        typed.DataObject,
        [this, fresh, pool](
          const std::vector<vtkAbstractArray*>& arrays, std::vector<vtkTrackedDigest>& digests)
        { return this->DigestArrays(arrays, fresh, pool, digests); },
        digest, error);
  if (!digested)
  {
    if (error.empty())
    {
      error = "out of memory for packing buffers";
    }
    return false;
  }
  this->Remember(typed, std::move(stamp), digest);
  return true;
}

//------------------------------------------------------------------------------
// The arrays without a kept digest are hashed together (vtkTrackedDigest::OfArrays), each
// under the stamp it had before.
bool vtkTrackedDigestMemo::DigestArrays(const std::vector<vtkAbstractArray*>& arrays, bool fresh,
  vtkArrayBufferPool* pool, std::vector<vtkTrackedDigest>& digests)
{
  digests.assign(arrays.size(), vtkTrackedDigest());
  std::vector<vtkAbstractArray*> missing;
  std::vector<std::size_t> positions; // of the missing arrays in `arrays`
  std::vector<vtkTrackedStamp> stamps;
  for (std::size_t a = 0; a < arrays.size(); ++a)
  {
    if (fresh || !this->Recall(arrays[a], digests[a]))
    {
      missing.push_back(arrays[a]);
      positions.push_back(a);
      stamps.emplace_back();
      stamps.back().Capture(vtkTrackedSource(arrays[a]));
    }
  }
  if (missing.empty())
  {
    return true; // all kept: a data object whose arrays did not change
  }
  std::vector<vtkTrackedDigest> computed;
  if (!vtkTrackedDigest::OfArrays(missing, pool, computed))
  {
    return false;
  }
  for (std::size_t m = 0; m < missing.size(); ++m)
  {
    digests[positions[m]] = computed[m];
    this->Remember(vtkTrackedSource(missing[m]), std::move(stamps[m]), computed[m]);
  }
  return true;
}

//------------------------------------------------------------------------------
void vtkTrackedDigestMemo::Forget(vtkObject* object, bool onlyIfChanged)
{
  std::lock_guard<std::mutex> lock(this->Mutex);
  auto found = this->Digests.find(object);
  if (found != this->Digests.end() &&
    (!onlyIfChanged ||
      found->second.Stamp.Compare(vtkTrackedSource(object)) != vtkTrackedStamp::Change::None))
  {
    this->Recency.Erase(found->second.Recency);
    this->Digests.erase(found);
  }
}

//------------------------------------------------------------------------------
std::size_t vtkTrackedDigestMemo::GetNumberOfDigests()
{
  std::lock_guard<std::mutex> lock(this->Mutex);
  return this->Digests.size();
}

//------------------------------------------------------------------------------
bool vtkTrackedDigestMemo::Recall(const vtkObject* object, vtkTrackedDigest& digest)
{
  if (!object)
  {
    return false;
  }
  const std::type_info& type = typeid(*object);
  std::lock_guard<std::mutex> lock(this->Mutex);
  auto found = this->Digests.find(object);
  bool shared = false;
  if (found == this->Digests.end() || *found->second.Type != type ||
    found->second.Stamp.Compare(found->second.Typed, shared) != vtkTrackedStamp::Change::None ||
    shared)
  {
    return false;
  }
  this->Recency.Touch(found->second.Recency);
  digest = found->second.Digest;
  return true;
}

//------------------------------------------------------------------------------
// Keeps `digest` under the stamp `object` had before it was hashed, unless its storage was
// shared: then it may change unseen, and is hashed at every call.
void vtkTrackedDigestMemo::Remember(
  const vtkTrackedSource& typed, vtkTrackedStamp&& stamp, const vtkTrackedDigest& digest)
{
  if (stamp.IsShared())
  {
    return;
  }
  const vtkObject* object = typed.Object();
  const std::type_info& type = typeid(*object);
  std::lock_guard<std::mutex> lock(this->Mutex);
  auto inserted = this->Digests.emplace(object, Kept{});
  Kept& kept = inserted.first->second;
  if (inserted.second)
  {
    try
    {
      kept.Recency = this->Recency.Insert(object);
    }
    catch (...)
    {
      this->Digests.erase(inserted.first); // never a digest without its recency
      throw;
    }
  }
  else
  {
    this->Recency.Touch(kept.Recency);
  }
  kept.Stamp = std::move(stamp);
  kept.Digest = digest;
  kept.Typed = typed;
  kept.Type = &type;
  while (this->Digests.size() > MaximumDigests)
  {
    this->Digests.erase(this->Recency.Oldest());
    this->Recency.EraseOldest();
  }
}
