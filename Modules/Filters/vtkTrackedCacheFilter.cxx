// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedCacheFilter.h"

#include "vtkAlgorithmOutput.h"
#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkCommunicator.h"
#include "vtkDataObject.h"
#include "vtkDemandDrivenPipeline.h"
#include "vtkInformation.h"
#include "vtkInformationDoubleKey.h"
#include "vtkInformationIntegerKey.h"
#include "vtkInformationIntegerVectorKey.h"
#include "vtkInformationKeyLookup.h"
#include "vtkInformationVector.h"
#include "vtkLogger.h"
#include "vtkMultiProcessController.h"
#include "vtkNew.h"
#include "vtkObjectFactory.h"
#include "vtkStreamingDemandDrivenPipeline.h"
#include "vtkTrackedAlgorithmParameters.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCachedOutputs.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedDiskCache.h"
#include "vtkTrackedObserverSet.h"
#include "vtkTrackedPrivatePipeline.h"
#include "vtkVersionMacros.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <set>
#include <sstream>
#include <vector>

vtkStandardNewMacro(vtkTrackedCacheFilter);

namespace
{
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start)
{
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The key stored entries go under, next to their content digest.
const char* const EntryKey = "vtkTrackedCacheFilter outputs";

// Share of the progress range reported while the inputs are hashed.
constexpr double HashingShare = 0.05;

// Names an algorithm object for instance-keyed parameters: unique within the process,
// and a random process token makes it unique across processes sharing a disk cache.
std::string NewInstanceName()
{
  static const std::uint64_t process =
    std::random_device()() * 0x100000000ull ^ std::random_device()();
  static std::atomic<std::uint64_t> serial{ 0 };
  std::ostringstream name;
  name << std::hex << process << "-" << std::dec << ++serial;
  return name.str();
}

// What an execution's outputs depend on.
struct Key
{
  std::string Parameters;          // the parameter digest
  std::string Request;             // time step, piece, pieces, ghost levels, extent
  std::vector<std::string> Inputs; // content digests, port by port, connection by connection
  std::vector<std::string> InputNames;

  std::string Digest(const std::string& algorithmClass) const
  {
    std::ostringstream text;
    text << "vtkTrackedCacheFilter/1\nVTK " << VTK_VERSION << "\nalgorithm " << algorithmClass
         << "\nparameters " << this->Parameters << "\n"
         << this->Request;
    for (std::size_t input = 0; input < this->Inputs.size(); ++input)
    {
      text << this->InputNames[input] << " " << this->Inputs[input] << "\n";
    }
    return vtkTrackedDigest::OfText(text.str()).ToString();
  }

  // What differs from `previous`, as "parameters, input 0, request"; "" when nothing.
  std::string ChangesSince(const Key& previous) const
  {
    std::vector<std::string> changes;
    if (this->Parameters != previous.Parameters)
    {
      changes.emplace_back("parameters");
    }
    if (this->InputNames != previous.InputNames)
    {
      changes.emplace_back("input connections");
    }
    else
    {
      for (std::size_t input = 0; input < this->Inputs.size(); ++input)
      {
        if (this->Inputs[input] != previous.Inputs[input])
        {
          changes.push_back(this->InputNames[input]);
        }
      }
    }
    if (this->Request != previous.Request)
    {
      changes.emplace_back("request");
    }
    std::string text;
    for (const auto& change : changes)
    {
      text += (text.empty() ? "" : ", ") + change;
    }
    return text;
  }
};

// What one RequestData() works out, step by step.
struct Execution
{
  Clock::time_point Start = Clock::now();
  Key CacheKey;
  bool Fresh = false;     // Content mode: digests are computed afresh
  bool First = false;     // the filter's first execution
  std::string Changes;    // what changed since the last execution
  std::string Undigested; // why an input could not be digested: no key, no caching
  std::string KeyDigest;
  vtkTrackedDiskCache* Disk = nullptr; // the disk level, if it applies
  std::string DiskKey;
  std::string MissReason;
  bool FoundOnDisk = false;
};

// The request of every output port, as text.
std::string RequestText(vtkInformationVector* outputs)
{
  using SDDP = vtkStreamingDemandDrivenPipeline;
  std::ostringstream text;
  text.precision(17);
  for (int port = 0; port < outputs->GetNumberOfInformationObjects(); ++port)
  {
    vtkInformation* info = outputs->GetInformationObject(port);
    text << "request " << port << ": piece " << info->Get(SDDP::UPDATE_PIECE_NUMBER()) << " of "
         << info->Get(SDDP::UPDATE_NUMBER_OF_PIECES()) << ", ghost levels "
         << info->Get(SDDP::UPDATE_NUMBER_OF_GHOST_LEVELS());
    if (int* extent = info->Get(SDDP::UPDATE_EXTENT()))
    {
      text << ", extent " << extent[0] << " " << extent[1] << " " << extent[2] << " " << extent[3]
           << " " << extent[4] << " " << extent[5];
    }
    if (info->Has(SDDP::UPDATE_TIME_STEP()))
    {
      text << ", time " << info->Get(SDDP::UPDATE_TIME_STEP());
    }
    text << "\n";
  }
  return text.str();
}

// Whether the composite pipeline is about to run the filter for one block of a composite
// input: it marks the outputs with its (protected) key SUPPRESS_RESET_PI only while it asks
// for a block's data object, which it does before every block's execution.
bool CreatingBlockOutput(vtkInformationVector* outputs)
{
  static vtkInformationKey* const blockMarker =
    vtkInformationKeyLookup::Find("SUPPRESS_RESET_PI", "vtkCompositeDataPipeline");
  vtkInformation* output = outputs->GetInformationObject(0);
  return blockMarker && output && output->Has(blockMarker);
}

vtkDataObject* OutputData(vtkInformationVector* outputs, int port)
{
  return outputs->GetInformationObject(port)->Get(vtkDataObject::DATA_OBJECT());
}

void InitializeOutputs(vtkInformationVector* outputs)
{
  for (int port = 0; port < outputs->GetNumberOfInformationObjects(); ++port)
  {
    if (vtkDataObject* output = OutputData(outputs, port))
    {
      output->Initialize();
    }
  }
}

}

