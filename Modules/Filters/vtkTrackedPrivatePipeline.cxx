// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedPrivatePipeline.h"

#include "vtkAlgorithm.h"
#include "vtkAlgorithmOutput.h"
#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkDataObject.h"
#include "vtkInformation.h"
#include "vtkInformationDoubleKey.h"
#include "vtkInformationIntegerKey.h"
#include "vtkInformationIntegerVectorKey.h"
#include "vtkInformationVector.h"
#include "vtkNew.h"
#include "vtkStreamingDemandDrivenPipeline.h"
#include "vtkTrackedInputProducer.h"
#include "vtkTrackedObserverSet.h"
#include "vtkVersionMacros.h"

#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
#include "vtkPassInputTypeAlgorithm.h"
#include "vtkPolyDataAlgorithm.h"
#include "vtkTemporalAlgorithm.h"

#include <typeinfo>
#endif

#include <algorithm>
#include <utility>

namespace
{
// The message of a VTK error event's text ("ERROR: In <file>, line <n>\n<object>:
// <message>\n..."): its first line after the location.
std::string ErrorMessage(const char* text)
{
  std::string message = text ? text : "unknown error";
  if (message.compare(0, 9, "ERROR: In") == 0 && message.find('\n') != std::string::npos)
  {
    message.erase(0, message.find('\n') + 1);
  }
  return message.substr(0, message.find('\n'));
}

// Observes an object's events for the lifetime of the watch.
class EventWatch
{
public:
  template <typename Callback>
  EventWatch(vtkObject* subject, unsigned long event, Callback&& callback)
    : Function(std::forward<Callback>(callback))
  {
    this->Command->SetClientData(this);
    this->Command->SetCallback([](vtkObject*, unsigned long, void* watch, void* callData)
      { static_cast<EventWatch*>(watch)->Function(callData); });
    this->Observers.Observe(subject, this->Command, { event });
  }

private:
  std::function<void(void*)> Function;
  vtkNew<vtkCallbackCommand> Command;
  vtkTrackedObserverSet Observers; // last: removed first
};
}

// The producers fed with the inputs of one run, released when it ends.
class vtkTrackedPrivatePipeline::FedInputs
{
public:
  FedInputs(vtkTrackedPrivatePipeline& pipeline, vtkInformationVector** inputs)
    : Pipeline(pipeline)
  {
    for (int port = 0; port < pipeline.Algorithm->GetNumberOfInputPorts(); ++port)
    {
      for (int connection = 0; connection < inputs[port]->GetNumberOfInformationObjects();
           ++connection)
      {
        vtkInformation* info = inputs[port]->GetInformationObject(connection);
        pipeline.Producers[port][connection]->Feed(info->Get(vtkDataObject::DATA_OBJECT()), info);
      }
    }
  }
  ~FedInputs()
  {
    for (auto& port : this->Pipeline.Producers)
    {
      for (auto& producer : port)
      {
        producer->Release();
      }
    }
  }
  FedInputs(const FedInputs&) = delete;
  FedInputs& operator=(const FedInputs&) = delete;

private:
  vtkTrackedPrivatePipeline& Pipeline;
};

//------------------------------------------------------------------------------
vtkTrackedPrivatePipeline::vtkTrackedPrivatePipeline() = default;

//------------------------------------------------------------------------------
vtkTrackedPrivatePipeline::~vtkTrackedPrivatePipeline()
{
  this->SetAlgorithm(nullptr);
}

//------------------------------------------------------------------------------
// These are the temporal algorithms known by class; any other that asks for time steps or
// pieces its input does not hold is refused when it runs (AskedForMore()).
std::string vtkTrackedPrivatePipeline::WhyCannotRun(vtkAlgorithm* algorithm)
{
  if (algorithm->IsA("vtkMultiTimeStepAlgorithm"))
  {
    return "it asks its inputs for several time steps in one update";
  }
  // Before VTK 9.7 it asks for nothing unusual, so running it would not show it.
  if (algorithm->IsA("vtkTemporalPathLineFilter"))
  {
    return "its trails grow over the time steps of its earlier updates";
  }
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  // VTK's own temporal algorithms derive from these (vtkTemporalStatistics and
  // vtkTemporalPathLineFilter), whose class names are their type names. They may also run
  // once per update and accumulate the time steps of several (in situ, with
  // NO_PRIOR_TEMPORAL_ACCESS), which running them would not show.
  for (const char* temporalBase : { typeid(vtkTemporalAlgorithm<vtkPassInputTypeAlgorithm>).name(),
         typeid(vtkTemporalAlgorithm<vtkPolyDataAlgorithm>).name() })
  {
    if (algorithm->IsA(temporalBase))
    {
      return "it is a vtkTemporalAlgorithm, which accumulates the time steps of several "
             "executions";
    }
  }
#endif
  return std::string();
}

