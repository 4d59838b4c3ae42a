#include "vtkTrackedDiskCache.h"

#include "vtkAbstractArray.h"
#include "vtkDataObject.h"
#include "vtkObjectFactory.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedDiskEntry.h"
#include "vtkTrackedDiskKeyLock.h"
#include "vtkTrackedEntryBytes.h"
#include "vtkTrackedFileIO.h"
#include "vtkVersionMacros.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

vtkStandardNewMacro(vtkTrackedDiskCache);

namespace
{
const char* const EntrySuffix = ".vtkentry";
const char* const TemporaryPrefix = ".tmp-";
const char* const StatisticsPrefix = ".stats-";
const char* const LockPrefix = ".lock-";
constexpr std::size_t ReadablePrefixLength = 48;
constexpr std::int64_t AbandonedTemporarySeconds = 3600;

std::int64_t Now()
{
  return static_cast<std::int64_t>(std::time(nullptr));
}

bool EndsWith(const std::string& text, const std::string& suffix)
{
  return text.size() >= suffix.size() &&
    text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool StartsWith(const std::string& text, const std::string& prefix)
{
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string KeyHex(const std::string& key)
{
  return vtkTrackedArrayCache::ComputeTextDigest(key).substr(9); // after "xxh3-128:"
}

// A file-name-safe prefix of a key: letters, digits, '.', '_' and '-' (others become
// '_'), no leading dot, at most ReadablePrefixLength characters. Never a path.
std::string ReadablePrefix(const std::string& key)
{
  std::string prefix;
  for (char c : key)
  {
    if (prefix.size() == ReadablePrefixLength)
    {
      break;
    }
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
      c == '.' || c == '_' || c == '-';
    prefix.push_back(safe ? c : '_');
  }
  prefix.erase(0, prefix.find_first_not_of('.'));
  return prefix;
}

std::string ErrnoText()
{
  return std::strerror(errno);
}

class FileDescriptor
{
public:
  explicit FileDescriptor(int fd)
    : Fd(fd)
  {
  }
  ~FileDescriptor()
  {
    if (this->Fd >= 0)
    {
      ::close(this->Fd);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int Get() const { return this->Fd; }

private:
  int Fd;
};

struct DirectoryEntry
{
  std::string Path;
  std::int64_t Size = 0;
  std::int64_t AccessNanoseconds = 0; // the file's modification time: set at every hit
};

// Creates a new private file with a unique name in `directory`, and gives its path. It
// never opens a file or follows a link that is already there.
int CreateTemporary(const std::string& directory, const char* suffix, int access, std::string& path)
{
  static std::atomic<unsigned> serial{ 0 };
  std::ostringstream name;
  name << directory << "/" << TemporaryPrefix << ::getpid() << "-" << ++serial << "-" << std::hex
       << std::random_device()() << suffix;
  path = name.str();
  return ::open(path.c_str(), access | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
}

// Reads and checks the header of an open entry file.
vtkTrackedDiskHeader::Status ReadHeader(int fd, const std::string& secret,
  vtkTrackedDiskHeader& header, std::size_t& headerBytes, std::string& error)
{
  char prefix[vtkTrackedDiskHeader::PrefixBytes];
  if (!vtkTrackedFileIO::ReadAt(fd, 0, prefix, sizeof(prefix)))
  {
    error = "shorter than a header";
    return vtkTrackedDiskHeader::Status::Corrupt;
  }
  const auto measured = vtkTrackedDiskHeader::Measure(prefix, sizeof(prefix), headerBytes);
  if (measured != vtkTrackedDiskHeader::Status::Ok)
  {
    error = measured == vtkTrackedDiskHeader::Status::FutureVersion ? "written by a newer format"
      : measured == vtkTrackedDiskHeader::Status::OlderVersion      ? "written by an older format"
                                                                    : "not a valid entry";
    return measured;
  }
  std::string bytes(prefix, sizeof(prefix));
  bytes.resize(headerBytes);
  if (!vtkTrackedFileIO::ReadAt(
        fd, sizeof(prefix), &bytes[sizeof(prefix)], headerBytes - sizeof(prefix)))
  {
    error = "a truncated header";
    return vtkTrackedDiskHeader::Status::Corrupt;
  }
  return vtkTrackedDiskHeader::Decode(bytes.data(), bytes.size(), secret, header, error);
}

// The directory's secret, which keys every checksum of its entries: 192 random bytes in
// ".secret" (0600), made by the first process that needs it, written to a temporary file
// and linked into place so that a racing process reads all of it or none. A damaged one is
// replaced (the entries it keyed then fail their checksums, and go).
constexpr std::size_t SecretBytes = 192;

bool LoadSecret(const std::string& directory, std::string& secret, std::string& error)
{
  static_assert(SecretBytes >= vtkTrackedHasher::MinimumSecretBytes, "too short a secret");
  const std::string path = directory + "/.secret";
  for (int attempt = 0; attempt < 3; ++attempt)
  {
    {
      FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
      struct stat status;
      if (file.Get() >= 0 && ::fstat(file.Get(), &status) == 0)
      {
        secret.assign(SecretBytes, '\0');
        if (S_ISREG(status.st_mode) && status.st_uid == ::geteuid() &&
          static_cast<std::size_t>(status.st_size) == SecretBytes &&
          vtkTrackedFileIO::ReadAt(file.Get(), 0, &secret[0], SecretBytes))
        {
          return true;
        }
        ::unlink(path.c_str());
      }
    }
    std::random_device random;
    std::string fresh(SecretBytes, '\0');
    for (char& byte : fresh)
    {
      byte = static_cast<char>(random());
    }
    std::string temporary;
    FileDescriptor file(CreateTemporary(directory, "-secret", O_WRONLY, temporary));
    const bool written = file.Get() >= 0 &&
      ::write(file.Get(), fresh.data(), SecretBytes) == static_cast<ssize_t>(SecretBytes);
    const bool linked = written && ::link(temporary.c_str(), path.c_str()) == 0;
    ::unlink(temporary.c_str());
    if (linked)
    {
      secret = fresh;
      return true;
    }
    if (!written)
    {
      error = "cannot write " + path + ": " + ErrnoText();
      return false;
    }
    // Another process linked its secret first: read that one.
  }
  error = "cannot read or make " + path;
  return false;
}

// The chunk checksums that follow the payload in `entry`, checked against the header.
bool ReadChunkList(const char* entry, const vtkTrackedDiskHeader& header, std::size_t headerBytes,
  const std::string& secret, std::vector<vtkTrackedDigest>& checksums)
{
  // The file's size matched FileBytes(): the list is there.
  const char* list = entry + headerBytes + header.PayloadSize;
  checksums.resize(static_cast<std::size_t>(header.NumberOfChunks()));
  for (std::size_t i = 0; i < checksums.size(); ++i)
  {
    std::memcpy(&checksums[i].High, list + 16 * i, 8);
    std::memcpy(&checksums[i].Low, list + 16 * i + 8, 8);
  }
  return vtkTrackedChecksumList(checksums, secret) == header.ChunkListChecksum;
}
}

class vtkTrackedDiskCache::vtkInternals
{
public:
  std::mutex Mutex;
  std::string Directory; // "" for the default
  bool Enabled = true;
  bool WriteEnabled = true;
  bool ForceUpdate = false;
  bool ReadableNames = false;
  int Compression = None;
  bool MemoryMapping = true;
  int CompressionLevel = 1;
  double ExpireAfterDays = 0.0;
  vtkTypeInt64 MaximumSize = vtkTypeInt64(10) << 30;
  double LockTimeout = 60.0;
  // Key locks held, by key and the thread that took them (and lets go of them).
  using LockHolder = std::pair<std::string, std::thread::id>;
  std::map<LockHolder, std::unique_ptr<vtkTrackedDiskKeyLock>> HeldLocks;
  bool LockWarned = false;

  // The directory as checked: which one, whether it may be used, and its secret.
  std::string CheckedDirectory;
  std::string Secret;
  bool Checked = false;
  bool Usable = false;
  std::string UnusableReason;

  struct Counts
  {
    vtkTypeInt64 Hits = 0;
    vtkTypeInt64 Misses = 0;
    vtkTypeInt64 Writes = 0;
    vtkTypeInt64 Evictions = 0;
    vtkTypeInt64 Corrupt = 0;
  };
  Counts Statistics; // since ResetStatistics()
  Counts Recorded;   // since construction, for the directory's statistics file
  std::string StatisticsName;

  std::string ResolvedDirectory() const
  {
    return this->Directory.empty() ? vtkTrackedDiskCache::GetDefaultDirectory() : this->Directory;
  }

  // Creates the directory (0700) if needed and checks it is ours and private. Locked.
  bool CheckDirectory(std::string& directory)
  {
    directory = this->ResolvedDirectory();
    if (this->Checked && directory == this->CheckedDirectory)
    {
      return this->Usable;
    }
    this->Checked = true;
    this->CheckedDirectory = directory;
    this->Usable = false;
    if (directory.empty())
    {
      this->UnusableReason = "no cache directory (no HOME)";
      return false;
    }
    // Each missing level is created private; existing ones are left as they are.
    for (std::size_t slash = directory.find('/', 1);; slash = directory.find('/', slash + 1))
    {
      const std::string level = directory.substr(0, slash);
      if (::mkdir(level.c_str(), 0700) != 0 && errno != EEXIST)
      {
        this->UnusableReason = "cannot create " + level + ": " + ErrnoText();
        return false;
      }
      if (slash == std::string::npos)
      {
        break;
      }
    }
    struct stat status;
    if (::stat(directory.c_str(), &status) != 0 || !S_ISDIR(status.st_mode))
    {
      this->UnusableReason = directory + " is not a directory";
      return false;
    }
    if (status.st_uid != ::geteuid())
    {
      this->UnusableReason =
        directory + " belongs to another user (uid " + std::to_string(status.st_uid) + ")";
      return false;
    }
    if (status.st_mode & (S_IWGRP | S_IWOTH))
    {
      this->UnusableReason = directory + " is writable by its group or by others";
      return false;
    }
    if (::access(directory.c_str(), R_OK | W_OK | X_OK) != 0)
    {
      this->UnusableReason = "cannot read and write " + directory + ": " + ErrnoText();
      return false;
    }
    if (!LoadSecret(directory, this->Secret, this->UnusableReason))
    {
      return false;
    }
    this->Usable = true;
    this->UnusableReason.clear();
    return true;
  }

  std::vector<DirectoryEntry> Scan(
    const std::string& directory, const std::string& prefix, const std::string& suffix) const
  {
    std::vector<DirectoryEntry> found;
    DIR* listing = ::opendir(directory.c_str());
    if (!listing)
    {
      return found;
    }
    while (dirent* item = ::readdir(listing))
    {
      const std::string name = item->d_name;
      if (!StartsWith(name, prefix) || !EndsWith(name, suffix))
      {
        continue;
      }
      DirectoryEntry entry;
      entry.Path = directory + "/" + name;
      struct stat status;
      if (::lstat(entry.Path.c_str(), &status) != 0 || !S_ISREG(status.st_mode))
      {
        continue; // gone meanwhile, or not a plain file: never followed
      }
      entry.Size = status.st_size;
      entry.AccessNanoseconds =
        std::int64_t(status.st_mtim.tv_sec) * 1000000000 + status.st_mtim.tv_nsec;
      found.push_back(entry);
    }
    ::closedir(listing);
    return found;
  }

  // Evicts least recently accessed entries, never `kept`, until the directory fits
  // `maximum` (0: no limit). Returns how many were removed.
  vtkTypeInt64 EnforceSize(
    const std::string& directory, vtkTypeInt64 maximum, const std::string& kept = std::string())
  {
    if (maximum <= 0)
    {
      return 0;
    }
    std::vector<DirectoryEntry> entries = this->Scan(directory, "", EntrySuffix);
    vtkTypeInt64 total = 0;
    for (const auto& entry : entries)
    {
      total += entry.Size;
    }
    std::sort(entries.begin(), entries.end(),
      [](const DirectoryEntry& a, const DirectoryEntry& b)
      { return a.AccessNanoseconds < b.AccessNanoseconds; });
    vtkTypeInt64 removed = 0;
    for (const auto& entry : entries)
    {
      if (total <= maximum)
      {
        break;
      }
      if (entry.Path == kept)
      {
        continue;
      }
      if (::unlink(entry.Path.c_str()) == 0)
      {
        ++removed;
      }
      total -= entry.Size; // gone either way: another process may have removed it
    }
    this->Count(&Counts::Evictions, removed);
    return removed;
  }

  void Count(vtkTypeInt64 Counts::*counter, vtkTypeInt64 amount = 1)
  {
    std::lock_guard<std::mutex> lock(this->Mutex);
    this->Statistics.*counter += amount;
    this->Recorded.*counter += amount;
  }

  std::string EntryName(const std::string& key, bool readable) const
  {
    const std::string hex = KeyHex(key);
    const std::string prefix = readable ? ReadablePrefix(key) : std::string();
    return (prefix.empty() ? hex : prefix + "--" + hex) + EntrySuffix;
  }

  // Which entry file of `key` is in `directory` now, by device and inode (entries are
  // renamed into place: a new one is a new inode, while hits only touch its times), or
  // zeros if there is none (whether it is valid is for a load to tell).
  std::pair<dev_t, ino_t> EntryFile(const std::string& directory, const std::string& key) const
  {
    struct stat status;
    for (bool readable : { false, true })
    {
      if (::stat((directory + "/" + this->EntryName(key, readable)).c_str(), &status) == 0)
      {
        return { status.st_dev, status.st_ino };
      }
    }
    return { 0, 0 };
  }

  // Removes the lock files of `directory` that no process holds (their owners died).
  void RemoveAbandonedLocks(const std::string& directory)
  {
    for (const auto& lock : this->Scan(directory, LockPrefix, ""))
    {
      vtkTrackedDiskKeyLock::RemoveIfAbandoned(lock.Path);
    }
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
};

//------------------------------------------------------------------------------
vtkTrackedDiskCache::vtkTrackedDiskCache()
  : Internals(new vtkInternals)
{
  static std::atomic<unsigned> serial{ 0 };
  char host[64] = "host";
  ::gethostname(host, sizeof(host) - 1);
  std::random_device random;
  std::ostringstream name;
  name << StatisticsPrefix << ReadablePrefix(host) << "-" << ::getpid() << "-" << ++serial << "-"
       << std::hex << random();
  this->Internals->StatisticsName = name.str();
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
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    if (directory == this->Internals->Directory)
    {
      return;
    }
    this->Internals->Directory = directory;
  }
  this->Modified();
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
  std::string directory;
  bool reported = true;
  bool usable = false;
  std::string reason;
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    reported = this->Internals->Checked &&
      this->Internals->CheckedDirectory == this->Internals->ResolvedDirectory();
    usable = this->Internals->CheckDirectory(directory);
    reason = this->Internals->UnusableReason;
  }
  if (!usable && !reported)
  {
    vtkErrorMacro("The disk cache is disabled: " << reason << ".");
  }
  return usable;
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskCache::GetUnusableReason()
{
  this->IsUsable();
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->UnusableReason;
}

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
void vtkTrackedDiskCache::SetEnabled(bool enabled)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->Enabled, enabled);
}
bool vtkTrackedDiskCache::GetEnabled()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Enabled);
}
void vtkTrackedDiskCache::SetWriteEnabled(bool enabled)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->WriteEnabled, enabled);
}
bool vtkTrackedDiskCache::GetWriteEnabled()
{
  return GetLocked(this->Internals->Mutex, this->Internals->WriteEnabled);
}
void vtkTrackedDiskCache::SetForceUpdate(bool force)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->ForceUpdate, force);
}
bool vtkTrackedDiskCache::GetForceUpdate()
{
  return GetLocked(this->Internals->Mutex, this->Internals->ForceUpdate);
}
void vtkTrackedDiskCache::SetReadableNames(bool readable)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->ReadableNames, readable);
}
bool vtkTrackedDiskCache::GetReadableNames()
{
  return GetLocked(this->Internals->Mutex, this->Internals->ReadableNames);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetCompression(int compression)
{
  if (compression < None || compression > LZMA)
  {
    vtkErrorMacro("Unknown compression " << compression << " (0 none, 1 zlib, 2 LZ4, 3 LZMA).");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->Compression, compression);
}
int vtkTrackedDiskCache::GetCompression()
{
  return GetLocked(this->Internals->Mutex, this->Internals->Compression);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetCompressionLevel(int level)
{
  if (level < 1 || level > 9)
  {
    vtkErrorMacro("The compression level must be from 1 to 9, not " << level << ".");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->CompressionLevel, level);
}
int vtkTrackedDiskCache::GetCompressionLevel()
{
  return GetLocked(this->Internals->Mutex, this->Internals->CompressionLevel);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetMemoryMapping(bool mapping)
{
  SetLocked(this, this->Internals->Mutex, this->Internals->MemoryMapping, mapping);
}
bool vtkTrackedDiskCache::GetMemoryMapping()
{
  return GetLocked(this->Internals->Mutex, this->Internals->MemoryMapping);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetExpireAfterDays(double days)
{
  if (!(days >= 0))
  {
    vtkErrorMacro("ExpireAfterDays cannot be negative (" << days << ").");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->ExpireAfterDays, days);
}
double vtkTrackedDiskCache::GetExpireAfterDays()
{
  return GetLocked(this->Internals->Mutex, this->Internals->ExpireAfterDays);
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::SetMaximumSize(vtkTypeInt64 bytes)
{
  if (bytes < 0)
  {
    vtkErrorMacro("MaximumSize cannot be negative (" << bytes << ").");
    return;
  }
  SetLocked(this, this->Internals->Mutex, this->Internals->MaximumSize, bytes);
}
vtkTypeInt64 vtkTrackedDiskCache::GetMaximumSize()
{
  return GetLocked(this->Internals->Mutex, this->Internals->MaximumSize);
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskCache::GetEntryPath(const std::string& key)
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  return this->Internals->ResolvedDirectory() + "/" +
    this->Internals->EntryName(key, this->Internals->ReadableNames);
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
namespace
{
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
  int compression = 0;
  int level = 0;
  bool readable = false;
  vtkTypeInt64 maximum = 0;
  std::string directory;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    if (!internals.Enabled || !internals.WriteEnabled)
    {
      return false;
    }
    compression = internals.Compression;
    level = internals.CompressionLevel;
    readable = internals.ReadableNames;
    maximum = internals.MaximumSize;
  }
  if (!this->IsUsable())
  {
    return false;
  }
  std::string secret;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    directory = internals.CheckedDirectory;
    secret = internals.Secret;
  }
  vtkTrackedDiskHeader header;
  header.Created = Now();
  // What a caller passed is not trusted to be a duration: readers record it as a cost.
  header.ComputeSeconds = std::isfinite(computeSeconds) && computeSeconds >= 0 ? computeSeconds : 0;
  header.VTKVersion = VTK_VERSION;
  header.Key = key;
  header.Digest = KeyHex(key);
  const std::size_t headerBytes = header.Encode(secret).size(); // the numbers come later

  // A unique temporary file in the directory, renamed over the entry once complete. The
  // payload is written first, then its chunk checksums, then the header at the start.
  std::string temporary;
  std::string failure;
  bool tooLarge = false;
  {
    const std::string suffix = std::string(EntrySuffix) + ".part";
    FileDescriptor file(CreateTemporary(directory, suffix.c_str(), O_RDWR, temporary));
    std::vector<vtkTrackedDigest> checksums;
    if (file.Get() < 0)
    {
      failure = "cannot create " + temporary + ": " + ErrnoText();
    }
    else if (!vtkTrackedWritePayload(file.Get(), headerBytes, values, compression, level,
               header.ChunkBytes, secret, header.PayloadSize, checksums, failure))
    {
      // failure says why
    }
    else
    {
      header.ChunkListChecksum = vtkTrackedChecksumList(checksums, secret);
      std::string list;
      for (const auto& checksum : checksums)
      {
        list.append(reinterpret_cast<const char*>(&checksum.High), sizeof(checksum.High));
        list.append(reinterpret_cast<const char*>(&checksum.Low), sizeof(checksum.Low));
      }
      const std::string encoded = header.Encode(secret);
      // Read-only once complete: a mapped entry must not be truncated in place (see
      // vtkTrackedEntryBytes.h).
      if (!vtkTrackedFileIO::WriteAt(
            file.Get(), headerBytes + header.PayloadSize, list.data(), list.size()) ||
        !vtkTrackedFileIO::WriteAt(file.Get(), 0, encoded.data(), encoded.size()) ||
        ::fchmod(file.Get(), S_IRUSR) != 0)
      {
        failure = "cannot write " + temporary + ": " + ErrnoText();
      }
      const auto total = static_cast<vtkTypeInt64>(header.FileBytes(headerBytes));
      tooLarge = failure.empty() && maximum > 0 && total > maximum;
      if (tooLarge)
      {
        failure = "its " + std::to_string(total) + " bytes exceed the maximum size " +
          std::to_string(maximum);
      }
    }
  }
  const std::string target = directory + "/" + internals.EntryName(key, readable);
  if (failure.empty() && ::rename(temporary.c_str(), target.c_str()) != 0)
  {
    failure = "cannot rename " + temporary + ": " + ErrnoText();
  }
  if (!failure.empty())
  {
    ::unlink(temporary.c_str());
    if (tooLarge)
    {
      vtkWarningMacro("Not storing '" << key << "' on disk: " << failure << ".");
    }
    else
    {
      vtkErrorMacro("Cannot store '" << key << "' on disk: " << failure << ".");
    }
    return false;
  }
  // One entry per key: the other naming of it goes (for keys with no readable prefix,
  // both namings are the same file).
  const std::string other = directory + "/" + internals.EntryName(key, !readable);
  if (other != target)
  {
    ::unlink(other.c_str());
  }
  internals.Count(&vtkInternals::Counts::Writes);
  internals.EnforceSize(directory, maximum, target);
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::Load(
  const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values, double& computeSeconds)
{
  bool looked = false;
  const bool hit = this->LoadEntry(key, values, computeSeconds, looked);
  if (looked)
  {
    this->Internals->Count(hit ? &vtkInternals::Counts::Hits : &vtkInternals::Counts::Misses);
  }
  return hit;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::LoadOrLock(
  const std::string& key, std::vector<vtkSmartPointer<vtkObject>>& values, double& computeSeconds)
{
  bool looked = false;
  bool hit = this->LoadEntry(key, values, computeSeconds, looked);
  std::string directory, lockPath;
  double timeout = 0;
  if (!hit && looked && this->LockFor(key, directory, lockPath, timeout))
  {
    auto& internals = *this->Internals;
    // A file that did not load (of a newer format version, left in place) must not end the
    // wait again: only another file, or this one rewritten, does.
    auto unloadable = internals.EntryFile(directory, key);
    for (;;)
    {
      auto lock = std::make_unique<vtkTrackedDiskKeyLock>();
      std::string error;
      auto entryStored = [&]
      {
        const auto now = internals.EntryFile(directory, key);
        return now.second != 0 && now != unloadable;
      };
      const auto outcome = lock->Acquire(lockPath, timeout, entryStored, error);
      if (outcome == vtkTrackedDiskKeyLock::Outcome::Failed)
      {
        std::lock_guard<std::mutex> guard(internals.Mutex);
        if (!internals.LockWarned)
        {
          internals.LockWarned = true;
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
          std::lock_guard<std::mutex> guard(internals.Mutex);
          internals.HeldLocks[{ key, std::this_thread::get_id() }] = std::move(lock);
        }
        break;
      }
      // The entry that appeared was damaged (and removed) or of a newer version: wait again.
      unloadable = internals.EntryFile(directory, key);
    }
  }
  if (looked)
  {
    this->Internals->Count(hit ? &vtkInternals::Counts::Hits : &vtkInternals::Counts::Misses);
  }
  return hit;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::LockFor(
  const std::string& key, std::string& directory, std::string& lockPath, double& timeout)
{
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  const auto& internals = *this->Internals;
  if (internals.LockTimeout <= 0 || internals.ForceUpdate || !internals.WriteEnabled ||
    !internals.Usable || internals.HeldLocks.count({ key, std::this_thread::get_id() }))
  {
    return false;
  }
  directory = internals.CheckedDirectory;
  lockPath = directory + "/" + LockPrefix + KeyHex(key);
  timeout = internals.LockTimeout;
  return true;
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
  SetLocked(this, this->Internals->Mutex, this->Internals->LockTimeout, seconds);
}

//------------------------------------------------------------------------------
double vtkTrackedDiskCache::GetLockTimeout()
{
  return GetLocked(this->Internals->Mutex, this->Internals->LockTimeout);
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::LoadEntry(const std::string& key,
  std::vector<vtkSmartPointer<vtkObject>>& values, double& computeSeconds, bool& looked)
{
  auto& internals = *this->Internals;
  bool readable = false;
  double expireDays = 0;
  bool mapping = true;
  looked = false;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    if (!internals.Enabled)
    {
      return false;
    }
    if (internals.ForceUpdate)
    {
      looked = true;
      return false;
    }
    readable = internals.ReadableNames;
    expireDays = internals.ExpireAfterDays;
    mapping = internals.MemoryMapping;
  }
  if (!this->IsUsable())
  {
    return false;
  }
  looked = true;
  std::string directory;
  std::string secret;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    directory = internals.CheckedDirectory;
    secret = internals.Secret;
  }
  // The naming in use first, then the other.
  std::string path;
  int fd = -1;
  for (bool named : { readable, !readable })
  {
    path = directory + "/" + internals.EntryName(key, named);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0)
    {
      break;
    }
  }
  if (fd < 0)
  {
    return false;
  }
  FileDescriptor file(fd);
  struct stat status;
  vtkTrackedDiskHeader header;
  std::size_t headerBytes = 0;
  std::string error;
  const bool regular = ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
  const auto headerStatus = regular ? ReadHeader(fd, secret, header, headerBytes, error)
                                    : vtkTrackedDiskHeader::Status::Corrupt;
  if (headerStatus == vtkTrackedDiskHeader::Status::FutureVersion)
  {
    vtkWarningMacro("Skipping " << path << ": " << error << ".");
    return false;
  }
  if (headerStatus == vtkTrackedDiskHeader::Status::OlderVersion)
  {
    return false; // a miss: the next store of the key replaces it
  }
  bool valid = headerStatus == vtkTrackedDiskHeader::Status::Ok;
  if (valid &&
    (header.Key != key || header.Digest != KeyHex(key) ||
      static_cast<std::uint64_t>(status.st_size) != header.FileBytes(headerBytes)))
  {
    valid = false;
    error = header.Key != key ? "it holds another key" : "its size does not match its header";
  }
  if (valid && expireDays > 0 && static_cast<double>(Now() - header.Created) > expireDays * 86400.0)
  {
    vtkTrackedDiskKeyLock::RemoveIfSame(path, fd);
    internals.Count(&vtkInternals::Counts::Evictions);
    return false;
  }
  std::shared_ptr<vtkTrackedEntryBytes> bytes;
  if (valid)
  {
    bytes = mapping ? vtkTrackedEntryBytes::Map(fd, header.FileBytes(headerBytes), error)
                    : vtkTrackedEntryBytes::Read(fd, header.FileBytes(headerBytes), error);
    if (!bytes)
    {
      vtkErrorMacro("Cannot read the cache entry " << path << ": " << error << ".");
      return false;
    }
  }
  std::vector<vtkTrackedDigest> checksums;
  if (valid && !ReadChunkList(bytes->GetData(), header, headerBytes, secret, checksums))
  {
    valid = false;
    error = "a chunk list that fails its checksum";
  }
  if (valid)
  {
    const auto read = vtkTrackedReadPayload(
      bytes, headerBytes, header.PayloadSize, header.ChunkBytes, checksums, secret, values, error);
    if (read == vtkTrackedPayloadStatus::OtherLayout)
    {
      vtkWarningMacro("Skipping " << path << ": " << error << ".");
      return false; // a miss, left for the VTK that wrote it
    }
    if (read == vtkTrackedPayloadStatus::OutOfMemory)
    {
      vtkErrorMacro("Cannot read the cache entry " << path << ": " << error << ".");
      return false;
    }
    valid = read == vtkTrackedPayloadStatus::Ok;
  }
  if (!valid)
  {
    vtkTrackedDiskKeyLock::RemoveIfSame(path, fd);
    internals.Count(&vtkInternals::Counts::Corrupt);
    vtkWarningMacro("Removed a damaged cache entry " << path << ": " << error << ".");
    values.clear();
    return false;
  }
  ::futimens(fd, nullptr); // the last-access record
  computeSeconds = header.ComputeSeconds;
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskCache::Remove(const std::string& key)
{
  if (!this->IsUsable())
  {
    return false;
  }
  std::string directory;
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    directory = this->Internals->CheckedDirectory;
  }
  bool removed = false;
  for (bool readable : { false, true })
  {
    removed =
      ::unlink((directory + "/" + this->Internals->EntryName(key, readable)).c_str()) == 0 ||
      removed;
  }
  return removed;
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::Clear()
{
  if (!this->IsUsable())
  {
    return;
  }
  std::string directory;
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    directory = this->Internals->CheckedDirectory;
    this->Internals->Recorded = vtkInternals::Counts();
  }
  for (const auto& pattern : { std::make_pair(std::string(), std::string(EntrySuffix)),
         std::make_pair(std::string(TemporaryPrefix), std::string()),
         std::make_pair(std::string(StatisticsPrefix), std::string()) })
  {
    for (const auto& entry : this->Internals->Scan(directory, pattern.first, pattern.second))
    {
      ::unlink(entry.Path.c_str());
    }
  }
  this->Internals->RemoveAbandonedLocks(directory);
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::Prune()
{
  if (!this->IsUsable())
  {
    return 0;
  }
  auto& internals = *this->Internals;
  std::string directory;
  std::string secret;
  double expireDays = 0;
  vtkTypeInt64 maximum = 0;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    directory = internals.CheckedDirectory;
    secret = internals.Secret;
    expireDays = internals.ExpireAfterDays;
    maximum = internals.MaximumSize;
  }
  vtkTypeInt64 removed = 0;
  for (const auto& entry : internals.Scan(directory, "", EntrySuffix))
  {
    FileDescriptor file(::open(entry.Path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (file.Get() < 0)
    {
      continue;
    }
    // The file opened, not the one listed: a writer may have renamed another over it.
    struct stat opened;
    vtkTrackedDiskHeader header;
    std::size_t headerBytes = 0;
    std::string error;
    if (::fstat(file.Get(), &opened) != 0)
    {
      continue;
    }
    const auto status = ReadHeader(file.Get(), secret, header, headerBytes, error);
    const bool damaged = status == vtkTrackedDiskHeader::Status::Corrupt ||
      status == vtkTrackedDiskHeader::Status::NotOurs ||
      (status == vtkTrackedDiskHeader::Status::Ok &&
        static_cast<std::uint64_t>(opened.st_size) != header.FileBytes(headerBytes));
    const bool expired = status == vtkTrackedDiskHeader::Status::Ok && expireDays > 0 &&
      static_cast<double>(Now() - header.Created) > expireDays * 86400.0;
    if (damaged || expired)
    {
      vtkTrackedDiskKeyLock::RemoveIfSame(entry.Path, file.Get());
      internals.Count(damaged ? &vtkInternals::Counts::Corrupt : &vtkInternals::Counts::Evictions);
      ++removed;
    }
  }
  for (const auto& temporary : internals.Scan(directory, TemporaryPrefix, ""))
  {
    if (Now() - temporary.AccessNanoseconds / 1000000000 > AbandonedTemporarySeconds)
    {
      ::unlink(temporary.Path.c_str());
    }
  }
  internals.RemoveAbandonedLocks(directory);
  return removed + internals.EnforceSize(directory, maximum);
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetNumberOfEntries()
{
  if (!this->IsUsable())
  {
    return 0;
  }
  return static_cast<vtkTypeInt64>(
    this->Internals->Scan(this->GetDirectory(), "", EntrySuffix).size());
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetSizeInBytes()
{
  if (!this->IsUsable())
  {
    return 0;
  }
  vtkTypeInt64 total = 0;
  for (const auto& entry : this->Internals->Scan(this->GetDirectory(), "", EntrySuffix))
  {
    total += entry.Size;
  }
  return total;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedDiskCache::GetOldestEntryTime()
{
  if (!this->IsUsable())
  {
    return 0;
  }
  std::string secret;
  {
    std::lock_guard<std::mutex> lock(this->Internals->Mutex);
    secret = this->Internals->Secret;
  }
  vtkTypeInt64 oldest = 0;
  for (const auto& entry : this->Internals->Scan(this->GetDirectory(), "", EntrySuffix))
  {
    FileDescriptor file(::open(entry.Path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    vtkTrackedDiskHeader header;
    std::size_t headerBytes = 0;
    std::string error;
    if (file.Get() >= 0 &&
      ReadHeader(file.Get(), secret, header, headerBytes, error) ==
        vtkTrackedDiskHeader::Status::Ok &&
      (oldest == 0 || header.Created < oldest))
    {
      oldest = header.Created;
    }
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
  if (!this->IsUsable())
  {
    return 0;
  }
  vtkTypeInt64 others = 0;
  for (const auto& entry : this->Internals->Scan(this->GetDirectory(), "", EntrySuffix))
  {
    FileDescriptor file(::open(entry.Path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    char prefix[vtkTrackedDiskHeader::PrefixBytes];
    std::size_t headerBytes = 0;
    if (file.Get() >= 0 && vtkTrackedFileIO::ReadAt(file.Get(), 0, prefix, sizeof(prefix)))
    {
      const auto status = vtkTrackedDiskHeader::Measure(prefix, sizeof(prefix), headerBytes);
      others += status == vtkTrackedDiskHeader::Status::OlderVersion ||
        status == vtkTrackedDiskHeader::Status::FutureVersion;
    }
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
  this->Internals->Statistics = vtkInternals::Counts();
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::WriteStatistics()
{
  auto& internals = *this->Internals;
  vtkInternals::Counts counts;
  std::string directory;
  {
    std::lock_guard<std::mutex> lock(internals.Mutex);
    counts = internals.Recorded;
    if (!internals.Checked || !internals.Usable ||
      counts.Hits + counts.Misses + counts.Writes + counts.Evictions + counts.Corrupt == 0)
    {
      return; // never used, or nothing to add
    }
    directory = internals.CheckedDirectory;
  }
  // This object's totals in a file of its own, replaced atomically: no lock is shared.
  std::ostringstream text;
  text << "hits " << counts.Hits << "\nmisses " << counts.Misses << "\nwrites " << counts.Writes
       << "\nevictions " << counts.Evictions << "\ncorrupt " << counts.Corrupt << "\n";
  const std::string bytes = text.str();
  std::string temporary;
  FileDescriptor file(CreateTemporary(directory, "-statistics", O_WRONLY, temporary));
  const std::string path = directory + "/" + internals.StatisticsName;
  if (file.Get() < 0 ||
    ::write(file.Get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
    ::rename(temporary.c_str(), path.c_str()) != 0)
  {
    ::unlink(temporary.c_str());
  }
}

//------------------------------------------------------------------------------
void vtkTrackedDiskCache::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  std::lock_guard<std::mutex> lock(this->Internals->Mutex);
  const auto& internals = *this->Internals;
  static const char* const compressions[] = { "None", "ZLib", "LZ4", "LZMA" };
  os << indent << "Directory: " << internals.ResolvedDirectory()
     << (internals.Directory.empty() ? " (default)" : "") << "\n";
  os << indent << "Usable: "
     << (!internals.Checked    ? "not checked yet"
            : internals.Usable ? "yes"
                               : "no (" + internals.UnusableReason + ")")
     << "\n";
  os << indent << "Enabled: " << (internals.Enabled ? "On" : "Off") << "\n";
  os << indent << "WriteEnabled: " << (internals.WriteEnabled ? "On" : "Off") << "\n";
  os << indent << "ForceUpdate: " << (internals.ForceUpdate ? "On" : "Off") << "\n";
  os << indent << "ReadableNames: " << (internals.ReadableNames ? "On" : "Off") << "\n";
  os << indent << "Compression: " << compressions[internals.Compression] << "\n";
  os << indent << "CompressionLevel: " << internals.CompressionLevel << "\n";
  os << indent << "MemoryMapping: " << (internals.MemoryMapping ? "On" : "Off") << "\n";
  os << indent << "ExpireAfterDays: " << internals.ExpireAfterDays << "\n";
  os << indent << "MaximumSize: " << internals.MaximumSize << " bytes\n";
  os << indent << "LockTimeout: " << internals.LockTimeout << " s\n";
  os << indent << "LocksHeld: " << internals.HeldLocks.size() << "\n";
  os << indent << "NumberOfHits: " << internals.Statistics.Hits << "\n";
  os << indent << "NumberOfMisses: " << internals.Statistics.Misses << "\n";
  os << indent << "NumberOfWrites: " << internals.Statistics.Writes << "\n";
  os << indent << "NumberOfEvictions: " << internals.Statistics.Evictions << "\n";
  os << indent << "NumberOfCorruptEntries: " << internals.Statistics.Corrupt << "\n";
  os << indent << "StatisticsFile: " << internals.StatisticsName << "\n";
}
