// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedDiskCache
 * @brief A persistent, crash-safe, size-bounded cache of data objects and arrays in a
 * directory, shared by processes.
 *
 * Entries are stored under a key (any text). A key never becomes a path: an entry's file
 * is named by the digest of its key ("<32 hex>.vtkentry"), or with ReadableNames by a
 * sanitized prefix of the key and the digest ("<letters, digits, . _ ->--<32 hex>.vtkentry");
 * lookups find either. The directory is GetDefaultDirectory() unless set:
 * $VTK_TRACKED_CACHE_DIR, else $XDG_CACHE_HOME/vtk-tracked-array-cache, else
 * ~/.cache/vtk-tracked-array-cache.
 *
 * An entry holds its objects in a native format (vtkTrackedEntryFormat.h): each array's
 * values as raw bytes in their own type, uncompressed by default or compressed by VTK's
 * zlib, LZ4 or LZMA compressor, then a compact description of the objects (vtkPolyData,
 * vtkUnstructuredGrid, vtkImageData, vtkRectilinearGrid, vtkStructuredGrid, vtkTable,
 * vtkDataObject, and composite trees of them: vtkMultiBlockDataSet,
 * vtkPartitionedDataSet(Collection) with block names and assemblies; any data, bit, string
 * or variant array), behind a header: magic, format version, VTK version, key, key digest,
 * payload size, creation time, and the seconds the value took to compute. Keyed XXH3-128
 * checksums of the payload's 1 MiB chunks are all checked before anything is decoded.
 * Nothing is pickled; reading an entry runs no code, and every length and count is checked
 * before it is used. A hit maps the entry and lends its uncompressed values to the arrays
 * without a copy (SetMemoryMapping()).
 *
 * - Writes go to a unique temporary file in the directory, which is renamed over the
 *   entry once complete: a reader never sees a partial entry, and a writer killed
 *   mid-write leaves only a temporary file, which Prune() removes after an hour. Several
 *   processes may read and write one directory at once, with no lock: the last complete
 *   write of a key wins.
 * - A hit sets the entry file's modification time: the last-access record, kept by the
 *   file system for every process (at its resolution, nanoseconds on common Linux file
 *   systems). MaximumSize is enforced after every write, least recently accessed first,
 *   never evicting the entry just written; ExpireAfterDays makes entries older than
 *   that (since they were written) misses, removed when found.
 * - What is stored comes back exactly, with an equal digest: every array type in its own
 *   type and class (SOA and implicit arrays as VTK's AOS class for their type), names of
 *   any bytes, attribute arrays of any tuple count. What has no place in an entry is
 *   refused with an error: other data object classes (subclasses included), variants
 *   holding objects.
 * - A truncated, damaged or foreign file under an entry's name is a miss; it is removed
 *   and counted (GetNumberOfCorruptEntries()). A file of a newer or an older format version
 *   is a miss left in place (another program may share the directory), replaced by the
 *   next store of its key.
 * - The directory is created with mode 0700. A directory owned by another user, or
 *   writable by its group or others, is refused: a clear error, once, and the disk cache
 *   stays disabled (IsUsable() false); whatever uses it keeps working without it. A write
 *   that fails (disk full, file size limit) is an error; the entry is not kept.
 *
 * - One computation per key across processes: LoadOrLock() (GetOrLock() from Python) on
 *   a miss takes the key's lock, a file ".lock-<32 hex>" beside the entries held with
 *   flock(2). Other processes (and threads) that miss the same key wait, for at most
 *   LockTimeout per owner, and read the entry the first one stores; Store() of the key
 *   lets go of the lock, Unlock() does without storing. A dead owner (even SIGKILL) lets
 *   go at once; an owner that holds the lock past the timeout is taken over (so set the
 *   timeout above the longest computation: each waiter in turn takes over a longer one). A lock
 *   belongs to the thread that took it: other threads wait for it as other processes do.
 *   Nobody is served a partial entry: entries are renamed into place whole.
 *   vtkTrackedCacheFilter (when its executions make no collective calls; with several
 *   processes that do, the decision stays collective and none waits) and
 *   `cached(disk=...)` use it.
 * Statistics are this object's (GetNumberOfHits() ...); WriteStatistics() adds them to the
 * directory (a file per object, no lock), which `python3 -m trackedarraycache stats` sums.
 *
 * Methods may be called from several threads at once.
 *
 * @sa
 * vtkTrackedArrayCache vtkTrackedCacheFilter
 */

#ifndef vtkTrackedDiskCache_h
#define vtkTrackedDiskCache_h

#include "vtkObject.h"
#include "vtkSmartPointer.h"            // for loaded objects
#include "vtkTrackedArrayCacheModule.h" // for export macro
#include "vtkWrappingHints.h"           // for VTK_NEWINSTANCE

#include <memory> // for the private implementation
#include <string> // for keys and paths
#include <vector> // for several objects under one key

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedDiskCache : public vtkObject
{
public:
  static vtkTrackedDiskCache* New();
  vtkTypeMacro(vtkTrackedDiskCache, vtkObject);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  ///@{
  /**
   * The cache directory; "" (the initial value) means GetDefaultDirectory().
   */
  void SetDirectory(const std::string& directory);
  std::string GetDirectory();
  static std::string GetDefaultDirectory();
  ///@}

  /**
   * Whether the directory is safe to use: checked (and created, mode 0700) on first use
   * and when the directory changes. GetUnusableReason() says why not.
   */
  bool IsUsable();
  std::string GetUnusableReason();

  ///@{
  /**
   * Enabled: off makes every lookup a miss and every store a no-op (on by default).
   * WriteEnabled: off keeps reading but stores nothing (on). ForceUpdate: lookups miss and
   * stores overwrite, to recompute what is cached (off). ReadableNames: file names start
   * with a sanitized prefix of the key (off).
   */
  void SetEnabled(bool enabled);
  bool GetEnabled();
  void SetWriteEnabled(bool enabled);
  bool GetWriteEnabled();
  void SetForceUpdate(bool force);
  bool GetForceUpdate();
  void SetReadableNames(bool readable);
  bool GetReadableNames();
  vtkBooleanMacro(Enabled, bool);
  vtkBooleanMacro(WriteEnabled, bool);
  vtkBooleanMacro(ForceUpdate, bool);
  vtkBooleanMacro(ReadableNames, bool);
  ///@}

  /**
   * The compressions (the values of vtkXMLWriterBase's compressor types). NoCompression
   * was named None, which X11's `#define None` breaks: the old name stays only where no
   * such macro is defined, for the code and the Python scripts (vtkTrackedDiskCache.None_,
   * the wrappers' spelling of it) that use it.
   */
  enum Compressions
  {
    NoCompression = 0,
    ZLib = 1,
    LZ4 = 2,
    LZMA = 3,
#ifndef None
    None = NoCompression, // deprecated: NoCompression
#endif
  };

  ///@{
  /**
   * How array values are compressed (VTK's zlib, LZ4 or LZMA compressor; none by default, so
   * that hits map values in place) and how hard, from 1 (fastest) to 9 (smallest), 1 by
   * default. Compressed values are decompressed straight into the arrays' buffers on a hit.
   * Errors: an unknown compression, a level outside 1-9.
   */
  void SetCompression(int compression);
  int GetCompression();
  void SetCompressionToNone()
  {
    this->SetCompression(NoCompression);
  }
  void SetCompressionToZLib()
  {
    this->SetCompression(ZLib);
  }
  void SetCompressionToLZ4()
  {
    this->SetCompression(LZ4);
  }
  void SetCompressionToLZMA()
  {
    this->SetCompression(LZMA);
  }
  void SetCompressionLevel(int level);
  int GetCompressionLevel();
  ///@}

  ///@{
  /**
   * Whether hits memory-map entries (on by default): the uncompressed values of a hit are
   * then handed to VTK arrays in place, without a copy, after every byte of the entry has
   * been checked against its checksum. Mapped values are private to the process (writing
   * into them never changes the entry) and stay valid when other processes replace or
   * remove the entry. Off, a hit reads the entry into memory of its own first: for
   * directories that other tools than this cache may truncate in place.
   */
  void SetMemoryMapping(bool mapping);
  bool GetMemoryMapping();
  vtkBooleanMacro(MemoryMapping, bool);
  ///@}

  ///@{
  /**
   * Entries written more than this many days ago are misses and are removed; 0 (the
   * default) keeps them. Errors: a negative value.
   */
  void SetExpireAfterDays(double days);
  double GetExpireAfterDays();
  ///@}

  ///@{
  /**
   * Bytes the entries may take, enforced after every write, least recently accessed
   * first (an entry larger than this is not written); 0 for no limit. 10 GiB by default.
   * Errors: a negative value.
   */
  void SetMaximumSize(vtkTypeInt64 bytes);
  vtkTypeInt64 GetMaximumSize();
  ///@}

  /**
   * Stores `value` (a vtkDataObject of a supported type or a vtkAbstractArray) under
   * `key`, replacing what was there. False (with an error) when it cannot be stored;
   * false without one when disabled.
   */
  bool Set(const std::string& key, vtkObject* value);

  /**
   * A new copy of what is stored under `key`, or null on a miss.
   */
  VTK_NEWINSTANCE vtkObject* Get(const std::string& key);

#ifndef __VTK_WRAP__
  /**
   * Stores several objects (nulls allowed) under one key, with the seconds they took to
   * compute; Set() is Store() of one object.
   */
  bool Store(
    const std::string& key, const std::vector<vtkObject*>& values, double computeSeconds = 0.0);

  /**
   * Loads what Store() stored under `key`; false on a miss.
   */
  bool Load(const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values,
    double& computeSeconds);

  /**
   * Load(), and on a miss takes the key's lock (see the class description): waits while
   * another process holds it, and returns what that process stored as a hit. False is a
   * miss, with the lock held by this object if IsLockedHere(key): compute, then Store()
   * (which lets go) or Unlock(). No lock is taken with a LockTimeout of 0, ForceUpdate on,
   * writes off, or when the lock file cannot be made (a warning); the lookup counts once.
   */
  bool LoadOrLock(const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values,
    double& computeSeconds);
#endif

  /**
   * LoadOrLock() of one object: a new copy on a hit, else null, with the key's lock held
   * by this object when IsLockedHere(key). Then Set() or Unlock().
   */
  VTK_NEWINSTANCE vtkObject* GetOrLock(const std::string& key);

  /**
   * Lets go of the lock of `key` if this object holds it for the calling thread; nothing
   * otherwise.
   */
  void Unlock(const std::string& key);

  /**
   * Whether this object holds the lock of `key` for the calling thread.
   */
  bool IsLockedHere(const std::string& key);

  ///@{
  /**
   * How long a lookup that missed waits for another process computing the same key, in
   * seconds per owner of its lock; 0 takes no lock (every process that misses computes).
   * 60 by default. Errors: a negative or non-finite value.
   */
  void SetLockTimeout(double seconds);
  double GetLockTimeout();
  ///@}

  /**
   * Removes the entry of `key`; false if there was none.
   */
  bool Remove(const std::string& key);

  /**
   * Removes every entry, temporary file and statistics file of the directory, and the lock
   * files no process holds.
   */
  void Clear();

  /**
   * Removes expired entries, files that are not valid entries, temporary files left by
   * writers that died more than an hour ago, lock files no process holds, and the least
   * recently accessed entries beyond MaximumSize. Returns the number of entries removed.
   */
  vtkTypeInt64 Prune();

  /**
   * The path of `key`'s entry (as it would be written now).
   */
  std::string GetEntryPath(const std::string& key);

  ///@{
  /**
   * The directory as it is now (scanned): entries, bytes they take, and the creation time
   * of the oldest (Unix seconds, 0 with no entry).
   */
  vtkTypeInt64 GetNumberOfEntries();
  vtkTypeInt64 GetSizeInBytes();
  vtkTypeInt64 GetOldestEntryTime();
  ///@}

  ///@{
  /**
   * The entry format this cache writes and reads (2: raw array values behind a compact
   * description, mapped on hits), and how many entries of the directory are of another:
   * older ones (format 1, VTK XML) and newer ones are misses, left in place for the program
   * that wrote them, and replaced by the next store of their key.
   */
  static int GetEntryFormatVersion();
  vtkTypeInt64 GetNumberOfEntriesInOtherFormats();
  ///@}

  ///@{
  /**
   * This object's statistics since construction or ResetStatistics(): lookups that hit
   * and missed, entries written, entries evicted for MaximumSize or expired, damaged
   * entries found (and removed).
   */
  vtkTypeInt64 GetNumberOfHits();
  vtkTypeInt64 GetNumberOfMisses();
  vtkTypeInt64 GetNumberOfWrites();
  vtkTypeInt64 GetNumberOfEvictions();
  vtkTypeInt64 GetNumberOfCorruptEntries();
  void ResetStatistics();
  ///@}

  /**
   * Adds this object's statistics since its last WriteStatistics() to the directory's
   * (also done by the destructor).
   */
  void WriteStatistics();

  ///@{
  /**
   * The directory's statistics: what every cache object that used it recorded with
   * WriteStatistics(), summed (what `python3 -m trackedarraycache stats` shows); 0 when the
   * directory is not usable.
   */
  vtkTypeInt64 GetRecordedNumberOfHits();
  vtkTypeInt64 GetRecordedNumberOfMisses();
  vtkTypeInt64 GetRecordedNumberOfWrites();
  vtkTypeInt64 GetRecordedNumberOfEvictions();
  vtkTypeInt64 GetRecordedNumberOfCorruptEntries();
  ///@}

protected:
  vtkTrackedDiskCache();
  ~vtkTrackedDiskCache() override;

private:
  vtkTrackedDiskCache(const vtkTrackedDiskCache&) = delete;
  void operator=(const vtkTrackedDiskCache&) = delete;
  // Load() without counting the lookup; `looked` tells whether it was one (false when
  // disabled or unusable).
  bool LoadEntry(const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values,
    double& computeSeconds, bool& looked);

  class vtkInternals;
  std::unique_ptr<vtkInternals> Internals;
};

#endif
