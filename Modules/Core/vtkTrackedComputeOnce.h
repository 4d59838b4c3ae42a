// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedComputeOnce
 * @brief Private: which thread computes which (source, key), so that a value racing
 * threads ask for is computed once.
 *
 * The first thread to miss a key claims it (a Claim, held while it computes); the others
 * WaitFor() the claim to end and look the key up again. A thread that would wait for a key
 * whose computation waits, directly or through other threads, for one this thread computes
 * is told so (WouldWaitForItself()) instead of deadlocking.
 *
 * Not a lock of its own: every call but ~Claim() is made with the owner's mutex (given to
 * the constructor) held, so that a lookup and a claim are one step. ~Claim() takes that
 * mutex itself: destroy a claim after letting the mutex go.
 *
 * @sa vtkTrackedArrayCache::GetOrCompute
 */

#ifndef vtkTrackedComputeOnce_h
#define vtkTrackedComputeOnce_h

#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN

#include <condition_variable> // for the waits
#include <cstddef>            // for std::size_t
#include <map>                // for who computes and waits for what
#include <mutex>              // for the owner's mutex
#include <string>             // for keys
#include <thread>             // for thread ids
#include <utility>            // for std::pair

VTK_ABI_NAMESPACE_BEGIN
class vtkObject;
VTK_ABI_NAMESPACE_END

class vtkTrackedComputeOnce
{
public:
  using Key = std::pair<const vtkObject*, std::string>;

  explicit vtkTrackedComputeOnce(std::mutex& mutex)
    : Mutex(mutex)
  {
  }
  vtkTrackedComputeOnce(const vtkTrackedComputeOnce&) = delete;
  vtkTrackedComputeOnce& operator=(const vtkTrackedComputeOnce&) = delete;

  /// This thread computes `key` for the claim's lifetime; its end wakes the waiters.
  class Claim
  {
  public:
    Claim(vtkTrackedComputeOnce& owner, const Key& key);
    ~Claim();
    Claim(const Claim&) = delete; // one end per claim
    Claim& operator=(const Claim&) = delete;

  private:
    vtkTrackedComputeOnce& Owner;
    const Key Computed;
  };

  bool IsClaimed(const Key& key) const { return this->Computing.count(key) != 0; }

  /// Whether waiting for `key` would close a cycle back to this thread.
  bool WouldWaitForItself(Key key) const;

  /// Waits (letting `lock` go meanwhile) until some claim ends.
  void WaitFor(std::unique_lock<std::mutex>& lock, const Key& key);

  std::size_t GetNumberOfComputations() const { return this->Computing.size(); }

private:
  std::mutex& Mutex;
  std::condition_variable Finished;
  std::map<Key, std::thread::id> Computing; // who computes what
  std::map<std::thread::id, Key> Waiting;   // who waits for what
};

#endif
