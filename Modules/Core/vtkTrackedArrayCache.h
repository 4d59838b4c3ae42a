// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedArrayCache
 * @brief Caches objects derived from VTK arrays and data objects, and never serves
 * them once their source changed.
 *
 * A value (any vtkObject: a locator, a range array, a filter output) is stored under a
 * source and a key string. The source is a vtkAbstractArray or a vtkDataObject; the
 * cache holds it weakly and observes it:
 *
 * - `ModifiedEvent`: the source's entries are dropped (reason `modified`);
 * - the buffer-changed event (GetBufferChangedEventId(), which VTK >= 9.7 fires as it
 *   reallocates or replaces a buffer): dropped (`buffer-changed`) if the source's storage
 *   did change (VTK also fires it when a buffer is set to itself);
 * - `DeleteEvent`: dropped with all bookkeeping; an object that later reuses the
 *   address starts empty.
 *
 * VTK before 9.7 fires no event when an array reallocates or swaps its buffer
 * (SetNumberOfTuples, Resize, SetArray, SetVoidArray, ShallowCopy call no Modified()),
 * so every lookup also compares the source's stamp: MTime, data type, components,
 * tuples, allocated size and buffers (one per component for SOA arrays, with the vtkBuffer
 * objects holding them; an implicit array's backend parameters and the stamps of the
 * arrays it reads; every array of a data object; see vtkTrackedStamp). An AOS array costs
 * O(1), an SOA array O(components), a data object O(arrays). Writes through GetPointer()
 * into an unchanged buffer with no Modified() cannot be seen by a stamp; see
 * ValidationMode. A source whose storage is shared (a vtkBuffer with another owner: an
 * array that ShallowCopy'd it, VTK 9.7's numpy interface; an implicit array reading
 * memory or state a stamp cannot see) is validated by content even in Stamp mode: its
 * entries keep its digest, each lookup compares a fresh one (`content-changed`), and
 * entries stored before its storage became shared, or after it stopped being so, miss
 * (`buffer-shared`). Data objects whose structure stamps do not cover (AMR data, cell
 * grids, graphs: see vtkTrackedDataObjectArrays::IsCovered()) are refused with an error.
 *
 * Each stored value's own MTime is recorded: a value modified after it was stored is
 * dropped instead of served (`tampered`). A memory budget bounds the bytes kept, with
 * eviction on insert: least recently used first, or (EvictionPolicy CostAware) what
 * costs least to compute again per byte it frees. Statistics and the reason of the last miss
 * are kept, and each hit and miss is logged through vtkLogger at LogVerbosity.
 *
 * Content digests (XXH3-128, text "xxh3-128:<32 hex>") identify what an array or data
 * object holds, whatever its memory layout: ComputeDigest() hashes from scratch,
 * GetDigest() keeps each array's digest with its stamp and hashes again only when the
 * stamp changed. Values can also be stored under a digest instead of an object, so that
 * a different object with equal content (a re-read file) hits. ValidationMode Content
 * re-hashes the source on every lookup, which catches writes that bypassed Modified().
 *
 * The cache observes a source while it holds entries for it or remembers why they
 * went (told by the next lookup of that key); then it removes its observers. Eviction
 * by the memory budget, which any thread may trigger, drops entries but leaves the
 * observers to the next call naming the source, because VTK's observer lists are not
 * thread-safe and only the thread using a source may touch them.
 *
 * Every method may be called from several threads at once, each thread using its own
 * sources as VTK requires (or sharing them read-only). GetOrCompute() computes a
 * value once when threads race for the same source and key; the others wait for it.
 * Clear() and the destructor remove the observers of every tracked source: do not run
 * them while another thread modifies or deletes a tracked source.
 *
 * @code{.cpp}
 * vtkNew<vtkTrackedArrayCache> cache;
 * auto locator = vtkStaticPointLocator::SafeDownCast(
 *   cache->GetOrCompute(points->GetData(), "locator", [&] {
 *     auto built = vtkSmartPointer<vtkStaticPointLocator>::New();
 *     built->SetDataSet(dataSet);
 *     built->BuildLocator();
 *     return vtkSmartPointer<vtkObject>(built);
 *   }));
 * @endcode
 *
 * @sa
 * vtkTrackedCacheFilter vtkTrackedDiskCache vtkTrackedArrayView vtkArrayBufferPool
 */

