// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedCacheDirectory.h"

#include "vtkTrackedArrayCache.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedDiskKeyLock.h"
#include "vtkTrackedFileIO.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <random>
#include <sstream>

namespace
{
constexpr std::size_t ReadablePrefixLength = 48;
constexpr std::int64_t AbandonedTemporarySeconds = 3600;
constexpr std::size_t SecretBytes = 192;
static_assert(SecretBytes >= vtkTrackedHasher::MinimumSecretBytes, "too short a secret");

bool EndsWith(const std::string& text, const std::string& suffix)
{
  return text.size() >= suffix.size() &&
    text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool StartsWith(const std::string& text, const std::string& prefix)
{
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Checks that an existing `path` is a directory of this user, private to it, and usable.
bool CheckOwnDirectory(const std::string& path, std::string& reason)
{
  struct stat status;
  if (::stat(path.c_str(), &status) != 0 || !S_ISDIR(status.st_mode))
  {
    reason = path + " is not a directory";
    return false;
  }
  if (status.st_uid != ::geteuid())
  {
    reason = path + " belongs to another user (uid " + std::to_string(status.st_uid) + ")";
    return false;
  }
  if (status.st_mode & (S_IWGRP | S_IWOTH))
  {
    reason = path + " is writable by its group or by others";
    return false;
  }
  if (::access(path.c_str(), R_OK | W_OK | X_OK) != 0)
  {
    reason = "cannot read and write " + path + ": " + vtkTrackedFileIO::ErrnoText();
    return false;
  }
  return true;
}

// Creates each missing level of `path` private; existing ones are left as they are.
bool CreateLevels(const std::string& path, std::string& reason)
{
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1))
  {
    const std::string level = path.substr(0, slash);
    if (::mkdir(level.c_str(), 0700) != 0 && errno != EEXIST)
    {
      reason = "cannot create " + level + ": " + vtkTrackedFileIO::ErrnoText();
      return false;
    }
    if (slash == std::string::npos)
    {
      return true;
    }
  }
}

// The secret at `path` if it is a plain file of this user of the right size; a file that
// is there but is not one is removed.
bool ReadSecret(const std::string& path, std::string& secret)
{
  vtkTrackedFileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat status;
  if (!file.IsOpen() || ::fstat(file.Get(), &status) != 0)
  {
    return false;
  }
  secret.assign(SecretBytes, '\0');
  if (S_ISREG(status.st_mode) && status.st_uid == ::geteuid() &&
    static_cast<std::size_t>(status.st_size) == SecretBytes &&
    vtkTrackedFileIO::ReadAt(file.Get(), 0, &secret[0], SecretBytes))
  {
    return true;
  }
  ::unlink(path.c_str());
  return false;
}
}

//------------------------------------------------------------------------------
bool vtkTrackedCacheDirectory::Open(const std::string& path, std::string& reason)
{
  this->Path = path;
  this->Secret.clear();
  if (path.empty())
  {
    reason = "no cache directory (no HOME)";
    return false;
  }
  return CreateLevels(path, reason) && CheckOwnDirectory(path, reason) && this->LoadSecret(reason);
}

//------------------------------------------------------------------------------
// Made by the first process that needs it, written to a temporary file and linked into
// place: a racing process reads all of it or none.
bool vtkTrackedCacheDirectory::LoadSecret(std::string& reason)
{
  const std::string path = this->Path + "/.secret";
  for (int attempt = 0; attempt < 3; ++attempt)
  {
    if (ReadSecret(path, this->Secret))
    {
      return true;
    }
    std::random_device random;
    std::string fresh(SecretBytes, '\0');
    for (char& byte : fresh)
    {
      byte = static_cast<char>(random());
    }
    std::string temporary;
    vtkTrackedFileDescriptor file(this->CreateTemporary("-secret", O_WRONLY, temporary));
    const bool written =
      file.IsOpen() && vtkTrackedFileIO::WriteAt(file.Get(), 0, fresh.data(), SecretBytes);
    const bool linked = written && ::link(temporary.c_str(), path.c_str()) == 0;
    ::unlink(temporary.c_str());
    if (linked)
    {
      this->Secret = fresh;
      return true;
    }
    if (!written)
    {
      reason = "cannot write " + path + ": " + vtkTrackedFileIO::ErrnoText();
      return false;
    }
    // Another process linked its secret first: read that one.
  }
  reason = "cannot read or make " + path;
  return false;
}

