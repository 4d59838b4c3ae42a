// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDiskCache.h"

#include "vtkAbstractArray.h"
#include "vtkDataObject.h"
#include "vtkObjectFactory.h"
#include "vtkTrackedCacheDirectory.h"
#include "vtkTrackedDiskEntry.h"
#include "vtkTrackedDiskKeyLock.h"
#include "vtkTrackedDiskStatistics.h"
#include "vtkTrackedEntryBytes.h"
#include "vtkTrackedFileIO.h"
#include "vtkVersionMacros.h"
#include "vtkXMLWriterBase.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

// The Compression values are VTK's own compressor numbers, which entries record.
namespace
{
// Compared as int: the two enumerations are distinct types.
constexpr bool SameNumber(int ours, int vtks)
{
  return ours == vtks;
}
}
static_assert(SameNumber(vtkTrackedDiskCache::NoCompression, vtkXMLWriterBase::NONE) &&
    SameNumber(vtkTrackedDiskCache::ZLib, vtkXMLWriterBase::ZLIB) &&
    SameNumber(vtkTrackedDiskCache::LZ4, vtkXMLWriterBase::LZ4) &&
    SameNumber(vtkTrackedDiskCache::LZMA, vtkXMLWriterBase::LZMA),
  "vtkTrackedDiskCache's compressions are vtkXMLWriterBase's compressor types");

vtkStandardNewMacro(vtkTrackedDiskCache);

namespace
{
using Directory = std::shared_ptr<const vtkTrackedCacheDirectory>;
using Counter = vtkTypeInt64 vtkTrackedDiskStatistics::*;

std::int64_t Now()
{
  return static_cast<std::int64_t>(std::time(nullptr));
}

bool Expired(const vtkTrackedDiskHeader& header, double expireDays)
{
  return expireDays > 0 && static_cast<double>(Now() - header.Created) > expireDays * 86400.0;
}

// What Get() and GetOrLock() return: the one object loaded, with a reference for the
// caller (VTK_NEWINSTANCE), or null.
vtkObject* NewInstanceOf(bool loaded, const std::vector<vtkSmartPointer<vtkObject>>& values)
{
  if (!loaded || values.size() != 1 || !values[0])
  {
    return nullptr;
  }
  values[0]->Register(nullptr);
  return values[0];
}

// An entry file opened for reading, with its header.
struct OpenedEntry
{
  std::string Path;
  vtkTrackedFileDescriptor File;
  vtkTrackedDiskHeader Header;
  std::size_t HeaderBytes = 0;
  vtkTrackedDiskHeader::Status Status = vtkTrackedDiskHeader::Status::Corrupt;
  std::string Error;

  // Opens `path` (never through a link) and reads its header; false if there is no file.
  bool Open(const std::string& path, const std::string& secret)
  {
    this->Path = path;
    this->File.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!this->File.IsOpen())
    {
      return false;
    }
    // The file opened, not the one listed: a writer may have renamed another over it.
    struct stat status;
    if (::fstat(this->File.Get(), &status) != 0 || !S_ISREG(status.st_mode))
    {
      this->Error = "not a plain file";
      return true;
    }
    this->Status = vtkTrackedDiskHeader::Read(
      this->File.Get(), secret, this->Header, this->HeaderBytes, this->Error);
    if (this->Status == vtkTrackedDiskHeader::Status::Ok &&
      static_cast<std::uint64_t>(status.st_size) != this->Header.FileBytes(this->HeaderBytes))
    {
      this->Status = vtkTrackedDiskHeader::Status::Corrupt;
      this->Error = "its size does not match its header";
    }
    return true;
  }

  bool IsDamaged() const
  {
    return this->Status == vtkTrackedDiskHeader::Status::Corrupt ||
      this->Status == vtkTrackedDiskHeader::Status::NotOurs;
  }

  // Removes the file, if it is still the one at its path.
  void Remove() const { vtkTrackedDiskKeyLock::RemoveIfSame(this->Path, this->File.Get()); }
};
}

