// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// vtkTrackedCacheFilter under MPI (run by ctest with mpiexec -np 2): the hit-or-miss
// decision is collective. The wrapped algorithm communicates (an AllReduce in its
// RequestData), so a rank that served a hit while another computed would deadlock; an
// alarm turns a deadlock into a failure.
//   1. first update: both ranks miss;
//   2. both inputs re-executed with the same content: both hit;
//   3. rank 0's input changes, rank 1's does not: both compute;
//   4. statistics summed over the ranks;
//   5. a composite input with a different number of blocks on each rank, run block by
//      block: each rank decides alone (collective calls per block would pair up wrong);
//   6. a plain input again: collective again.
#include "vtkTrackedCacheFilter.h"

#include "vtkElevationFilter.h"
#include "vtkFieldData.h"
#include "vtkIdTypeArray.h"
#include "vtkInformation.h"
#include "vtkInformationVector.h"
#include "vtkMPIController.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkNew.h"
#include "vtkObjectFactory.h"
#include "vtkPolyData.h"
#include "vtkPolyDataAlgorithm.h"
#include "vtkSphereSource.h"

#include <csignal>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace
{
// Passes its input through with the number of points of all ranks: a collective call in
// every execution.
class CountAllPoints : public vtkPolyDataAlgorithm
{
public:
  static CountAllPoints* New();
  vtkTypeMacro(CountAllPoints, vtkPolyDataAlgorithm);
  int Executions = 0;

protected:
  int RequestData(
    vtkInformation*, vtkInformationVector** inputs, vtkInformationVector* outputs) override
  {
    ++this->Executions;
    vtkPolyData* input = vtkPolyData::GetData(inputs[0]);
    vtkPolyData* output = vtkPolyData::GetData(outputs);
    output->ShallowCopy(input);
    vtkIdType mine = input->GetNumberOfPoints();
    vtkIdType all = 0;
    vtkMultiProcessController::GetGlobalController()->AllReduce(
      &mine, &all, 1, vtkCommunicator::SUM_OP);
    vtkNew<vtkIdTypeArray> total;
    total->SetName("points on all ranks");
    total->InsertNextValue(all);
    output->GetFieldData()->AddArray(total);
    return 1;
  }
};
vtkStandardNewMacro(CountAllPoints);

int failures = 0;

void Expect(bool condition, int rank, const std::string& what)
{
  if (!condition)
  {
    std::printf("rank %d: FAILED: %s\n", rank, what.c_str());
    ++failures;
  }
}
}

int main(int argc, char* argv[])
{
  vtkNew<vtkMPIController> controller;
  controller->Initialize(&argc, &argv);
  vtkMultiProcessController::SetGlobalController(controller);
  const int rank = controller->GetLocalProcessId();
  ::alarm(90); // a deadlock ends the test instead of hanging it

  vtkNew<vtkSphereSource> sphere;
  sphere->SetThetaResolution(16 + 4 * rank); // different data on each rank
  vtkNew<CountAllPoints> counting;
  vtkNew<vtkTrackedCacheFilter> cached;
  cached->SetAlgorithm(counting);
  cached->TrustPrintedStateOn(); // the same parameters on every rank, stable across runs
  cached->SetInputConnection(sphere->GetOutputPort());
  Expect(cached->GetController() == controller.GetPointer(), rank, "the global controller");
  Expect(controller->GetNumberOfProcesses() == 2, rank, "run on 2 processes");

  cached->Update();
  Expect(cached->GetLastResult() == "miss", rank, "first update misses");

  sphere->Modified(); // both ranks re-execute their source: same content
  cached->Update();
  Expect(cached->GetLastResult() == "hit", rank, "unchanged content hits on both ranks");
  Expect(counting->Executions == 1, rank, "a hit runs nothing");

  // Rank 0's data changes; rank 1's source re-executes with the same content. Rank 1
  // alone would hit, but rank 0 must compute, and the algorithm communicates.
  if (rank == 0)
  {
    sphere->SetRadius(2.0);
  }
  else
  {
    sphere->Modified();
  }
  cached->Update();
  Expect(cached->GetLastResult() == "miss", rank, "a rank that would hit computes with the others");
  Expect(counting->Executions == 2, rank, "the algorithm ran on every rank");
  if (rank == 1)
  {
    Expect(cached->GetLastReason() == "stored, but another process missed", rank,
      "the reason says why: " + cached->GetLastReason());
  }
  auto* total = vtkIdTypeArray::SafeDownCast(
    vtkPolyData::SafeDownCast(cached->GetOutputDataObject(0))->GetFieldData()->GetArray(0));
  Expect(total && total->GetValue(0) > 0, rank, "the communicating algorithm produced its sum");

  Expect(cached->GetNumberOfHitsOnAllProcesses() == 2, rank, "two hits in all (one per rank)");
  Expect(cached->GetNumberOfMissesOnAllProcesses() == 4, rank, "four misses in all");

  // Rank 0 holds three blocks, rank 1 one: the pipeline runs the filter three times on
  // rank 0 and once on rank 1.
  vtkNew<vtkMultiBlockDataSet> blocks;
  for (int block = 0; block < (rank == 0 ? 3 : 1); ++block)
  {
    vtkNew<vtkSphereSource> piece;
    piece->SetCenter(block, 0, 0);
    piece->Update();
    blocks->SetBlock(block, piece->GetOutput());
  }
  vtkNew<vtkElevationFilter> elevation;
  vtkNew<vtkTrackedCacheFilter> perBlock;
  perBlock->SetAlgorithm(elevation);
  perBlock->SetInputDataObject(blocks);
  perBlock->Update();
  const vtkTypeInt64 blockCount = rank == 0 ? 3 : 1;
  Expect(perBlock->GetNumberOfMisses() == blockCount, rank, "each block computed once");
  blocks->Modified();
  perBlock->Update();
  Expect(perBlock->GetNumberOfHits() == blockCount, rank, "each block served from the cache");
  Expect(perBlock->GetNumberOfHitsOnAllProcesses() == perBlock->GetNumberOfHits(), rank,
    "block by block, the statistics stay those of the process");
  auto* output = vtkMultiBlockDataSet::SafeDownCast(perBlock->GetOutputDataObject(0));
  Expect(output && output->GetNumberOfBlocks() == blocks->GetNumberOfBlocks(), rank,
    "a composite output with every block");

  // A plain input again: the filter decides collectively and reduces its statistics.
  vtkNew<vtkSphereSource> whole;
  whole->SetRadius(2.0); // unlike every block
  perBlock->SetInputConnection(whole->GetOutputPort());
  perBlock->Update();
  Expect(perBlock->GetNumberOfMissesOnAllProcesses() == 4 + 2, rank,
    "statistics summed again once the input is no longer composite");

  int all = 0;
  controller->AllReduce(&failures, &all, 1, vtkCommunicator::SUM_OP);
  if (rank == 0)
  {
    std::printf("%s: %d failures on %d ranks\n", all == 0 ? "PASSED" : "FAILED", all,
      controller->GetNumberOfProcesses());
  }
  vtkMultiProcessController::SetGlobalController(nullptr);
  controller->Finalize();
  return all == 0 ? 0 : 1;
}