//------------------------------------------------------------------------------
void vtkTrackedPrivatePipeline::SetAlgorithm(vtkAlgorithm* algorithm)
{
  this->ResetProducers();
  this->Algorithm = algorithm;
  // Its own input connections stay, for the filter to take over.
  this->Producers.resize(algorithm ? algorithm->GetNumberOfInputPorts() : 0);
}

//------------------------------------------------------------------------------
int vtkTrackedPrivatePipeline::DirectlyConnectedPort() const
{
  for (int port = 0; port < this->Algorithm->GetNumberOfInputPorts(); ++port)
  {
    const auto& producers = this->Producers[port];
    for (int connection = 0; connection < this->Algorithm->GetNumberOfInputConnections(port);
         ++connection)
    {
      vtkAlgorithm* producer = this->Algorithm->GetInputConnection(port, connection)->GetProducer();
      if (std::none_of(producers.begin(), producers.end(),
            [producer](const vtkSmartPointer<vtkTrackedInputProducer>& ours)
            { return ours.GetPointer() == producer; }))
      {
        return port;
      }
    }
  }
  return -1;
}

//------------------------------------------------------------------------------
void vtkTrackedPrivatePipeline::ConnectProducers(vtkInformationVector** inputs)
{
  for (int port = 0; port < this->Algorithm->GetNumberOfInputPorts(); ++port)
  {
    auto& producers = this->Producers[port];
    const int connections = inputs[port]->GetNumberOfInformationObjects();
    while (static_cast<int>(producers.size()) < connections)
    {
      producers.push_back(vtkSmartPointer<vtkTrackedInputProducer>::New());
    }
    bool connected = this->Algorithm->GetNumberOfInputConnections(port) == connections;
    for (int connection = 0; connected && connection < connections; ++connection)
    {
      connected = this->Algorithm->GetInputConnection(port, connection) ==
        producers[connection]->GetOutputPort();
    }
    if (!connected)
    {
      this->Algorithm->RemoveAllInputConnections(port);
      for (int connection = 0; connection < connections; ++connection)
      {
        this->Algorithm->AddInputConnection(port, producers[connection]->GetOutputPort());
      }
    }
  }
}

//------------------------------------------------------------------------------
void vtkTrackedPrivatePipeline::ResetProducers()
{
  if (this->Algorithm)
  {
    for (int port = 0; port < this->Algorithm->GetNumberOfInputPorts(); ++port)
    {
      this->Algorithm->RemoveAllInputConnections(port);
    }
  }
  this->Producers.clear();
  this->Producers.resize(this->Algorithm ? this->Algorithm->GetNumberOfInputPorts() : 0);
}

//------------------------------------------------------------------------------
std::size_t vtkTrackedPrivatePipeline::GetNumberOfProducers() const
{
  std::size_t producers = 0;
  for (const auto& port : this->Producers)
  {
    producers += port.size();
  }
  return producers;
}

//------------------------------------------------------------------------------
bool vtkTrackedPrivatePipeline::Run(int outputPort, vtkInformationVector** inputs,
  vtkInformationVector* outputs, const std::function<void(double)>& reportProgress,
  std::vector<vtkSmartPointer<vtkDataObject>>& results, std::string& error)
{
  vtkAlgorithm* algorithm = this->Algorithm;
  auto* executive = vtkStreamingDemandDrivenPipeline::SafeDownCast(algorithm->GetExecutive());
  if (!executive)
  {
    error = std::string("its executive, a ") + algorithm->GetExecutive()->GetClassName() +
      ", is not a vtkStreamingDemandDrivenPipeline";
    return false;
  }
  FedInputs fed(*this, inputs); // whatever happens, the producers let go of the inputs
  std::vector<std::string> errors;
  auto catchError = [&errors](void* text)
  { errors.push_back(ErrorMessage(static_cast<const char*>(text))); };
  EventWatch algorithmErrors(algorithm, vtkCommand::ErrorEvent, catchError);
  EventWatch executiveErrors(executive, vtkCommand::ErrorEvent, catchError);
  int executions = 0;
  EventWatch starts(algorithm, vtkCommand::StartEvent, [&executions](void*) { ++executions; });
  EventWatch progress(algorithm, vtkCommand::ProgressEvent,
    [&reportProgress](void* fraction) { reportProgress(*static_cast<double*>(fraction)); });
  const bool updated = executive->Update(outputPort, Requests(executive, outputs)) != 0;
  if (!updated || !errors.empty())
  {
    error = errors.empty() ? std::string("it reported failure") : errors.front();
    return false;
  }
  const std::string asked = this->AskedForMore(executions);
  if (!asked.empty())
  {
    error = "it asked " + asked + " (a temporal or streaming algorithm); the filter can feed " +
      "it only the input it has, so such algorithms cannot be wrapped";
    return false;
  }
  return this->TakeOutputs(executive, outputs, results, error);
}

