// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedObserverSet
 * @brief Private: one command observing some events of one object, removed together.
 *
 * Every observer the module adds goes through this: Observe() adds the command for each
 * event, and Remove() (or the destructor) takes them all off again, unless the object
 * died meanwhile (it is held weakly). ObserveChanges() observes what tells that an
 * array or data object changed: ModifiedEvent, DeleteEvent and the buffer-changed event
 * (vtkTrackedArrayCache::GetBufferChangedEventId()).
 *
 * VTK's observer lists and weak pointers are not thread-safe: callers serialize the calls
 * that touch one object (vtkTrackedEntryStore holds a lock; a view or a filter run is
 * used from one thread).
 *
 * @sa vtkTrackedEntryStore, vtkTrackedArrayView, vtkTrackedCacheFilter
 */

#ifndef vtkTrackedObserverSet_h
#define vtkTrackedObserverSet_h

#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkWeakPointer.h"         // for the observed object

#include <initializer_list> // for the events
#include <vector>           // for the observer tags

VTK_ABI_NAMESPACE_BEGIN
class vtkCommand;
class vtkObject;
VTK_ABI_NAMESPACE_END

class vtkTrackedObserverSet
{
public:
  vtkTrackedObserverSet() = default;
  ~vtkTrackedObserverSet() { this->Remove(); }
  vtkTrackedObserverSet(const vtkTrackedObserverSet&) = delete;
  vtkTrackedObserverSet& operator=(const vtkTrackedObserverSet&) = delete;

  /// Observes `events` of `subject` with `command`, after removing what this set observed.
  void Observe(
    vtkObject* subject, vtkCommand* command, std::initializer_list<unsigned long> events);

  /// Observes the modified, delete and buffer-changed events of `subject`.
  void ObserveChanges(vtkObject* subject, vtkCommand* command);

  /// Removes every observer this set added, from its subject if that is still alive.
  void Remove();

  /// What this set observes, or null (nothing, or the subject died).
  vtkObject* GetSubject() const { return this->Subject; }

private:
  vtkWeakPointer<vtkObject> Subject;
  std::vector<unsigned long> Tags;
};

#endif