class vtkTrackedCacheFilter::vtkInternals
{
public:
  vtkAlgorithm* Algorithm() const { return this->Pipeline.GetAlgorithm(); }
  vtkTrackedPrivatePipeline Pipeline; // holds the algorithm
  vtkSmartPointer<vtkTrackedArrayCache> Cache = vtkSmartPointer<vtkTrackedArrayCache>::New();
  vtkSmartPointer<vtkTrackedDiskCache> DiskCache;
  vtkSmartPointer<vtkMultiProcessController> Controller =
    vtkMultiProcessController::GetGlobalController();
  bool PerBlock = false; // the pipeline runs the filter once per block of a composite input
  std::string ParameterKey;
  bool TrustPrintedState = false;
  int LogVerbosity = vtkLogger::VERBOSITY_TRACE;
  std::string InstanceName; // of the current algorithm object

  // The algorithm's normalized printout, valid while its MTime is PrintoutMTime.
  bool PrintoutValid = false;
  vtkMTimeType PrintoutMTime = 0;
  std::string Printout;
  std::string ParametersDigest;
  std::string ParametersSource;

  bool HasPrevious = false;
  Key Previous;
  std::set<std::string> Warnings; // given once each

  vtkTypeInt64 Hits = 0; // memory and disk
  vtkTypeInt64 DiskHits = 0;
  vtkTypeInt64 Misses = 0;
  double ComputeSeconds = 0.0;
  double SecondsSaved = 0.0;
  std::string LastResult;
  std::string LastReason;
  double LastSeconds = 0.0;
  struct Totals
  {
    vtkTypeInt64 Hits = 0;
    vtkTypeInt64 Misses = 0;
    double ComputeSeconds = 0.0;
    double SecondsSaved = 0.0;
  } AllProcesses; // as of the last execution, summed over the controller's processes

  // The parameter digest: the printout is taken again only when the algorithm's MTime
  // changed; a registered description is read every time (it is a few getters).
  void UpdateParameters()
  {
    const vtkMTimeType mtime = this->Algorithm()->GetMTime();
    if (!this->PrintoutValid || mtime != this->PrintoutMTime)
    {
      this->Printout = vtkTrackedAlgorithmParameters::PrintedParameters(this->Algorithm());
      this->PrintoutMTime = mtime;
      this->PrintoutValid = true;
    }
    std::string text;
    std::string description;
    const bool described =
      vtkTrackedAlgorithmParameters::DescribedParameters(this->Algorithm(), description);
    if (!this->ParameterKey.empty())
    {
      this->ParametersSource = "parameter-key";
      text = "key\n" + this->ParameterKey;
    }
    else if (described || this->TrustPrintedState)
    {
      this->ParametersSource = "described";
      text = "described\n" + this->Printout + description;
    }
    else
    {
      this->ParametersSource = "instance";
      text =
        "instance " + this->InstanceName + " at " + std::to_string(mtime) + "\n" + this->Printout;
    }
    this->ParametersDigest = vtkTrackedDigest::OfText(text).ToString();
  }

