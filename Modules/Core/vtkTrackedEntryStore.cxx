// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedEntryStore.h"

#include "vtkCallbackCommand.h"
#include "vtkNew.h"
#include "vtkObject.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedObserverSet.h"
#include "vtkTrackedStamp.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <utility>

namespace
{
using MissReason = vtkTrackedMissReason;

MissReason ReasonOf(vtkTrackedStamp::Change change)
{
  return change == vtkTrackedStamp::Change::Modified ? MissReason::Modified
                                                     : MissReason::BufferChanged;
}

// VTK's observer lists and weak pointers are not thread-safe: every store adds and
// removes its observers and weak pointers under this one lock, so that caches used from
// different threads never edit the lists of a source they share at the same time.
std::mutex& ObserverMutex()
{
  static std::mutex mutex;
  return mutex;
}

// log2 of CostAware's score, plus `uses / halfLife` (the same for every entry, so left
// out): ordering entries by it orders them by score.
double CostPriority(double seconds, vtkTypeInt64 bytes, std::uint64_t lastUse,
  std::uint64_t useCount, double halfLife)
{
  const double cost = std::max(seconds, vtkTrackedArrayCache::GetMinimumCostSeconds());
  return std::log2(cost * static_cast<double>(useCount) /
           static_cast<double>(std::max<vtkTypeInt64>(bytes, 1))) +
    static_cast<double>(lastUse) / halfLife;
}
}

//------------------------------------------------------------------------------
const char* vtkTrackedEntryStore::MissReasonText(vtkTrackedMissReason reason)
{
  switch (reason)
  {
    case MissReason::Absent:
      return "absent";
    case MissReason::Modified:
      return "modified";
    case MissReason::BufferChanged:
      return "buffer-changed";
    case MissReason::Evicted:
      return "evicted";
    case MissReason::ContentChanged:
      return "content-changed";
    case MissReason::BufferShared:
      return "buffer-shared";
    case MissReason::Tampered:
      return "tampered";
    case MissReason::NotMissed:
    case MissReason::Replaced:
      break;
  }
  return "";
}

struct vtkTrackedEntryStore::Entry
{
  Record* Owner = nullptr;
  const std::string* Key = nullptr; // the key of the map node holding this entry
  vtkSmartPointer<vtkObject> Value;
  vtkMTimeType ValueMTime = 0;
  vtkTypeInt64 Bytes = 0;
  // The source's digest when stored: in Content mode, and in Stamp mode for a source whose
  // storage was shared (vtkTrackedStamp), which only content can validate.
  vtkTrackedDigest Content;
  bool HasContent = false;
  double Seconds = 0.0;       // what the value took to compute
  std::uint64_t LastUse = 0;  // the store's use count when it was last stored or hit
  std::uint64_t UseCount = 1; // its store and hits since
  vtkTrackedRecencyList<Entry*>::Position Recency;
  std::multimap<double, Entry*>::iterator CostSlot;
};

struct vtkTrackedEntryStore::Record
{
  const vtkObject* Address = nullptr; // its key in Records; null for a digest record
  std::string Digest;                 // its key in DigestRecords; empty for a source
  vtkTrackedSource Typed;
  vtkTrackedStamp Stamp;
  std::unordered_map<std::string, Entry> Entries; // nodes are stable: Entry* stay valid
  std::unordered_map<std::string, MissReason> Dropped;
  vtkTrackedObserverSet Observers; // holds the source weakly

  Record(vtkObject* source, const vtkTrackedSource& typed)
    : Address(source)
    , Typed(typed)
  {
    this->Stamp.Capture(typed);
  }
  explicit Record(const std::string& digest)
    : Digest(digest)
    , Typed(nullptr)
  {
  }
};

