// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedPrivatePipeline
 * @brief Private: the pipeline in which vtkTrackedCacheFilter runs the algorithm it wraps.
 *
 * The wrapped algorithm's inputs are connected to one vtkTrackedInputProducer per input
 * connection of the filter, fed with shallow copies of the filter's inputs for the length
 * of one Run(). Run() asks the algorithm for the filter's request (piece, ghost levels,
 * extent, time step), catches its errors, refuses an algorithm that asked for more than
 * the input it holds (a temporal or streaming one), and takes its outputs: the algorithm
 * gets new ones, so that its next execution cannot write into stored results.
 *
 * @sa vtkTrackedCacheFilter, vtkTrackedInputProducer
 */

#ifndef vtkTrackedPrivatePipeline_h
#define vtkTrackedPrivatePipeline_h

#include "vtkSmartPointer.h"        // for the algorithm, producers and outputs
#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN

#include <cstddef>    // for std::size_t
#include <functional> // for the progress callback
#include <string>     // for errors
#include <vector>     // for producers and outputs

VTK_ABI_NAMESPACE_BEGIN
class vtkAlgorithm;
class vtkDataObject;
class vtkInformationVector;
class vtkStreamingDemandDrivenPipeline;
VTK_ABI_NAMESPACE_END
class vtkTrackedInputProducer;

class vtkTrackedPrivatePipeline
{
public:
  vtkTrackedPrivatePipeline();
  ~vtkTrackedPrivatePipeline();
  vtkTrackedPrivatePipeline(const vtkTrackedPrivatePipeline&) = delete;
  vtkTrackedPrivatePipeline& operator=(const vtkTrackedPrivatePipeline&) = delete;

  /// Why the pipeline cannot run `algorithm` (a temporal algorithm, known by class), or "".
  static std::string WhyCannotRun(vtkAlgorithm* algorithm);

  /// Runs `algorithm` from now on (null: none), disconnecting the previous one's inputs;
  /// the new one's own input connections stay.
  void SetAlgorithm(vtkAlgorithm* algorithm);
  vtkAlgorithm* GetAlgorithm() const { return this->Algorithm; }

  /// The first input port of the algorithm that something else than the pipeline was
  /// connected to since SetAlgorithm(), or -1.
  int DirectlyConnectedPort() const;

  /// Connects the algorithm's inputs to one producer per input connection of `inputs`.
  /// Connections change (and modify the algorithm) only when their number does.
  void ConnectProducers(vtkInformationVector** inputs);

  /// Disconnects the algorithm's inputs and forgets the producers (connected anew by the
  /// next ConnectProducers()).
  void ResetProducers();

  std::size_t GetNumberOfProducers() const;

  /**
   * Runs the algorithm on `inputs` for the request of `outputs` from `outputPort` (never
   * -1, "every port": VTK 9.7's vtkTemporalAlgorithm reads its request from the port and
   * crashes on -1, which vtkAlgorithm::Update() never asks for), telling `progress` its
   * fraction done; its outputs are taken into `results`. False with `error` on failure.
   */
  bool Run(int outputPort, vtkInformationVector** inputs, vtkInformationVector* outputs,
    const std::function<void(double)>& progress,
    std::vector<vtkSmartPointer<vtkDataObject>>& results, std::string& error);

private:
  class FedInputs;

  std::string AskedForMore(int executions) const;
  static vtkSmartPointer<vtkInformationVector> Requests(
    vtkStreamingDemandDrivenPipeline* executive, vtkInformationVector* outputs);
  static bool TakeOutputs(vtkStreamingDemandDrivenPipeline* executive,
    vtkInformationVector* outputs, std::vector<vtkSmartPointer<vtkDataObject>>& results,
    std::string& error);

  vtkSmartPointer<vtkAlgorithm> Algorithm;
  // [port][connection]: what the algorithm's inputs are connected to.
  std::vector<std::vector<vtkSmartPointer<vtkTrackedInputProducer>>> Producers;
};

#endif