  // The stored outputs under `key` if they fit the filter's outputs and, in Content
  // mode, still hold what was stored; else null with `reason`.
  vtkSmartPointer<vtkTrackedCachedOutputs> Lookup(
    const std::string& key, vtkInformationVector* outputs, std::string& reason)
  {
    auto stored = vtkTrackedCachedOutputs::SafeDownCast(this->Cache->Get(key, EntryKey));
    if (!stored)
    {
      reason = this->Cache->GetLastMissReason();
      return nullptr;
    }
    const int ports = outputs->GetNumberOfInformationObjects();
    bool usable = static_cast<int>(stored->Outputs.size()) == ports;
    for (int port = 0; usable && port < ports; ++port)
    {
      vtkDataObject* output = OutputData(outputs, port);
      usable =
        output && std::string(output->GetClassName()) == stored->Outputs[port]->GetClassName();
    }
    if (!usable)
    {
      reason = "stored outputs of another type";
      return nullptr;
    }
    // A consumer may have resized or replaced what a served copy shares with the entry
    // without a Modified() (the cache's MTime check sees the rest); in Content mode, also
    // written into it.
    bool intact = stored->IsIntact();
    if (intact && this->Cache->GetValidationMode() == vtkTrackedArrayCache::Content)
    {
      for (int port = 0; intact && port < ports; ++port)
      {
        intact =
          vtkTrackedArrayCache::ComputeDigest(stored->Outputs[port]) == stored->Digests[port];
      }
    }
    if (!intact)
    {
      this->Cache->Invalidate(key, EntryKey);
      reason = "tampered";
      return nullptr;
    }
    return stored;
  }

  // Stores outputs in the memory cache, with their stamps and, in Content mode
  // (`fresh`), their digests (outputs that cannot be digested are then not kept).
  void Keep(const std::string& key, vtkTrackedCachedOutputs* outputs, bool fresh)
  {
    if (fresh)
    {
      outputs->Digests.clear();
      for (const auto& output : outputs->Outputs)
      {
        outputs->Digests.push_back(vtkTrackedArrayCache::ComputeDigest(output));
        if (outputs->Digests.back().empty())
        {
          return;
        }
      }
    }
    outputs->CaptureStamps();
    this->Cache->Set(key, EntryKey, outputs, outputs->GetSizeInBytes(), outputs->ComputeSeconds);
  }

  // Hands out shallow copies of stored outputs.
  void Serve(vtkTrackedCacheFilter* self, vtkTrackedCachedOutputs* stored,
    vtkInformationVector* outputs, const char* result, const std::string& reason,
    Clock::time_point start)
  {
    for (int port = 0; port < outputs->GetNumberOfInformationObjects(); ++port)
    {
      OutputData(outputs, port)->ShallowCopy(stored->Outputs[port]);
    }
    ++this->Hits;
    this->SecondsSaved += std::max(0.0, stored->ComputeSeconds - SecondsSince(start));
    self->UpdateProgress(1.0);
    this->Record(self, result, reason, start);
  }

  // Outputs the disk level has under `key`, if they fit the filter's outputs. Alone
  // (the filter does not communicate), a miss takes the key's lock, waiting for another
  // process computing it. With several processes every one must run the algorithm when
  // any misses, so none may wait for a lock: it could wait on a process whose own
  // collective calls wait for one of this job's processes.
  vtkSmartPointer<vtkTrackedCachedOutputs> LoadFromDisk(
    vtkTrackedDiskCache* disk, const std::string& key, vtkInformationVector* outputs)
  {
    std::vector<vtkSmartPointer<vtkObject>> loaded;
    double seconds = 0.0;
    const bool hit = this->Communicates() ? disk->Load(key, loaded, seconds)
                                          : disk->LoadOrLock(key, loaded, seconds);
    if (!hit || static_cast<int>(loaded.size()) != outputs->GetNumberOfInformationObjects())
    {
      return nullptr;
    }
    auto found = vtkSmartPointer<vtkTrackedCachedOutputs>::New();
    found->ComputeSeconds = seconds;
    for (int port = 0; port < outputs->GetNumberOfInformationObjects(); ++port)
    {
      auto* output = vtkDataObject::SafeDownCast(loaded[port]);
      vtkDataObject* expected = OutputData(outputs, port);
      if (!output || !expected || std::string(output->GetClassName()) != expected->GetClassName())
      {
        return nullptr;
      }
      found->Outputs.emplace_back(output);
    }
    return found;
  }

  // Whether executions make collective calls: with several processes, unless the
  // pipeline runs the filter block by block (processes may hold different numbers of
  // blocks, so calls per block would pair up wrong, or wait forever).
  bool Communicates() const
  {
    return this->Controller && this->Controller->GetNumberOfProcesses() > 1 && !this->PerBlock;
  }

  // Whether `yes` holds on every process of the controller (true alone).
  bool EveryProcess(bool yes)
  {
    if (!this->Communicates())
    {
      return yes;
    }
    const int mine = yes ? 1 : 0;
    int all = 0;
    this->Controller->AllReduce(&mine, &all, 1, vtkCommunicator::MIN_OP);
    return all == 1;
  }

  // Adds this execution's statistics of every process to the totals (a collective call
  // when the filter communicates).
  void ReduceStatistics()
  {
    double mine[4] = { static_cast<double>(this->Hits), static_cast<double>(this->Misses),
      this->ComputeSeconds, this->SecondsSaved };
    double all[4] = { mine[0], mine[1], mine[2], mine[3] };
    if (this->Communicates())
    {
      this->Controller->AllReduce(mine, all, 4, vtkCommunicator::SUM_OP);
    }
    this->AllProcesses.Hits = static_cast<vtkTypeInt64>(all[0]);
    this->AllProcesses.Misses = static_cast<vtkTypeInt64>(all[1]);
    this->AllProcesses.ComputeSeconds = all[2];
    this->AllProcesses.SecondsSaved = all[3];
  }