//------------------------------------------------------------------------------
// The filter's request for each output port, as the private pipeline's.
vtkSmartPointer<vtkInformationVector> vtkTrackedPrivatePipeline::Requests(
  vtkStreamingDemandDrivenPipeline* executive, vtkInformationVector* outputs)
{
  using SDDP = vtkStreamingDemandDrivenPipeline;
  const int ports = executive->GetNumberOfOutputPorts();
  auto requests = vtkSmartPointer<vtkInformationVector>::New();
  requests->SetNumberOfInformationObjects(ports);
  for (int port = 0; port < ports; ++port)
  {
    vtkInformation* wanted = outputs->GetInformationObject(port);
    vtkInformation* request = requests->GetInformationObject(port);
    request->CopyEntry(wanted, SDDP::UPDATE_PIECE_NUMBER());
    request->CopyEntry(wanted, SDDP::UPDATE_NUMBER_OF_PIECES());
    request->CopyEntry(wanted, SDDP::UPDATE_NUMBER_OF_GHOST_LEVELS());
    request->CopyEntry(wanted, SDDP::UPDATE_EXTENT());
    request->CopyEntry(wanted, SDDP::UPDATE_TIME_STEP());
    if (!wanted->Has(SDDP::UPDATE_TIME_STEP()))
    {
      // A time step asked for by an earlier execution must not linger.
      executive->GetOutputInformation(port)->Remove(SDDP::UPDATE_TIME_STEP());
    }
  }
  return requests;
}

//------------------------------------------------------------------------------
// What a temporal or streaming algorithm asked for beyond the one input it holds (it
// asks for other time steps or pieces, and loops): the private pipeline has only that
// input, so its result would be wrong. "" when it asked for nothing more.
std::string vtkTrackedPrivatePipeline::AskedForMore(int executions) const
{
  if (executions > 1)
  {
    return "to execute several times in one update";
  }
  for (const auto& port : this->Producers)
  {
    for (const auto& producer : port)
    {
      std::string differs;
      if (!producer->AskedForWhatItHolds(differs))
      {
        return "for " + differs;
      }
    }
  }
  return std::string();
}

//------------------------------------------------------------------------------
// Takes the algorithm's outputs into `results`, checked against what the pipeline
// expects. They then belong to the cache alone: the algorithm gets new ones, so its next
// execution cannot write into arrays that stored results share.
bool vtkTrackedPrivatePipeline::TakeOutputs(vtkStreamingDemandDrivenPipeline* executive,
  vtkInformationVector* outputs, std::vector<vtkSmartPointer<vtkDataObject>>& results,
  std::string& error)
{
  const int ports = executive->GetNumberOfOutputPorts();
  for (int port = 0; port < ports; ++port)
  {
    vtkDataObject* output = executive->GetOutputData(port);
    vtkDataObject* expected =
      outputs->GetInformationObject(port)->Get(vtkDataObject::DATA_OBJECT());
    if (!output || !expected || std::string(output->GetClassName()) != expected->GetClassName())
    {
      error = std::string("it produced ") + (output ? output->GetClassName() : "nothing") +
        " on output port " + std::to_string(port) + " where the pipeline expects " +
        (expected ? expected->GetClassName() : "nothing");
      return false;
    }
    results.emplace_back(output);
  }
  for (int port = 0; port < ports; ++port)
  {
    executive->SetOutputData(
      port, vtkSmartPointer<vtkDataObject>::Take(results[port]->NewInstance()));
  }
  return true;
}
