// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedArrayCache.h"

#include "vtkAbstractArray.h"
#include "vtkArrayBufferPool.h"
#include "vtkCommand.h"
#include "vtkDataObject.h"
#include "vtkLogger.h"
#include "vtkObjectFactory.h"
#include "vtkTrackedComputeOnce.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedDigestMemo.h"
#include "vtkTrackedEntryStore.h"
#include "vtkTrackedStamp.h"
#include "vtkVersionMacros.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <optional>

vtkStandardNewMacro(vtkTrackedArrayCache);

namespace
{
using MissReason = vtkTrackedMissReason;
using Garbage = vtkTrackedGarbage;

vtkTypeInt64 EstimateBytes(vtkObject* value)
{
  if (auto* dataObject = vtkDataObject::SafeDownCast(value))
  {
    return static_cast<vtkTypeInt64>(dataObject->GetActualMemorySize()) * 1024;
  }
  if (auto* array = vtkAbstractArray::SafeDownCast(value))
  {
    return static_cast<vtkTypeInt64>(array->GetActualMemorySize()) * 1024;
  }
  return 0;
}

std::string Describe(vtkObject* source)
{
  char address[32];
  std::snprintf(address, sizeof(address), "%p", static_cast<void*>(source));
  return std::string(source->GetClassName()) + "(" + address + ")";
}

vtkLogger::Verbosity AsVerbosity(const std::atomic<int>& verbosity)
{
  return static_cast<vtkLogger::Verbosity>(verbosity.load());
}

// A source's digest for validation by content, computed once it is needed.
struct SourceContent
{
  vtkTrackedDigest Digest;
  bool Known = false;
  const vtkTrackedDigest* Get() const { return this->Known ? &this->Digest : nullptr; }
};
}

// Threads: Mutex guards Entries and Computing (and is taken before the entry store's
// observer lock, never after); Digests has a lock of its own, taken under neither. Values
// leaving the store are released only once Mutex is let go (vtkTrackedGarbage).
class vtkTrackedArrayCache::vtkInternals
{
public:
  enum class Found
  {
    Hit,
    Compute, // this thread claimed the key
    Failed   // an error was reported
  };

  std::mutex Mutex;
  vtkTrackedEntryStore Entries{ &vtkInternals::OnSourceEvent, this };
  vtkTrackedComputeOnce Computing{ this->Mutex };
  vtkTrackedDigestMemo Digests;
  vtkSmartPointer<vtkArrayBufferPool> BufferPool = vtkSmartPointer<vtkArrayBufferPool>::New();
  std::atomic<int> LogVerbosity{ vtkLogger::VERBOSITY_TRACE };

  static void OnSourceEvent(vtkObject* caller, unsigned long eventId, void* clientData, void*)
  {
    auto* self = static_cast<vtkInternals*>(clientData);
    // A buffer-changed event counts only if the storage did change: VTK also fires it when
    // a buffer is set to itself.
    const bool bufferEvent =
      eventId != vtkCommand::ModifiedEvent && eventId != vtkCommand::DeleteEvent;
    self->Digests.Forget(caller, /*onlyIfChanged=*/bufferEvent);
    Garbage garbage;
    std::lock_guard<std::mutex> lock(self->Mutex);
    self->Entries.HandleSourceEvent(caller, eventId, garbage);
  }

  // The digest of an array or data object, computed (see vtkTrackedDigestMemo::Digest);
  // callers recall a kept one first (Digests.Recall(), which needs neither the cache's
  // lock nor the pool).
  bool Digest(
    const vtkTrackedSource& typed, bool fresh, vtkTrackedDigest& digest, std::string& error)
  {
    vtkSmartPointer<vtkArrayBufferPool> pool; // held: SetBufferPool() may replace it
    {
      std::lock_guard<std::mutex> lock(this->Mutex);
      pool = this->BufferPool;
    }
    return this->Digests.Digest(typed, fresh, pool, digest, error);
  }

