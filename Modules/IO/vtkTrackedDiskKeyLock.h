// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedDiskKeyLock
 * @brief Private: the lock that lets one process at a time compute a disk cache key.
 *
 * The lock is a file beside the entries, held with flock(2): the kernel lets go of it when
 * its holder dies, even by SIGKILL, so a dead owner never blocks anyone. Its holder writes
 * "<pid> <nonce>" into it, which tells waiters when the lock changed hands.
 *
 * Acquire() waits while another process holds the lock, and stops waiting as soon as the
 * entry it would compute appears. An owner that holds the lock for longer than the timeout
 * (stalled, or computing for longer than the timeout allows) is taken over: its lock file
 * is removed and a new one taken, so no process waits for more than the timeout per owner.
 * The stalled owner may still finish and store: entries are renamed into place whole, so
 * no one is ever served a partial entry; the key is merely computed twice.
 *
 * Release() removes the lock file while still holding it, then closes it. Which file is at
 * a lock's path only changes under a short flock on ".keylock-guard" in the directory
 * (taking, releasing, taking over and pruning all hold it), so that no process ever
 * removes a lock file another has just made and locked. A child forked after Acquire()
 * shares the lock (flock follows the open file), and does not remove it when it lets go.
 *
 * @sa vtkTrackedDiskCache
 */
#ifndef vtkTrackedDiskKeyLock_h
#define vtkTrackedDiskKeyLock_h

#include <functional> // for the entry check
#include <string>     // for the path

class vtkTrackedDiskKeyLock
{
public:
  enum class Outcome
  {
    Acquired,      // this object holds the lock
    EntryAppeared, // another process stored the entry meanwhile: load it
    Failed         // the lock file could not be made or locked (see `error`)
  };

  vtkTrackedDiskKeyLock() = default;
  ~vtkTrackedDiskKeyLock() { this->Release(); }
  vtkTrackedDiskKeyLock(const vtkTrackedDiskKeyLock&) = delete;
  vtkTrackedDiskKeyLock& operator=(const vtkTrackedDiskKeyLock&) = delete;

  /**
   * Takes the lock at `path`, waiting while another process holds it, for at most
   * `timeoutSeconds` per owner, and polling `entryExists` as it waits.
   */
  Outcome Acquire(const std::string& path, double timeoutSeconds,
    const std::function<bool()>& entryExists, std::string& error);

  /**
   * Lets go of the lock (nothing if not held).
   */
  void Release();

  bool IsHeld() const { return this->Fd >= 0; }

  /**
   * Removes the lock file at `path` if no process holds it (one left by a dead owner).
   */
  static void RemoveIfAbandoned(const std::string& path);

  /**
   * Whether `fd` is open on the file now at `path` (not one renamed over or removed).
   */
  static bool IsFileAt(int fd, const std::string& path);

  /**
   * Removes the file at `path` if it is the one `fd` has open.
   */
  static void RemoveIfSame(const std::string& path, int fd);

private:
  enum class Attempt
  {
    Acquired,
    Wait,     // held by the owner waited for
    NewOwner, // held by another owner than before: the timeout starts again
    Retry,    // the owner was taken over: try again at once
    Failed
  };
  // One look at the lock under the directory's guard: take it if free; else tell who
  // holds it, and with `takeOver` remove the file of an owner still `waitedFor`.
  Attempt TryAcquire(
    const std::string& path, std::string& waitedFor, bool takeOver, std::string& error);

  int Fd = -1;
  std::string Path;
  long Process = 0; // the process that took it
};

#endif
