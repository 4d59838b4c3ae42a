// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Randomized oracle test: long seeded sequences of operations on a pool of arrays (AOS and
// SOA of several types) and a data set — writes with and without Modified(),
// SetNumberOfTuples, Resize, Squeeze, SetArray/SetVoidArray, ShallowCopy (from a new array,
// which hands its buffers over, and from another), DeepCopy,
// Initialize, deletion and re-creation, component changes — interleaved with cache Set /
// Get / GetOrCompute (object- and content-keyed), digests, views and a cached filter.
// Every value served and digest kept is checked against recomputation:
//
// - Content validation mode: no stale result, ever.
// - Stamp mode: a stale result (or kept digest) is allowed only while its source has the
//   storage and MTime it had when the cache saw the old content: written raw (no
//   Modified(), no reallocation), or its buffer replaced by one the allocator placed at the
//   same address with the same size (both documented); the test counts them, and fails on
//   any other.
//
// TRACKED_ORACLE_OPERATIONS (default 100000 per mode) and TRACKED_ORACLE_SEED (default
// 20261128) set the run. On a failure it prints the seed and the shortest failing sequence
// it finds by removing operations while the failure stays.
#include "TrackedTestHelpers.h"

#include "vtkTrackedArrayCache.h"
#include "vtkTrackedArrayView.h"
#include "vtkTrackedCacheFilter.h"
#include "vtkTrackedSOAStorage.h" // private: where an SOA array keeps its values
#include "vtkTrackedVTKVersion.h" // private: array types and capacity on every VTK