  // Stores under the lock into the record `findRecord(garbage)` gives; false when the
  // validation mode is no longer `mode` (the value was validated the other way) or the
  // value is larger than the budget. `describe()` names the target in the log line,
  // only built when that line is logged.
  template <typename FindRecord, typename DescribeTarget>
  bool StoreValue(FindRecord&& findRecord, const std::string& key, vtkObject* value,
    vtkTypeInt64 bytes, double seconds, const vtkTrackedDigest* content, int mode,
    DescribeTarget&& describe)
  {
    Garbage garbage;
    std::unique_lock<std::mutex> lock(this->Mutex);
    if (this->Entries.GetValidationMode() != mode)
    {
      return false;
    }
    vtkTrackedEntryStore::Record& record = findRecord(garbage);
    if (!this->Entries.Store(record, key, value, bytes, seconds, content, garbage))
    {
      lock.unlock();
      vtkVLogF(AsVerbosity(this->LogVerbosity),
        "not stored: '%s' of %s takes %lld bytes, more than the budget", key.c_str(),
        describe().c_str(), static_cast<long long>(bytes));
      return false;
    }
    return true;
  }

  bool StoreForSource(vtkObject* source, const vtkTrackedSource& typed, const std::string& key,
    vtkObject* value, vtkTypeInt64 bytes, double seconds, const vtkTrackedDigest* content, int mode)
  {
    return this->StoreValue(
      [this, source, &typed](Garbage& garbage) -> vtkTrackedEntryStore::Record&
      { return this->Entries.FindOrCreateRecord(source, typed, garbage); },
      key, value, bytes >= 0 ? bytes : EstimateBytes(value), seconds, content, mode,
      [source] { return Describe(source); });
  }

  Found LookupOrClaim(vtkTrackedArrayCache* self, vtkObject* source, const std::string& key,
    const vtkTrackedComputeOnce::Key& computingKey, SourceContent& content,
    std::optional<vtkTrackedComputeOnce::Claim>& claim, vtkSmartPointer<vtkObject>& value,
    MissReason& reason);
  vtkSmartPointer<vtkObject> ComputeAndStore(vtkTrackedArrayCache* self, vtkObject* source,
    const std::string& key, const ComputeFunction& compute, vtkTypeInt64 sizeInBytes,
    SourceContent& content, int mode);
};

//------------------------------------------------------------------------------
vtkTrackedArrayCache::vtkTrackedArrayCache()
  : Internals(new vtkInternals)
{
}

//------------------------------------------------------------------------------
vtkTrackedArrayCache::~vtkTrackedArrayCache()
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.Clear(garbage);
}

//------------------------------------------------------------------------------
const char* vtkTrackedArrayCache::GetVersion()
{
  return TRACKEDARRAYCACHE_VERSION;
}

//------------------------------------------------------------------------------
unsigned long vtkTrackedArrayCache::GetBufferChangedEventId()
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  return vtkCommand::BufferChangedEvent;
#else
  // Module-defined, far from the small offsets applications add to UserEvent.
  return vtkCommand::UserEvent + 0x7ac0;
#endif
}

