// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDiskKeyLock.h"

#include "vtkTrackedFileIO.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace
{
using Clock = std::chrono::steady_clock;

// The longest pause between two looks at the lock and the entry.
constexpr std::chrono::milliseconds LongestPoll{ 50 };

// Timeouts are capped (about three years) so that no clock arithmetic overflows.
constexpr double LongestTimeout = 1e8;

std::string ErrnoText(const char* what, const std::string& path)
{
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// The holder's "<pid> <nonce>", or "" if unreadable (then it reads as a change of hands).
std::string ReadOwner(int fd)
{
  char owner[64];
  const long long read = vtkTrackedFileIO::ReadUpTo(fd, 0, owner, sizeof(owner));
  return read > 0 ? std::string(owner, static_cast<std::size_t>(read)) : std::string();
}

// Every change of which file is at a lock's path (taking, releasing, taking over, pruning)
// happens under this exclusive flock on one file of the directory, so that no process
// removes a lock file another has just made and locked. Held for microseconds; the kernel
// lets go of it if its holder dies.
class DirectoryGuard
{
public:
  DirectoryGuard(const std::string& lockPath, std::string& error)
  {
    const std::string path = lockPath.substr(0, lockPath.rfind('/') + 1) + ".keylock-guard";
    this->File.Reset(
      ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR));
    if (!this->File.IsOpen() || ::flock(this->File.Get(), LOCK_EX) != 0)
    {
      error = ErrnoText("cannot lock", path);
      this->File.Reset();
    }
  }
  bool IsHeld() const { return this->File.IsOpen(); }

private:
  vtkTrackedFileDescriptor File; // closing it lets go of the flock
};

void WriteOwner(int fd)
{
  static thread_local std::mt19937_64 random{ std::random_device()() };
  const std::string owner = std::to_string(::getpid()) + " " + std::to_string(random()) + "\n";
  // Best effort: the content only tells waiters that the lock changed hands.
  if (::ftruncate(fd, 0) == 0)
  {
    vtkTrackedFileIO::WriteAt(fd, 0, owner.data(), owner.size());
  }
}
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskKeyLock::IsFileAt(int fd, const std::string& path)
{
  struct stat opened, current;
  return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &current) == 0 &&
    opened.st_ino == current.st_ino && opened.st_dev == current.st_dev;
}

//------------------------------------------------------------------------------
void vtkTrackedDiskKeyLock::RemoveIfSame(const std::string& path, int fd)
{
  if (IsFileAt(fd, path))
  {
    ::unlink(path.c_str());
  }
}

//------------------------------------------------------------------------------
vtkTrackedDiskKeyLock::Outcome vtkTrackedDiskKeyLock::Acquire(const std::string& path,
  double timeoutSeconds, const std::function<bool()>& entryExists, std::string& error)
{
  this->Release();
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
    std::chrono::duration<double>(std::min(std::max(timeoutSeconds, 0.0), LongestTimeout)));
  std::string waitedFor; // the owner whose lock the timeout counts for
  auto deadline = Clock::now() + timeout;
  std::chrono::milliseconds poll{ 1 };
  for (;;)
  {
    const Attempt attempt = this->TryAcquire(path, waitedFor, Clock::now() >= deadline, error);
    if (attempt == Attempt::Acquired || attempt == Attempt::Failed)
    {
      return attempt == Attempt::Acquired ? Outcome::Acquired : Outcome::Failed;
    }
    if (attempt == Attempt::Retry)
    {
      continue;
    }
    if (attempt == Attempt::NewOwner)
    {
      deadline = Clock::now() + timeout; // another owner: it gets the whole timeout
    }
    if (entryExists())
    {
      return Outcome::EntryAppeared;
    }
    std::this_thread::sleep_for(poll);
    poll = std::min(2 * poll, LongestPoll);
  }
}

//------------------------------------------------------------------------------
vtkTrackedDiskKeyLock::Attempt vtkTrackedDiskKeyLock::TryAcquire(
  const std::string& path, std::string& waitedFor, bool takeOver, std::string& error)
{
  DirectoryGuard guard(path, error);
  if (!guard.IsHeld())
  {
    return Attempt::Failed;
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
  if (fd < 0)
  {
    error = ErrnoText("cannot open", path);
    return Attempt::Failed;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
  {
    // Under the guard, the file at the path is the one just locked.
    WriteOwner(fd);
    this->Fd = fd;
    this->Path = path;
    this->Process = ::getpid();
    return Attempt::Acquired;
  }
  Attempt attempt = Attempt::Wait;
  if (errno != EWOULDBLOCK)
  {
    error = ErrnoText("cannot lock", path);
    attempt = Attempt::Failed;
  }
  else if (const std::string owner = ReadOwner(fd); owner != waitedFor)
  {
    waitedFor = owner;
    attempt = Attempt::NewOwner;
  }
  else if (takeOver)
  {
    // The same owner held it all the timeout long: its file goes (it keeps an unlinked
    // one), and the next attempt locks a new file.
    ::unlink(path.c_str());
    attempt = Attempt::Retry;
  }
  ::close(fd);
  return attempt;
}

//------------------------------------------------------------------------------
void vtkTrackedDiskKeyLock::Release()
{
  if (this->Fd < 0)
  {
    return;
  }
  // A child forked after Acquire() shares the lock but must not remove its parent's file.
  if (this->Process == ::getpid())
  {
    std::string error;
    DirectoryGuard guard(this->Path, error);
    RemoveIfSame(this->Path, this->Fd);
  }
  ::close(this->Fd); // lets go of the flock
  this->Fd = -1;
  this->Path.clear();
}

//------------------------------------------------------------------------------
void vtkTrackedDiskKeyLock::RemoveIfAbandoned(const std::string& path)
{
  std::string error;
  DirectoryGuard guard(path, error);
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
  {
    return;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
  {
    RemoveIfSame(path, fd);
  }
  ::close(fd);
}