//------------------------------------------------------------------------------
std::vector<vtkTrackedCacheDirectory::File> vtkTrackedCacheDirectory::Scan(
  const std::string& prefix, const std::string& suffix) const
{
  std::vector<File> found;
  DIR* listing = ::opendir(this->Path.c_str());
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
    File file;
    file.Path = this->Path + "/" + name;
    struct stat status;
    if (::lstat(file.Path.c_str(), &status) != 0 || !S_ISREG(status.st_mode))
    {
      continue; // gone meanwhile, or not a plain file: never followed
    }
    file.Size = status.st_size;
    file.ModifiedNanoseconds =
      std::int64_t(status.st_mtim.tv_sec) * 1000000000 + status.st_mtim.tv_nsec;
    found.push_back(file);
  }
  ::closedir(listing);
  return found;
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheDirectory::KeyHex(const std::string& key)
{
  return vtkTrackedArrayCache::ComputeTextDigest(key).substr(9); // after "xxh3-128:"
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheDirectory::ReadablePrefix(const std::string& text)
{
  std::string prefix;
  for (char c : text)
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

//------------------------------------------------------------------------------
std::string vtkTrackedCacheDirectory::EntryName(const std::string& key, bool readable)
{
  const std::string hex = KeyHex(key);
  const std::string prefix = readable ? ReadablePrefix(key) : std::string();
  return (prefix.empty() ? hex : prefix + "--" + hex) + EntrySuffix;
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheDirectory::EntryPath(const std::string& key, bool readable) const
{
  return this->Path + "/" + EntryName(key, readable);
}

//------------------------------------------------------------------------------
std::pair<dev_t, ino_t> vtkTrackedCacheDirectory::EntryFile(const std::string& key) const
{
  struct stat status;
  for (bool readable : { false, true })
  {
    if (::stat(this->EntryPath(key, readable).c_str(), &status) == 0)
    {
      return { status.st_dev, status.st_ino };
    }
  }
  return { 0, 0 };
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheDirectory::LockPath(const std::string& key) const
{
  return this->Path + "/" + LockPrefix + KeyHex(key);
}

//------------------------------------------------------------------------------
int vtkTrackedCacheDirectory::CreateTemporary(
  const char* suffix, int access, std::string& path) const
{
  static std::atomic<unsigned> serial{ 0 };
  std::ostringstream name;
  name << this->Path << "/" << TemporaryPrefix << ::getpid() << "-" << ++serial << "-" << std::hex
       << std::random_device()() << suffix;
  path = name.str();
  return ::open(path.c_str(), access | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCacheDirectory::EnforceSize(
  vtkTypeInt64 maximum, const std::string& kept) const
{
  if (maximum <= 0)
  {
    return 0;
  }
  std::vector<File> entries = this->Scan("", EntrySuffix);
  vtkTypeInt64 total = 0;
  for (const auto& entry : entries)
  {
    total += entry.Size;
  }
  std::sort(entries.begin(), entries.end(),
    [](const File& a, const File& b) { return a.ModifiedNanoseconds < b.ModifiedNanoseconds; });
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
  return removed;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheDirectory::RemoveAbandonedTemporaries() const
{
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (const auto& temporary : this->Scan(TemporaryPrefix, ""))
  {
    if (now - temporary.ModifiedNanoseconds / 1000000000 > AbandonedTemporarySeconds)
    {
      ::unlink(temporary.Path.c_str());
    }
  }
}

//------------------------------------------------------------------------------
void vtkTrackedCacheDirectory::RemoveAbandonedLocks() const
{
  for (const auto& lock : this->Scan(LockPrefix, ""))
  {
    vtkTrackedDiskKeyLock::RemoveIfAbandoned(lock.Path);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedCacheDirectory::RemoveAll() const
{
  for (const auto& kind : { std::make_pair("", EntrySuffix), std::make_pair(TemporaryPrefix, ""),
         std::make_pair(StatisticsPrefix, "") })
  {
    for (const auto& file : this->Scan(kind.first, kind.second))
    {
      ::unlink(file.Path.c_str());
    }
  }
  this->RemoveAbandonedLocks();
}