namespace
{
bool CheckKey(vtkTrackedArrayCache* self, const std::string& key)
{
  if (key.empty())
  {
    vtkErrorWithObjectMacro(self, "The key is empty.");
    return false;
  }
  return true;
}

// Null source, empty key: the argument errors every object-keyed entry point shares.
bool CheckSourceAndKey(vtkTrackedArrayCache* self, vtkObject* source, const std::string& key)
{
  if (!source)
  {
    vtkErrorWithObjectMacro(self, "The source is null.");
    return false;
  }
  return CheckKey(self, key);
}

bool CheckDigestAndKey(
  vtkTrackedArrayCache* self, const std::string& digest, const std::string& key)
{
  if (!vtkTrackedDigest::IsWellFormed(digest))
  {
    vtkErrorWithObjectMacro(
      self, "'" << digest << "' is not a digest of the form xxh3-128:<32 lowercase hex digits>.");
    return false;
  }
  return CheckKey(self, key);
}

bool CheckSourceType(vtkTrackedArrayCache* self, vtkObject* source)
{
  const vtkTrackedSource typed(source);
  if (!typed.IsSupported())
  {
    vtkErrorWithObjectMacro(self,
      "The source is a " << source->GetClassName()
                         << ", neither a vtkAbstractArray nor a vtkDataObject.");
    return false;
  }
  std::string why;
  if (typed.DataObject && !vtkTrackedDataObjectArrays::IsCovered(typed.DataObject, why))
  {
    vtkErrorWithObjectMacro(self, "Cannot track the source: " << why << ".");
    return false;
  }
  return true;
}

bool CheckValue(vtkTrackedArrayCache* self, const std::string& key, vtkObject* value)
{
  if (!value)
  {
    vtkErrorWithObjectMacro(self, "The value stored under '" << key << "' is null.");
    return false;
  }
  return true;
}

bool CheckSize(vtkTrackedArrayCache* self, const std::string& key, vtkTypeInt64 sizeInBytes)
{
  if (sizeInBytes < 0)
  {
    vtkErrorWithObjectMacro(
      self, "The size of '" << key << "' cannot be negative (" << sizeInBytes << ").");
    return false;
  }
  return true;
}

bool CheckSeconds(vtkTrackedArrayCache* self, const std::string& key, double seconds)
{
  if (!std::isfinite(seconds) || seconds < 0)
  {
    vtkErrorWithObjectMacro(self,
      "The seconds '" << key << "' took to compute must be finite and not negative (" << seconds
                      << ").");
    return false;
  }
  return true;
}
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(vtkObject* source, const std::string& key, vtkObject* value)
{
  return this->Store(source, key, value, -1, 0.0);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(
  vtkObject* source, const std::string& key, vtkObject* value, vtkTypeInt64 sizeInBytes)
{
  return CheckSize(this, key, sizeInBytes) && this->Store(source, key, value, sizeInBytes, 0.0);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(
  vtkObject* source, const std::string& key, vtkObject* value, double seconds)
{
  return CheckSeconds(this, key, seconds) && this->Store(source, key, value, -1, seconds);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(vtkObject* source, const std::string& key, vtkObject* value,
  vtkTypeInt64 sizeInBytes, double seconds)
{
  // -1 asks for the estimate, as the size-less overloads do.
  return (sizeInBytes == -1 || CheckSize(this, key, sizeInBytes)) &&
    CheckSeconds(this, key, seconds) && this->Store(source, key, value, sizeInBytes, seconds);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(const std::string& digest, const std::string& key, vtkObject* value)
{
  return this->Store(digest, key, value, -1, 0.0);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(
  const std::string& digest, const std::string& key, vtkObject* value, vtkTypeInt64 sizeInBytes)
{
  return CheckSize(this, key, sizeInBytes) && this->Store(digest, key, value, sizeInBytes, 0.0);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(
  const std::string& digest, const std::string& key, vtkObject* value, double seconds)
{
  return CheckSeconds(this, key, seconds) && this->Store(digest, key, value, -1, seconds);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Set(const std::string& digest, const std::string& key, vtkObject* value,
  vtkTypeInt64 sizeInBytes, double seconds)
{
  return (sizeInBytes == -1 || CheckSize(this, key, sizeInBytes)) &&
    CheckSeconds(this, key, seconds) && this->Store(digest, key, value, sizeInBytes, seconds);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Store(vtkObject* source, const std::string& key, vtkObject* value,
  vtkTypeInt64 sizeInBytes, double seconds)
{
  if (!CheckSourceAndKey(this, source, key) || !CheckSourceType(this, source) ||
    !CheckValue(this, key, value))
  {
    return false;
  }
  auto& internals = *this->Internals;
  const int mode = internals.Entries.GetValidationMode();
  const vtkTrackedSource typed(source);
  vtkTrackedDigest content;
  const bool byContent = mode == Content || vtkTrackedStamp::IsShared(typed);
  if (byContent && !this->FreshDigest(source, key, content))
  {
    return false;
  }
  return internals.StoreForSource(
    source, typed, key, value, sizeInBytes, seconds, byContent ? &content : nullptr, mode);
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::Store(const std::string& digest, const std::string& key,
  vtkObject* value, vtkTypeInt64 sizeInBytes, double seconds)
{
  if (!CheckDigestAndKey(this, digest, key) || !CheckValue(this, key, value))
  {
    return false;
  }
  auto& internals = *this->Internals;
  return internals.StoreValue([&internals, &digest](Garbage&) -> vtkTrackedEntryStore::Record&
    { return internals.Entries.FindOrCreateDigestRecord(digest); },
    key, value, sizeInBytes >= 0 ? sizeInBytes : EstimateBytes(value), seconds, nullptr,
    internals.Entries.GetValidationMode(), [&digest] { return digest; });
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::FreshDigest(
  vtkObject* source, const std::string& key, vtkTrackedDigest& digest)
{
  if (!CheckSourceType(this, source))
  {
    return false;
  }
  std::string error;
  if (!this->Internals->Digest(vtkTrackedSource(source), /*fresh=*/true, digest, error))
  {
    vtkErrorMacro("Cannot validate '" << key << "' by content: " << error << ".");
    return false;
  }
  return true;
}

//------------------------------------------------------------------------------
vtkSmartPointer<vtkObject> vtkTrackedArrayCache::Get(vtkObject* source, const std::string& key)
{
  if (!CheckSourceAndKey(this, source, key))
  {
    return nullptr;
  }
  auto& internals = *this->Internals;
  // Content mode re-hashes the source before looking anything up; in Stamp mode only an
  // entry on shared storage asks for it.
  SourceContent content;
  if (internals.Entries.ContentMode() &&
    !(content.Known = this->FreshDigest(source, key, content.Digest)))
  {
    return nullptr;
  }
  vtkSmartPointer<vtkObject> value;
  MissReason reason = MissReason::NotMissed;
  vtkTrackedEntryStore::LookupStatus status;
  for (;;)
  {
    Garbage garbage;
    std::unique_lock<std::mutex> lock(internals.Mutex);
    status = internals.Entries.Lookup(
      internals.Entries.Find(source), key, content.Get(), value, reason, garbage);
    if (status != vtkTrackedEntryStore::LookupStatus::NeedsContent)
    {
      if (status != vtkTrackedEntryStore::LookupStatus::UntrackedSource)
      {
        internals.Entries.CountLookup(status == vtkTrackedEntryStore::LookupStatus::Hit, reason);
      }
      break;
    }
    lock.unlock();
    if (!(content.Known = this->FreshDigest(source, key, content.Digest)))
    {
      return nullptr;
    }
  }
  if (status == vtkTrackedEntryStore::LookupStatus::UntrackedSource)
  {
    // Checked here, off the hit path; a rejected call is not a lookup.
    if (!CheckSourceType(this, source))
    {
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(internals.Mutex);
    internals.Entries.CountLookup(false, reason);
  }
  vtkVLogF(AsVerbosity(internals.LogVerbosity), "%s '%s' of %s%s%s", value ? "hit" : "miss",
    key.c_str(), Describe(source).c_str(), value ? "" : ": ",
    vtkTrackedEntryStore::MissReasonText(reason));
  return value;
}

//------------------------------------------------------------------------------
vtkSmartPointer<vtkObject> vtkTrackedArrayCache::Get(
  const std::string& digest, const std::string& key)
{
  if (!CheckDigestAndKey(this, digest, key))
  {
    return nullptr;
  }
  auto& internals = *this->Internals;
  vtkSmartPointer<vtkObject> value;
  MissReason reason = MissReason::NotMissed;
  {
    Garbage garbage;
    std::lock_guard<std::mutex> lock(internals.Mutex);
    const auto status = internals.Entries.Lookup(
      internals.Entries.FindDigest(digest), key, nullptr, value, reason, garbage);
    internals.Entries.CountLookup(status == vtkTrackedEntryStore::LookupStatus::Hit, reason);
  }
  vtkVLogF(AsVerbosity(internals.LogVerbosity), "%s '%s' of %s%s%s", value ? "hit" : "miss",
    key.c_str(), digest.c_str(), value ? "" : ": ", vtkTrackedEntryStore::MissReasonText(reason));
  return value;
}

//------------------------------------------------------------------------------
vtkSmartPointer<vtkObject> vtkTrackedArrayCache::GetOrCompute(vtkObject* source,
  const std::string& key, const ComputeFunction& compute, vtkTypeInt64 sizeInBytes)
{
  if (!CheckSourceAndKey(this, source, key))
  {
    return nullptr;
  }
  if (!compute)
  {
    vtkErrorMacro("No function was given to compute '" << key << "'.");
    return nullptr;
  }
  auto& internals = *this->Internals;
  const int mode = internals.Entries.GetValidationMode();
  SourceContent content;
  if (mode == Content && !(content.Known = this->FreshDigest(source, key, content.Digest)))
  {
    return nullptr;
  }
  const vtkTrackedComputeOnce::Key computingKey(source, key);
  // Whatever happens once this thread claims the key, the waiting threads are told it
  // finished when the claim goes, after every lock here is let go.
  std::optional<vtkTrackedComputeOnce::Claim> claim;
  vtkSmartPointer<vtkObject> value;
  MissReason reason = MissReason::NotMissed;
  switch (internals.LookupOrClaim(this, source, key, computingKey, content, claim, value, reason))
  {
    case vtkInternals::Found::Failed:
      return nullptr;
    case vtkInternals::Found::Hit:
      vtkVLogF(AsVerbosity(internals.LogVerbosity), "hit '%s' of %s", key.c_str(),
        Describe(source).c_str());
      return value;
    case vtkInternals::Found::Compute:
      break;
  }
  vtkVLogF(AsVerbosity(internals.LogVerbosity), "miss '%s' of %s: %s, computing", key.c_str(),
    Describe(source).c_str(), vtkTrackedEntryStore::MissReasonText(reason));
  return internals.ComputeAndStore(this, source, key, compute, sizeInBytes, content, mode);
}

//------------------------------------------------------------------------------
// Looks the key up, hashing the source when an entry asks for it, checking an untracked
// source's type, and waiting while another thread computes the key; on a miss, claims it.
vtkTrackedArrayCache::vtkInternals::Found vtkTrackedArrayCache::vtkInternals::LookupOrClaim(
  vtkTrackedArrayCache* self, vtkObject* source, const std::string& key,
  const vtkTrackedComputeOnce::Key& computingKey, SourceContent& content,
  std::optional<vtkTrackedComputeOnce::Claim>& claim, vtkSmartPointer<vtkObject>& value,
  MissReason& reason)
{
  using Status = vtkTrackedEntryStore::LookupStatus;
  Garbage garbage;
  std::unique_lock<std::mutex> lock(this->Mutex);
  bool sourceChecked = content.Known; // digested: it is an array or a covered data object
  for (;;)
  {
    const Status status =
      this->Entries.Lookup(this->Entries.Find(source), key, content.Get(), value, reason, garbage);
    if (status == Status::Hit)
    {
      this->Entries.CountLookup(true, reason);
      return Found::Hit;
    }
    if (status == Status::NeedsContent || (status == Status::UntrackedSource && !sourceChecked))
    {
      // Off the hit path (a tracked source was checked when it was stored).
      lock.unlock();
      if (status == Status::NeedsContent
          ? !(content.Known = self->FreshDigest(source, key, content.Digest))
          : !CheckSourceType(self, source))
      {
        return Found::Failed;
      }
      sourceChecked = true;
      lock.lock();
      continue;
    }
    if (!this->Computing.IsClaimed(computingKey))
    {
      claim.emplace(this->Computing, computingKey);
      this->Entries.CountLookup(false, reason);
      return Found::Compute;
    }
    if (this->Computing.WouldWaitForItself(computingKey))
    {
      lock.unlock();
      vtkErrorWithObjectMacro(self,
        "Computing '" << key << "' of " << Describe(source)
                      << " waits, directly or through other threads, for itself.");
      return Found::Failed;
    }
    this->Computing.WaitFor(lock, computingKey);
  }
}

//------------------------------------------------------------------------------
// Computes the value of a claimed key and stores it, unless the source changed meanwhile:
// the result would describe data that is gone.
vtkSmartPointer<vtkObject> vtkTrackedArrayCache::vtkInternals::ComputeAndStore(
  vtkTrackedArrayCache* self, vtkObject* source, const std::string& key,
  const ComputeFunction& compute, vtkTypeInt64 sizeInBytes, SourceContent& content, int mode)
{
  const vtkTrackedSource typed(source);
  vtkTrackedStamp stampBefore;
  stampBefore.Capture(typed);
  // Shared storage validates by content: digested now, before computing. A value that
  // shares the source's buffers (a ShallowCopy of it) makes them shared only afterwards.
  const auto needContent = [&content](bool shared) { return shared && !content.Known; };
  if (needContent(stampBefore.IsShared()) &&
    !(content.Known = self->FreshDigest(source, key, content.Digest)))
  {
    return nullptr;
  }
  const auto computeStart = std::chrono::steady_clock::now();
  vtkSmartPointer<vtkObject> value = compute();
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - computeStart).count();
  const char* notStored = !value ? "computing gave nothing, nothing stored"
    : stampBefore.Compare(typed) != vtkTrackedStamp::Change::None
    ? "the source changed while computing, result not stored"
    : nullptr;
  if (notStored)
  {
    vtkVLogF(AsVerbosity(this->LogVerbosity), "'%s' of %s: %s", key.c_str(),
      Describe(source).c_str(), notStored);
    return value;
  }
  if (needContent(vtkTrackedStamp::IsShared(typed)) &&
    !(content.Known = self->FreshDigest(source, key, content.Digest)))
  {
    return value;
  }
  this->StoreForSource(source, typed, key, value, sizeInBytes, seconds, content.Get(), mode);
  return value;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(vtkObject* source)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.InvalidateAll(this->Internals->Entries.Find(source), garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(const std::string& digest)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.InvalidateAll(this->Internals->Entries.FindDigest(digest), garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(vtkObject* source, const std::string& key)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.InvalidateKey(this->Internals->Entries.Find(source), key, garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(const std::string& digest, const std::string& key)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.InvalidateKey(this->Internals->Entries.FindDigest(digest), key, garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Clear()
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.Clear(garbage);
}

//------------------------------------------------------------------------------
std::string vtkTrackedArrayCache::GetDigest(vtkObject* source)
{
  std::string digest;
  std::string error;
  if (!this->TryGetDigest(source, /*fresh=*/false, digest, error))
  {
    vtkErrorMacro("Cannot digest " << (source ? Describe(source) : std::string("a null source"))
                                   << ": " << error << ".");
  }
  return digest;
}

//------------------------------------------------------------------------------
bool vtkTrackedArrayCache::TryGetDigest(
  vtkObject* source, bool fresh, std::string& digest, std::string& error)
{
  vtkTrackedDigest value;
  // A kept digest first, before any downcast: the path of every unchanged source.
  if (!fresh && this->Internals->Digests.Recall(source, value))
  {
    value.AssignText(digest);
    return true;
  }
  digest.clear();
  const vtkTrackedSource typed(source);
  if (!typed.IsSupported())
  {
    error = source ? std::string("a ") + source->GetClassName() +
        " is neither a vtkAbstractArray nor a vtkDataObject"
                   : "the source is null";
    return false;
  }
  if (!this->Internals->Digest(typed, fresh, value, error))
  {
    return false;
  }
  value.AssignText(digest);
  return true;
}

//------------------------------------------------------------------------------
std::string vtkTrackedArrayCache::ComputeDigest(vtkAbstractArray* array)
{
  if (!array)
  {
    vtkGenericWarningMacro("ComputeDigest: the array is null.");
    return std::string();
  }
  vtkTrackedDigest digest;
  if (!vtkTrackedDigest::OfArray(array, /*pool=*/nullptr, digest))
  {
    vtkGenericWarningMacro("ComputeDigest: out of memory for packing buffers.");
    return std::string();
  }
  return digest.ToString();
}

//------------------------------------------------------------------------------
std::string vtkTrackedArrayCache::ComputeDigest(vtkDataObject* object)
{
  if (!object)
  {
    vtkGenericWarningMacro("ComputeDigest: the data object is null.");
    return std::string();
  }
  vtkTrackedDigest digest;
  std::string error;
  const bool covered = vtkTrackedDigest::OfDataObject(
    object,
    [](const std::vector<vtkAbstractArray*>& arrays, std::vector<vtkTrackedDigest>& digests)
    { return vtkTrackedDigest::OfArrays(arrays, /*pool=*/nullptr, digests); },
    digest, error);
  if (!covered)
  {
    vtkGenericWarningMacro("ComputeDigest: " << error << ".");
    return std::string();
  }
  return digest.ToString();
}

//------------------------------------------------------------------------------
std::string vtkTrackedArrayCache::ComputeTextDigest(const std::string& text)
{
  return vtkTrackedDigest::OfText(text).ToString();
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::SetBufferPool(vtkArrayBufferPool* pool)
{
  if (!pool)
  {
    vtkErrorMacro("The buffer pool cannot be null.");
    return;
  }
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    if (this->Internals->BufferPool == pool)
    {
      return;
    }
    this->Internals->BufferPool = pool;
  }
  this->Modified();
}

//------------------------------------------------------------------------------
vtkArrayBufferPool* vtkTrackedArrayCache::GetBufferPool()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->BufferPool;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::SetValidationMode(int mode)
{
  if (mode != Stamp && mode != Content)
  {
    vtkErrorMacro("Unknown validation mode " << mode << "; the mode stays as it is.");
    return;
  }
  {
    Garbage garbage;
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    if (!this->Internals->Entries.SetValidationMode(mode, garbage))
    {
      return;
    }
  }
  this->Modified();
}

//------------------------------------------------------------------------------
int vtkTrackedArrayCache::GetValidationMode()
{
  return this->Internals->Entries.GetValidationMode();
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::SetMemoryBudget(vtkTypeInt64 bytes)
{
  if (bytes < 0)
  {
    vtkErrorMacro("The memory budget cannot be negative (" << bytes << ").");
    return;
  }
  Garbage garbage;
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    if (this->Internals->Entries.GetMemoryBudget() == bytes)
    {
      return;
    }
    this->Internals->Entries.SetMemoryBudget(bytes, garbage);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetMemoryBudget()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetMemoryBudget();
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::SetEvictionPolicy(int policy)
{
  if (policy != LeastRecentlyUsed && policy != CostAware)
  {
    vtkErrorMacro("Unknown eviction policy " << policy << ": LeastRecentlyUsed ("
                                             << LeastRecentlyUsed << ") or CostAware (" << CostAware
                                             << ").");
    return;
  }
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    auto& entries = this->Internals->Entries;
    if (entries.GetEvictionPolicy() == policy)
    {
      return;
    }
    entries.SetCostOrdering(policy, entries.GetCostHalfLife());
  }
  this->Modified();
}

//------------------------------------------------------------------------------
int vtkTrackedArrayCache::GetEvictionPolicy()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetEvictionPolicy();
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::SetCostHalfLife(double uses)
{
  if (!std::isfinite(uses) || uses <= 0)
  {
    vtkErrorMacro("The cost half-life must be a positive number of uses (" << uses << ").");
    return;
  }
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    auto& entries = this->Internals->Entries;
    if (entries.GetCostHalfLife() == uses)
    {
      return;
    }
    entries.SetCostOrdering(entries.GetEvictionPolicy(), uses);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
double vtkTrackedArrayCache::GetCostHalfLife()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetCostHalfLife();
}

//------------------------------------------------------------------------------
double vtkTrackedArrayCache::GetMinimumCostSeconds()
{
  return 1e-6;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetMemoryUsage()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetMemoryUsage();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfHits()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetStatistics().Hits;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfMisses()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetStatistics().Misses;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfEvictions()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetStatistics().Evictions;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfInvalidations()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetStatistics().Invalidations;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::ResetStatistics()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Entries.ResetStatistics();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfEntries()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries.GetNumberOfEntries();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfTrackedSources()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return static_cast<vtkTypeInt64>(this->Internals->Entries.GetNumberOfSources());
}

//------------------------------------------------------------------------------
const char* vtkTrackedArrayCache::GetLastMissReason()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return vtkTrackedEntryStore::MissReasonText(
    this->Internals->Entries.GetStatistics().LastMissReason);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::SetLogVerbosity(int verbosity)
{
  if (this->Internals->LogVerbosity.exchange(verbosity) != verbosity)
  {
    this->Modified();
  }
}

//------------------------------------------------------------------------------
int vtkTrackedArrayCache::GetLogVerbosity()
{
  return this->Internals->LogVerbosity.load();
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  auto& internals = *this->Internals;
  os << indent << "NumberOfRememberedDigests: " << internals.Digests.GetNumberOfDigests() << "\n";
  std::lock_guard<std::mutex> lock(internals.Mutex);
  const auto& entries = internals.Entries;
  const auto& counts = entries.GetStatistics();
  os << indent << "ValidationMode: " << (entries.ContentMode() ? "Content" : "Stamp") << "\n";
  os << indent << "MemoryBudget: " << entries.GetMemoryBudget() << " bytes"
     << (entries.GetMemoryBudget() == 0 ? " (unlimited)" : "") << "\n";
  os << indent << "MemoryUsage: " << entries.GetMemoryUsage() << " bytes\n";
  os << indent << "EvictionPolicy: "
     << (entries.GetEvictionPolicy() == CostAware ? "CostAware" : "LeastRecentlyUsed") << "\n";
  os << indent << "CostHalfLife: " << entries.GetCostHalfLife() << " uses\n";
  os << indent << "Uses: " << entries.GetNumberOfUses() << "\n";
  os << indent << "NumberOfEntries: " << entries.GetNumberOfEntries() << "\n";
  os << indent << "NumberOfTrackedSources: " << entries.GetNumberOfSources() << "\n";
  os << indent << "NumberOfContentKeys: " << entries.GetNumberOfDigests() << "\n";
  os << indent << "NumberOfHits: " << counts.Hits << "\n";
  os << indent << "NumberOfMisses: " << counts.Misses << "\n";
  os << indent << "NumberOfEvictions: " << counts.Evictions << "\n";
  os << indent << "NumberOfInvalidations: " << counts.Invalidations << "\n";
  os << indent << "LastMissReason: " << vtkTrackedEntryStore::MissReasonText(counts.LastMissReason)
     << "\n";
  os << indent << "LogVerbosity: " << internals.LogVerbosity.load() << "\n";
  os << indent << "BufferChangedEventId: " << GetBufferChangedEventId() << "\n";
  os << indent << "ComputationsInProgress: " << internals.Computing.GetNumberOfComputations()
     << "\n";
  os << indent << "BufferPool: " << internals.BufferPool.GetPointer() << "\n";
}