//------------------------------------------------------------------------------
vtkTrackedEntryStore::vtkTrackedEntryStore(SourceEventCallback onSourceEvent, void* clientData)
  : OnSourceEvent(onSourceEvent)
  , ClientData(clientData)
  , ValidationMode(vtkTrackedArrayCache::Stamp)
  , EvictionPolicy(vtkTrackedArrayCache::LeastRecentlyUsed)
{
}

//------------------------------------------------------------------------------
vtkTrackedEntryStore::~vtkTrackedEntryStore() = default;

//------------------------------------------------------------------------------
bool vtkTrackedEntryStore::ContentMode() const
{
  return this->ValidationMode.load() == vtkTrackedArrayCache::Content;
}

//------------------------------------------------------------------------------
bool vtkTrackedEntryStore::SetValidationMode(int mode, vtkTrackedGarbage& garbage)
{
  if (this->ValidationMode.exchange(mode) == mode)
  {
    return false;
  }
  this->Clear(garbage);
  return true;
}

//------------------------------------------------------------------------------
vtkTrackedEntryStore::Record* vtkTrackedEntryStore::Find(const vtkObject* source)
{
  auto found = this->Records.find(source);
  return found == this->Records.end() ? nullptr : found->second.get();
}

//------------------------------------------------------------------------------
vtkTrackedEntryStore::Record* vtkTrackedEntryStore::FindDigest(const std::string& digest)
{
  auto found = this->DigestRecords.find(digest);
  return found == this->DigestRecords.end() ? nullptr : found->second.get();
}

//------------------------------------------------------------------------------
vtkTrackedEntryStore::Record& vtkTrackedEntryStore::FindOrCreateRecord(
  vtkObject* source, const vtkTrackedSource& typed, vtkTrackedGarbage& garbage)
{
  if (Record* existing = this->Find(source))
  {
    if (!this->ContentMode())
    {
      this->Refresh(*existing, garbage);
    }
    return *existing;
  }
  // A command per source: vtkCommand's reference count is not atomic in VTK 9.1, and
  // a source releases its observers on its own thread when it dies.
  vtkNew<vtkCallbackCommand> observer;
  observer->SetClientData(this->ClientData);
  observer->SetCallback(this->OnSourceEvent);
  std::lock_guard<std::mutex> observing(ObserverMutex());
  auto record = std::make_unique<Record>(source, typed);
  record->Observers.ObserveChanges(source, observer);
  Record& created = *record;
  this->Records[source] = std::move(record);
  return created;
}

