#include "vtkTrackedInputProducer.h"

#include "vtkAlgorithm.h"
#include "vtkDataObject.h"
#include "vtkDemandDrivenPipeline.h"
#include "vtkInformation.h"
#include "vtkInformationDoubleVectorKey.h"
#include "vtkInformationInformationVectorKey.h"
#include "vtkInformationIntegerKey.h"
#include "vtkInformationIntegerVectorKey.h"
#include "vtkInformationVector.h"
#include "vtkObjectFactory.h"
#include "vtkSmartPointer.h"
#include "vtkStreamingDemandDrivenPipeline.h"

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
  if (inputInformation)
  {
    CopyMetaData(inputInformation, this->MetaData);
  }
}

//------------------------------------------------------------------------------
void vtkTrackedInputProducer::Release()
{
  this->SetOutput(nullptr);
  this->MetaData->Clear();
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
}
