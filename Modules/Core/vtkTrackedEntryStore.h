// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedEntryStore
 * @brief Private: the entries of vtkTrackedArrayCache, by source or digest and key, with
 * their recency, cost order, memory budget and statistics.
 *
 * A *record* holds the entries of one observed source (an array or data object, with its
 * stamp and observers) or of one digest, and why entries went away (told by the next
 * lookup of that key). A record goes, and with it its observers, when it holds neither
 * entries nor reasons, or its source dies. Lookup() validates an entry against its
 * source's stamp, its value's MTime and, for sources validated by content, a fresh digest;
 * it drops what it finds stale. Store() evicts by the eviction policy (least recently
 * used, or CostAware: what costs least to compute again per byte it frees) until the
 * value fits the memory budget.
 *
 * Threads: every member is called with the owner's mutex held. Observers and the weak
 * pointers to sources are only added or removed from a call that names the source, from
 * the source's own events (HandleSourceEvent()), or by Clear(), under one process-wide
 * lock as well: VTK's observer lists are not thread-safe. Eviction, which any thread's
 * Store() may trigger, therefore drops entries but never source records. Values leave
 * through a vtkTrackedGarbage list that the caller releases once its mutex is let go: a
 * value's destructor may delete a tracked source, whose DeleteEvent locks again.
 *
 * @sa vtkTrackedArrayCache, vtkTrackedStamp, vtkTrackedObserverSet, vtkTrackedRecencyList
 */

#ifndef vtkTrackedEntryStore_h
#define vtkTrackedEntryStore_h

#include "vtkSmartPointer.h"        // for values
#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedDigest.h"       // for entries validated by content
#include "vtkTrackedRecencyList.h"  // for the recency order
#include "vtkType.h"                // for vtkTypeInt64

#include <atomic>        // for the validation mode
#include <cstdint>       // for the use counts
#include <map>           // for the cost order
#include <memory>        // for records
#include <string>        // for keys
#include <unordered_map> // for records
#include <vector>        // for garbage

VTK_ABI_NAMESPACE_BEGIN
class vtkObject;
VTK_ABI_NAMESPACE_END
struct vtkTrackedSource;

/// Why a lookup missed, or why an entry went.
enum class vtkTrackedMissReason
{
  NotMissed,
  Absent,
  Modified,
  BufferChanged,
  Evicted,
  ContentChanged,
  BufferShared, // the source's storage gained or lost another owner since it was stamped
  Tampered,
  Replaced // a drop cause only: Store() superseded the entry
};

/// Values leaving the store, released by the caller once its lock is let go.
using vtkTrackedGarbage = std::vector<vtkSmartPointer<vtkObject>>;

class vtkTrackedEntryStore
{
public:
  struct Record;

  /// The reason as vtkTrackedArrayCache::GetLastMissReason() tells it ("" for none).
  static const char* MissReasonText(vtkTrackedMissReason reason);

  enum class LookupStatus
  {
    Hit,
    Miss,
    UntrackedSource, // no record: the caller checks the source's type outside the lock
    NeedsContent     // the entry validates by content: call again with the fresh digest
  };

  struct Statistics
  {
    vtkTypeInt64 Hits = 0;
    vtkTypeInt64 Misses = 0;
    vtkTypeInt64 Evictions = 0;
    vtkTypeInt64 Invalidations = 0;
    vtkTrackedMissReason LastMissReason = vtkTrackedMissReason::NotMissed;
  };

  /// A vtkCallbackCommand's callback.
  using SourceEventCallback = void (*)(vtkObject*, unsigned long, void*, void*);

  /// `onSourceEvent` with `clientData` observes every tracked source; it calls
  /// HandleSourceEvent() under the owner's mutex.
  vtkTrackedEntryStore(SourceEventCallback onSourceEvent, void* clientData);
  ~vtkTrackedEntryStore();
  vtkTrackedEntryStore(const vtkTrackedEntryStore&) = delete;
  vtkTrackedEntryStore& operator=(const vtkTrackedEntryStore&) = delete;

  ///@{
  /// The record of a source or digest, or null.
  Record* Find(const vtkObject* source);
  Record* FindDigest(const std::string& digest);
  ///@}

  /// The record of `source`, observing it from now on (refreshed by its stamp if it existed).
  Record& FindOrCreateRecord(
    vtkObject* source, const vtkTrackedSource& typed, vtkTrackedGarbage& garbage);
  Record& FindOrCreateDigestRecord(const std::string& digest);

  /**
   * Looks `key` up in `record` (null: nothing stored); drops what it finds stale.
   * `content` is the source's fresh digest, or null if not computed: a lookup that needs
   * it returns NeedsContent. Call only from a call naming the record's source or digest:
   * it may release the record.
   */
  LookupStatus Lookup(Record* record, const std::string& key, const vtkTrackedDigest* content,
    vtkSmartPointer<vtkObject>& value, vtkTrackedMissReason& reason, vtkTrackedGarbage& garbage);

