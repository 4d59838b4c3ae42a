// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedCacheDirectory
 * @brief Private: the directory of a disk cache: its checks, its secret, its files by
 * kind, temporary files and size-bound eviction.
 *
 * Open() creates the directory (0700, each missing level) and checks that it is a
 * directory of this user that its group and others cannot write, then loads its secret,
 * which keys every checksum of its entries: 192 random bytes in ".secret" (0600), made by
 * the first process that needs it and linked into place, so that a racing process reads
 * all of it or none. A damaged secret is replaced (the entries it keyed then fail their
 * checksums, and go).
 *
 * The directory holds entries ("<hex of the key's digest>.vtkentry", or with a readable
 * prefix of the key "<prefix>--<hex>.vtkentry"), temporary files (".tmp-*", renamed into
 * place once complete), statistics files (".stats-*", see vtkTrackedDiskStatistics) and key
 * locks (".lock-<hex>", see vtkTrackedDiskKeyLock). Scans list plain files only: links are
 * never followed.
 *
 * Thread-safe once opened: every member is const and works on the file system, which
 * other processes share.
 *
 * @sa vtkTrackedDiskCache, vtkTrackedDiskHeader, vtkTrackedDiskKeyLock
 */

#ifndef vtkTrackedCacheDirectory_h
#define vtkTrackedCacheDirectory_h

#include "vtkType.h" // for vtkTypeInt64

#include <cstdint>     // for sizes and times
#include <string>      // for paths
#include <sys/types.h> // for dev_t, ino_t
#include <utility>     // for std::pair
#include <vector>      // for scans

class vtkTrackedCacheDirectory
{
public:
  static constexpr const char* EntrySuffix = ".vtkentry";
  static constexpr const char* TemporaryPrefix = ".tmp-";
  static constexpr const char* StatisticsPrefix = ".stats-";
  static constexpr const char* LockPrefix = ".lock-";

  /// A plain file of the directory.
  struct File
  {
    std::string Path;
    std::int64_t Size = 0;
    std::int64_t ModifiedNanoseconds = 0; // an entry's last access: set at every hit
  };

  /**
   * Creates `path` if needed, checks it and loads or makes its secret; false with
   * `reason` set when it cannot be used.
   */
  bool Open(const std::string& path, std::string& reason);

  const std::string& GetPath() const { return this->Path; }
  const std::string& GetSecret() const { return this->Secret; }

  /// The plain files whose names start with `prefix` and end with `suffix`.
  std::vector<File> Scan(const std::string& prefix, const std::string& suffix) const;

  ///@{
  /// The entry of `key` in either naming (see above), and the hex of the key's digest.
  static std::string EntryName(const std::string& key, bool readable);
  std::string EntryPath(const std::string& key, bool readable) const;
  static std::string KeyHex(const std::string& key);
  ///@}

  /// A file-name-safe prefix of `text`: letters, digits, '.', '_' and '-' (others become
  /// '_'), no leading dot, at most 48 characters. Never a path.
  static std::string ReadablePrefix(const std::string& text);

  /**
   * Which entry file of `key` is there now, by device and inode (entries are renamed into
   * place: a new one is a new inode, while hits only touch its times), or zeros if there is
   * none (whether it is valid is for a load to tell).
   */
  std::pair<dev_t, ino_t> EntryFile(const std::string& key) const;

  std::string LockPath(const std::string& key) const;

  /**
   * Creates a new private file with a unique temporary name ending in `suffix`, opened
   * with `access` (O_WRONLY, O_RDWR), and gives its path; -1 on failure. It never opens a
   * file or follows a link that is already there.
   */
  int CreateTemporary(const char* suffix, int access, std::string& path) const;

  /**
   * Removes least recently accessed entries, never the one at `kept`, until the entries
   * fit `maximum` bytes (0: no limit). Returns how many it removed.
   */
  vtkTypeInt64 EnforceSize(vtkTypeInt64 maximum, const std::string& kept = std::string()) const;

  /// Removes the temporary files older than an hour (their writers died).
  void RemoveAbandonedTemporaries() const;

  /// Removes the lock files no process holds (their owners died).
  void RemoveAbandonedLocks() const;

  /// Removes every entry, temporary file and statistics file, and abandoned locks.
  void RemoveAll() const;

private:
  bool LoadSecret(std::string& reason);

  std::string Path;
  std::string Secret;
};

#endif
