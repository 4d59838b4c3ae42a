#include "vtkTrackedDiskKeyLock.h"

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

std::string ErrnoText(const char* what, const std::string& path)
{
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// The holder's "<pid> <nonce>", or "" if unreadable (then it reads as a change of hands).
std::string ReadOwner(int fd)
{
  char owner[64];
  const ssize_t read = ::pread(fd, owner, sizeof(owner), 0);
  return read > 0 ? std::string(owner, static_cast<std::size_t>(read)) : std::string();
}

void WriteOwner(int fd)
{
  static thread_local std::mt19937_64 random{ std::random_device()() };
  const std::string owner = std::to_string(::getpid()) + " " + std::to_string(random()) + "\n";
  // Best effort: the content only tells waiters that the lock changed hands.
  if (::ftruncate(fd, 0) == 0)
  {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd, owner.data(), owner.size(), 0);
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
    std::chrono::duration<double>(std::max(timeoutSeconds, 0.0)));
  std::string waitedFor; // the owner whose lock the timeout counts for
  auto deadline = Clock::now() + timeout;
  std::chrono::milliseconds poll{ 1 };
  for (;;)
  {
    const int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
    if (fd < 0)
    {
      error = ErrnoText("cannot open", path);
      return Outcome::Failed;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
    {
      if (IsFileAt(fd, path))
      {
        WriteOwner(fd);
        this->Fd = fd;
        this->Path = path;
        return Outcome::Acquired;
      }
      ::close(fd); // released and removed meanwhile: the next one is at the path
      continue;
    }
    if (errno != EWOULDBLOCK)
    {
      error = ErrnoText("cannot lock", path);
      ::close(fd);
      return Outcome::Failed;
    }
    const std::string owner = ReadOwner(fd);
    if (owner != waitedFor)
    {
      waitedFor = owner; // another owner: it gets the whole timeout
      deadline = Clock::now() + timeout;
    }
    if (entryExists())
    {
      ::close(fd);
      return Outcome::EntryAppeared;
    }
    if (Clock::now() >= deadline)
    {
      RemoveIfSame(path, fd); // taken over: the stalled owner keeps an unlinked file
      ::close(fd);
      continue;
    }
    ::close(fd);
    std::this_thread::sleep_for(poll);
    poll = std::min(2 * poll, LongestPoll);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedDiskKeyLock::Release()
{
  if (this->Fd < 0)
  {
    return;
  }
  RemoveIfSame(this->Path, this->Fd);
  ::close(this->Fd); // lets go of the flock
  this->Fd = -1;
  this->Path.clear();
}

//------------------------------------------------------------------------------
void vtkTrackedDiskKeyLock::RemoveIfAbandoned(const std::string& path)
{
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
