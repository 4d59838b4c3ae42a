// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedInputProducer.h"

#include "vtkAlgorithm.h"
#include "vtkDataObject.h"
#include "vtkDemandDrivenPipeline.h"
#include "vtkInformation.h"
#include "vtkInformationDoubleKey.h"
#include "vtkInformationDoubleVectorKey.h"
#include "vtkInformationInformationVectorKey.h"
#include "vtkInformationIntegerKey.h"
#include "vtkInformationIntegerVectorKey.h"
#include "vtkInformationVector.h"
#include "vtkObjectFactory.h"
#include "vtkSmartPointer.h"
#include "vtkStreamingDemandDrivenPipeline.h"

#include <sstream>

vtkStandardNewMacro(vtkTrackedInputProducer);

namespace
{
// Copies the meta-data keys an algorithm reads in its information passes.
void CopyMetaData(vtkInformation* from, vtkInformation* to)
{
  using SDDP = vtkStreamingDemandDrivenPipeline;
  to->CopyEntry(from, SDDP::WHOLE_EXTENT());
  to->CopyEntry(from, SDDP::TIME_STEPS());
  to->CopyEntry(from, SDDP::TIME_RANGE());
  to->CopyEntry(from, SDDP::BOUNDS());
  to->CopyEntry(from, vtkAlgorithm::CAN_PRODUCE_SUB_EXTENT());
  to->CopyEntry(from, vtkAlgorithm::CAN_HANDLE_PIECE_REQUEST());
  to->CopyEntry(from, vtkDataObject::ORIGIN());
  to->CopyEntry(from, vtkDataObject::SPACING());
  to->CopyEntry(from, vtkDataObject::DIRECTION());
  // Deep copies: the vectors hold information objects a pipeline may edit. (VTK's deep
  // copy of an absent vector crashes, hence the check.)
  for (vtkInformationInformationVectorKey* key :
    { vtkDataObject::POINT_DATA_VECTOR(), vtkDataObject::CELL_DATA_VECTOR() })
  {
    if (from->Has(key))
    {
      to->CopyEntry(from, key, /*deep=*/1);
    }
    else
    {
      to->Remove(key);
    }
  }
}
}

//------------------------------------------------------------------------------
void vtkTrackedInputProducer::Feed(vtkDataObject* input, vtkInformation* inputInformation)
{
  vtkSmartPointer<vtkDataObject> copy;
  if (input)
  {
    copy = vtkSmartPointer<vtkDataObject>::Take(input->NewInstance());
    copy->ShallowCopy(input);
  }
  this->SetOutput(copy);
  this->MetaData->Clear();
  this->Request->Clear();
  if (inputInformation)
  {
    CopyMetaData(inputInformation, this->MetaData);
    using SDDP = vtkStreamingDemandDrivenPipeline;
    this->Request->CopyEntry(inputInformation, SDDP::UPDATE_TIME_STEP());
    this->Request->CopyEntry(inputInformation, SDDP::UPDATE_PIECE_NUMBER());
    this->Request->CopyEntry(inputInformation, SDDP::UPDATE_NUMBER_OF_PIECES());
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedInputProducer::AskedForWhatItHolds(std::string& asked)
{
  using SDDP = vtkStreamingDemandDrivenPipeline;
  vtkInformation* wanted = this->GetOutputInformation(0);
  std::ostringstream text;
  text.precision(17);
  bool same = true;
  if (wanted->Has(SDDP::UPDATE_TIME_STEP()) && this->Request->Has(SDDP::UPDATE_TIME_STEP()) &&
    wanted->Get(SDDP::UPDATE_TIME_STEP()) != this->Request->Get(SDDP::UPDATE_TIME_STEP()))
  {
    same = false;
    text << "time step " << wanted->Get(SDDP::UPDATE_TIME_STEP()) << " (the input is at "
         << this->Request->Get(SDDP::UPDATE_TIME_STEP()) << ")";
  }
  for (vtkInformationIntegerKey* key :
    { SDDP::UPDATE_PIECE_NUMBER(), SDDP::UPDATE_NUMBER_OF_PIECES() })
  {
    if (wanted->Has(key) && this->Request->Has(key) && wanted->Get(key) != this->Request->Get(key))
    {
      same = false;
      text << (text.tellp() > 0 ? ", " : "") << key->GetName() << " " << wanted->Get(key)
           << " (the input holds " << this->Request->Get(key) << ")";
    }
  }
  asked = text.str();
  return same;
}

//------------------------------------------------------------------------------
void vtkTrackedInputProducer::Release()
{
  this->SetOutput(nullptr);
  this->MetaData->Clear();
  this->Request->Clear();
}

//------------------------------------------------------------------------------
vtkTypeBool vtkTrackedInputProducer::ProcessRequest(
  vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs)
{
  const vtkTypeBool result = this->Superclass::ProcessRequest(request, inputs, outputs);
  if (result && request->Has(vtkDemandDrivenPipeline::REQUEST_INFORMATION()))
  {
    CopyMetaData(this->MetaData, outputs->GetInformationObject(0));
  }
  return result;
}

//------------------------------------------------------------------------------
void vtkTrackedInputProducer::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  os << indent << "MetaData:\n";
  this->MetaData->PrintSelf(os, indent.GetNextIndent());
  os << indent << "Request:\n";
  this->Request->PrintSelf(os, indent.GetNextIndent());
}