#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkDoubleArray.h"
#include "vtkElevationFilter.h"
#include "vtkFloatArray.h"
#include "vtkIdList.h"
#include "vtkIdTypeArray.h"
#include "vtkIntArray.h"
#include "vtkNew.h"
#include "vtkPointData.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkStringArray.h"
#include "vtkTrivialProducer.h"
#include "vtkWeakPointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace
{
constexpr int Slots = 6;
constexpr int Keys = 3;
constexpr int Views = 4;

enum class Op
{
  WriteModified,
  WriteRaw,
  SetNumberOfTuples,
  Resize,
  Squeeze,
  HandOver,
  SetArray,
  ShallowCopy,
  DeepCopy,
  Initialize,
  Recreate,
  ChangeComponents,
  CacheSet,
  CacheGet,
  GetOrCompute,
  ContentSet,
  ContentGet,
  Digest,
  Invalidate,
  Clear,
  ViewMake,
  ViewUse,
  FilterUpdate,
  Count
};

const char* Name(Op op)
{
  static const char* const names[] = { "WriteModified", "WriteRaw", "SetNumberOfTuples", "Resize",
    "Squeeze", "HandOver", "SetArray", "ShallowCopy", "DeepCopy", "Initialize", "Recreate",
    "ChangeComponents", "CacheSet", "CacheGet", "GetOrCompute", "ContentSet", "ContentGet",
    "Digest", "Invalidate", "Clear", "ViewMake", "ViewUse", "FilterUpdate" };
  return names[static_cast<int>(op)];
}

// One operation and its random parameters, so that a sequence can be replayed exactly.
struct Step
{
  Op Kind;
  int Slot;
  int Other;
  int Key;
  std::uint32_t A;
  std::uint32_t B;
};

vtkSmartPointer<vtkDataArray> MakeArray(int kind)
{
  switch (kind)
  {
    case 0:
      return vtkSmartPointer<vtkFloatArray>::New();
    case 1:
      return vtkSmartPointer<vtkDoubleArray>::New();
    case 2:
      return vtkSmartPointer<vtkIdTypeArray>::New();
    case 3:
      return vtkSmartPointer<vtkSOADataArrayTemplate<float>>::New();
    case 4:
      return vtkSmartPointer<vtkSOADataArrayTemplate<double>>::New();
    default:
      return vtkSmartPointer<vtkIntArray>::New();
  }
}

// The storage of an array as the test sees it, independently of the library's stamps:
// its buffers, and the vtkBuffer objects holding them (with their creation MTimes).
struct Storage
{
  const void* Object = nullptr;
  std::vector<const void*> Buffers;
  std::vector<std::pair<const void*, vtkMTimeType>> Holders;
  vtkIdType Tuples = -1;
  vtkIdType Size = -1;
  int Components = 0;
  int Type = 0;

  static Storage Of(vtkDataArray* array)
  {
    Storage storage;
    storage.Object = array;
    storage.Tuples = array->GetNumberOfTuples();
    storage.Size = vtkTrackedVTK::Capacity(array);
    storage.Components = array->GetNumberOfComponents();
    storage.Type = array->GetDataType();
    const bool soa = vtkTrackedWithSOAArray(array,
      [&](auto* typed)
      {
        using T = typename std::remove_pointer_t<decltype(typed)>::ValueType;
        bool single = false;
        const T* buffer = vtkTrackedSOAStorage<T>::SingleBuffer(typed, single);
        for (int c = 0; c < (single ? 1 : storage.Components); ++c)
        {
          storage.Buffers.push_back(single ? buffer : typed->GetComponentArrayPointer(c));
          storage.Hold(vtkTrackedSOAStorage<T>::Holder(typed, c));
        }
      });
    if (!soa)
    {
      storage.Buffers.push_back(array->GetVoidPointer(0));
      switch (array->GetDataType())
      {
        vtkTemplateMacro(storage.Hold(vtkTrackedAOSStorage<VTK_TT>::Holder(
          static_cast<vtkAOSDataArrayTemplate<VTK_TT>*>(array))));
      }
    }
    return storage;
  }
  void Hold(const vtkObject* holder)
  {
    this->Holders.emplace_back(holder, holder ? const_cast<vtkObject*>(holder)->GetMTime() : 0);
  }
  bool operator==(const Storage& other) const
  {
    return this->Object == other.Object && this->Buffers == other.Buffers &&
      this->Holders == other.Holders && this->Tuples == other.Tuples && this->Size == other.Size &&
      this->Components == other.Components && this->Type == other.Type;
  }
};

// Whether `to->ShallowCopy(from)` would crash inside VTK: VTK 9.2's SOA arrays keep their
// values in one buffer until SetArray() gives them one per component, and its ShallowCopy
// dereferences a null buffer when the two arrays differ in that (VTK 9.1 has one mode).
bool ShallowCopyCrashesVTK(vtkDataArray* to, vtkDataArray* from)
{
  auto single = [](vtkDataArray* array)
  {
    bool one = false;
    vtkTrackedWithSOAArray(array,
      [&](auto* typed)
      {
        using T = typename std::remove_pointer_t<decltype(typed)>::ValueType;
        vtkTrackedSOAStorage<T>::SingleBuffer(typed, one);
      });
    return one;
  };
  return to->GetArrayType() == vtkTrackedVTK::SOAArrayType &&
    from->GetArrayType() == vtkTrackedVTK::SOAArrayType && single(to) != single(from);
}

// The storage and MTime of an array right after its last raw write: what was derived
// before may be served stale only while both still hold. Any later change a stamp sees
// ends that.
struct UnseenChange
{
  bool Happened = false;
  Storage Kept;
  vtkMTimeType MTime = 0;

  void Note(vtkDataArray* array)
  {
    this->Happened = true;
    this->Kept = Storage::Of(array);
    this->MTime = array->GetMTime();
  }
  bool StillHolds(vtkDataArray* array) const
  {
    return this->Happened && Storage::Of(array) == this->Kept && array->GetMTime() == this->MTime;
  }
};

struct Outcome
{
  std::string Failure; // empty: the sequence passed
  long Served = 0;
  long StaleAllowed = 0; // explained by raw writes or unchanged storage and MTime
  long StaleAfterRawWrites = 0;
  long AddressReuses = 0; // operations that changed content but not storage or MTime
  // Stamp mode: lookups of an entry whose source kept the storage and MTime it was stored
  // with, and how they went. Nothing else may make them miss (an event without a change).
  long UnchangedLookups = 0;
  long UnchangedHits = 0;
  long UnchangedEvicted = 0;
  long UnchangedShared = 0; // the storage gained or lost another owner (ShallowCopy from it)
  long UnchangedContentChanged = 0; // written through another owner of a shared buffer
};

// Runs a sequence; returns the first failure (with the step it happened at).
class Oracle
{
public:
  explicit Oracle(bool content)
    : Content(content)
  {
    if (content)
    {
      this->Cache->SetValidationModeToContent();
    }
    this->Cache->SetMemoryBudget(64 * 1024); // evictions happen too
    for (int slot = 0; slot < Slots; ++slot)
    {
      this->Make(slot);
    }
    this->Points->SetNumberOfComponents(3);
    this->Points->SetNumberOfTuples(20);
    this->Fill(this->Points, 7);
    vtkNew<vtkPoints> points;
    points->SetData(this->Points);
    this->Mesh->SetPoints(points);
    this->Producer->SetOutput(this->Mesh);
    this->Filter->SetAlgorithm(this->Elevation);
    this->Filter->SetCache(this->Cache);
    this->Filter->SetInputConnection(this->Producer->GetOutputPort());
  }

  Outcome Run(const std::vector<Step>& steps)
  {
    Outcome outcome;
    for (std::size_t i = 0; i < steps.size() && outcome.Failure.empty(); ++i)
    {
      this->Apply(steps[i], outcome);
      this->ForgetChangedKept();
      if (!outcome.Failure.empty())
      {
        outcome.Failure =
          "step " + std::to_string(i) + " (" + Name(steps[i].Kind) + "): " + outcome.Failure;
      }
    }
    return outcome;
  }

private:
  struct Slot
  {
    vtkSmartPointer<vtkDataArray> Array;
    int Kind = 0;
    long RawWrites = 0;     // raw writes so far
    long AddressReuses = 0; // content changes that left storage and MTime as they were
    // Each content the cache was shown, with the storages and MTimes it was shown with: a
    // digest the cache keeps may be one of these only while storage and MTime still match.
    std::map<std::string, std::set<std::string>> ShownStates;
    // What each stored value was derived from: raw writes so far, storage and MTime then.
    struct Origin
    {
      long RawWrites;
      Storage Kept;
      vtkMTimeType MTime;
    };
    std::map<vtkObject*, Origin> Stored;
    // The value last stored under each key, while it may be there; held, so that no later
    // value takes its address (Stored is keyed by address).
    std::map<int, vtkSmartPointer<vtkObject>> Kept;
  };

  void Make(int index)
  {
    Slot& slot = this->Pool[index];
    slot.Kind = index % 6;
    slot.Array = MakeArray(slot.Kind);
    slot.ShownStates.clear(); // a new array may come at a dead one's address
    slot.Kept.clear();
    slot.Array->SetNumberOfComponents(1 + index % 3);
    slot.Array->SetNumberOfTuples(8 + index);
    this->Fill(slot.Array, static_cast<std::uint32_t>(index));
  }

  static void Fill(vtkDataArray* array, std::uint32_t seed)
  {
    for (vtkIdType i = 0; i < array->GetNumberOfValues(); ++i)
    {
      array->SetComponent(i / array->GetNumberOfComponents(), i % array->GetNumberOfComponents(),
        static_cast<double>((seed * 31 + i * 7) % 1000));
    }
  }

  // A value derived from an array: the digest of its content when derived.
  vtkSmartPointer<vtkStringArray> Derive(int index)
  {
    auto value = vtkSmartPointer<vtkStringArray>::New();
    value->InsertNextValue(vtkTrackedArrayCache::ComputeDigest(this->Pool[index].Array));
    Slot& slot = this->Pool[index];
    slot.Stored[value] = { slot.RawWrites, Storage::Of(slot.Array), slot.Array->GetMTime() };
    return value;
  }

  // Checks a served value against the array's content now.
  void CheckServed(int index, vtkObject* served, Outcome& outcome)
  {
    if (!served)
    {
      return;
    }
    ++outcome.Served;
    Slot& slot = this->Pool[index];
    auto* value = vtkStringArray::SafeDownCast(served);
    if (!value || value->GetNumberOfValues() != 1)
    {
      outcome.Failure = "served a value that is not one the test stored";
      return;
    }
    if (value->GetValue(0) == vtkTrackedArrayCache::ComputeDigest(slot.Array))
    {
      return;
    }
    // What no stamp can see: the array's storage and MTime are still what they were when
    // the value was stored, with other content (raw writes, or a buffer reallocated away
    // and back to the same address and size, then written). A change a stamp sees since
    // then (a Modified(), a reallocation) must have made the lookup miss.
    auto stored = slot.Stored.find(served);
    const bool explained = stored != slot.Stored.end() &&
      Storage::Of(slot.Array) == stored->second.Kept &&
      slot.Array->GetMTime() == stored->second.MTime;
    if (this->Content || !explained)
    {
      outcome.Failure = "a stale value was served (" +
        std::string(this->Content ? "Content" : "Stamp") + " mode, raw writes since stored: " +
        (stored == slot.Stored.end() ? std::string("unknown")
                                     : std::to_string(slot.RawWrites - stored->second.RawWrites)) +
        ")";
      return;
    }
    ++outcome.StaleAllowed;
    outcome.StaleAfterRawWrites += slot.RawWrites > stored->second.RawWrites;
  }

  // Stops following entries whose source's storage or MTime changed: checked after every
  // step, since a change undone later (A -> B -> A) is one the cache may have seen.
  void ForgetChangedKept()
  {
    for (auto& slot : this->Pool)
    {
      for (auto kept = slot.Kept.begin(); kept != slot.Kept.end();)
      {
        const auto origin = kept->second ? slot.Stored.find(kept->second) : slot.Stored.end();
        const bool unchanged = origin != slot.Stored.end() &&
          Storage::Of(slot.Array) == origin->second.Kept &&
          slot.Array->GetMTime() == origin->second.MTime;
        kept = unchanged ? std::next(kept) : slot.Kept.erase(kept);
      }
    }
  }

  // Stamp mode: a lookup of the entry last stored under `key`, whose source kept the storage
  // and MTime it was stored with, may only miss for a reason that is not an event's.
  void CheckUnchangedLookup(Slot& slot, int key, vtkObject* served, Outcome& outcome)
  {
    auto kept = slot.Kept.find(key);
    if (this->Content || kept == slot.Kept.end())
    {
      return;
    }
    ++outcome.UnchangedLookups;
    const std::string reason = served ? "" : this->Cache->GetLastMissReason();
    outcome.UnchangedHits += served == kept->second;
    outcome.UnchangedEvicted += reason == "evicted";
    outcome.UnchangedShared += reason == "buffer-shared";
    outcome.UnchangedContentChanged += reason == "content-changed";
    if (served ? served != kept->second
               : reason != "evicted" && reason != "buffer-shared" && reason != "content-changed")
    {
      outcome.Failure = "an entry whose source kept its storage and MTime " +
        (served ? std::string("was served another value") : "missed (" + reason + ")");
    }
    if (!served)
    {
      slot.Kept.erase(kept);
    }
  }

  // Replaces the buffer of an array through `change`, noting when new content landed in a
  // buffer at the old address with the same size and no Modified() (what no stamp sees).
  void Replace(int index, const std::function<void(vtkDataArray*)>& change, Outcome& outcome)
  {
    Slot& slot = this->Pool[index];
    const Storage before = Storage::Of(slot.Array);
    const vtkMTimeType mtime = slot.Array->GetMTime();
    const std::string content = vtkTrackedArrayCache::ComputeDigest(slot.Array);
    change(slot.Array);
    if (Storage::Of(slot.Array) == before && slot.Array->GetMTime() == mtime &&
      vtkTrackedArrayCache::ComputeDigest(slot.Array) != content)
    {
      ++slot.AddressReuses;
      ++outcome.AddressReuses;
    }
  }

  // An array's storage and MTime, as text.
  static std::string State(vtkDataArray* array)
  {
    const Storage storage = Storage::Of(array);
    std::ostringstream text;
    text << storage.Object << " " << storage.Tuples << " " << storage.Size << " "
         << storage.Components << " " << storage.Type << " " << array->GetMTime();
    for (const void* buffer : storage.Buffers)
    {
      text << " " << buffer;
    }
    for (const auto& holder : storage.Holders)
    {
      text << " " << holder.first << "@" << holder.second;
    }
    return text.str();
  }

  void Apply(const Step& step, Outcome& outcome)
  {
    Slot& slot = this->Pool[step.Slot];
    vtkDataArray* array = slot.Array;
    const vtkIdType values = array->GetNumberOfValues();
    if (step.Kind == Op::CacheSet || step.Kind == Op::CacheGet || step.Kind == Op::GetOrCompute ||
      step.Kind == Op::Digest)
    {
      slot.ShownStates[vtkTrackedArrayCache::ComputeDigest(array)].insert(State(array));
    }
    switch (step.Kind)
    {
      case Op::WriteModified:
        if (values > 0)
        {
          array->SetComponent((step.A % values) / array->GetNumberOfComponents(),
            (step.A % values) % array->GetNumberOfComponents(), step.B % 1000);
          array->Modified();
        }
        break;
      case Op::WriteRaw:
        if (values > 0)
        {
          const vtkIdType at = step.A % values;
          const int components = array->GetNumberOfComponents();
          const bool soa = vtkTrackedWithSOAArray(array,
            [&](auto* typed)
            {
              using T = typename std::remove_pointer_t<decltype(typed)>::ValueType;
              bool single = false;
              T* buffer = vtkTrackedSOAStorage<T>::SingleBuffer(typed, single);
              T* value = single
                ? buffer + at
                : typed->GetComponentArrayPointer(at % components) + at / components;
              *value = static_cast<T>(step.B % 1000); // no Modified()
            });
          if (!soa)
          {
            array->SetComponent(at / components, at % components, step.B % 1000); // no Modified()
          }
          ++slot.RawWrites;
        }
        break;
      case Op::SetNumberOfTuples:
        this->Replace(
          step.Slot,
          [&](vtkDataArray* a)
          {
            a->SetNumberOfTuples(step.A % 40);
            this->Fill(a, step.B);
          },
          outcome);
        break;
      case Op::Resize:
        this->Replace(
          step.Slot, [&](vtkDataArray* a) { ResizeCapacity(a, step.A % 40); }, outcome);
        break;
      case Op::Squeeze:
        this->Replace(
          step.Slot, [](vtkDataArray* a) { a->Squeeze(); }, outcome);
        break;
      case Op::HandOver:
        this->Replace(
          step.Slot,
          [&](vtkDataArray* a)
          {
            const vtkIdType tuples = 1 + step.A % 30;
            auto fresh = MakeArray(slot.Kind);
            fresh->SetNumberOfComponents(a->GetNumberOfComponents());
            fresh->SetNumberOfTuples(tuples);
            this->Fill(fresh, step.B);
            if (!ShallowCopyCrashesVTK(a, fresh))
            {
              a->ShallowCopy(fresh); // hands over fresh's buffers
            }
          },
          outcome);
        break;
      case Op::SetArray:
        // Buffers from malloc() given to the array, which frees them: SetVoidArray for
        // AOS arrays, SetArray per component for SOA arrays.
        this->Replace(
          step.Slot,
          [&](vtkDataArray* a)
          {
            const vtkIdType tuples = 1 + step.A % 30;
            const int components = a->GetNumberOfComponents();
            const bool soa = vtkTrackedWithSOAArray(a,
              [&](auto* typed)
              {
                using T = typename std::remove_pointer_t<decltype(typed)>::ValueType;
                for (int c = 0; c < components; ++c)
                {
                  typed->SetArray(c, static_cast<T*>(std::malloc(sizeof(T) * tuples)), tuples,
                    /*updateMaxId=*/true, /*save=*/false, vtkAbstractArray::VTK_DATA_ARRAY_FREE);
                }
              });
            if (!soa)
            {
              const vtkIdType values = tuples * components;
              a->SetVoidArray(std::malloc(a->GetDataTypeSize() * values), values, /*save=*/0);
            }
            this->Fill(a, step.B);
          },
          outcome);
        break;
      case Op::ShallowCopy:
        if (this->Pool[step.Other].Kind == slot.Kind &&
          !ShallowCopyCrashesVTK(array, this->Pool[step.Other].Array))
        {
          this->Replace(
            step.Slot, [&](vtkDataArray* a) { a->ShallowCopy(this->Pool[step.Other].Array); },
            outcome);
        }
        break;
      case Op::DeepCopy:
        this->Replace(
          step.Slot,
          [&](vtkDataArray* a)
          {
            // VTK's SOA arrays cannot change their number of components once allocated.
            if (a->GetArrayType() == vtkTrackedVTK::SOAArrayType)
            {
              a->Initialize();
            }
            a->DeepCopy(this->Pool[step.Other].Array);
          },
          outcome);
        break;
      case Op::Initialize:
        this->Replace(
          step.Slot, [](vtkDataArray* a) { a->Initialize(); }, outcome);
        break;
      case Op::Recreate:
        for (auto& view : this->ViewsOf)
        {
          if (view.Slot == step.Slot)
          {
            view.Expected = Storage(); // dead: every use must fail
            view.Unwatch();
          }
        }
        this->Make(step.Slot);
        break;
      case Op::ChangeComponents:
        this->Replace(
          step.Slot,
          [&](vtkDataArray* a)
          {
            a->Initialize(); // VTK's SOA arrays change components only when empty
            a->SetNumberOfComponents(1 + step.A % 3);
            a->SetNumberOfTuples(step.B % 20);
            this->Fill(a, step.B);
          },
          outcome);
        break;
      case Op::CacheSet:
      {
        auto value = this->Derive(step.Slot);
        const bool stored = this->Cache->Set(array, "k" + std::to_string(step.Key), value);
        slot.Kept[step.Key] = stored ? value : nullptr;
        break;
      }
      case Op::CacheGet:
      {
        auto served = this->Cache->Get(array, "k" + std::to_string(step.Key));
        this->CheckServed(step.Slot, served, outcome);
        this->CheckUnchangedLookup(slot, step.Key, served, outcome);
        break;
      }
      case Op::GetOrCompute:
      {
        bool computed = false;
        auto served = this->Cache->GetOrCompute(array, "k" + std::to_string(step.Key),
          [&]
          {
            computed = true;
            return vtkSmartPointer<vtkObject>(this->Derive(step.Slot));
          });
        if (!computed)
        {
          this->CheckServed(step.Slot, served, outcome);
        }
        slot.Kept.erase(step.Key); // stored or not: not followed
        break;
      }
      case Op::ContentSet:
      {
        const std::string digest = vtkTrackedArrayCache::ComputeDigest(array);
        auto value = vtkSmartPointer<vtkStringArray>::New();
        value->InsertNextValue(digest);
        this->Cache->Set(digest, "c" + std::to_string(step.Key), value);
        break;
      }
      case Op::ContentGet:
      {
        // A content key serves what was stored for that content: always right.
        const std::string digest = vtkTrackedArrayCache::ComputeDigest(array);
        auto* served =
          vtkStringArray::SafeDownCast(this->Cache->Get(digest, "c" + std::to_string(step.Key)));
        if (served && served->GetValue(0) != digest)
        {
          outcome.Failure = "a content key served another content's value";
        }
        break;
      }
      case Op::Digest:
      {
        // A kept digest (in either mode it trusts the stamp) may be an earlier content
        // only if the cache was shown that content with the storage and MTime of now.
        const std::string kept = this->Cache->GetDigest(array);
        if (kept != vtkTrackedArrayCache::ComputeDigest(array) &&
          slot.ShownStates[kept].count(State(array)) == 0)
        {
          outcome.Failure = "GetDigest() is stale after a change its stamp sees";
        }
        break;
      }
      case Op::Invalidate:
        this->Cache->Invalidate(array);
        slot.Kept.clear();
        break;
      case Op::Clear:
        if (step.A % 20 == 0)
        {
          this->Cache->Clear();
          for (auto& cleared : this->Pool)
          {
            cleared.Kept.clear();
          }
        }
        break;
      case Op::ViewMake:
      {
        auto& view = this->ViewsOf[step.Key % Views];
        const vtkIdType tuples = array->GetNumberOfTuples();
        vtkNew<vtkIdList> components;
        components->InsertNextId(step.B % array->GetNumberOfComponents());
        const vtkIdType begin = tuples > 0 ? step.A % tuples : 0;
        const bool made = view.View->SetView(array, begin, tuples, components);
        view.Slot = step.Slot;
        view.Expected = made ? Storage::Of(array) : Storage();
        view.Watch(array);
        break;
      }
      case Op::ViewUse:
      {
        auto& view = this->ViewsOf[step.Key % Views];
        if (!view.Expected.Object)
        {
          if (view.View->IsValid())
          {
            outcome.Failure = "a view of a dead or refused array says it is valid";
          }
          break;
        }
        vtkDataArray* viewed = this->Pool[view.Slot].Array;
        const bool same = Storage::Of(viewed) == view.Expected && !view.ReallocatedSince;
        const bool refreshed = view.View->Refresh();
        if (refreshed != same)
        {
          outcome.Failure = std::string("a view ") + (same ? "refused" : "accepted") +
            " a refresh its array's storage " + (same ? "allows" : "forbids");
        }
        else if (refreshed)
        {
          vtkDataArray* data = view.View->GetData();
          for (vtkIdType t = 0; t < data->GetNumberOfTuples() && outcome.Failure.empty(); ++t)
          {
            if (data->GetComponent(t, 0) !=
              viewed->GetComponent(view.View->GetBegin() + t, view.View->GetComponent(0)))
            {
              outcome.Failure = "a view read other values than its array holds";
            }
          }
        }
        break;
      }
      case Op::FilterUpdate:
      {
        // Raw writes into the mesh's points, and Modified() of the producer.
        if (step.A % 3 == 0 && this->Points->GetNumberOfValues() > 0)
        {
          this->Points->SetValue(step.B % this->Points->GetNumberOfValues(), step.A % 100);
          this->MeshUnseen.Note(this->Points);
        }
        if (step.A % 3 == 1)
        {
          this->Points->SetValue(step.B % this->Points->GetNumberOfValues(), step.A % 50);
          this->Points->Modified();
        }
        this->Producer->Modified();
        this->Filter->Update();
        vtkNew<vtkElevationFilter> plain;
        vtkNew<vtkPolyData> copy;
        copy->DeepCopy(this->Mesh);
        plain->SetInputData(copy);
        plain->Update();
        if (vtkTrackedArrayCache::ComputeDigest(this->Filter->GetOutputDataObject(0)) !=
          vtkTrackedArrayCache::ComputeDigest(plain->GetOutputDataObject(0)))
        {
          if (this->Content || !this->MeshUnseen.StillHolds(this->Points))
          {
            outcome.Failure = "the cached filter served a stale output";
          }
          else
          {
            ++outcome.StaleAllowed;
          }
        }
        break;
      }
      case Op::Count:
        break;
    }
  }

  struct ViewState
  {
    ViewState()
    {
      // Uses of an invalid view are errors by design: the test checks their results.
      this->View->AddObserver(vtkCommand::ErrorEvent, this->Quiet);
      this->OnBufferChanged->SetClientData(this);
      this->OnBufferChanged->SetCallback(
        [](vtkObject* array, unsigned long, void* self, void*)
        {
          auto* state = static_cast<ViewState*>(self);
          state->ReallocatedSince = state->ReallocatedSince ||
            !(Storage::Of(static_cast<vtkDataArray*>(array)) == state->Expected);
        });
    }
    ~ViewState() { this->Unwatch(); }
    ViewState(const ViewState&) = delete;
    ViewState& operator=(const ViewState&) = delete;

    // VTK 9.7 fires a buffer-changed event as it reallocates or replaces a buffer: a view
    // that heard one with its storage changed stays invalid, even if the storage comes back.
    void Watch(vtkDataArray* array)
    {
      this->Unwatch();
      this->Watched = array;
      this->ReallocatedSince = false;
      this->Tag =
        array->AddObserver(vtkTrackedArrayCache::GetBufferChangedEventId(), this->OnBufferChanged);
    }
    void Unwatch()
    {
      if (this->Watched)
      {
        this->Watched->RemoveObserver(this->Tag);
      }
      this->Watched = nullptr;
    }

    vtkNew<vtkCallbackCommand> Quiet;
    vtkNew<vtkCallbackCommand> OnBufferChanged;
    vtkNew<vtkTrackedArrayView> View;
    vtkWeakPointer<vtkDataArray> Watched;
    unsigned long Tag = 0;
    int Slot = 0;
    Storage Expected; // Object null: the view must be invalid
    bool ReallocatedSince = false;
  };

  bool Content;
  vtkNew<vtkTrackedArrayCache> Cache;
  Slot Pool[Slots];
  ViewState ViewsOf[Views];
  vtkNew<vtkFloatArray> Points;
  vtkNew<vtkPolyData> Mesh;
  vtkNew<vtkTrivialProducer> Producer;
  vtkNew<vtkElevationFilter> Elevation;
  vtkNew<vtkTrackedCacheFilter> Filter;
  UnseenChange MeshUnseen; // raw writes into the mesh's points
};

std::vector<Step> RandomSteps(std::uint32_t seed, long count)
{
  std::mt19937 random(seed);
  // Cache and check operations are frequent; destructive ones rarer.
  const int weights[] = { 6, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 10, 12, 8, 3, 3, 3, 1, 1, 2, 4, 2 };
  std::discrete_distribution<int> pick(std::begin(weights), std::end(weights));
  std::vector<Step> steps(static_cast<std::size_t>(count));
  for (auto& step : steps)
  {
    step.Kind = static_cast<Op>(pick(random));
    step.Slot = static_cast<int>(random() % Slots);
    step.Other = static_cast<int>(random() % Slots);
    step.Key = static_cast<int>(random() % Keys);
    step.A = random();
    step.B = random();
  }
  return steps;
}

// Removes operations while the failure stays: chunks of halving size, for at most a minute.
std::vector<Step> Shrink(std::vector<Step> steps, bool content)
{
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  auto inTime = [&] { return std::chrono::steady_clock::now() < deadline; };
  for (std::size_t chunk = steps.size() / 2; chunk >= 1 && inTime(); chunk /= 2)
  {
    for (std::size_t begin = 0; begin + chunk <= steps.size() && inTime();)
    {
      std::vector<Step> candidate(steps.begin(), steps.begin() + begin);
      candidate.insert(candidate.end(), steps.begin() + begin + chunk, steps.end());
      if (!Oracle(content).Run(candidate).Failure.empty())
      {
        steps = std::move(candidate);
      }
      else
      {
        begin += chunk;
      }
    }
  }
  return steps;
}

void RunOracle(bool content)
{
  const char* operations = std::getenv("TRACKED_ORACLE_OPERATIONS");
  const char* seedText = std::getenv("TRACKED_ORACLE_SEED");
  const long count = operations ? std::atol(operations) : 100000;
  const std::uint32_t seed = seedText ? static_cast<std::uint32_t>(std::atol(seedText)) : 20261128u;
  const auto steps = RandomSteps(seed + (content ? 1 : 0), count);
  const Outcome outcome = Oracle(content).Run(steps);
  std::printf("%s mode: %ld operations, %ld values served and checked; %ld stale: %ld after raw "
              "writes, %ld with storage and MTime as when stored (%ld operations changed content "
              "but not storage or MTime)\n",
    content ? "Content" : "Stamp", count, outcome.Served, outcome.StaleAllowed,
    outcome.StaleAfterRawWrites, outcome.StaleAllowed - outcome.StaleAfterRawWrites,
    outcome.AddressReuses);
  if (!content)
  {
    std::printf("Stamp mode: %ld lookups of entries whose source kept its storage and MTime: %ld "
                "hits, %ld evicted, %ld dropped as the storage became or stopped being shared, "
                "%ld changed through another owner\n",
      outcome.UnchangedLookups, outcome.UnchangedHits, outcome.UnchangedEvicted,
      outcome.UnchangedShared, outcome.UnchangedContentChanged);
    EXPECT_GT(outcome.UnchangedLookups, count / 100) << "the sequence checks unchanged lookups";
  }
  if (!outcome.Failure.empty())
  {
    std::vector<Step> failing(
      steps.begin(), steps.begin() + std::stol(outcome.Failure.substr(5)) + 1);
    failing = Shrink(failing, content);
    std::ostringstream sequence;
    for (const auto& step : failing)
    {
      sequence << "  " << Name(step.Kind) << " slot " << step.Slot << " other " << step.Other
               << " key " << step.Key << " a " << step.A << " b " << step.B << "\n";
    }
    ADD_FAILURE() << "seed " << seed + (content ? 1 : 0) << ": " << outcome.Failure
                  << "\nshortest failing sequence found (" << failing.size() << " steps):\n"
                  << sequence.str();
  }
  if (content)
  {
    EXPECT_EQ(outcome.StaleAllowed, 0);
  }
  EXPECT_GT(outcome.Served, count / 20) << "the sequence checks served values";
}

TEST(TrackedOracle, StampModeServesNothingStaleButWhatItDocuments)
{
  RunOracle(false);
}

TEST(TrackedOracle, ContentModeServesNothingStale)
{
  RunOracle(true);
}
}