  /**
   * Stores `value` under `key` in `record`, replacing what was there, with the source's
   * digest `content` if validated by content (else null); false (the record released if
   * idle) when the value is larger than the whole budget.
   */
  bool Store(Record& record, const std::string& key, vtkObject* value, vtkTypeInt64 bytes,
    double seconds, const vtkTrackedDigest* content, vtkTrackedGarbage& garbage);

  /// What the observers of a source call (an event of `source`).
  void HandleSourceEvent(vtkObject* source, unsigned long eventId, vtkTrackedGarbage& garbage);

  /// Drops every entry of a record (null: none) and the record.
  void InvalidateAll(Record* record, vtkTrackedGarbage& garbage);
  /// Drops the entry under `key` and its reason; the record goes if idle.
  void InvalidateKey(Record* record, const std::string& key, vtkTrackedGarbage& garbage);
  /// Drops every entry and record.
  void Clear(vtkTrackedGarbage& garbage);

  void CountLookup(bool hit, vtkTrackedMissReason reason);
  const Statistics& GetStatistics() const { return this->Counts; }
  void ResetStatistics() { this->Counts = Statistics(); }

  ///@{
  /// vtkTrackedArrayCache::Stamp or Content. A new mode clears the store (false if unchanged).
  bool SetValidationMode(int mode, vtkTrackedGarbage& garbage);
  int GetValidationMode() const { return this->ValidationMode.load(); }
  bool ContentMode() const;
  ///@}

  /// Sets the budget (0: unlimited) and evicts down to it.
  void SetMemoryBudget(vtkTypeInt64 bytes, vtkTrackedGarbage& garbage);
  vtkTypeInt64 GetMemoryBudget() const { return this->MemoryBudget; }
  vtkTypeInt64 GetMemoryUsage() const { return this->MemoryUsage; }

  /// Sets the eviction policy and CostAware's half-life, keying every entry anew.
  void SetCostOrdering(int policy, double halfLife);
  int GetEvictionPolicy() const { return this->EvictionPolicy; }
  double GetCostHalfLife() const { return this->CostHalfLife; }

  std::uint64_t GetNumberOfUses() const { return this->Uses; }
  vtkTypeInt64 GetNumberOfEntries() const { return this->Entries; }
  std::size_t GetNumberOfSources() const { return this->Records.size(); }
  std::size_t GetNumberOfDigests() const { return this->DigestRecords.size(); }

private:
  struct Entry;

  bool ValidatesByContent(const Record& record) const;
  void Refresh(Record& record, vtkTrackedGarbage& garbage);
  Entry& Link(
    Record& record, const std::string& key, vtkTypeInt64 bytes, double seconds, std::uint64_t use);
  void DropEntry(Record& record, std::unordered_map<std::string, Entry>::iterator entry,
    vtkTrackedMissReason reason, vtkTrackedGarbage& garbage);
  void DropEntries(Record& record, vtkTrackedMissReason reason, vtkTrackedGarbage& garbage);
  vtkTrackedMissReason TakeDropReason(Record& record, const std::string& key);
  void ReleaseIfIdle(Record& record);
  void RemoveRecord(Record& record);
  double Priority(const Entry& entry) const;
  bool CostOrdered() const;
  Entry* NextToEvict();
  void EvictFor(vtkTypeInt64 incomingBytes, vtkTrackedGarbage& garbage, const Record* keep);
  template <typename RecordMap>
  void RemoveAll(RecordMap& records, vtkTrackedGarbage& garbage);

  SourceEventCallback OnSourceEvent;
  void* ClientData;
  std::unordered_map<const vtkObject*, std::unique_ptr<Record>> Records;
  std::unordered_map<std::string, std::unique_ptr<Record>> DigestRecords;
  vtkTrackedRecencyList<Entry*> Recency;
  // CostAware's order, lowest score first (empty under LeastRecentlyUsed, which does not
  // pay for it): keyed by Priority() as of the entry's last refresh. Hits only count
  // themselves (O(1)); since that only raises the priority, a key is never above the
  // entry's true priority, and NextToEvict() refreshes a stale key before trusting it.
  std::multimap<double, Entry*> CostOrder;
  std::uint64_t Uses = 0; // lookups and stores so far: CostAware's clock
  std::atomic<int> ValidationMode;
  int EvictionPolicy;
  double CostHalfLife = 15.0;
  vtkTypeInt64 MemoryBudget = 0;
  vtkTypeInt64 MemoryUsage = 0;
  vtkTypeInt64 Entries = 0;
  Statistics Counts;
};

#endif
