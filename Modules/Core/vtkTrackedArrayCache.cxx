#include "vtkTrackedArrayCache.h"

#include "vtkAbstractArray.h"
#include "vtkArrayBufferPool.h"
#include "vtkCallbackCommand.h"
#include "vtkDataObject.h"
#include "vtkLogger.h"
#include "vtkNew.h"
#include "vtkObjectFactory.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedStamp.h"
#include "vtkVersionMacros.h"
#include "vtkWeakPointer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

vtkStandardNewMacro(vtkTrackedArrayCache);

namespace
{
enum class MissReason
{
  None,
  Absent,
  Modified,
  BufferChanged,
  Evicted,
  ContentChanged,
  BufferShared, // the source's storage gained or lost another owner since it was stamped
  Tampered,
  Replaced // a drop cause only: Set() superseded the entry
};

const char* ReasonText(MissReason reason)
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
    case MissReason::None:
    case MissReason::Replaced:
      break;
  }
  return "";
}

MissReason ReasonOf(vtkTrackedStamp::Change change)
{
  return change == vtkTrackedStamp::Change::Modified ? MissReason::Modified
                                                     : MissReason::BufferChanged;
}

// Values leave the cache through this list, released once the lock is let go: a
// value's destructor may delete a tracked source, whose DeleteEvent locks again.
using Garbage = std::vector<vtkSmartPointer<vtkObject>>;

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

// VTK's observer lists and weak pointers are not thread-safe: every cache adds and
// removes its observers and weak pointers under this one lock, so that caches used from
// different threads never edit the lists of a source they share at the same time.
std::mutex& ObserverMutex()
{
  static std::mutex mutex;
  return mutex;
}

vtkLogger::Verbosity AsVerbosity(const std::atomic<int>& verbosity)
{
  return static_cast<vtkLogger::Verbosity>(verbosity.load());
}
}

// Threads: every structure below is guarded by Mutex (then ObserverMutex, never the
// other way round). A source's observers and the weak pointer to it are only added or
// removed from a call that names the source (Set, Get, GetOrCompute, Invalidate), from
// the source's own events, or by Clear() and the destructor: VTK's observer lists are
// not thread-safe, and the thread that uses a source is the one that may touch them.
// Eviction, which any thread's Set may trigger, therefore drops entries but never
// source records. Values are released only once Mutex is let go (Garbage).
class vtkTrackedArrayCache::vtkInternals
{
public:
  struct Record;

