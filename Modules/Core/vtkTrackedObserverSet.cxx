// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedObserverSet.h"

#include "vtkCommand.h"
#include "vtkObject.h"
#include "vtkTrackedArrayCache.h"

//------------------------------------------------------------------------------
void vtkTrackedObserverSet::Observe(
  vtkObject* subject, vtkCommand* command, std::initializer_list<unsigned long> events)
{
  this->Remove();
  this->Tags.reserve(events.size()); // first: if it throws, nothing was added
  this->Subject = subject;
  for (unsigned long event : events)
  {
    this->Tags.push_back(subject->AddObserver(event, command));
  }
}

//------------------------------------------------------------------------------
void vtkTrackedObserverSet::ObserveChanges(vtkObject* subject, vtkCommand* command)
{
  this->Observe(subject, command,
    { vtkCommand::ModifiedEvent, vtkCommand::DeleteEvent,
      vtkTrackedArrayCache::GetBufferChangedEventId() });
}

//------------------------------------------------------------------------------
void vtkTrackedObserverSet::Remove()
{
  if (vtkObject* subject = this->Subject)
  {
    for (unsigned long tag : this->Tags)
    {
      subject->RemoveObserver(tag);
    }
  }
  this->Tags.clear();
  this->Subject = nullptr;
}