  void Record(vtkTrackedCacheFilter* self, const char* result, const std::string& reason,
    Clock::time_point start)
  {
    this->LastResult = result;
    this->LastReason = reason;
    this->LastSeconds = SecondsSince(start);
    vtkVLogF(static_cast<vtkLogger::Verbosity>(this->LogVerbosity),
      "%s(%p) wrapping %s: %s (%s) in %.3f ms", self->GetClassName(), static_cast<void*>(self),
      this->Algorithm() ? this->Algorithm()->GetClassName() : "nothing", result, reason.c_str(),
      1e3 * this->LastSeconds);
  }

  // Whether the filter can run its algorithm; else reports why, with empty outputs.
  bool CanRun(
    vtkTrackedCacheFilter* self, vtkInformationVector* outputs, const Execution& execution)
  {
    if (!this->Algorithm())
    {
      vtkErrorWithObjectMacro(self, "No algorithm to run: call SetAlgorithm() first.");
      InitializeOutputs(outputs);
      this->Record(self, "failed", "no algorithm", execution.Start);
      return false;
    }
    const int direct = this->Pipeline.DirectlyConnectedPort();
    if (direct < 0)
    {
      return true;
    }
    // Feeding it the filter's inputs instead would serve what the user did not ask for.
    vtkErrorWithObjectMacro(self,
      "Input port " << direct << " of the wrapped " << this->Algorithm()->GetClassName()
                    << " was connected directly: connect the filter's input port " << direct
                    << " instead (the direct connection is removed).");
    this->Pipeline.ResetProducers();
    InitializeOutputs(outputs);
    this->Record(self, "failed", "algorithm connected directly", execution.Start);
    return false;
  }

  // The execution's key: the parameters, the request and the digest of every input
  // (`Undigested` says which could not be digested), and what changed since the last one.
  void MakeKey(vtkTrackedCacheFilter* self, vtkInformationVector** inputs,
    vtkInformationVector* outputs, Execution& execution)
  {
    Key& key = execution.CacheKey;
    key.Parameters = this->ParametersDigest;
    key.Request = RequestText(outputs);
    execution.Fresh = this->Cache->GetValidationMode() == vtkTrackedArrayCache::Content;
    int inputCount = 0;
    for (int port = 0; port < self->GetNumberOfInputPorts(); ++port)
    {
      inputCount += inputs[port]->GetNumberOfInformationObjects();
    }
    for (int port = 0; port < self->GetNumberOfInputPorts(); ++port)
    {
      for (int connection = 0; connection < inputs[port]->GetNumberOfInformationObjects();
           ++connection)
      {
        const std::string name = "input " + std::to_string(port) +
          (connection > 0 ? "." + std::to_string(connection) : std::string());
        vtkDataObject* input =
          inputs[port]->GetInformationObject(connection)->Get(vtkDataObject::DATA_OBJECT());
        std::string digest;
        std::string error;
        if (!this->Cache->TryGetDigest(input, execution.Fresh, digest, error) &&
          execution.Undigested.empty())
        {
          execution.Undigested = name + " cannot be digested: " + error;
        }
        key.InputNames.push_back(name);
        key.Inputs.push_back(digest);
        self->UpdateProgress(HashingShare * key.Inputs.size() / inputCount);
      }
    }
    execution.First = !this->HasPrevious;
    execution.Changes = this->HasPrevious ? key.ChangesSince(this->Previous) : "";
    this->Previous = key;
    this->HasPrevious = true;
    // The disk level keys on digests that mean the same in every process: not on
    // instance-keyed parameters.
    execution.Disk = this->ParametersSource != "instance" ? this->DiskCache.GetPointer() : nullptr;
    if (execution.Undigested.empty())
    {
      execution.KeyDigest = key.Digest(this->Algorithm()->GetClassName());
      execution.DiskKey =
        std::string(this->Algorithm()->GetClassName()) + " " + execution.KeyDigest;
    }
  }

  // The stored outputs of the key, from memory or else from disk (kept in memory then), or
  // null; a key that could not be made is warned about once.
  vtkSmartPointer<vtkTrackedCachedOutputs> FindStored(
    vtkTrackedCacheFilter* self, vtkInformationVector* outputs, Execution& execution)
  {
    if (!execution.Undigested.empty())
    {
      if (this->Warnings.insert(execution.Undigested).second)
      {
        vtkWarningWithObjectMacro(
          self, "Computing without caching: " << execution.Undigested << ".");
      }
      return nullptr;
    }
    auto found = this->Lookup(execution.KeyDigest, outputs, execution.MissReason);
    if (!found && execution.Disk &&
      (found = this->LoadFromDisk(execution.Disk, execution.DiskKey, outputs)))
    {
      this->Keep(execution.KeyDigest, found, execution.Fresh);
      execution.FoundOnDisk = true;
    }
    return found;
  }