  struct Entry
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
    std::uint64_t LastUse = 0;  // the cache's use count when it was last stored or hit
    std::uint64_t UseCount = 1; // its store and hits since
    std::list<Entry*>::iterator Recency;
    std::multimap<double, Entry*>::iterator CostSlot;
  };

  // One per observed source, or per digest of content-keyed entries: its entries, why
  // entries went away (told by the next lookup of that key), and for a source its stamp
  // and observers. The record, and with it the observers, goes when it holds neither
  // entries nor reasons, or the source dies.
  struct Record
  {
    const vtkObject* Address = nullptr; // its key in Records; null for a digest record
    std::string Digest;                 // its key in DigestRecords; empty for a source
    vtkWeakPointer<vtkObject> Source;
    vtkTrackedSource Typed;
    vtkTrackedStamp Stamp;
    std::unordered_map<std::string, Entry> Entries; // nodes are stable: Entry* stay valid
    std::unordered_map<std::string, MissReason> Dropped;
    unsigned long ObserverTags[3] = { 0, 0, 0 };

    Record(vtkObject* source, const vtkTrackedSource& typed)
      : Address(source)
      , Source(source)
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

  // An array's or data object's digest with the stamp it was computed at.
  struct Memo
  {
    vtkTrackedStamp Stamp;
    vtkTrackedDigest Digest;
    std::list<const vtkObject*>::iterator Recency;
  };
  // Memos of dead objects are harmless (a new object at the same address has a newer
  // MTime, so its stamp differs) but take memory: keep the most recently used ones.
  static constexpr std::size_t MaximumMemos = 16384;

  enum class LookupStatus
  {
    Hit,
    Miss,
    UntrackedSource, // no record: the caller checks the source's type outside the lock
    NeedsContent     // the entry validates by content: call again with the fresh digest
  };

  using ComputingKey = std::pair<const vtkObject*, std::string>;

  std::mutex Mutex;
  std::condition_variable ComputeFinished;
  std::unordered_map<const vtkObject*, std::unique_ptr<Record>> Records;
  std::unordered_map<std::string, std::unique_ptr<Record>> DigestRecords;
  std::list<Entry*> Recency; // front: most recently used
  // CostAware's order, lowest score first (empty under LeastRecentlyUsed, which does not
  // pay for it): keyed by Priority() as of the entry's last refresh. Hits only count themselves
  // (O(1)); since that only raises the priority, a key is never above the entry's true priority,
  // and NextToEvict() refreshes a stale key before trusting it.
  std::multimap<double, Entry*> CostOrder;
  std::uint64_t Uses = 0;                            // lookups and stores so far: CostAware's clock
  std::map<ComputingKey, std::thread::id> Computing; // who computes what
  std::map<std::thread::id, ComputingKey> Waiting;   // who waits for what
  std::unordered_map<const vtkObject*, Memo> Memos;
  std::list<const vtkObject*> MemoRecency; // front: most recently used
  vtkSmartPointer<vtkArrayBufferPool> BufferPool = vtkSmartPointer<vtkArrayBufferPool>::New();

  std::atomic<int> ValidationMode{ vtkTrackedArrayCache::Stamp };
  int EvictionPolicy = vtkTrackedArrayCache::LeastRecentlyUsed;
  double CostHalfLife = 15.0;
  vtkTypeInt64 MemoryBudget = 0;
  vtkTypeInt64 MemoryUsage = 0;
  vtkTypeInt64 Entries = 0;
  vtkTypeInt64 Hits = 0;
  vtkTypeInt64 Misses = 0;
  vtkTypeInt64 Evictions = 0;
  vtkTypeInt64 Invalidations = 0;
  MissReason LastMissReason = MissReason::None;
  std::atomic<int> LogVerbosity{ vtkLogger::VERBOSITY_TRACE };

  bool ContentMode() const { return this->ValidationMode.load() == vtkTrackedArrayCache::Content; }

  // log2 of CostAware's score, plus `uses / CostHalfLife` (the same for every entry, so
  // left out): ordering entries by it orders them by score.
  static double Priority(double seconds, vtkTypeInt64 bytes, std::uint64_t lastUse,
    std::uint64_t useCount, double halfLife)
  {
    const double cost = std::max(seconds, vtkTrackedArrayCache::GetMinimumCostSeconds());
    return std::log2(cost * static_cast<double>(useCount) /
             static_cast<double>(std::max<vtkTypeInt64>(bytes, 1))) +
      static_cast<double>(lastUse) / halfLife;
  }

  double Priority(const Entry& entry) const
  {
    return Priority(entry.Seconds, entry.Bytes, entry.LastUse, entry.UseCount, this->CostHalfLife);
  }

  bool CostOrdered() const { return this->EvictionPolicy == vtkTrackedArrayCache::CostAware; }

  // Sets the policy and the half-life, keying every entry anew under CostAware or emptying
  // the order under LeastRecentlyUsed. The new order is built aside: if that throws,
  // nothing has changed.
  void SetCostOrdering(int policy, double halfLife)
  {
    std::multimap<double, Entry*> rebuilt;
    std::vector<std::multimap<double, Entry*>::iterator> slots;
    if (policy == vtkTrackedArrayCache::CostAware)
    {
      slots.reserve(this->Recency.size());
      for (Entry* entry : this->Recency)
      {
        slots.push_back(rebuilt.emplace(
          Priority(entry->Seconds, entry->Bytes, entry->LastUse, entry->UseCount, halfLife),
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

  static void OnSourceEvent(vtkObject* caller, unsigned long eventId, void* clientData, void*)
  {
    auto* self = static_cast<vtkInternals*>(clientData);
    Garbage garbage;
    std::lock_guard<std::mutex> lock(self->Mutex);
    const bool bufferEvent =
      eventId != vtkCommand::ModifiedEvent && eventId != vtkCommand::DeleteEvent;
    // A buffer-changed event counts only if the storage did change: VTK also fires it when
    // a buffer is set to itself.
    self->ForgetDigest(caller, /*onlyIfChanged=*/bufferEvent);
    auto found = self->Records.find(caller);
    if (found == self->Records.end())
    {
      return;
    }
    Record& record = *found->second;
    if (eventId == vtkCommand::DeleteEvent)
    {
      self->DropEntries(record, MissReason::Absent, garbage);
      self->RemoveRecord(record);
    }
    else if (self->ContentMode())
    {
      return; // the digest decides, not events
    }
    else if (bufferEvent)
    {
      self->Refresh(record, garbage);
    }
    else
    {
      self->DropEntries(record, MissReason::Modified, garbage);
    }
  }

  // Whether waiting for `key` would close a cycle back to this thread: the thread that
  // computes it waits for a key computed by ... this thread.
  bool WouldWaitForItself(ComputingKey key) const
  {
    const std::thread::id self = std::this_thread::get_id();
    for (std::size_t hops = 0; hops <= this->Waiting.size(); ++hops)
    {
      auto computing = this->Computing.find(key);
      if (computing == this->Computing.end())
      {
        return false;
      }
      if (computing->second == self)
      {
        return true;
      }
      auto waiting = this->Waiting.find(computing->second);
      if (waiting == this->Waiting.end())
      {
        return false;
      }
      key = waiting->second;
    }
    return false;
  }

  Record* Find(const vtkObject* source)
  {
    auto found = this->Records.find(source);
    return found == this->Records.end() ? nullptr : found->second.get();
  }

  Record* FindDigest(const std::string& digest)
  {
    auto found = this->DigestRecords.find(digest);
    return found == this->DigestRecords.end() ? nullptr : found->second.get();
  }

  // Whether the entries of `record` are validated by the source's content.
  bool ValidatesByContent(const Record& record) const
  {
    return record.Address && (this->ContentMode() || record.Stamp.IsShared());
  }

  // Looks `key` up in `record` (null: nothing stored); drops what it finds stale.
  // `content` is the source's fresh digest, or null if not computed: a lookup that needs it
  // returns NeedsContent. Call only from a call naming the record's source or digest: it
  // may release the record.
  LookupStatus Lookup(Record* record, const std::string& key, const vtkTrackedDigest* content,
    vtkSmartPointer<vtkObject>& value, MissReason& reason, Garbage& garbage)
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
                                                     : MissReason::None;
    if (reason != MissReason::None)
    {
      this->DropEntry(*record, entry, reason, garbage);
      record->Dropped.erase(key); // reported now
      this->ReleaseIfIdle(*record);
      return LookupStatus::Miss;
    }
    this->Recency.splice(this->Recency.begin(), this->Recency, hit.Recency);
    hit.LastUse = this->Uses;
    ++hit.UseCount;
    value = hit.Value;
    return LookupStatus::Hit;
  }

  // Drops the record's entries if its source changed since they were stored, or its
  // storage became shared or stopped being so (its entries were validated the other way),
  // and stamps the source anew.
  void Refresh(Record& record, Garbage& garbage)
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

  void CountLookup(bool hit, MissReason reason)
  {
    if (hit)
    {
      ++this->Hits;
    }
    else
    {
      ++this->Misses;
      this->LastMissReason = reason;
    }
  }

  Record& FindOrCreateRecord(vtkObject* source, const vtkTrackedSource& typed, Garbage& garbage)
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
    observer->SetClientData(this);
    observer->SetCallback(&vtkInternals::OnSourceEvent);
    std::lock_guard<std::mutex> observing(ObserverMutex());
    auto record = std::make_unique<Record>(source, typed);
    record->ObserverTags[0] = source->AddObserver(vtkCommand::ModifiedEvent, observer);
    record->ObserverTags[1] = source->AddObserver(vtkCommand::DeleteEvent, observer);
    record->ObserverTags[2] =
      source->AddObserver(vtkTrackedArrayCache::GetBufferChangedEventId(), observer);
    Record& created = *record;
    this->Records[source] = std::move(record);
    return created;
  }

  Record& FindOrCreateDigestRecord(const std::string& digest)
  {
    std::unique_ptr<Record>& record = this->DigestRecords[digest];
    if (!record)
    {
      record = std::make_unique<Record>(digest);
    }
    return *record;
  }

  // Stores `value` under `key` in `record`, replacing what was there, with the source's
  // digest `content` if validated by content (else null); false (the record released if
  // idle) when the value is larger than the whole budget.
  bool Store(Record& record, const std::string& key, vtkObject* value, vtkTypeInt64 bytes,
    double seconds, const vtkTrackedDigest* content, Garbage& garbage)
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
    // The recency and cost slots first: if anything throws, nothing is half linked.
    this->Recency.push_front(nullptr);
    auto costSlot = this->CostOrder.end();
    decltype(record.Entries.emplace(key, Entry{})) inserted;
    try
    {
      if (this->CostOrdered())
      {
        costSlot =
          this->CostOrder.emplace(Priority(seconds, bytes, use, 1, this->CostHalfLife), nullptr);
      }
      inserted = record.Entries.emplace(key, Entry{});
    }
    catch (...)
    {
      if (costSlot != this->CostOrder.end())
      {
        this->CostOrder.erase(costSlot);
      }
      this->Recency.pop_front();
      throw;
    }
    Entry& entry = inserted.first->second;
    entry.Owner = &record;
    entry.Key = &inserted.first->first;
    entry.Value = value;
    entry.ValueMTime = value->GetMTime();
    entry.Bytes = bytes;
    entry.HasContent = content != nullptr;
    entry.Content = content ? *content : vtkTrackedDigest();
    entry.Seconds = seconds;
    entry.LastUse = use;
    this->Recency.front() = &entry;
    entry.Recency = this->Recency.begin();
    if (costSlot != this->CostOrder.end())
    {
      costSlot->second = &entry;
    }
    entry.CostSlot = costSlot;
    this->MemoryUsage += bytes;
    ++this->Entries;
    return true;
  }

  // Removes one entry, remembering why unless the caller asked for it (Absent,
  // Replaced). Evictions and invalidations are counted; replacements are neither.
  void DropEntry(Record& record, std::unordered_map<std::string, Entry>::iterator entry,
    MissReason reason, Garbage& garbage)
  {
    Entry& dropped = entry->second;
    garbage.push_back(dropped.Value); // first: if it throws, nothing has changed
    if (reason != MissReason::Absent && reason != MissReason::Replaced)
    {
      record.Dropped[entry->first] = reason;
    }
    this->Recency.erase(dropped.Recency);
    if (this->CostOrdered())
    {
      this->CostOrder.erase(dropped.CostSlot);
    }
    this->MemoryUsage -= dropped.Bytes;
    --this->Entries;
    this->Evictions += reason == MissReason::Evicted;
    this->Invalidations += reason != MissReason::Evicted && reason != MissReason::Replaced;
    record.Entries.erase(entry);
  }

  void DropEntries(Record& record, MissReason reason, Garbage& garbage)
  {
    while (!record.Entries.empty())
    {
      this->DropEntry(record, record.Entries.begin(), reason, garbage);
    }
  }

  MissReason TakeDropReason(Record& record, const std::string& key)
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

  // Stops observing a source the cache has nothing left to say about.
  void ReleaseIfIdle(Record& record)
  {
    if (record.Entries.empty() && record.Dropped.empty())
    {
      this->RemoveRecord(record);
    }
  }

  void RemoveRecord(Record& record)
  {
    if (!record.Address)
    {
      this->DigestRecords.erase(record.Digest);
      return;
    }
    std::lock_guard<std::mutex> observing(ObserverMutex()); // the weak pointer goes too
    if (vtkObject* source = record.Source)
    {
      for (unsigned long tag : record.ObserverTags)
      {
        source->RemoveObserver(tag);
      }
    }
    this->Records.erase(record.Address);
  }

  // The entry the eviction policy gives up first (there is one).
  Entry* NextToEvict()
  {
    if (!this->CostOrdered())
    {
      return this->Recency.back();
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

  // Evicts entries by the eviction policy until `incomingBytes` fit the budget. Source
  // records stay (see the thread rules above). A content-keyed record left empty goes
  // at once, unless it is `keep` (being stored into): it has no observers, and nothing
  // else would ever remove it; its key then reports "absent" rather than "evicted".
  void EvictFor(vtkTypeInt64 incomingBytes, Garbage& garbage, const Record* keep = nullptr)
  {
    while (this->MemoryBudget > 0 && !this->Recency.empty() &&
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

  template <typename RecordMap>
  void RemoveAll(RecordMap& records, Garbage& garbage)
  {
    while (!records.empty())
    {
      Record& record = *records.begin()->second;
      this->DropEntries(record, MissReason::Absent, garbage);
      this->RemoveRecord(record);
    }
  }

  void ClearLocked(Garbage& garbage)
  {
    this->RemoveAll(this->Records, garbage);
    this->RemoveAll(this->DigestRecords, garbage);
  }

  // Forgets the memoized digest of `object`; with `onlyIfChanged`, only if its storage or
  // MTime changed since.
  void ForgetDigest(vtkObject* object, bool onlyIfChanged)
  {
    auto found = this->Memos.find(object);
    if (found != this->Memos.end() &&
      (!onlyIfChanged ||
        found->second.Stamp.Compare(vtkTrackedSource(object)) != vtkTrackedStamp::Change::None))
    {
      this->MemoRecency.erase(found->second.Recency);
      this->Memos.erase(found);
    }
  }

  // The memoized digest of `object` if its stamp is unchanged (locks).
  bool RecallDigest(
    const vtkObject* object, const vtkTrackedSource& typed, vtkTrackedDigest& digest)
  {
    std::lock_guard<std::mutex> lock(this->Mutex);
    auto found = this->Memos.find(object);
    bool shared = false;
    if (found == this->Memos.end() ||
      found->second.Stamp.Compare(typed, shared) != vtkTrackedStamp::Change::None || shared)
    {
      return false;
    }
    this->MemoRecency.splice(this->MemoRecency.begin(), this->MemoRecency, found->second.Recency);
    digest = found->second.Digest;
    return true;
  }

  // Memoizes `digest` under the stamp `object` had before it was hashed (locks), unless its
  // storage was shared: then it may change unseen, and is hashed at every call.
  void RememberDigest(
    const vtkObject* object, vtkTrackedStamp&& stamp, const vtkTrackedDigest& digest)
  {
    if (stamp.IsShared())
    {
      return;
    }
    std::lock_guard<std::mutex> lock(this->Mutex);
    auto inserted = this->Memos.emplace(object, Memo{});
    Memo& memo = inserted.first->second;
    if (inserted.second)
    {
      this->MemoRecency.push_front(object);
      memo.Recency = this->MemoRecency.begin();
    }
    else
    {
      this->MemoRecency.splice(this->MemoRecency.begin(), this->MemoRecency, memo.Recency);
    }
    memo.Stamp = std::move(stamp);
    memo.Digest = digest;
    while (this->Memos.size() > MaximumMemos)
    {
      this->Memos.erase(this->MemoRecency.back());
      this->MemoRecency.pop_back();
    }
  }

  // The digest of an array or data object: recalled when its stamp is unchanged (unless
  // `fresh`), else computed outside the lock and remembered. A data object's digest
  // reuses (or with `fresh`, renews) its arrays' digests. False with `error` set for
  // data objects digests do not cover, or when memory for packing ran out.
  bool Digest(
    const vtkTrackedSource& typed, bool fresh, vtkTrackedDigest& digest, std::string& error)
  {
    const vtkObject* object = typed.Array ? static_cast<vtkObject*>(typed.Array) : typed.DataObject;
    if (!fresh && this->RecallDigest(object, typed, digest))
    {
      return true;
    }
    vtkSmartPointer<vtkArrayBufferPool> pool; // held: SetBufferPool() may replace it
    {
      std::lock_guard<std::mutex> lock(this->Mutex);
      pool = this->BufferPool;
    }
    vtkTrackedStamp stamp;
    stamp.Capture(typed);
    const bool digested = typed.Array
      ? vtkTrackedDigest::OfArray(typed.Array, pool, digest)
      : vtkTrackedDigest::OfDataObject(
          typed.DataObject,
          [&](vtkAbstractArray* array, vtkTrackedDigest& arrayDigest)
          {
            std::string unused;
            return this->Digest(vtkTrackedSource(array), fresh, arrayDigest, unused);
          },
          digest, error);
    if (!digested)
    {
      if (error.empty())
      {
        error = "out of memory for packing buffers";
      }
      return false;
    }
    this->RememberDigest(object, std::move(stamp), digest);
    return true;
  }

  // Drops every entry of a record and the record (a call naming its source or digest).
  void InvalidateAll(Record* record, Garbage& garbage)
  {
    if (record)
    {
      this->DropEntries(*record, MissReason::Absent, garbage);
      this->RemoveRecord(*record);
    }
  }

  // Drops the entry under `key` and its reason; the record goes if idle.
  void InvalidateKey(Record* record, const std::string& key, Garbage& garbage)
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
    if (this->ValidationMode.load() != mode)
    {
      return false;
    }
    Record& record = findRecord(garbage);
    if (!this->Store(record, key, value, bytes, seconds, content, garbage))
    {
      lock.unlock();
      vtkVLogF(AsVerbosity(this->LogVerbosity),
        "not stored: '%s' of %s takes %lld bytes, more than the budget", key.c_str(),
        describe().c_str(), static_cast<long long>(bytes));
      return false;
    }
    return true;
  }
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
  this->Internals->ClearLocked(garbage);
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
  if (typed.DataObject && !vtkTrackedIsCovered(typed.DataObject, why))
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
  const int mode = internals.ValidationMode.load();
  const vtkTrackedSource typed(source);
  vtkTrackedDigest content;
  const bool byContent = mode == Content || vtkTrackedStamp::IsShared(typed);
  if (byContent && !this->FreshDigest(source, key, content))
  {
    return false;
  }
  return internals.StoreValue([&](Garbage& garbage) -> vtkInternals::Record&
    { return internals.FindOrCreateRecord(source, typed, garbage); },
    key, value, sizeInBytes >= 0 ? sizeInBytes : EstimateBytes(value), seconds,
    byContent ? &content : nullptr, mode, [&] { return Describe(source); });
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
  return internals.StoreValue([&](Garbage&) -> vtkInternals::Record&
    { return internals.FindOrCreateDigestRecord(digest); },
    key, value, sizeInBytes >= 0 ? sizeInBytes : EstimateBytes(value), seconds, nullptr,
    internals.ValidationMode.load(), [&] { return digest; });
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
  vtkTrackedDigest content;
  bool hashed = internals.ContentMode();
  if (hashed && !this->FreshDigest(source, key, content))
  {
    return nullptr;
  }
  vtkSmartPointer<vtkObject> value;
  MissReason reason = MissReason::None;
  vtkInternals::LookupStatus status;
  for (;;)
  {
    Garbage garbage;
    std::unique_lock<std::mutex> lock(internals.Mutex);
    status = internals.Lookup(
      internals.Find(source), key, hashed ? &content : nullptr, value, reason, garbage);
    if (status != vtkInternals::LookupStatus::NeedsContent)
    {
      if (status != vtkInternals::LookupStatus::UntrackedSource)
      {
        internals.CountLookup(status == vtkInternals::LookupStatus::Hit, reason);
      }
      break;
    }
    lock.unlock();
    if (!this->FreshDigest(source, key, content))
    {
      return nullptr;
    }
    hashed = true;
  }
  if (status == vtkInternals::LookupStatus::UntrackedSource)
  {
    // Checked here, off the hit path; a rejected call is not a lookup.
    if (!CheckSourceType(this, source))
    {
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(internals.Mutex);
    internals.CountLookup(false, reason);
  }
  vtkVLogF(AsVerbosity(internals.LogVerbosity), "%s '%s' of %s%s%s", value ? "hit" : "miss",
    key.c_str(), Describe(source).c_str(), value ? "" : ": ", ReasonText(reason));
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
  MissReason reason = MissReason::None;
  {
    Garbage garbage;
    std::lock_guard<std::mutex> lock(internals.Mutex);
    const auto status =
      internals.Lookup(internals.FindDigest(digest), key, nullptr, value, reason, garbage);
    internals.CountLookup(status == vtkInternals::LookupStatus::Hit, reason);
  }
  vtkVLogF(AsVerbosity(internals.LogVerbosity), "%s '%s' of %s%s%s", value ? "hit" : "miss",
    key.c_str(), digest.c_str(), value ? "" : ": ", ReasonText(reason));
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
  const bool contentMode = internals.ContentMode();
  vtkTrackedDigest content;
  bool hashed = contentMode; // `content` holds the source's digest
  if (hashed && !this->FreshDigest(source, key, content))
  {
    return nullptr;
  }
  const vtkInternals::ComputingKey computingKey(source, key);
  // Whatever happens from the moment this thread registers as the one computing the key,
  // the waiting threads are told it finished. Declared before the lock below, so that it
  // runs (and locks) only after that lock is let go.
  struct FinishComputing
  {
    vtkInternals& Internals;
    const vtkInternals::ComputingKey& Key;
    FinishComputing(vtkInternals& internals, const vtkInternals::ComputingKey& key)
      : Internals(internals)
      , Key(key)
    {
    }
    FinishComputing(const FinishComputing&) = delete; // one finish per registration
    FinishComputing& operator=(const FinishComputing&) = delete;
    ~FinishComputing()
    {
      {
        std::lock_guard<std::mutex> lock(this->Internals.Mutex);
        this->Internals.Computing.erase(this->Key);
      }
      this->Internals.ComputeFinished.notify_all();
    }
  };
  std::optional<FinishComputing> finishComputing;
  MissReason missReason = MissReason::None;
  {
    Garbage garbage;
    std::unique_lock<std::mutex> lock(internals.Mutex);
    bool sourceChecked = contentMode;
    for (;;)
    {
      vtkSmartPointer<vtkObject> value;
      const auto status = internals.Lookup(
        internals.Find(source), key, hashed ? &content : nullptr, value, missReason, garbage);
      if (status == vtkInternals::LookupStatus::NeedsContent)
      {
        lock.unlock();
        if (!this->FreshDigest(source, key, content))
        {
          return nullptr;
        }
        hashed = true;
        lock.lock();
        continue;
      }
      if (status == vtkInternals::LookupStatus::Hit)
      {
        internals.CountLookup(true, missReason);
        lock.unlock();
        vtkVLogF(AsVerbosity(internals.LogVerbosity), "hit '%s' of %s", key.c_str(),
          Describe(source).c_str());
        return value;
      }
      if (status == vtkInternals::LookupStatus::UntrackedSource && !sourceChecked)
      {
        // Off the hit path: a tracked source was checked when it was stored.
        lock.unlock();
        if (!CheckSourceType(this, source))
        {
          return nullptr;
        }
        sourceChecked = true;
        lock.lock();
        continue;
      }
      if (internals.Computing.find(computingKey) == internals.Computing.end())
      {
        internals.Computing.emplace(computingKey, std::this_thread::get_id());
        finishComputing.emplace(internals, computingKey);
        internals.CountLookup(false, missReason);
        break;
      }
      if (internals.WouldWaitForItself(computingKey))
      {
        lock.unlock();
        vtkErrorMacro("Computing '" << key << "' of " << Describe(source)
                                    << " waits, directly or through other threads, for itself.");
        return nullptr;
      }
      internals.Waiting[std::this_thread::get_id()] = computingKey;
      internals.ComputeFinished.wait(lock);
      internals.Waiting.erase(std::this_thread::get_id());
    }
  }
  vtkVLogF(AsVerbosity(internals.LogVerbosity), "miss '%s' of %s: %s, computing", key.c_str(),
    Describe(source).c_str(), ReasonText(missReason));

  // Captured before computing: if the source changes meanwhile, the result describes
  // data that is gone and must not be stored.
  const vtkTrackedSource typed(source);
  vtkTrackedStamp stampBefore;
  stampBefore.Capture(typed);
  if (!hashed && stampBefore.IsShared() && !this->FreshDigest(source, key, content))
  {
    return nullptr;
  }
  hashed = hashed || stampBefore.IsShared();
  const auto computeStart = std::chrono::steady_clock::now();
  vtkSmartPointer<vtkObject> value = compute();
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - computeStart).count();
  if (!value)
  {
    vtkVLogF(AsVerbosity(internals.LogVerbosity),
      "'%s' of %s: computing gave nothing, nothing stored", key.c_str(), Describe(source).c_str());
    return value;
  }
  // A value that shares the source's buffers (a ShallowCopy of it) makes them shared now:
  // stored without the source's digest, it would miss at every lookup.
  if (!hashed && vtkTrackedStamp::IsShared(typed) && !this->FreshDigest(source, key, content))
  {
    return value;
  }
  hashed = hashed || vtkTrackedStamp::IsShared(typed);
  if (stampBefore.Compare(typed) != vtkTrackedStamp::Change::None)
  {
    vtkVLogF(AsVerbosity(internals.LogVerbosity),
      "'%s' of %s: the source changed while computing, result not stored", key.c_str(),
      Describe(source).c_str());
    return value;
  }
  internals.StoreValue([&](Garbage& garbage) -> vtkInternals::Record&
    { return internals.FindOrCreateRecord(source, typed, garbage); },
    key, value, sizeInBytes >= 0 ? sizeInBytes : EstimateBytes(value), seconds,
    hashed ? &content : nullptr, contentMode ? Content : Stamp, [&] { return Describe(source); });
  return value;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(vtkObject* source)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->InvalidateAll(this->Internals->Find(source), garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(const std::string& digest)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->InvalidateAll(this->Internals->FindDigest(digest), garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(vtkObject* source, const std::string& key)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->InvalidateKey(this->Internals->Find(source), key, garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Invalidate(const std::string& digest, const std::string& key)
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->InvalidateKey(this->Internals->FindDigest(digest), key, garbage);
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::Clear()
{
  Garbage garbage;
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->ClearLocked(garbage);
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
  digest.clear();
  const vtkTrackedSource typed(source);
  if (!typed.IsSupported())
  {
    error = source ? std::string("a ") + source->GetClassName() +
        " is neither a vtkAbstractArray nor a vtkDataObject"
                   : "the source is null";
    return false;
  }
  vtkTrackedDigest value;
  if (!this->Internals->Digest(typed, fresh, value, error))
  {
    return false;
  }
  digest = value.ToString();
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
  vtkNew<vtkArrayBufferPool> pool;
  vtkTrackedDigest digest;
  if (!vtkTrackedDigest::OfArray(array, pool, digest))
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
  vtkNew<vtkArrayBufferPool> pool;
  vtkTrackedDigest digest;
  std::string error;
  const bool covered = vtkTrackedDigest::OfDataObject(
    object,
    [&](vtkAbstractArray* array, vtkTrackedDigest& arrayDigest)
    { return vtkTrackedDigest::OfArray(array, pool, arrayDigest); },
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
    if (this->Internals->ValidationMode.exchange(mode) == mode)
    {
      return;
    }
    this->Internals->ClearLocked(garbage);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
int vtkTrackedArrayCache::GetValidationMode()
{
  return this->Internals->ValidationMode.load();
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
    if (this->Internals->MemoryBudget == bytes)
    {
      return;
    }
    this->Internals->MemoryBudget = bytes;
    this->Internals->EvictFor(0, garbage);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetMemoryBudget()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->MemoryBudget;
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
    if (this->Internals->EvictionPolicy == policy)
    {
      return;
    }
    this->Internals->SetCostOrdering(policy, this->Internals->CostHalfLife);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
int vtkTrackedArrayCache::GetEvictionPolicy()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->EvictionPolicy;
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
    if (this->Internals->CostHalfLife == uses)
    {
      return;
    }
    this->Internals->SetCostOrdering(this->Internals->EvictionPolicy, uses);
  }
  this->Modified();
}

//------------------------------------------------------------------------------
double vtkTrackedArrayCache::GetCostHalfLife()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->CostHalfLife;
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
  return this->Internals->MemoryUsage;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfHits()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Hits;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfMisses()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Misses;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfEvictions()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Evictions;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfInvalidations()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Invalidations;
}

//------------------------------------------------------------------------------
void vtkTrackedArrayCache::ResetStatistics()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  auto& internals = *this->Internals;
  internals.Hits = internals.Misses = internals.Evictions = internals.Invalidations = 0;
  internals.LastMissReason = MissReason::None;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfEntries()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->Entries;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedArrayCache::GetNumberOfTrackedSources()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return static_cast<vtkTypeInt64>(this->Internals->Records.size());
}

//------------------------------------------------------------------------------
const char* vtkTrackedArrayCache::GetLastMissReason()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return ReasonText(this->Internals->LastMissReason);
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
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  const auto& internals = *this->Internals;
  os << indent << "ValidationMode: " << (internals.ContentMode() ? "Content" : "Stamp") << "\n";
  os << indent << "MemoryBudget: " << internals.MemoryBudget << " bytes"
     << (internals.MemoryBudget == 0 ? " (unlimited)" : "") << "\n";
  os << indent << "MemoryUsage: " << internals.MemoryUsage << " bytes\n";
  os << indent << "EvictionPolicy: "
     << (internals.EvictionPolicy == CostAware ? "CostAware" : "LeastRecentlyUsed") << "\n";
  os << indent << "CostHalfLife: " << internals.CostHalfLife << " uses\n";
  os << indent << "Uses: " << internals.Uses << "\n";
  os << indent << "NumberOfEntries: " << internals.Entries << "\n";
  os << indent << "NumberOfTrackedSources: " << internals.Records.size() << "\n";
  os << indent << "NumberOfContentKeys: " << internals.DigestRecords.size() << "\n";
  os << indent << "NumberOfRememberedDigests: " << internals.Memos.size() << "\n";
  os << indent << "NumberOfHits: " << internals.Hits << "\n";
  os << indent << "NumberOfMisses: " << internals.Misses << "\n";
  os << indent << "NumberOfEvictions: " << internals.Evictions << "\n";
  os << indent << "NumberOfInvalidations: " << internals.Invalidations << "\n";
  os << indent << "LastMissReason: " << ReasonText(internals.LastMissReason) << "\n";
  os << indent << "LogVerbosity: " << internals.LogVerbosity.load() << "\n";
  os << indent << "BufferChangedEventId: " << GetBufferChangedEventId() << "\n";
  os << indent << "ComputationsInProgress: " << internals.Computing.size() << "\n";
  os << indent << "BufferPool: " << internals.BufferPool.GetPointer() << "\n";
}
