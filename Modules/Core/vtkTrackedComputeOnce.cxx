// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedComputeOnce.h"

//------------------------------------------------------------------------------
vtkTrackedComputeOnce::Claim::Claim(vtkTrackedComputeOnce& owner, const Key& key)
  : Owner(owner)
  , Computed(key)
{
  owner.Computing.emplace(key, std::this_thread::get_id());
}

//------------------------------------------------------------------------------
vtkTrackedComputeOnce::Claim::~Claim()
{
  {
    std::lock_guard<std::mutex> lock(this->Owner.Mutex);
    this->Owner.Computing.erase(this->Computed);
  }
  this->Owner.Finished.notify_all();
}

//------------------------------------------------------------------------------
// Follows the chain: the thread computing `key` waits for a key computed by ... this thread.
bool vtkTrackedComputeOnce::WouldWaitForItself(Key key) const
{
  const std::thread::id self = std::this_thread::get_id();
  for (std::size_t hops = 0; hops <= this->Waiting.size(); ++hops)
  {
    auto computing = this->Computing.find(key);
    if (computing == this->Computing.end())
    {
      return false;
    }
    if (computing->second == self)
    {
      return true;
    }
    auto waiting = this->Waiting.find(computing->second);
    if (waiting == this->Waiting.end())
    {
      return false;
    }
    key = waiting->second;
  }
  return false;
}

//------------------------------------------------------------------------------
void vtkTrackedComputeOnce::WaitFor(std::unique_lock<std::mutex>& lock, const Key& key)
{
  const std::thread::id self = std::this_thread::get_id();
  this->Waiting[self] = key;
  this->Finished.wait(lock);
  this->Waiting.erase(self);
}