#ifndef vtkTrackedArrayCache_h
#define vtkTrackedArrayCache_h

#include "vtkObject.h"
#include "vtkSmartPointer.h"            // for the returned values
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for export macro

#include <functional>  // for GetOrCompute
#include <memory>      // for the private implementation
#include <string>      // for keys
#include <type_traits> // for the integer sizes of Set

VTK_ABI_NAMESPACE_BEGIN
class vtkAbstractArray;
class vtkDataObject;
VTK_ABI_NAMESPACE_END

class vtkArrayBufferPool;
class vtkTrackedDigest;

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedArrayCache : public vtkObject
{
public:
  static vtkTrackedArrayCache* New();
  vtkTypeMacro(vtkTrackedArrayCache, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /**
   * How a lookup decides that a stored value is still valid.
   * - Stamp: the source's events and stamp (see the class description). A write into an
   *   unchanged buffer with no Modified() goes unseen.
   * - Content: the source's content digest, computed afresh on every lookup (one hash
   *   pass) and compared with the digest it had when the value was stored: a raw write
   *   misses ("content-changed"); a Modified(), a reallocation or a buffer swap that kept
   *   the values hits. Only the source's death drops its entries eagerly.
   */
  enum ValidationModes
  {
    Stamp = 0,
    Content = 1
  };

  ///@{
  /**
   * The validation mode, Stamp by default. Changing it drops every entry (they were
   * validated the other way).
   */
  void SetValidationMode(int mode);
  int GetValidationMode();
  void SetValidationModeToStamp() { this->SetValidationMode(Stamp); }
  void SetValidationModeToContent() { this->SetValidationMode(Content); }
  ///@}

  /**
   * Stores `value` under (`source`, `key`), replacing what was there. The value's size
   * is taken from GetActualMemorySize() for data objects and arrays and counts as 0
   * for other objects: use the overload with `sizeInBytes` for those. Returns false
   * without storing when a value is larger than the whole memory budget.
   * A source whose storage is shared (see the class description) is hashed once here.
   * Errors (vtkErrorMacro, returns false): null source, source neither a
   * vtkAbstractArray nor a vtkDataObject, a data object of a type stamps do not cover,
   * empty key, null value, negative size.
   */
  bool Set(vtkObject* source, const std::string& key, vtkObject* value);
  bool Set(vtkObject* source, const std::string& key, vtkObject* value, vtkTypeInt64 sizeInBytes);

  ///@{
  /**
   * Set(), recording that `value` took `seconds` to compute: its cost, which the
   * CostAware eviction policy weighs (a value stored without one costs
   * GetMinimumCostSeconds()). `sizeInBytes` is as above; -1 asks for the estimate.
   * Errors: those of Set(), and a negative or non-finite `seconds`.
   */
  bool Set(vtkObject* source, const std::string& key, vtkObject* value, double seconds);
  bool Set(vtkObject* source, const std::string& key, vtkObject* value, vtkTypeInt64 sizeInBytes,
    double seconds);
  ///@}

#ifndef __VTK_WRAP__
  // A size of any integer type is a size, not seconds (without this, Set(s, k, v, 100)
  // would be ambiguous between the vtkTypeInt64 and double overloads).
  template <typename Integer,
    typename = typename std::enable_if<std::is_integral<Integer>::value>::type>
  bool Set(vtkObject* source, const std::string& key, vtkObject* value, Integer sizeInBytes)
  {
    return this->Set(source, key, value, static_cast<vtkTypeInt64>(sizeInBytes));
  }
#endif

  /**
   * The value stored under (`source`, `key`) if it is still valid, else null (a miss;
   * GetLastMissReason() tells why). The returned smart pointer keeps the value alive
   * even if another thread evicts it.
   * Errors (vtkErrorMacro, returns null): null source, source neither a
   * vtkAbstractArray nor a vtkDataObject, a data object of a type stamps do not cover,
   * empty key.
   */
#ifdef __VTK_WRAP__
  // VTK 9.1's wrappers cannot return a vtkSmartPointer: Python sees a plain pointer and
  // takes its own reference to it while holding the GIL.
  vtkObject* Get(vtkObject* source, const std::string& key);
#else
  vtkSmartPointer<vtkObject> Get(vtkObject* source, const std::string& key);
#endif

#ifndef __VTK_WRAP__
  using ComputeFunction = std::function<vtkSmartPointer<vtkObject>()>;

  /**
   * Get(), and on a miss calls `compute` (without holding the cache's lock), stores its
   * result and returns it. Threads asking for the same source and key while it runs
   * wait and share the result, so `compute` runs once. A result is not stored when
   * `compute` returns null, or when the source changed while `compute` ran (it would
   * describe the old data); it is still returned. `sizeInBytes` is as for Set();
   * a negative size asks for the estimate. The seconds `compute` took are recorded as the
   * value's cost (see EvictionPolicy). If `compute` throws, waiting threads are
   * released and the exception propagates.
   * Errors (vtkErrorMacro, returns null): those of Get(), an empty `compute`, and a
   * request that would wait for itself: `compute` asking for the key it is computing,
   * or through other threads' computations (A computes K1 and asks for K2 while B
   * computes K2 and asks for K1: one of the two requests is refused).
   */
  vtkSmartPointer<vtkObject> GetOrCompute(vtkObject* source, const std::string& key,
    const ComputeFunction& compute, vtkTypeInt64 sizeInBytes = -1);
#endif

  ///@{
  /**
   * Content-keyed entries: stored under a digest text (from GetDigest() or
   * ComputeDigest()) rather than an object, so any object with that content finds them.
   * They are not tied to an object's life: they stay until evicted, invalidated or
   * cleared (an evicted content key reports "absent": nothing is kept for it). Errors as
   * for the object-keyed forms, and a `digest` that is not of the form
   * "xxh3-128:<32 lowercase hex>".
   */
  bool Set(const std::string& digest, const std::string& key, vtkObject* value);
  bool Set(
    const std::string& digest, const std::string& key, vtkObject* value, vtkTypeInt64 sizeInBytes);
  bool Set(const std::string& digest, const std::string& key, vtkObject* value, double seconds);
  bool Set(const std::string& digest, const std::string& key, vtkObject* value,
    vtkTypeInt64 sizeInBytes, double seconds);
#ifndef __VTK_WRAP__
  template <typename Integer,
    typename = typename std::enable_if<std::is_integral<Integer>::value>::type>
  bool Set(const std::string& digest, const std::string& key, vtkObject* value, Integer sizeInBytes)
  {
    return this->Set(digest, key, value, static_cast<vtkTypeInt64>(sizeInBytes));
  }
#endif
#ifdef __VTK_WRAP__
  vtkObject* Get(const std::string& digest, const std::string& key);
#else
  vtkSmartPointer<vtkObject> Get(const std::string& digest, const std::string& key);
#endif
  ///@}

  ///@{
  /**
   * Drops the entries of `source` (all of them, or the one under `key`), and stops
   * observing `source` when none is left; or the content-keyed entries of `digest`.
   * Null or unknown sources and digests do nothing.
   */
  void Invalidate(vtkObject* source);
  void Invalidate(vtkObject* source, const std::string& key);
  void Invalidate(const std::string& digest);
  void Invalidate(const std::string& digest, const std::string& key);
  ///@}

  /**
   * The content digest of an array or data object (see ComputeDigest()), kept with the
   * stamp of every array it covers: an unchanged array is never hashed again, and a
   * data object's digest reuses its unchanged arrays' digests. An array whose storage is
   * shared (see the class description) is hashed at every call. An event of a tracked
   * source (modified, deleted, buffer-changed with its storage changed) forgets its kept
   * digest too. Hashing runs outside the cache's lock. Errors (vtkErrorMacro, returns ""): null
   * source, a source that is neither an array nor a data object, a data object type whose structure
   * digests do not cover.
   */
  std::string GetDigest(vtkObject* source);

#ifndef __VTK_WRAP__
  /**
   * GetDigest() for callers that handle failure themselves: no error message, false with
   * `error` saying why (a null source, a type digests do not cover, out of memory). With
   * `fresh`, every array is hashed again whatever its stamp (what Content validation
   * needs), and the kept digests are renewed. A `digest` the caller reuses from call to
   * call is written in place: an unchanged source's digest then allocates nothing.
   */
  bool TryGetDigest(vtkObject* source, bool fresh, std::string& digest, std::string& error);
#endif

  ///@{
  /**
   * The content digest "xxh3-128:<32 hex>", computed from scratch. An array's covers its
   * data type, number of components and tuples and its values in tuple-major order,
   * not its layout (AOS, SOA or image scalars with the same values agree) nor its name;
   * it does not depend on the number of threads. A data object's covers its type and
   * structure (extent, origin, spacing, direction; composite trees with block names),
   * and every array with its name and attribute role. Covered data objects:
   * vtkImageData, vtkRectilinearGrid, vtkStructuredGrid, vtkPolyData,
   * vtkUnstructuredGrid, vtkTable, vtkMultiBlockDataSet, vtkPartitionedDataSet(Collection)
   * and plain vtkDataObject. Errors (returns ""): null input, other data object types.
   */
  static std::string ComputeDigest(vtkAbstractArray* array);
  static std::string ComputeDigest(vtkDataObject* object);
  ///@}

  /**
   * The digest of a text, "xxh3-128:<32 hex>" (of its length and bytes): composite keys
   * built from other digests and plain values, such as a function's name and arguments.
   */
  static std::string ComputeTextDigest(const std::string& text);

  ///@{
  /**
   * The pool lending the buffers that SOA and other non-contiguous arrays are packed into
   * for hashing. Each cache has its own; caches may share one. Null is refused.
   */
  void SetBufferPool(vtkArrayBufferPool* pool);
  vtkArrayBufferPool* GetBufferPool();
  ///@}

  /**
   * Drops every entry and stops observing every source. Statistics are kept.
   */
  void Clear();

  ///@{
  /**
   * Bytes the stored values may take, 0 for no limit (the default). Inserting past it
   * evicts least recently used entries first; lowering it evicts at once.
   */
  void SetMemoryBudget(vtkTypeInt64 bytes);
  vtkTypeInt64 GetMemoryBudget();
  ///@}

  /**
   * Bytes taken by the stored values, as estimated when they were stored.
   */
  vtkTypeInt64 GetMemoryUsage();

  /**
   * Which entries the memory budget evicts first.
   * - LeastRecentlyUsed: the one whose last use (store or hit) is oldest.
   * - CostAware: the one with the lowest score
   *   `max(seconds, MinimumCostSeconds) * uses / max(bytes, 1) * 2^(-unused / CostHalfLife)`:
   *   `seconds` is what the value took to compute (see Set() and GetOrCompute()), `bytes`
   *   its size, `uses` its store and hits since, and `unused` the number of the cache's
   *   lookups and stores (of any entry) since its own last use. An expensive small result
   *   outlives cheap large ones unless it goes unused for many half-lives; with equal
   *   costs, what is used often outlives what was used once (the `uses` factor: without
   *   it, a large array in constant use would go before small results used once).
   * A hit costs O(1) under both; a store or an eviction O(1) under LeastRecentlyUsed and
   * O(log n) amortized under CostAware, which keeps its order only while it is the policy.
   * (A lookup that must hash its source first, or wait for another thread's computation,
   * may count as more than one use.)
   */
  enum EvictionPolicies
  {
    LeastRecentlyUsed = 0,
    CostAware = 1
  };

  ///@{
  /**
   * The eviction policy, LeastRecentlyUsed by default. Changing it keeps every entry
   * (switching to CostAware orders them: O(n log n)). Errors: an unknown policy.
   */
  void SetEvictionPolicy(int policy);
  int GetEvictionPolicy();
  void SetEvictionPolicyToLeastRecentlyUsed()
  {
    this->SetEvictionPolicy(LeastRecentlyUsed);
  }
  void SetEvictionPolicyToCostAware()
  {
    this->SetEvictionPolicy(CostAware);
  }
  ///@}

  ///@{
  /**
   * CostAware's one parameter: the number of cache uses after which an unused entry's
   * score halves; 15 by default (an entry 1000 times costlier per byte than the others
   * outlives them for 150 uses of disuse). Errors: a value that is not positive and finite.
   */
  void SetCostHalfLife(double uses);
  double GetCostHalfLife();
  ///@}

  /**
   * The cost CostAware assumes for a value stored without one, and the least it counts
   * for any value: 1e-6 seconds.
   */
  static double GetMinimumCostSeconds();

  ///@{
  /**
   * Statistics since construction or ResetStatistics(). Lookups (Get, GetOrCompute)
   * are hits or misses. Evictions count entries dropped for the memory budget;
   * invalidations count entries dropped because their source was modified, changed
   * buffers, changed content or died, because the value was tampered with, or by
   * Invalidate(), Clear() or a change of validation mode. An entry replaced by Set()
   * counts as neither.
   */
  vtkTypeInt64 GetNumberOfHits();
  vtkTypeInt64 GetNumberOfMisses();
  vtkTypeInt64 GetNumberOfEvictions();
  vtkTypeInt64 GetNumberOfInvalidations();
  void ResetStatistics();
  ///@}

  /**
   * Entries stored now.
   */
  vtkTypeInt64 GetNumberOfEntries();

  /**
   * Sources observed now: with entries, or with a miss reason not yet reported.
   */
  vtkTypeInt64 GetNumberOfTrackedSources();

  /**
   * Why the last lookup missed, from any thread: "absent" (never stored, or removed by
   * Invalidate/Clear), "modified", "buffer-changed", "buffer-shared" (the source's storage
   * gained or lost another owner), "evicted", "tampered", "content-changed" (Content mode,
   * or shared storage); "" before any miss. (A deleted source cannot be
   * looked up: its entries are gone with it.)
   */
  const char* GetLastMissReason();

  ///@{
  /**
   * vtkLogger verbosity of the line logged for each hit and miss; default
   * vtkLogger::VERBOSITY_TRACE.
   */
  void SetLogVerbosity(int verbosity);
  int GetLogVerbosity();
  ///@}

  /**
   * The event id that tells the cache an array swapped or reallocated its buffer:
   * vtkCommand::BufferChangedEvent on VTK >= 9.7, which VTK's arrays fire; before that a
   * module-defined id that no VTK class fires, which code that swaps buffers behind
   * VTK's back (and tests) can fire so the observer path is the same on every VTK. Either
   * way the event counts only when the storage did change: code that rewrites values in
   * place says so with Modified().
   */
  static unsigned long GetBufferChangedEventId();

  /**
   * The module's version, "major.minor.patch" (CMake/TrackedArrayCacheVersion.cmake);
   * Python's trackedarraycache.__version__.
   */
  static const char* GetVersion();

protected:
  vtkTrackedArrayCache();
  ~vtkTrackedArrayCache() override;

private:
  vtkTrackedArrayCache(const vtkTrackedArrayCache&) = delete;
  // Set() after the size check; a negative size asks for the estimate.
  bool Store(vtkObject* source, const std::string& key, vtkObject* value, vtkTypeInt64 bytes,
    double seconds);
  bool Store(const std::string& digest, const std::string& key, vtkObject* value,
    vtkTypeInt64 bytes, double seconds);
  // Content mode: the source's digest computed afresh, or false after reporting why not.
  bool FreshDigest(vtkObject* source, const std::string& key, vtkTrackedDigest& digest);

  void operator=(const vtkTrackedArrayCache&) = delete;

  class vtkInternals;
  std::unique_ptr<vtkInternals> Internals;
};

#endif