  void ServeFound(vtkTrackedCacheFilter* self, vtkTrackedCachedOutputs* found,
    vtkInformationVector* outputs, const Execution& execution)
  {
    const std::string reason = execution.First ? "first execution, stored earlier"
      : execution.Changes.empty()              ? "same content as the last execution"
                                               : execution.Changes + " changed, to a stored result";
    this->DiskHits += execution.FoundOnDisk;
    this->Serve(
      self, found, outputs, execution.FoundOnDisk ? "disk-hit" : "hit", reason, execution.Start);
  }

  // Runs the algorithm into new outputs, shallow-copied to the filter's; null after
  // reporting a failure.
  vtkSmartPointer<vtkTrackedCachedOutputs> Compute(vtkTrackedCacheFilter* self,
    vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs,
    const Execution& execution)
  {
    auto computed = vtkSmartPointer<vtkTrackedCachedOutputs>::New();
    std::string error;
    const auto computeStart = Clock::now();
    const int outputPort = request->Has(vtkDemandDrivenPipeline::FROM_OUTPUT_PORT())
      ? std::max(request->Get(vtkDemandDrivenPipeline::FROM_OUTPUT_PORT()), 0)
      : 0;
    const auto progress = [self](double fraction)
    { self->UpdateProgress(HashingShare + (1.0 - HashingShare) * fraction); };
    if (!this->Pipeline.Run(outputPort, inputs, outputs, progress, computed->Outputs, error))
    {
      vtkErrorWithObjectMacro(
        self, "The wrapped " << this->Algorithm()->GetClassName() << " failed: " << error);
      InitializeOutputs(outputs);
      this->Record(self, "failed", error, execution.Start);
      return nullptr;
    }
    computed->ComputeSeconds = SecondsSince(computeStart);
    this->ComputeSeconds += computed->ComputeSeconds;
    ++this->Misses;
    for (int port = 0; port < outputs->GetNumberOfInformationObjects(); ++port)
    {
      OutputData(outputs, port)->ShallowCopy(computed->Outputs[port]);
    }
    return computed;
  }

  // Keeps computed outputs in memory and on disk (unless the key could not be made), and
  // reports the miss.
  void StoreComputed(vtkTrackedCacheFilter* self, vtkTrackedCachedOutputs* computed,
    bool storedElsewhere, const Execution& execution)
  {
    if (!execution.Undigested.empty())
    {
      this->Record(self, "uncached", execution.Undigested, execution.Start);
      return;
    }
    this->Keep(execution.KeyDigest, computed, execution.Fresh);
    if (execution.Disk)
    {
      std::vector<vtkObject*> values(computed->Outputs.begin(), computed->Outputs.end());
      execution.Disk->Store(execution.DiskKey, values, computed->ComputeSeconds);
    }
    this->Record(self, "miss",
      storedElsewhere                ? "stored, but " + execution.MissReason
        : execution.First            ? "first execution"
        : !execution.Changes.empty() ? execution.Changes + " changed"
                                     : "stored result gone (" + execution.MissReason + ")",
      execution.Start);
  }

  // Gives `self` the ports of `algorithm` (one of each if null), with their requirements,
  // and the algorithm's own input connections (say, a glyph's source).
  static void TakePortsOf(vtkTrackedCacheFilter* self, vtkAlgorithm* algorithm)
  {
    const int inputPorts = algorithm ? algorithm->GetNumberOfInputPorts() : 1;
    const int outputPorts = algorithm ? algorithm->GetNumberOfOutputPorts() : 1;
    self->SetNumberOfInputPorts(inputPorts);
    self->SetNumberOfOutputPorts(outputPorts);
    for (int port = 0; port < inputPorts; ++port)
    {
      vtkInformation* info = self->GetInputPortInformation(port);
      info->Clear();
      self->FillInputPortInformation(port, info);
      info->Set(vtkAlgorithm::PORT_REQUIREMENTS_FILLED(), 1);
    }
    for (int port = 0; port < outputPorts; ++port)
    {
      vtkInformation* info = self->GetOutputPortInformation(port);
      info->Clear();
      self->FillOutputPortInformation(port, info);
      info->Set(vtkAlgorithm::PORT_REQUIREMENTS_FILLED(), 1);
    }
    for (int port = 0; algorithm && port < inputPorts; ++port)
    {
      const int connections = algorithm->GetNumberOfInputConnections(port);
      if (connections > 0)
      {
        self->RemoveAllInputConnections(port);
        for (int connection = 0; connection < connections; ++connection)
        {
          self->AddInputConnection(port, algorithm->GetInputConnection(port, connection));
        }
        algorithm->RemoveAllInputConnections(port);
      }
    }
  }

  // Ends an execution whatever happens: reduces the statistics across processes once the
  // calls became collective, then lets go of the disk key's lock if a miss took it.
  struct ExecutionEnd
  {
    vtkInternals& Internals;
    const Execution& Run;
    bool Collective = false;
    ~ExecutionEnd()
    {
      if (this->Collective)
      {
        this->Internals.ReduceStatistics();
      }
      if (this->Run.Disk && !this->Run.DiskKey.empty())
      {
        this->Run.Disk->Unlock(this->Run.DiskKey);
      }
    }
  };
};