class vtkTrackedDiskCache::vtkInternals
{
public:
  // What the setters set; read as a whole, under the lock.
  struct Settings
  {
    std::string Directory; // "" for the default
    bool Enabled = true;
    bool WriteEnabled = true;
    bool ForceUpdate = false;
    bool ReadableNames = false;
    int Compression = vtkTrackedDiskCache::NoCompression;
    int CompressionLevel = 1;
    bool MemoryMapping = true;
    double ExpireAfterDays = 0.0;
    vtkTypeInt64 MaximumSize = vtkTypeInt64(10) << 30;
    double LockTimeout = 60.0;
  };

  std::mutex Mutex;
  Settings Options;
  // Key locks held, by key and the thread that took them (and lets go of them).
  using LockHolder = std::pair<std::string, std::thread::id>;
  std::map<LockHolder, std::unique_ptr<vtkTrackedDiskKeyLock>> HeldLocks;
  bool LockWarned = false;

  // The directory as last checked: which one, and the opened directory if it is usable.
  std::string CheckedPath;
  bool Checked = false;
  Directory Opened;
  std::string UnusableReason;

  vtkTrackedDiskStatistics Statistics; // since ResetStatistics()
  vtkTrackedDiskStatistics Recorded;   // since construction, for the statistics file
  const std::string StatisticsName = vtkTrackedDiskStatistics::NewFileName();

  Settings GetSettings()
  {
    std::lock_guard<std::mutex> lock(this->Mutex);
    return this->Options;
  }

  std::string ResolvedDirectory() const
  {
    return this->Options.Directory.empty() ? vtkTrackedDiskCache::GetDefaultDirectory()
                                           : this->Options.Directory;
  }

  // The directory, opened and checked once per path, or null when it cannot be used; the
  // first check that fails reports why.
  Directory Usable(vtkTrackedDiskCache* self)
  {
    std::unique_lock<std::mutex> lock(this->Mutex);
    const std::string path = this->ResolvedDirectory();
    if (this->Checked && path == this->CheckedPath)
    {
      return this->Opened;
    }
    auto opened = std::make_shared<vtkTrackedCacheDirectory>();
    this->Checked = true;
    this->CheckedPath = path;
    this->Opened = opened->Open(path, this->UnusableReason) ? opened : nullptr;
    if (this->Opened)
    {
      this->UnusableReason.clear();
      return this->Opened;
    }
    const std::string reason = this->UnusableReason;
    lock.unlock();
    vtkErrorWithObjectMacro(self, "The disk cache is disabled: " << reason << ".");
    return nullptr;
  }

  void Count(Counter counter, vtkTypeInt64 amount = 1)
  {
    std::lock_guard<std::mutex> lock(this->Mutex);
    this->Statistics.Count(counter, amount);
    this->Recorded.Count(counter, amount);
  }

  // Where a lookup that missed `key` takes its lock, or "" when it takes none.
  std::string LockPathFor(const std::string& key, const vtkTrackedCacheDirectory& directory)
  {
    std::lock_guard<std::mutex> lock(this->Mutex);
    const Settings& options = this->Options;
    const bool takes = options.LockTimeout > 0 && !options.ForceUpdate && options.WriteEnabled &&
      !this->HeldLocks.count({ key, std::this_thread::get_id() });
    return takes ? directory.LockPath(key) : std::string();
  }

  // Lets go of the lock of `key` if this thread holds it.
  void Unlock(const std::string& key)
  {
    std::unique_ptr<vtkTrackedDiskKeyLock> held;
    {
      std::lock_guard<std::mutex> lock(this->Mutex);
      auto found = this->HeldLocks.find({ key, std::this_thread::get_id() });
      if (found == this->HeldLocks.end())
      {
        return;
      }
      held = std::move(found->second);
      this->HeldLocks.erase(found);
    }
    held->Release();
  }

  void Hold(const std::string& key, std::unique_ptr<vtkTrackedDiskKeyLock> lock)
  {
    std::lock_guard<std::mutex> guard(this->Mutex);
    this->HeldLocks[{ key, std::this_thread::get_id() }] = std::move(lock);
  }

  // Whether to warn that a key lock failed: once per cache object.
  bool FirstLockFailure()
  {
    std::lock_guard<std::mutex> guard(this->Mutex);
    return !std::exchange(this->LockWarned, true);
  }