//------------------------------------------------------------------------------
vtkTrackedEntryStore::Record& vtkTrackedEntryStore::FindOrCreateDigestRecord(
  const std::string& digest)
{
  std::unique_ptr<Record>& record = this->DigestRecords[digest];
  if (!record)
  {
    record = std::make_unique<Record>(digest);
  }
  return *record;
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::HandleSourceEvent(
  vtkObject* source, unsigned long eventId, vtkTrackedGarbage& garbage)
{
  Record* record = this->Find(source);
  if (!record)
  {
    return;
  }
  if (eventId == vtkCommand::DeleteEvent)
  {
    this->DropEntries(*record, MissReason::Absent, garbage);
    this->RemoveRecord(*record);
  }
  else if (this->ContentMode())
  {
    return; // the digest decides, not events
  }
  else if (eventId != vtkCommand::ModifiedEvent)
  {
    this->Refresh(*record, garbage); // a buffer-changed event counts if the storage did change
  }
  else
  {
    this->DropEntries(*record, MissReason::Modified, garbage);
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedEntryStore::ValidatesByContent(const Record& record) const
{
  return record.Address && (this->ContentMode() || record.Stamp.IsShared());
}

//------------------------------------------------------------------------------
vtkTrackedEntryStore::LookupStatus vtkTrackedEntryStore::Lookup(Record* record,
  const std::string& key, const vtkTrackedDigest* content, vtkSmartPointer<vtkObject>& value,
  vtkTrackedMissReason& reason, vtkTrackedGarbage& garbage)
{
  ++this->Uses;
  if (!record)
  {
    reason = MissReason::Absent;
    return LookupStatus::UntrackedSource;
  }
  if (record->Address && !this->ContentMode())
  {
    this->Refresh(*record, garbage);
  }
  auto entry = record->Entries.find(key);
  if (entry == record->Entries.end())
  {
    reason = this->TakeDropReason(*record, key);
    this->ReleaseIfIdle(*record);
    return LookupStatus::Miss;
  }
  Entry& hit = entry->second;
  const bool byContent = this->ValidatesByContent(*record);
  if (byContent && hit.HasContent && !content && hit.Value->GetMTime() == hit.ValueMTime)
  {
    return LookupStatus::NeedsContent;
  }
  reason = hit.Value->GetMTime() != hit.ValueMTime ? MissReason::Tampered
    : byContent && !hit.HasContent                 ? MissReason::BufferShared
    : byContent && *content != hit.Content         ? MissReason::ContentChanged
                                                   : MissReason::NotMissed;
  if (reason != MissReason::NotMissed)
  {
    this->DropEntry(*record, entry, reason, garbage);
    record->Dropped.erase(key); // reported now
    this->ReleaseIfIdle(*record);
    return LookupStatus::Miss;
  }
  this->Recency.Touch(hit.Recency);
  hit.LastUse = this->Uses;
  ++hit.UseCount;
  value = hit.Value;
  return LookupStatus::Hit;
}

//------------------------------------------------------------------------------
// Drops the record's entries if its source changed since they were stored, or its storage
// became shared or stopped being so (its entries were validated the other way), and
// stamps the source anew.
void vtkTrackedEntryStore::Refresh(Record& record, vtkTrackedGarbage& garbage)
{
  bool shared = false;
  const auto change = record.Stamp.Compare(record.Typed, shared);
  if (change != vtkTrackedStamp::Change::None || shared != record.Stamp.IsShared())
  {
    this->DropEntries(record,
      change == vtkTrackedStamp::Change::None ? MissReason::BufferShared : ReasonOf(change),
      garbage);
    record.Stamp.Capture(record.Typed);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::CountLookup(bool hit, vtkTrackedMissReason reason)
{
  if (hit)
  {
    ++this->Counts.Hits;
  }
  else
  {
    ++this->Counts.Misses;
    this->Counts.LastMissReason = reason;
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedEntryStore::Store(Record& record, const std::string& key, vtkObject* value,
  vtkTypeInt64 bytes, double seconds, const vtkTrackedDigest* content, vtkTrackedGarbage& garbage)
{
  const std::uint64_t use = ++this->Uses;
  // The previous value under this key is superseded whether or not the new one fits.
  auto previous = record.Entries.find(key);
  if (previous != record.Entries.end())
  {
    this->DropEntry(record, previous, MissReason::Replaced, garbage);
  }
  record.Dropped.erase(key);
  if (this->MemoryBudget > 0 && bytes > this->MemoryBudget)
  {
    this->ReleaseIfIdle(record);
    return false;
  }
  this->EvictFor(bytes, garbage, &record); // `record` stays
  Entry& entry = this->Link(record, key, bytes, seconds, use);
  entry.Value = value;
  entry.ValueMTime = value->GetMTime();
  entry.HasContent = content != nullptr;
  entry.Content = content ? *content : vtkTrackedDigest();
  this->MemoryUsage += bytes;
  ++this->Entries;
  return true;
}

//------------------------------------------------------------------------------
// Adds an empty entry under `key`, linked into the recency and cost orders. Those slots
// come first: if anything throws, nothing is half linked.
vtkTrackedEntryStore::Entry& vtkTrackedEntryStore::Link(
  Record& record, const std::string& key, vtkTypeInt64 bytes, double seconds, std::uint64_t use)
{
  auto recency = this->Recency.Insert(nullptr);
  auto costSlot = this->CostOrder.end();
  decltype(record.Entries.emplace(key, Entry{})) inserted;
  try
  {
    if (this->CostOrdered())
    {
      costSlot =
        this->CostOrder.emplace(CostPriority(seconds, bytes, use, 1, this->CostHalfLife), nullptr);
    }
    inserted = record.Entries.emplace(key, Entry{});
  }
  catch (...)
  {
    if (costSlot != this->CostOrder.end())
    {
      this->CostOrder.erase(costSlot);
    }
    this->Recency.Erase(recency);
    throw;
  }
  Entry& entry = inserted.first->second;
  entry.Owner = &record;
  entry.Key = &inserted.first->first;
  entry.Bytes = bytes;
  entry.Seconds = seconds;
  entry.LastUse = use;
  *recency = &entry;
  entry.Recency = recency;
  if (costSlot != this->CostOrder.end())
  {
    costSlot->second = &entry;
  }
  entry.CostSlot = costSlot;
  return entry;
}

//------------------------------------------------------------------------------
// Removes one entry, remembering why unless the caller asked for it (Absent, Replaced).
// Evictions and invalidations are counted; replacements are neither.
void vtkTrackedEntryStore::DropEntry(Record& record,
  std::unordered_map<std::string, Entry>::iterator entry, vtkTrackedMissReason reason,
  vtkTrackedGarbage& garbage)
{
  Entry& dropped = entry->second;
  garbage.push_back(dropped.Value); // first: if it throws, nothing has changed
  if (reason != MissReason::Absent && reason != MissReason::Replaced)
  {
    record.Dropped[entry->first] = reason;
  }
  this->Recency.Erase(dropped.Recency);
  if (this->CostOrdered())
  {
    this->CostOrder.erase(dropped.CostSlot);
  }
  this->MemoryUsage -= dropped.Bytes;
  --this->Entries;
  this->Counts.Evictions += reason == MissReason::Evicted;
  this->Counts.Invalidations += reason != MissReason::Evicted && reason != MissReason::Replaced;
  record.Entries.erase(entry);
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::DropEntries(
  Record& record, vtkTrackedMissReason reason, vtkTrackedGarbage& garbage)
{
  while (!record.Entries.empty())
  {
    this->DropEntry(record, record.Entries.begin(), reason, garbage);
  }
}

//------------------------------------------------------------------------------
vtkTrackedMissReason vtkTrackedEntryStore::TakeDropReason(Record& record, const std::string& key)
{
  auto found = record.Dropped.find(key);
  if (found == record.Dropped.end())
  {
    return MissReason::Absent;
  }
  const MissReason reason = found->second;
  record.Dropped.erase(found);
  return reason;
}

//------------------------------------------------------------------------------
// Stops observing a source the store has nothing left to say about.
void vtkTrackedEntryStore::ReleaseIfIdle(Record& record)
{
  if (record.Entries.empty() && record.Dropped.empty())
  {
    this->RemoveRecord(record);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::RemoveRecord(Record& record)
{
  if (!record.Address)
  {
    this->DigestRecords.erase(record.Digest);
    return;
  }
  std::lock_guard<std::mutex> observing(ObserverMutex()); // the weak pointer goes too
  this->Records.erase(record.Address);
}

//------------------------------------------------------------------------------
double vtkTrackedEntryStore::Priority(const Entry& entry) const
{
  return CostPriority(
    entry.Seconds, entry.Bytes, entry.LastUse, entry.UseCount, this->CostHalfLife);
}

//------------------------------------------------------------------------------
bool vtkTrackedEntryStore::CostOrdered() const
{
  return this->EvictionPolicy == vtkTrackedArrayCache::CostAware;
}

//------------------------------------------------------------------------------
// The new order is built aside: if that throws, nothing has changed.
void vtkTrackedEntryStore::SetCostOrdering(int policy, double halfLife)
{
  std::multimap<double, Entry*> rebuilt;
  std::vector<std::multimap<double, Entry*>::iterator> slots;
  if (policy == vtkTrackedArrayCache::CostAware)
  {
    slots.reserve(this->Recency.GetSize());
    for (Entry* entry : this->Recency)
    {
      slots.push_back(rebuilt.emplace(
        CostPriority(entry->Seconds, entry->Bytes, entry->LastUse, entry->UseCount, halfLife),
        entry));
    }
  }
  // Nothing below throws. Swapping keeps the slots valid; under LeastRecentlyUsed they are
  // never read.
  this->CostOrder.swap(rebuilt);
  std::size_t next = 0;
  for (Entry* entry : this->Recency)
  {
    entry->CostSlot = slots.empty() ? this->CostOrder.end() : slots[next++];
  }
  this->EvictionPolicy = policy;
  this->CostHalfLife = halfLife;
}

//------------------------------------------------------------------------------
// The entry the eviction policy gives up first (there is one).
vtkTrackedEntryStore::Entry* vtkTrackedEntryStore::NextToEvict()
{
  if (!this->CostOrdered())
  {
    return this->Recency.Oldest();
  }
  for (;;)
  {
    auto lowest = this->CostOrder.begin();
    Entry* entry = lowest->second;
    const double priority = this->Priority(*entry);
    if (priority <= lowest->first)
    {
      return entry;
    }
    // Used since it was keyed: key it anew (moving its node: nothing allocates, nothing
    // throws), and look again.
    auto node = this->CostOrder.extract(lowest);
    node.key() = priority;
    entry->CostSlot = this->CostOrder.insert(std::move(node));
  }
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::SetMemoryBudget(vtkTypeInt64 bytes, vtkTrackedGarbage& garbage)
{
  this->MemoryBudget = bytes;
  this->EvictFor(0, garbage, nullptr);
}

//------------------------------------------------------------------------------
// Evicts entries by the eviction policy until `incomingBytes` fit the budget. Source
// records stay (see the thread rules). A content-keyed record left empty goes at once,
// unless it is `keep` (being stored into): it has no observers, and nothing else would
// ever remove it; its key then reports "absent" rather than "evicted".
void vtkTrackedEntryStore::EvictFor(
  vtkTypeInt64 incomingBytes, vtkTrackedGarbage& garbage, const Record* keep)
{
  while (this->MemoryBudget > 0 && !this->Recency.IsEmpty() &&
    this->MemoryUsage + incomingBytes > this->MemoryBudget)
  {
    Entry* victim = this->NextToEvict();
    Record& record = *victim->Owner;
    this->DropEntry(record, record.Entries.find(*victim->Key), MissReason::Evicted, garbage);
    if (!record.Address && record.Entries.empty() && &record != keep)
    {
      this->RemoveRecord(record);
    }
  }
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::InvalidateAll(Record* record, vtkTrackedGarbage& garbage)
{
  if (record)
  {
    this->DropEntries(*record, MissReason::Absent, garbage);
    this->RemoveRecord(*record);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::InvalidateKey(
  Record* record, const std::string& key, vtkTrackedGarbage& garbage)
{
  if (!record)
  {
    return;
  }
  auto entry = record->Entries.find(key);
  if (entry != record->Entries.end())
  {
    this->DropEntry(*record, entry, MissReason::Absent, garbage);
  }
  record->Dropped.erase(key);
  this->ReleaseIfIdle(*record);
}

//------------------------------------------------------------------------------
template <typename RecordMap>
void vtkTrackedEntryStore::RemoveAll(RecordMap& records, vtkTrackedGarbage& garbage)
{
  while (!records.empty())
  {
    this->InvalidateAll(records.begin()->second.get(), garbage);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedEntryStore::Clear(vtkTrackedGarbage& garbage)
{
  this->RemoveAll(this->Records, garbage);
  this->RemoveAll(this->DigestRecords, garbage);
}