//------------------------------------------------------------------------------
vtkTrackedCacheFilter::vtkTrackedCacheFilter()
  : Internals(new vtkInternals)
{
  this->SetNumberOfInputPorts(1);
  this->SetNumberOfOutputPorts(1);
}

//------------------------------------------------------------------------------
vtkTrackedCacheFilter::~vtkTrackedCacheFilter() = default;

//------------------------------------------------------------------------------
namespace
{
// Why `filter` cannot wrap `algorithm` (null: unwraps), or "".
std::string WhyNotWrappable(vtkTrackedCacheFilter* filter, vtkAlgorithm* algorithm)
{
  for (vtkAlgorithm* wrapped = algorithm; wrapped;)
  {
    if (wrapped == filter)
    {
      return "A vtkTrackedCacheFilter cannot wrap itself, directly or through the filters it "
             "wraps.";
    }
    auto* wrapper = vtkTrackedCacheFilter::SafeDownCast(wrapped);
    wrapped = wrapper ? wrapper->GetAlgorithm() : nullptr;
  }
  const std::string temporal =
    algorithm ? vtkTrackedPrivatePipeline::WhyCannotRun(algorithm) : std::string();
  if (!temporal.empty())
  {
    return std::string("Cannot wrap a ") + algorithm->GetClassName() + ": " + temporal +
      ". The filter can feed it only the time step its input has, and keys results on that "
      "input alone.";
  }
  if (algorithm && algorithm->GetNumberOfOutputPorts() < 1)
  {
    return std::string("Cannot wrap a ") + algorithm->GetClassName() + ": it has no output port.";
  }
  return std::string();
}
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetAlgorithm(vtkAlgorithm* algorithm)
{
  auto& internals = *this->Internals;
  if (algorithm == internals.Algorithm())
  {
    return;
  }
  const std::string refused = WhyNotWrappable(this, algorithm);
  if (!refused.empty())
  {
    vtkErrorMacro(<< refused);
    return;
  }
  internals.Pipeline.SetAlgorithm(algorithm);
  internals.InstanceName = NewInstanceName();
  internals.PrintoutValid = false;
  internals.HasPrevious = false;
  internals.TakePortsOf(this, algorithm);
  this->Modified();
}

//------------------------------------------------------------------------------
vtkAlgorithm* vtkTrackedCacheFilter::GetAlgorithm()
{
  return this->Internals->Algorithm();
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetCache(vtkTrackedArrayCache* cache)
{
  if (!cache)
  {
    vtkErrorMacro("The cache cannot be null.");
    return;
  }
  if (cache != this->Internals->Cache)
  {
    this->Internals->Cache = cache;
    this->Modified();
  }
}

//------------------------------------------------------------------------------
vtkTrackedArrayCache* vtkTrackedCacheFilter::GetCache()
{
  return this->Internals->Cache;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetDiskCache(vtkTrackedDiskCache* disk)
{
  if (disk != this->Internals->DiskCache)
  {
    this->Internals->DiskCache = disk;
    this->Modified();
  }
}

//------------------------------------------------------------------------------
vtkTrackedDiskCache* vtkTrackedCacheFilter::GetDiskCache()
{
  return this->Internals->DiskCache;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetParameterKey(const std::string& key)
{
  if (key != this->Internals->ParameterKey)
  {
    this->Internals->ParameterKey = key;
    this->Modified();
  }
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheFilter::GetParameterKey()
{
  return this->Internals->ParameterKey;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetTrustPrintedState(bool trust)
{
  if (trust != this->Internals->TrustPrintedState)
  {
    this->Internals->TrustPrintedState = trust;
    this->Modified();
  }
}

//------------------------------------------------------------------------------
bool vtkTrackedCacheFilter::GetTrustPrintedState()
{
  return this->Internals->TrustPrintedState;
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheFilter::GetParameterDigest()
{
  if (!this->Internals->Algorithm())
  {
    return std::string();
  }
  this->Internals->UpdateParameters();
  return this->Internals->ParametersDigest;
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheFilter::GetParameterDigestSource()
{
  if (!this->Internals->Algorithm())
  {
    return std::string();
  }
  this->Internals->UpdateParameters();
  return this->Internals->ParametersSource;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::RegisterParameterDescription(
  const std::string& className, ParameterDescription describe)
{
  vtkTrackedAlgorithmParameters::RegisterParameterDescription(className, std::move(describe));
}

//------------------------------------------------------------------------------
bool vtkTrackedCacheFilter::DescribeLike(
  const std::string& className, const std::string& describedClassName)
{
  return vtkTrackedAlgorithmParameters::RegisterParameterDescriptionLike(
    className, describedClassName);
}

//------------------------------------------------------------------------------
int vtkTrackedCacheFilter::GetNumberOfDescribedClasses()
{
  return static_cast<int>(vtkTrackedAlgorithmParameters::DescribedClasses().size());
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheFilter::GetDescribedClassName(int index)
{
  const auto names = vtkTrackedAlgorithmParameters::DescribedClasses();
  if (index < 0 || index >= static_cast<int>(names.size()))
  {
    vtkGenericWarningMacro("GetDescribedClassName: no described class " << index << ".");
    return std::string();
  }
  return names[index];
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCacheFilter::GetNumberOfHits()
{
  return this->Internals->Hits;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCacheFilter::GetNumberOfDiskHits()
{
  return this->Internals->DiskHits;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetController(vtkMultiProcessController* controller)
{
  if (controller != this->Internals->Controller)
  {
    this->Internals->Controller = controller;
    this->Modified();
  }
}

//------------------------------------------------------------------------------
vtkMultiProcessController* vtkTrackedCacheFilter::GetController()
{
  return this->Internals->Controller;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCacheFilter::GetNumberOfHitsOnAllProcesses()
{
  return this->Internals->AllProcesses.Hits;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCacheFilter::GetNumberOfMissesOnAllProcesses()
{
  return this->Internals->AllProcesses.Misses;
}

//------------------------------------------------------------------------------
double vtkTrackedCacheFilter::GetComputeSecondsOnAllProcesses()
{
  return this->Internals->AllProcesses.ComputeSeconds;
}

//------------------------------------------------------------------------------
double vtkTrackedCacheFilter::GetSecondsSavedOnAllProcesses()
{
  return this->Internals->AllProcesses.SecondsSaved;
}

//------------------------------------------------------------------------------
vtkTypeInt64 vtkTrackedCacheFilter::GetNumberOfMisses()
{
  return this->Internals->Misses;
}

//------------------------------------------------------------------------------
double vtkTrackedCacheFilter::GetComputeSeconds()
{
  return this->Internals->ComputeSeconds;
}

//------------------------------------------------------------------------------
double vtkTrackedCacheFilter::GetSecondsSaved()
{
  return this->Internals->SecondsSaved;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::ResetStatistics()
{
  auto& internals = *this->Internals;
  internals.Hits = internals.DiskHits = internals.Misses = 0;
  internals.AllProcesses = vtkInternals::Totals();
  internals.ComputeSeconds = internals.SecondsSaved = 0.0;
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheFilter::GetLastResult()
{
  return this->Internals->LastResult;
}

//------------------------------------------------------------------------------
std::string vtkTrackedCacheFilter::GetLastReason()
{
  return this->Internals->LastReason;
}

//------------------------------------------------------------------------------
double vtkTrackedCacheFilter::GetLastExecutionSeconds()
{
  return this->Internals->LastSeconds;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::SetLogVerbosity(int verbosity)
{
  // Not a parameter of the output: no Modified(), which would re-execute the filter.
  this->Internals->LogVerbosity = verbosity;
}

//------------------------------------------------------------------------------
int vtkTrackedCacheFilter::GetLogVerbosity()
{
  return this->Internals->LogVerbosity;
}

//------------------------------------------------------------------------------
vtkMTimeType vtkTrackedCacheFilter::GetMTime()
{
  const vtkMTimeType own = this->Superclass::GetMTime();
  vtkAlgorithm* algorithm = this->Internals->Algorithm();
  return algorithm ? std::max(own, algorithm->GetMTime()) : own;
}

//------------------------------------------------------------------------------
int vtkTrackedCacheFilter::FillInputPortInformation(int port, vtkInformation* info)
{
  if (vtkAlgorithm* algorithm = this->Internals->Algorithm())
  {
    info->Copy(algorithm->GetInputPortInformation(port));
    return 1;
  }
  info->Set(vtkAlgorithm::INPUT_REQUIRED_DATA_TYPE(), "vtkDataObject");
  info->Set(vtkAlgorithm::INPUT_IS_OPTIONAL(), 1);
  return 1;
}

//------------------------------------------------------------------------------
int vtkTrackedCacheFilter::FillOutputPortInformation(int port, vtkInformation* info)
{
  if (vtkAlgorithm* algorithm = this->Internals->Algorithm())
  {
    info->Copy(algorithm->GetOutputPortInformation(port));
    return 1;
  }
  info->Set(vtkDataObject::DATA_TYPE_NAME(), "vtkDataObject");
  return 1;
}

//------------------------------------------------------------------------------
vtkTypeBool vtkTrackedCacheFilter::ProcessRequest(
  vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs)
{
  vtkAlgorithm* wrapped = this->Internals->Algorithm();
  if (wrapped &&
    (wrapped->GetNumberOfInputPorts() != this->GetNumberOfInputPorts() ||
      wrapped->GetNumberOfOutputPorts() != this->GetNumberOfOutputPorts()))
  {
    // The filter's ports were made for the algorithm as it was when set.
    vtkErrorMacro("The wrapped " << wrapped->GetClassName() << " now has "
                                 << wrapped->GetNumberOfInputPorts() << " input and "
                                 << wrapped->GetNumberOfOutputPorts()
                                 << " output ports, not the ones it had when set: call "
                                    "SetAlgorithm() again.");
    InitializeOutputs(outputs);
    return 0;
  }
  if (request->Has(vtkDemandDrivenPipeline::REQUEST_DATA()))
  {
    return this->RequestData(request, inputs, outputs);
  }
  if (request->Has(vtkDemandDrivenPipeline::REQUEST_DATA_OBJECT()))
  {
    this->Internals->PerBlock = CreatingBlockOutput(outputs);
  }
  if (wrapped)
  {
    // The algorithm answers with the filter's information: the filter then creates,
    // advertises and requests what the algorithm would in its place.
    return wrapped->ProcessRequest(request, inputs, outputs);
  }
  return this->Superclass::ProcessRequest(request, inputs, outputs);
}

//------------------------------------------------------------------------------
int vtkTrackedCacheFilter::RequestData(
  vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs)
{
  auto& internals = *this->Internals;
  Execution execution;
  if (!internals.CanRun(this, outputs, execution))
  {
    return 0;
  }
  this->UpdateProgress(0.0);
  // Connected first: connecting modifies the algorithm, which its parameter digest sees.
  internals.Pipeline.ConnectProducers(inputs);
  internals.UpdateParameters();
  internals.MakeKey(this, inputs, outputs, execution);
  // The disk key's lock, if a miss took it, goes at the latest when this execution ends
  // (storing lets go of it sooner); the statistics are reduced first.
  vtkInternals::ExecutionEnd end{ internals, execution };
  const vtkSmartPointer<vtkTrackedCachedOutputs> found =
    internals.FindStored(this, outputs, execution);
  // From here on every process takes part in the same collective calls, whatever happens
  // (unless the filter runs block by block: see Communicates()): the decision, and the
  // statistics once the execution is over. In parallel runs every process hits, or every
  // process computes: a wrapped algorithm that communicates must run on all of them or on
  // none.
  end.Collective = true;
  const bool everyProcessHit = internals.EveryProcess(found != nullptr);
  if (found && everyProcessHit)
  {
    internals.ServeFound(this, found, outputs, execution);
    return 1;
  }
  if (found)
  {
    execution.MissReason = "another process missed";
  }
  const vtkSmartPointer<vtkTrackedCachedOutputs> computed =
    internals.Compute(this, request, inputs, outputs, execution);
  if (!computed)
  {
    return 0;
  }
  internals.StoreComputed(this, computed, found != nullptr, execution);
  return 1;
}

//------------------------------------------------------------------------------
void vtkTrackedCacheFilter::PrintSelf(ostream& os, vtkIndent indent)
{
  this->Superclass::PrintSelf(os, indent);
  auto& internals = *this->Internals;
  os << indent << "Algorithm: ";
  if (internals.Algorithm())
  {
    os << internals.Algorithm()->GetClassName() << " (" << internals.Algorithm() << ")\n";
  }
  else
  {
    os << "(none)\n";
  }
  os << indent << "Cache: " << internals.Cache.GetPointer() << "\n";
  os << indent << "DiskCache: " << internals.DiskCache.GetPointer() << "\n";
  os << indent << "Controller: " << internals.Controller.GetPointer() << "\n";
  os << indent << "PerBlock: " << (internals.PerBlock ? "yes" : "no") << "\n";
  os << indent << "ParameterKey: " << internals.ParameterKey << "\n";
  os << indent << "TrustPrintedState: " << (internals.TrustPrintedState ? "On" : "Off") << "\n";
  if (internals.Algorithm())
  {
    internals.UpdateParameters(); // as it is now, not as at the last execution
  }
  os << indent << "ParameterDigest: " << internals.ParametersDigest << " ("
     << internals.ParametersSource << ")\n";
  os << indent << "InstanceName: " << internals.InstanceName << "\n";
  os << indent << "InputProducers: " << internals.Pipeline.GetNumberOfProducers() << "\n";
  os << indent << "LogVerbosity: " << internals.LogVerbosity << "\n";
  os << indent << "NumberOfHits: " << internals.Hits << "\n";
  os << indent << "NumberOfDiskHits: " << internals.DiskHits << "\n";
  os << indent << "NumberOfMisses: " << internals.Misses << "\n";
  os << indent << "ComputeSeconds: " << internals.ComputeSeconds << "\n";
  os << indent << "SecondsSaved: " << internals.SecondsSaved << "\n";
  os << indent << "OnAllProcesses: " << internals.AllProcesses.Hits << " hits, "
     << internals.AllProcesses.Misses << " misses, " << internals.AllProcesses.ComputeSeconds
     << " s computing, " << internals.AllProcesses.SecondsSaved << " s saved\n";
  os << indent << "LastResult: " << internals.LastResult << "\n";
  os << indent << "LastReason: " << internals.LastReason << "\n";
  os << indent << "LastExecutionSeconds: " << internals.LastSeconds << "\n";
}