  vtkTypeInt64 RecordedInDirectory(vtkTrackedDiskCache* self, Counter counter)
  {
    const Directory directory = this->Usable(self);
    return directory ? vtkTrackedDiskStatistics::SumOf(*directory).*counter : 0;
  }

  bool WriteEntry(vtkTrackedDiskCache* self, const vtkTrackedCacheDirectory& directory,
    vtkTrackedDiskHeader& header, const std::vector<vtkObject*>& values, const Settings& options,
    const std::string& target);
  bool Decode(vtkTrackedDiskCache* self, OpenedEntry& entry, const std::string& secret,
    bool mapping, std::vector<vtkSmartPointer<vtkObject>>& values);

  // Each entry file of the directory, opened with its header read.
  template <typename Visit>
  void ForEachEntry(const vtkTrackedCacheDirectory& directory, Visit&& visit)
  {
    for (const auto& file : directory.Scan("", vtkTrackedCacheDirectory::EntrySuffix))
    {
      OpenedEntry entry;
      if (entry.Open(file.Path, directory.GetSecret()))
      {
        visit(entry);
      }
    }
  }
};

namespace
{
template <typename T>
void SetLocked(vtkTrackedDiskCache* self, std::mutex& mutex, T& member, T value)
{
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (member == value)
    {
      return;
    }
    member = value;
  }
  self->Modified();
}

template <typename T>
T GetLocked(std::mutex& mutex, const T& member)
{
  std::lock_guard<std::mutex> lock(mutex);
  return member;
}
}

//------------------------------------------------------------------------------
vtkTrackedDiskCache::vtkTrackedDiskCache()
  : Internals(new vtkInternals)
{
}

//------------------------------------------------------------------------------
vtkTrackedDiskCache::~vtkTrackedDiskCache()
{
  this->WriteStatistics();
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskCache::GetDefaultDirectory()
{
  const char* explicitDirectory = std::getenv("VTK_TRACKED_CACHE_DIR");
  if (explicitDirectory && *explicitDirectory)
  {
    return explicitDirectory;
  }
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/')
  {
    return std::string(xdg) + "/vtk-tracked-array-cache";
  }
  const char* home = std::getenv("HOME");
  if (!home || !*home)
  {
    const passwd* user = ::getpwuid(::getuid());
    home = user ? user->pw_dir : nullptr;
  }
  return home ? std::string(home) + "/.cache/vtk-tracked-array-cache" : std::string();
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetDirectory(const std::string& directory)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.Directory, directory);
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskCache::GetDirectory()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->ResolvedDirectory();
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::IsUsable()
{
  return this->Internals->Usable(this) != nullptr;
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskCache::GetUnusableReason()
{
  this->IsUsable();
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->UnusableReason;
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetEnabled(bool enabled)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.Enabled, enabled);
}
bool vtkTrackedDiskCache::GetEnabled()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.Enabled);
}
void vtkTrackedDiskCache::SetWriteEnabled(bool enabled)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.WriteEnabled, enabled);
}
bool vtkTrackedDiskCache::GetWriteEnabled()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.WriteEnabled);
}
void vtkTrackedDiskCache::SetForceUpdate(bool force)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.ForceUpdate, force);
}
bool vtkTrackedDiskCache::GetForceUpdate()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.ForceUpdate);
}
void vtkTrackedDiskCache::SetReadableNames(bool readable)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.ReadableNames, readable);
}
bool vtkTrackedDiskCache::GetReadableNames()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.ReadableNames);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetCompression(int compression)
{
  if (compression < NoCompression || compression > LZMA)
  {
    vtkErrorMacro("Unknown compression " << compression << " (0 none, 1 zlib, 2 LZ4, 3 LZMA).");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.Compression, compression);
}
int vtkTrackedDiskCache::GetCompression()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.Compression);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetCompressionLevel(int level)
{
  if (level < 1 || level > 9)
  {
    vtkErrorMacro("The compression level must be from 1 to 9, not " << level << ".");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.CompressionLevel, level);
}
int vtkTrackedDiskCache::GetCompressionLevel()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.CompressionLevel);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetMemoryMapping(bool mapping)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.MemoryMapping, mapping);
}
bool vtkTrackedDiskCache::GetMemoryMapping()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.MemoryMapping);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetExpireAfterDays(double days)
{
  if (!(days >= 0))
  {
    vtkErrorMacro("ExpireAfterDays cannot be negative (" << days << ").");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.ExpireAfterDays, days);
}
double vtkTrackedDiskCache::GetExpireAfterDays()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.ExpireAfterDays);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetMaximumSize(vtkTypeInt64 bytes)
{
  if (bytes < 0)
  {
    vtkErrorMacro("MaximumSize cannot be negative (" << bytes << ").");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.MaximumSize, bytes);
}
vtkTypeInt64 vtkTrackedDiskCache::GetMaximumSize()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.MaximumSize);
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskCache::GetEntryPath(const std::string& key)
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->ResolvedDirectory() + "/" +
    vtkTrackedCacheDirectory::EntryName(key, this->Internals->Options.ReadableNames);
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::Set(const std::string& key, vtkObject* value)
{
  if (!vtkDataObject::SafeDownCast(value) && !vtkAbstractArray::SafeDownCast(value))
  {
    vtkErrorMacro("Cannot store " << (value ? value->GetClassName() : "null") << " under '" << key
                                  << "': only data objects and arrays.");
    return false;
  }
  return this->Store(key, { value });
}

