// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedCachedOutputs.h"

#include "vtkDataObject.h"
#include "vtkObjectFactory.h"
#include "vtkTrackedDataObjectArrays.h"

#include <algorithm>

vtkStandardNewMacro(vtkTrackedCachedOutputs);

//------------------------------------------------------------------------------
vtkMTimeType vtkTrackedCachedOutputs::GetMTime()
{
  vtkMTimeType latest = this->Superclass::GetMTime();
  for (const auto& output : this->Outputs)
  {
    latest = std::max(latest, vtkTrackedDataObjectArrays::LatestMTime(output));
  }
  return latest;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCachedOutputs::GetSizeInBytes()
{
  vtkTypeInt64 bytes = 0;
  for (const auto& output : this->Outputs)
  {
    bytes += static_cast<vtkTypeInt64>(output->GetActualMemorySize()) * 1024;
  }
  return bytes;
}

//------------------------------------------------------------------------------
void vtkTrackedCachedOutputs::CaptureStamps()
{
  this->Stamps.assign(this->Outputs.size(), vtkTrackedStamp());
  for (std::size_t port = 0; port < this->Outputs.size(); ++port)
  {
    this->Stamps[port].Capture(vtkTrackedSource(this->Outputs[port]));
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedCachedOutputs::IsIntact()
{
  if (this->Stamps.size() != this->Outputs.size())
  {
    return false;
  }
  for (std::size_t port = 0; port < this->Outputs.size(); ++port)
  {
    if (this->Stamps[port].Compare(vtkTrackedSource(this->Outputs[port])) !=
      vtkTrackedStamp::Change::None)
    {
      return false;
    }
  }
  return true;
}

//------------------------------------------------------------------------------
void vtkTrackedCachedOutputs::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "ComputeSeconds: " << this->ComputeSeconds << "\n";
  os << indent << "Stamps: " << this->Stamps.size() << "\n";
  os << indent << "Outputs: " << this->Outputs.size() << "\n";
  for (std::size_t port = 0; port < this->Outputs.size(); ++port)
  {
    os << indent.GetNextIndent() << port << ": " << this->Outputs[port]->GetClassName() << " ("
       << this->Outputs[port].GetPointer() << ")"
       << (port < this->Digests.size() ? " " + this->Digests[port] : std::string()) << "\n";
  }
}