//------------------------------------------------------------------------------
vtkObject* vtkTrackedDiskCache::Get(const std::string& key)
{
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  const bool loaded = this->Load(key, values, seconds);
  return NewInstanceOf(loaded, values);
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::Store(
  const std::string& key, const std::vector<vtkObject*>& values, double computeSeconds)
{
  auto& internals = *this->Internals;
  // Whatever happens, the key's lock (if held here) goes once the entry is in place or
  // given up: waiters then read the entry, or compute it themselves.
  struct UnlockOnReturn
  {
    vtkInternals& Internals;
    const std::string& Key;
    ~UnlockOnReturn() { this->Internals.Unlock(this->Key); }
  } unlockOnReturn{ internals, key };
  const vtkInternals::Settings options = internals.GetSettings();
  if (!options.Enabled || !options.WriteEnabled)
  {
    return false;
  }
  const Directory directory = internals.Usable(this);
  if (!directory)
  {
    return false;
  }
  vtkTrackedDiskHeader header;
  header.Created = Now();
  // What a caller passed is not trusted to be a duration: readers record it as a cost.
  header.ComputeSeconds = std::isfinite(computeSeconds) && computeSeconds >= 0 ? computeSeconds : 0;
  header.VTKVersion = VTK_VERSION;
  header.Key = key;
  header.Digest = vtkTrackedCacheDirectory::KeyHex(key);
  const std::string target = directory->EntryPath(key, options.ReadableNames);
  if (!internals.WriteEntry(this, *directory, header, values, options, target))
  {
    return false;
  }
  // One entry per key: the other naming of it goes (for keys with no readable prefix,
  // both namings are the same file).
  const std::string other = directory->EntryPath(key, !options.ReadableNames);
  if (other != target)
  {
    ::unlink(other.c_str());
  }
  internals.Count(&vtkTrackedDiskStatistics::Writes);
  internals.Count(
    &vtkTrackedDiskStatistics::Evictions, directory->EnforceSize(options.MaximumSize, target));
  return true;
}

//------------------------------------------------------------------------------
// Writes a unique temporary file in the directory, renamed over `target` once complete and
// read-only (a mapped entry must not be truncated in place, see vtkTrackedEntryBytes.h).
// False after reporting why not.
bool vtkTrackedDiskCache::vtkInternals::WriteEntry(vtkTrackedDiskCache* self,
  const vtkTrackedCacheDirectory& directory, vtkTrackedDiskHeader& header,
  const std::vector<vtkObject*>& values, const Settings& options, const std::string& target)
{
  std::string failure;
  std::string temporary;
  bool tooLarge = false;
  {
    const std::string suffix = std::string(vtkTrackedCacheDirectory::EntrySuffix) + ".part";
    vtkTrackedFileDescriptor file(directory.CreateTemporary(suffix.c_str(), O_RDWR, temporary));
    if (!file.IsOpen())
    {
      failure = "cannot create " + temporary + ": " + vtkTrackedFileIO::ErrnoText();
    }
    else if (!vtkTrackedDiskEntry::WriteEntry(file.Get(), header, values, options.Compression,
               options.CompressionLevel, directory.GetSecret(), failure))
    {
      failure = temporary + ": " + failure;
    }
    else if (::fchmod(file.Get(), S_IRUSR) != 0)
    {
      failure = "cannot write " + temporary + ": " + vtkTrackedFileIO::ErrnoText();
    }
    else
    {
      const auto total =
        static_cast<vtkTypeInt64>(header.FileBytes(header.Encode(directory.GetSecret()).size()));
      tooLarge = options.MaximumSize > 0 && total > options.MaximumSize;
      if (tooLarge)
      {
        failure = "its " + std::to_string(total) + " bytes exceed the maximum size " +
          std::to_string(options.MaximumSize);
      }
    }
  }
  if (failure.empty() && ::rename(temporary.c_str(), target.c_str()) != 0)
  {
    failure = "cannot rename " + temporary + ": " + vtkTrackedFileIO::ErrnoText();
  }
  if (failure.empty())
  {
    return true;
  }
  ::unlink(temporary.c_str());
  if (tooLarge)
  {
    vtkWarningWithObjectMacro(
      self, "Not storing '" << header.Key << "' on disk: " << failure << ".");
  }
  else
  {
    vtkErrorWithObjectMacro(
      self, "Cannot store '" << header.Key << "' on disk: " << failure << ".");
  }
  return false;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::Load(
  const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values, double& computeSeconds)
{
  bool looked = false;
  const bool hit = this->LoadEntry(key, values, computeSeconds, looked);
  if (looked)
  {
    this->Internals->Count(
      hit ? &vtkTrackedDiskStatistics::Hits : &vtkTrackedDiskStatistics::Misses);
  }
  return hit;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::LoadOrLock(
  const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values, double& computeSeconds)
{
  bool looked = false;
  bool hit = this->LoadEntry(key, values, computeSeconds, looked);
  auto& internals = *this->Internals;
  const Directory directory = !hit && looked ? internals.Usable(this) : nullptr;
  const std::string lockPath = directory ? internals.LockPathFor(key, *directory) : std::string();
  // A file that did not load (of a newer format version, left in place) must not end the
  // wait again: only another file, or this one rewritten, does.
  auto unloadable =
    lockPath.empty() ? std::make_pair(dev_t(0), ino_t(0)) : directory->EntryFile(key);
  const double timeout = internals.GetSettings().LockTimeout;
  while (!lockPath.empty())
  {
    auto lock = std::make_unique<vtkTrackedDiskKeyLock>();
    std::string error;
    const auto entryStored = [&directory, &key, &unloadable]
    {
      const auto now = directory->EntryFile(key);
      return now.second != 0 && now != unloadable;
    };
    const auto outcome = lock->Acquire(lockPath, timeout, entryStored, error);
    if (outcome == vtkTrackedDiskKeyLock::Outcome::Failed)
    {
      if (internals.FirstLockFailure())
      {
        vtkWarningMacro("Computing without a key lock: " << error << ".");
      }
      break;
    }
    // Stored by another process while this one waited, or just before it got the lock.
    hit = this->LoadEntry(key, values, computeSeconds, looked);
    if (hit || outcome == vtkTrackedDiskKeyLock::Outcome::Acquired)
    {
      if (!hit)
      {
        internals.Hold(key, std::move(lock));
      }
      break;
    }
    // The entry that appeared was damaged (and removed) or of a newer version: wait again.
    unloadable = directory->EntryFile(key);
  }
  if (looked)
  {
    internals.Count(hit ? &vtkTrackedDiskStatistics::Hits : &vtkTrackedDiskStatistics::Misses);
  }
  return hit;
}

//------------------------------------------------------------------------------
vtkObject* vtkTrackedDiskCache::GetOrLock(const std::string& key)
{
  std::vector<vtkSmartPointer<vtkObject>> values;
  double seconds = 0;
  const bool loaded = this->LoadOrLock(key, values, seconds);
  return NewInstanceOf(loaded, values);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::Unlock(const std::string& key)
{
  this->Internals->Unlock(key);
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::IsLockedHere(const std::string& key)
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->HeldLocks.count({ key, std::this_thread::get_id() }) != 0;
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetLockTimeout(double seconds)
{
  if (!std::isfinite(seconds) || seconds < 0)
  {
    vtkErrorMacro("The lock timeout must be finite and not negative (" << seconds << ").");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->Options.LockTimeout, seconds);
}

//------------------------------------------------------------------------------
double vtkTrackedDiskCache::GetLockTimeout()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Options.LockTimeout);
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::LoadEntry(const std::string& key,
  std::vector<vtkSmartPointer<vtkObject>>& values, double& computeSeconds, bool& looked)
{
  auto& internals = *this->Internals;
  const vtkInternals::Settings options = internals.GetSettings();
  looked = options.Enabled && options.ForceUpdate; // a forced update looks, and misses
  const Directory directory =
    options.Enabled && !options.ForceUpdate ? internals.Usable(this) : nullptr;
  if (!directory)
  {
    return false;
  }
  looked = true;
  OpenedEntry entry;
  const std::string& secret = directory->GetSecret();
  // The naming in use first, then the other.
  if (!entry.Open(directory->EntryPath(key, options.ReadableNames), secret) &&
    !entry.Open(directory->EntryPath(key, !options.ReadableNames), secret))
  {
    return false;
  }
  if (entry.Status == vtkTrackedDiskHeader::Status::FutureVersion)
  {
    vtkWarningMacro("Skipping " << entry.Path << ": " << entry.Error << ".");
    return false;
  }
  if (entry.Status == vtkTrackedDiskHeader::Status::OlderVersion)
  {
    return false; // a miss: the next store of the key replaces it
  }
  if (entry.Status == vtkTrackedDiskHeader::Status::Ok &&
    (entry.Header.Key != key || entry.Header.Digest != vtkTrackedCacheDirectory::KeyHex(key)))
  {
    entry.Status = vtkTrackedDiskHeader::Status::Corrupt;
    entry.Error = "it holds another key";
  }
  if (entry.Status == vtkTrackedDiskHeader::Status::Ok &&
    Expired(entry.Header, options.ExpireAfterDays))
  {
    entry.Remove();
    internals.Count(&vtkTrackedDiskStatistics::Evictions);
    return false;
  }
  if (!internals.Decode(this, entry, secret, options.MemoryMapping, values))
  {
    return false;
  }
  ::futimens(entry.File.Get(), nullptr); // the last-access record
  computeSeconds = entry.Header.ComputeSeconds;
  return true;
}

//------------------------------------------------------------------------------
// Maps or reads an entry whose header is valid, checks every chunk and decodes it into
// `values`. A damaged entry is removed (and counted); one of another VTK's layout is left.
// False after reporting why not.
bool vtkTrackedDiskCache::vtkInternals::Decode(vtkTrackedDiskCache* self, OpenedEntry& entry,
  const std::string& secret, bool mapping, std::vector<vtkSmartPointer<vtkObject>>& values)
{
  auto status = vtkTrackedPayloadStatus::Damaged;
  if (entry.Status == vtkTrackedDiskHeader::Status::Ok)
  {
    const vtkTrackedDiskHeader& header = entry.Header;
    const std::uint64_t fileBytes = header.FileBytes(entry.HeaderBytes);
    const auto bytes = mapping
      ? vtkTrackedEntryBytes::Map(entry.File.Get(), fileBytes, entry.Error)
      : vtkTrackedEntryBytes::Read(entry.File.Get(), fileBytes, entry.Error);
    if (!bytes)
    {
      vtkErrorWithObjectMacro(
        self, "Cannot read the cache entry " << entry.Path << ": " << entry.Error << ".");
      return false;
    }
    std::vector<vtkTrackedDigest> checksums;
    status = vtkTrackedDiskEntry::ReadChunkList(
               bytes->GetData(), header, entry.HeaderBytes, secret, checksums)
      ? vtkTrackedDiskEntry::ReadPayload(bytes, entry.HeaderBytes, header.PayloadSize,
          header.ChunkBytes, checksums, secret, values, entry.Error)
      : vtkTrackedPayloadStatus::Damaged;
    if (status == vtkTrackedPayloadStatus::Damaged && entry.Error.empty())
    {
      entry.Error = "a chunk list that fails its checksum";
    }
  }
  switch (status)
  {
    case vtkTrackedPayloadStatus::Ok:
      return true;
    case vtkTrackedPayloadStatus::OtherLayout: // a miss, left for the VTK that wrote it
      vtkWarningWithObjectMacro(self, "Skipping " << entry.Path << ": " << entry.Error << ".");
      return false;
    case vtkTrackedPayloadStatus::OutOfMemory:
      vtkErrorWithObjectMacro(
        self, "Cannot read the cache entry " << entry.Path << ": " << entry.Error << ".");
      return false;
    case vtkTrackedPayloadStatus::Damaged:
      break;
  }
  entry.Remove();
  this->Count(&vtkTrackedDiskStatistics::Corrupt);
  vtkWarningWithObjectMacro(
    self, "Removed a damaged cache entry " << entry.Path << ": " << entry.Error << ".");
  values.clear();
  return false;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::Remove(const std::string& key)
{
  const Directory directory = this->Internals->Usable(this);
  if (!directory)
  {
    return false;
  }
  bool removed = false;
  for (bool readable : { false, true })
  {
    removed = ::unlink(directory->EntryPath(key, readable).c_str()) == 0 || removed;
  }
  return removed;
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::Clear()
{
  const Directory directory = this->Internals->Usable(this);
  if (!directory)
  {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    this->Internals->Recorded = vtkTrackedDiskStatistics();
  }
  directory->RemoveAll();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::Prune()
{
  auto& internals = *this->Internals;
  const Directory directory = internals.Usable(this);
  if (!directory)
  {
    return 0;
  }
  const vtkInternals::Settings options = internals.GetSettings();
  vtkTypeInt64 removed = 0;
  internals.ForEachEntry(*directory,
    [&internals, &options, &removed](const OpenedEntry& entry)
    {
      const bool expired = entry.Status == vtkTrackedDiskHeader::Status::Ok &&
        Expired(entry.Header, options.ExpireAfterDays);
      if (entry.IsDamaged() || expired)
      {
        entry.Remove();
        internals.Count(entry.IsDamaged() ? &vtkTrackedDiskStatistics::Corrupt
                                          : &vtkTrackedDiskStatistics::Evictions);
        ++removed;
      }
    });
  directory->RemoveAbandonedTemporaries();
  directory->RemoveAbandonedLocks();
  const vtkTypeInt64 evicted = directory->EnforceSize(options.MaximumSize);
  internals.Count(&vtkTrackedDiskStatistics::Evictions, evicted);
  return removed + evicted;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfEntries()
{
  const Directory directory = this->Internals->Usable(this);
  return directory
    ? static_cast<vtkTypeInt64>(directory->Scan("", vtkTrackedCacheDirectory::EntrySuffix).size())
    : 0;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetSizeInBytes()
{
  const Directory directory = this->Internals->Usable(this);
  vtkTypeInt64 total = 0;
  for (const auto& entry : directory ? directory->Scan("", vtkTrackedCacheDirectory::EntrySuffix)
                                     : std::vector<vtkTrackedCacheDirectory::File>())
  {
    total += entry.Size;
  }
  return total;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetOldestEntryTime()
{
  const Directory directory = this->Internals->Usable(this);
  vtkTypeInt64 oldest = 0;
  if (directory)
  {
    this->Internals->ForEachEntry(*directory,
      [&oldest](const OpenedEntry& entry)
      {
        if (entry.Status == vtkTrackedDiskHeader::Status::Ok &&
          (oldest == 0 || entry.Header.Created < oldest))
        {
          oldest = entry.Header.Created;
        }
      });
  }
  return oldest;
}

//------------------------------------------------------------------------------
int vtkTrackedDiskCache::GetEntryFormatVersion()
{
  return static_cast<int>(vtkTrackedDiskHeader::FormatVersion);
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfEntriesInOtherFormats()
{
  const Directory directory = this->Internals->Usable(this);
  vtkTypeInt64 others = 0;
  if (directory)
  {
    this->Internals->ForEachEntry(*directory,
      [&others](const OpenedEntry& entry)
      {
        others += entry.Status == vtkTrackedDiskHeader::Status::OlderVersion ||
          entry.Status == vtkTrackedDiskHeader::Status::FutureVersion;
      });
  }
  return others;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfHits()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Statistics.Hits);
}
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfMisses()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Statistics.Misses);
}
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfWrites()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Statistics.Writes);
}
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfEvictions()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Statistics.Evictions);
}
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfCorruptEntries()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Statistics.Corrupt);
}
void vtkTrackedDiskCache::ResetStatistics()
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  this->Internals->Statistics = vtkTrackedDiskStatistics();
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetRecordedNumberOfHits()
{
  return this->Internals->RecordedInDirectory(this, &vtkTrackedDiskStatistics::Hits);
}
vtkTypeInt64 vtkTrackedDiskCache::GetRecordedNumberOfMisses()
{
  return this->Internals->RecordedInDirectory(this, &vtkTrackedDiskStatistics::Misses);
}
vtkTypeInt64 vtkTrackedDiskCache::GetRecordedNumberOfWrites()
{
  return this->Internals->RecordedInDirectory(this, &vtkTrackedDiskStatistics::Writes);
}
vtkTypeInt64 vtkTrackedDiskCache::GetRecordedNumberOfEvictions()
{
  return this->Internals->RecordedInDirectory(this, &vtkTrackedDiskStatistics::Evictions);
}
vtkTypeInt64 vtkTrackedDiskCache::GetRecordedNumberOfCorruptEntries()
{
  return this->Internals->RecordedInDirectory(this, &vtkTrackedDiskStatistics::Corrupt);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::WriteStatistics()
{
  auto& internals = *this->Internals;
  vtkTrackedDiskStatistics counts;
  Directory directory;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    counts = internals.Recorded;
    directory = internals.Opened;
  }
  // Never used, or nothing to add. This object's totals go in a file of its own.
  if (directory && !counts.IsEmpty())
  {
    counts.Write(*directory, internals.StatisticsName);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  const auto& internals = *this->Internals;
  const auto& options = internals.Options;
  static const char* const compressions[] = { "NoCompression", "ZLib", "LZ4", "LZMA" };
  os << indent << "Directory: " << internals.ResolvedDirectory()
     << (options.Directory.empty() ? " (default)" : "") << "\n";
  os << indent << "Usable: "
     << (!internals.Checked    ? "not checked yet"
            : internals.Opened ? "yes"
                               : "no (" + internals.UnusableReason + ")")
     << "\n";
  os << indent << "Enabled: " << (options.Enabled ? "On" : "Off") << "\n";
  os << indent << "WriteEnabled: " << (options.WriteEnabled ? "On" : "Off") << "\n";
  os << indent << "ForceUpdate: " << (options.ForceUpdate ? "On" : "Off") << "\n";
  os << indent << "ReadableNames: " << (options.ReadableNames ? "On" : "Off") << "\n";
  os << indent << "Compression: " << compressions[options.Compression] << "\n";
  os << indent << "CompressionLevel: " << options.CompressionLevel << "\n";
  os << indent << "MemoryMapping: " << (options.MemoryMapping ? "On" : "Off") << "\n";
  os << indent << "ExpireAfterDays: " << options.ExpireAfterDays << "\n";
  os << indent << "MaximumSize: " << options.MaximumSize << " bytes\n";
  os << indent << "LockTimeout: " << options.LockTimeout << " s\n";
  os << indent << "LocksHeld: " << internals.HeldLocks.size() << "\n";
  os << indent << "NumberOfHits: " << internals.Statistics.Hits << "\n";
  os << indent << "NumberOfMisses: " << internals.Statistics.Misses << "\n";
  os << indent << "NumberOfWrites: " << internals.Statistics.Writes << "\n";
  os << indent << "NumberOfEvictions: " << internals.Statistics.Evictions << "\n";
  os << indent << "NumberOfCorruptEntries: " << internals.Statistics.Corrupt << "\n";
  os << indent << "StatisticsFile: " << internals.StatisticsName << "\n";
}
