// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of vtkTrackedCacheFilter: DESIGN.md scenario 9 and the filter's
// requests, composite and multi-input use, tamper safety, parameters and bad inputs.
#include "vtkTrackedCacheFilter.h"

#include "TrackedTestHelpers.h"

#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCleanPolyData.h"
#include "vtkCommand.h"
#include "vtkContourFilter.h"
#include "vtkDataArray.h"
#include "vtkElevationFilter.h"
#include "vtkFloatArray.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkInformationVector.h"
#include "vtkLogger.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkMultiTimeStepAlgorithm.h"
#include "vtkNew.h"
#include "vtkPointData.h"
#include "vtkPolyData.h"
#include "vtkPolyDataAlgorithm.h"
#include "vtkPolyDataNormals.h"
#include "vtkProbeFilter.h"
#include "vtkRTAnalyticSource.h"
#include "vtkSphereSource.h"
#include "vtkStreamingDemandDrivenPipeline.h"
#include "vtkThreshold.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrivialProducer.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVersionMacros.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace
{
std::string Digest(vtkAbstractArray* array)
{
  return array ? vtkTrackedArrayCache::ComputeDigest(array) : std::string("(none)");
}

// Two data sets hold the same structure and the same arrays, compared one by one.
void ExpectSameDataSet(vtkDataSet* actual, vtkDataSet* expected)
{
  ASSERT_NE(actual, nullptr);
  ASSERT_NE(expected, nullptr);
  EXPECT_STREQ(actual->GetClassName(), expected->GetClassName());
  EXPECT_EQ(actual->GetNumberOfPoints(), expected->GetNumberOfPoints());
  EXPECT_EQ(actual->GetNumberOfCells(), expected->GetNumberOfCells());
  auto* actualPolys = vtkPolyData::SafeDownCast(actual);
  auto* expectedPolys = vtkPolyData::SafeDownCast(expected);
  if (actualPolys && expectedPolys)
  {
    EXPECT_EQ(
      Digest(actualPolys->GetPoints()->GetData()), Digest(expectedPolys->GetPoints()->GetData()));
    EXPECT_EQ(Digest(actualPolys->GetPolys()->GetConnectivityArray()),
      Digest(expectedPolys->GetPolys()->GetConnectivityArray()));
    EXPECT_EQ(Digest(actualPolys->GetPolys()->GetOffsetsArray()),
      Digest(expectedPolys->GetPolys()->GetOffsetsArray()));
  }
  using Attributes = std::pair<vtkDataSetAttributes*, vtkDataSetAttributes*>;
  for (const Attributes& attributes :
    { Attributes(actual->GetPointData(), expected->GetPointData()),
      Attributes(actual->GetCellData(), expected->GetCellData()) })
  {
    ASSERT_EQ(attributes.first->GetNumberOfArrays(), attributes.second->GetNumberOfArrays());
    for (int index = 0; index < attributes.second->GetNumberOfArrays(); ++index)
    {
      vtkAbstractArray* wanted = attributes.second->GetAbstractArray(index);
      EXPECT_EQ(Digest(attributes.first->GetAbstractArray(wanted->GetName())), Digest(wanted))
        << wanted->GetName();
    }
  }
  EXPECT_EQ(
    vtkTrackedArrayCache::ComputeDigest(actual), vtkTrackedArrayCache::ComputeDigest(expected));
}

vtkDataSet* OutputDataSet(vtkAlgorithm* algorithm, int port = 0)
{
  return vtkDataSet::SafeDownCast(algorithm->GetOutputDataObject(port));
}

vtkSmartPointer<vtkSphereSource> MakeSphere(int resolution = 32)
{
  auto sphere = vtkSmartPointer<vtkSphereSource>::New();
  sphere->SetThetaResolution(resolution);
  sphere->SetPhiResolution(resolution);
  return sphere;
}

vtkSmartPointer<vtkTrackedCacheFilter> Wrap(vtkAlgorithm* algorithm, vtkAlgorithm* upstream)
{
  auto filter = vtkSmartPointer<vtkTrackedCacheFilter>::New();
  filter->SetAlgorithm(algorithm);
  if (upstream)
  {
    filter->SetInputConnection(upstream->GetOutputPort());
  }
  return filter;
}

// A polydata filter that counts its executions and can fail: by returning failure, or
// by reporting an error and returning success (as many VTK filters do).
class CountingFilter : public vtkPolyDataAlgorithm
{
public:
  static CountingFilter* New();
  vtkTypeMacro(CountingFilter, vtkPolyDataAlgorithm);
  enum Failure
  {
    None,
    ReturnsFailure,
    ReportsError
  };
  int Executions = 0;
  Failure Fails = None;
  void GrowInputPorts() { this->SetNumberOfInputPorts(2); } // as some Python algorithms do

protected:
  CountingFilter() = default;
  int RequestData(
    vtkInformation*, vtkInformationVector** inputs, vtkInformationVector* outputs) override
  {
    ++this->Executions;
    if (this->Fails == ReportsError)
    {
      vtkErrorMacro("Cannot count these points.");
      return 1;
    }
    if (this->Fails == ReturnsFailure)
    {
      return 0;
    }
    vtkPolyData::GetData(outputs)->ShallowCopy(vtkPolyData::GetData(inputs[0]));
    return 1;
  }
};
vtkStandardNewMacro(CountingFilter);

// A class of its own name, for registering a description.
class DescribedFilter : public CountingFilter
{
public:
  static DescribedFilter* New();
  vtkTypeMacro(DescribedFilter, CountingFilter);
};
vtkStandardNewMacro(DescribedFilter);

// A source advertising time steps 0, 1, 2 whose output does not depend on the time.
class TimeStepSource : public vtkPolyDataAlgorithm
{
public:
  static TimeStepSource* New();
  vtkTypeMacro(TimeStepSource, vtkPolyDataAlgorithm);

protected:
  TimeStepSource() { this->SetNumberOfInputPorts(0); }
  int RequestInformation(
    vtkInformation*, vtkInformationVector**, vtkInformationVector* outputs) override
  {
    const double steps[] = { 0.0, 1.0, 2.0 };
    const double range[] = { 0.0, 2.0 };
    vtkInformation* info = outputs->GetInformationObject(0);
    info->Set(vtkStreamingDemandDrivenPipeline::TIME_STEPS(), steps, 3);
    info->Set(vtkStreamingDemandDrivenPipeline::TIME_RANGE(), range, 2);
    return 1;
  }
  int RequestData(vtkInformation*, vtkInformationVector**, vtkInformationVector* outputs) override
  {
    this->Sphere->Update();
    vtkPolyData::GetData(outputs)->ShallowCopy(this->Sphere->GetOutput());
    return 1;
  }
  vtkNew<vtkSphereSource> Sphere;
};
vtkStandardNewMacro(TimeStepSource);

// Asks its input for time step 0, then 1 (or for piece 0, then 1 of 2), one execution
// each, in one update (CONTINUE_EXECUTING): the way temporal and streaming algorithms
// gather time steps or pieces.
class LoopingFilter : public CountingFilter
{
public:
  static LoopingFilter* New();
  vtkTypeMacro(LoopingFilter, CountingFilter);
  bool OverPieces = false; // else over time steps

protected:
  int RequestUpdateExtent(
    vtkInformation*, vtkInformationVector** inputs, vtkInformationVector*) override
  {
    using SDDP = vtkStreamingDemandDrivenPipeline;
    vtkInformation* input = inputs[0]->GetInformationObject(0);
    if (this->OverPieces)
    {
      input->Set(SDDP::UPDATE_PIECE_NUMBER(), this->Next);
      input->Set(SDDP::UPDATE_NUMBER_OF_PIECES(), 2);
    }
    else
    {
      input->Set(SDDP::UPDATE_TIME_STEP(), static_cast<double>(this->Next));
    }
    return 1;
  }
  int RequestData(
    vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs) override
  {
    this->Next = 1 - this->Next;
    if (this->Next)
    {
      request->Set(vtkStreamingDemandDrivenPipeline::CONTINUE_EXECUTING(), 1);
    }
    else
    {
      request->Remove(vtkStreamingDemandDrivenPipeline::CONTINUE_EXECUTING());
    }
    return this->Superclass::RequestData(request, inputs, outputs);
  }
  int Next = 0;
};
vtkStandardNewMacro(LoopingFilter);

// Scenario 9: isovalue A -> B -> A; the third update is a hit identical to the plain
// contour.
TEST(TrackedCacheFilter, ContourToggleBackHitsWithThePlainOutput)
{
  vtkNew<vtkRTAnalyticSource> wavelet;
  vtkNew<vtkContourFilter> contour;
  auto cached = Wrap(contour, wavelet);
  vtkNew<vtkContourFilter> plain;
  plain->SetInputConnection(wavelet->GetOutputPort());

  const double values[] = { 157.0, 200.0, 157.0 };
  const char* results[] = { "miss", "miss", "hit" };
  for (int step = 0; step < 3; ++step)
  {
    contour->SetValue(0, values[step]);
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), results[step]) << "step " << step;
    plain->SetValue(0, values[step]);
    plain->Update();
    ExpectSameDataSet(OutputDataSet(cached), plain->GetOutput());
  }
  EXPECT_EQ(cached->GetLastReason(), "parameters changed, to a stored result");
  EXPECT_STREQ(cached->GetOutputDataObject(0)->GetClassName(), "vtkPolyData");
  EXPECT_EQ(cached->GetNumberOfHits(), 1);
  EXPECT_EQ(cached->GetNumberOfMisses(), 2);
  EXPECT_EQ(cached->GetParameterDigestSource(), "described");
  EXPECT_GT(OutputDataSet(cached)->GetNumberOfPoints(), 0);
}

TEST(TrackedCacheFilter, NormalsAndCleanGiveThePlainOutput)
{
  auto sphere = MakeSphere(64);
  vtkNew<vtkPolyDataNormals> normals;
  normals->SetFeatureAngle(45.0);
  vtkNew<vtkCleanPolyData> clean;
  clean->SetTolerance(0.02); // merges points: a result that differs from its input
  for (vtkAlgorithm* algorithm : std::vector<vtkAlgorithm*>{ normals, clean })
  {
    auto cached = Wrap(algorithm, sphere);
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), "miss");
    auto plain = vtkSmartPointer<vtkAlgorithm>::Take(algorithm->NewInstance());
    if (auto* plainNormals = vtkPolyDataNormals::SafeDownCast(plain))
    {
      plainNormals->SetFeatureAngle(45.0);
    }
    if (auto* plainClean = vtkCleanPolyData::SafeDownCast(plain))
    {
      plainClean->SetTolerance(0.02);
    }
    plain->SetInputConnection(sphere->GetOutputPort());
    plain->Update();
    ExpectSameDataSet(OutputDataSet(cached), OutputDataSet(plain));
    sphere->Modified();
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), "hit") << algorithm->GetClassName();
    ExpectSameDataSet(OutputDataSet(cached), OutputDataSet(plain));
  }
  EXPECT_LT(OutputDataSet(clean)->GetNumberOfPoints(), sphere->GetOutput()->GetNumberOfPoints());
}

TEST(TrackedCacheFilter, SpuriousModifiedHitsRealChangeMisses)
{
  auto sphere = MakeSphere();
  vtkNew<vtkPolyDataNormals> normals;
  auto cached = Wrap(normals, sphere);
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetLastReason(), "first execution");

  sphere->Modified(); // the source runs again and makes new, equal arrays
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "hit");
  EXPECT_EQ(cached->GetLastReason(), "same content as the last execution");

  sphere->SetRadius(2.0);
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetLastReason(), "input 0 changed");
  EXPECT_NEAR(OutputDataSet(cached)->GetBounds()[1], 2.0, 0.01);
}

TEST(TrackedCacheFilter, NothingChangedDoesNotExecute)
{
  auto sphere = MakeSphere();
  vtkNew<CountingFilter> counting;
  auto cached = Wrap(counting, sphere);
  int executions = 0;
  vtkNew<vtkCallbackCommand> countStart;
  countStart->SetClientData(&executions);
  countStart->SetCallback(
    [](vtkObject*, unsigned long, void* count, void*) { ++*static_cast<int*>(count); });
  cached->AddObserver(vtkCommand::StartEvent, countStart);
  cached->Update();
  cached->Update();
  cached->Update();
  EXPECT_EQ(executions, 1) << "the pipeline runs the filter only when something changed";
  EXPECT_EQ(counting->Executions, 1);
  EXPECT_EQ(cached->GetNumberOfHits() + cached->GetNumberOfMisses(), 1);

  sphere->Modified();
  cached->Update();
  EXPECT_EQ(executions, 2);
  EXPECT_EQ(counting->Executions, 1) << "served from the cache";
}

TEST(TrackedCacheFilter, TimeStepsAndPiecesAreKeyedSeparately)
{
  vtkNew<TimeStepSource> source;
  vtkNew<vtkElevationFilter> elevation;
  auto cached = Wrap(elevation, source);
  cached->UpdateInformation();
  vtkInformation* outputInfo = cached->GetOutputInformation(0);
  ASSERT_TRUE(outputInfo->Has(vtkStreamingDemandDrivenPipeline::TIME_STEPS()))
    << "the filter advertises its input's time steps";
  EXPECT_EQ(outputInfo->Length(vtkStreamingDemandDrivenPipeline::TIME_STEPS()), 3);

  const double times[] = { 0.0, 1.0, 0.0, 2.0 };
  const char* results[] = { "miss", "miss", "hit", "miss" };
  for (int step = 0; step < 4; ++step)
  {
    cached->UpdateTimeStep(times[step]);
    EXPECT_EQ(cached->GetLastResult(), results[step]) << "time " << times[step];
    EXPECT_EQ(
      cached->GetOutputDataObject(0)->GetInformation()->Get(vtkDataObject::DATA_TIME_STEP()),
      times[step]);
  }
  EXPECT_EQ(cached->GetLastReason(), "request changed") << "the same data, another time";

  auto sphere = MakeSphere();
  vtkNew<vtkPolyDataNormals> normals;
  auto pieces = Wrap(normals, sphere);
  const int piece[] = { 0, 1, 0 };
  const char* pieceResults[] = { "miss", "miss", "hit" };
  vtkNew<vtkPolyDataNormals> plain;
  plain->SetInputConnection(sphere->GetOutputPort());
  for (int step = 0; step < 3; ++step)
  {
    pieces->UpdatePiece(piece[step], 2, 0);
    EXPECT_EQ(pieces->GetLastResult(), pieceResults[step]) << "piece " << piece[step];
    plain->UpdatePiece(piece[step], 2, 0);
    ExpectSameDataSet(OutputDataSet(pieces), plain->GetOutput());
  }
}

TEST(TrackedCacheFilter, TemporalAndStreamingAlgorithmsAreRefused)
{
  {
    vtkNew<vtkTrackedCacheFilter> cached;
    ErrorCatcher errors(cached);
    vtkNew<vtkMultiTimeStepAlgorithm> multiTimeStep;
    cached->SetAlgorithm(multiTimeStep);
    EXPECT_TRUE(errors.Caught("Cannot wrap a vtkMultiTimeStepAlgorithm: it asks its inputs for "
                              "several time steps in one update"));
    EXPECT_EQ(cached->GetAlgorithm(), nullptr);
  }
  vtkNew<TimeStepSource> steps;
  auto sphere = MakeSphere();
  for (bool overPieces : { false, true })
  {
    vtkNew<LoopingFilter> looping;
    looping->OverPieces = overPieces;
    auto cached = Wrap(looping, overPieces ? static_cast<vtkAlgorithm*>(sphere) : steps);
    ErrorCatcher errors(cached);
    vtkNew<vtkCallbackCommand> silence;
    cached->GetExecutive()->AddObserver(vtkCommand::ErrorEvent, silence);
    cached->Update();
    EXPECT_TRUE(errors.Caught("The wrapped LoopingFilter failed: it asked "));
    EXPECT_TRUE(errors.Caught("(a temporal or streaming algorithm)"));
    EXPECT_EQ(cached->GetLastResult(), "failed");
    EXPECT_EQ(cached->GetCache()->GetNumberOfEntries(), 0) << "nothing stored";
    EXPECT_EQ(OutputDataSet(cached)->GetNumberOfPoints(), 0) << "the output is empty";
  }
}

TEST(TrackedCacheFilter, CompositeInputIsCachedBlockByBlock)
{
  vtkNew<vtkMultiBlockDataSet> blocks;
  blocks->SetNumberOfBlocks(2);
  auto first = MakeSphere();
  auto second = MakeSphere(16);
  second->SetCenter(3.0, 0.0, 0.0);
  first->Update();
  second->Update();
  blocks->SetBlock(0, first->GetOutput());
  blocks->SetBlock(1, second->GetOutput());
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(blocks);

  vtkNew<vtkPolyDataNormals> normals;
  auto cached = Wrap(normals, producer);
  cached->Update();
  auto* output = vtkMultiBlockDataSet::SafeDownCast(cached->GetOutputDataObject(0));
  ASSERT_NE(output, nullptr);
  ASSERT_EQ(output->GetNumberOfBlocks(), 2u);
  vtkNew<vtkPolyDataNormals> plain;
  plain->SetInputConnection(producer->GetOutputPort());
  plain->Update();
  auto* expected = vtkMultiBlockDataSet::SafeDownCast(plain->GetOutputDataObject(0));
  for (unsigned int block = 0; block < 2; ++block)
  {
    ExpectSameDataSet(vtkDataSet::SafeDownCast(output->GetBlock(block)),
      vtkDataSet::SafeDownCast(expected->GetBlock(block)));
  }
  EXPECT_EQ(cached->GetNumberOfMisses(), 2);

  // One block changes: only it is computed again.
  second->SetRadius(2.0);
  second->Update();
  blocks->Modified(); // a composite's MTime does not include its blocks'
  cached->Update();
  EXPECT_EQ(cached->GetNumberOfHits(), 1);
  EXPECT_EQ(cached->GetNumberOfMisses(), 3);
  plain->Update();
  expected = vtkMultiBlockDataSet::SafeDownCast(plain->GetOutputDataObject(0));
  output = vtkMultiBlockDataSet::SafeDownCast(cached->GetOutputDataObject(0));
  ExpectSameDataSet(
    vtkDataSet::SafeDownCast(output->GetBlock(1)), vtkDataSet::SafeDownCast(expected->GetBlock(1)));
}

TEST(TrackedCacheFilter, TwoInputsAreBothInTheKey)
{
  auto sphere = MakeSphere();
  sphere->SetRadius(5.0);
  vtkNew<vtkRTAnalyticSource> wavelet;
  vtkNew<vtkProbeFilter> probe;
  auto cached = Wrap(probe, nullptr);
  cached->SetInputConnection(0, sphere->GetOutputPort());
  cached->SetInputConnection(1, wavelet->GetOutputPort());
  cached->Update();
  vtkNew<vtkProbeFilter> plain;
  plain->SetInputConnection(0, sphere->GetOutputPort());
  plain->SetInputConnection(1, wavelet->GetOutputPort());
  plain->Update();
  ExpectSameDataSet(OutputDataSet(cached), plain->GetOutput());
  ASSERT_NE(OutputDataSet(cached)->GetPointData()->GetArray("RTData"), nullptr);

  wavelet->Modified();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "hit");
  wavelet->SetMaximum(500.0);
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetLastReason(), "input 1 changed");
  plain->Update();
  ExpectSameDataSet(OutputDataSet(cached), plain->GetOutput());
}

// A consumer that edits a served output in place (and says so with Modified()) must not
// get the edited data back from a later hit.
TEST(TrackedCacheFilter, OutputModifiedByAConsumerIsNotServedAgain)
{
  auto sphere = MakeSphere();
  vtkNew<vtkPolyDataNormals> normals;
  auto cached = Wrap(normals, sphere);
  cached->Update();
  vtkDataArray* served = OutputDataSet(cached)->GetPointData()->GetNormals();
  const double original = served->GetComponent(0, 0);
  served->SetComponent(0, 0, 42.0);
  served->Modified();

  sphere->Modified();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetLastReason(), "stored result gone (tampered)");
  EXPECT_EQ(OutputDataSet(cached)->GetPointData()->GetNormals()->GetComponent(0, 0), original);
}

// The same for the arrays an output's GetMTime() leaves out: cell connectivity and types.
TEST(TrackedCacheFilter, EditedCellsOfAServedOutputAreNotServedAgain)
{
  auto sphere = MakeSphere();
  vtkNew<vtkPolyDataNormals> normals;
  vtkNew<vtkRTAnalyticSource> wavelet;
  vtkNew<vtkThreshold> threshold;
  threshold->SetLowerThreshold(100);
  threshold->SetUpperThreshold(200);
  threshold->SetInputArrayToProcess(0, 0, 0, vtkDataObject::FIELD_ASSOCIATION_POINTS, "RTData");
  using CellsOf = vtkDataArray* (*)(vtkDataSet*);
  const std::vector<std::pair<vtkAlgorithm*, CellsOf>> cases = {
    { normals,
      [](vtkDataSet* output)
      { return vtkPolyData::SafeDownCast(output)->GetPolys()->GetConnectivityArray(); } },
    { threshold,
      [](vtkDataSet* output) -> vtkDataArray*
      {
        auto* grid = vtkUnstructuredGrid::SafeDownCast(output);
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 6, 0)
        return grid->GetCellTypes();
#else
        return grid->GetCellTypesArray();
#endif
      } },
  };
  for (const auto& edit : cases)
  {
    SCOPED_TRACE(edit.first->GetClassName());
    vtkAlgorithm* upstream = edit.first == normals.GetPointer()
      ? static_cast<vtkAlgorithm*>(sphere)
      : static_cast<vtkAlgorithm*>(wavelet);
    auto cached = Wrap(edit.first, upstream);
    cached->Update();
    vtkDataArray* cells = edit.second(OutputDataSet(cached));
    const double original = cells->GetComponent(0, 0);
    cells->SetComponent(0, 0, original == 1 ? 2 : 1);
    cells->Modified();

    upstream->Modified();
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), "miss");
    EXPECT_EQ(cached->GetLastReason(), "stored result gone (tampered)");
    EXPECT_EQ(edit.second(OutputDataSet(cached))->GetComponent(0, 0), original);
  }
}

// Content validation also catches a raw write that called no Modified().
TEST(TrackedCacheFilter, ContentModeCatchesRawWritesIntoServedOutputs)
{
  auto sphere = MakeSphere();
  vtkNew<vtkPolyDataNormals> normals;
  auto cached = Wrap(normals, sphere);
  cached->GetCache()->SetValidationModeToContent();
  cached->Update();
  auto* served = vtkFloatArray::SafeDownCast(OutputDataSet(cached)->GetPointData()->GetNormals());
  ASSERT_NE(served, nullptr);
  const float original = served->GetValue(0);
  served->GetPointer(0)[0] = 42.0f; // no Modified()

  sphere->Modified();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetLastReason(), "stored result gone (tampered)");
  served = vtkFloatArray::SafeDownCast(OutputDataSet(cached)->GetPointData()->GetNormals());
  EXPECT_EQ(served->GetValue(0), original);
  sphere->Modified();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "hit") << "what was stored again is served";
}

TEST(TrackedCacheFilter, FiltersSharingACacheShareResults)
{
  vtkNew<vtkTrackedArrayCache> shared;
  vtkNew<vtkRTAnalyticSource> wavelet;
  vtkNew<vtkContourFilter> firstContour;
  vtkNew<vtkContourFilter> secondContour;
  firstContour->SetValue(0, 180.0);
  secondContour->SetValue(0, 180.0);
  auto first = Wrap(firstContour, wavelet);
  auto second = Wrap(secondContour, wavelet);
  first->SetCache(shared);
  second->SetCache(shared);
  first->Update();
  second->Update();
  EXPECT_EQ(first->GetLastResult(), "miss");
  EXPECT_EQ(second->GetLastResult(), "hit") << "an equally configured contour of equal data";
  EXPECT_EQ(second->GetLastReason(), "first execution, stored earlier");
  EXPECT_EQ(shared->GetNumberOfEntries(), 1);
  EXPECT_GT(shared->GetMemoryUsage(), 0);

  // One budget: a budget below the entry's size keeps nothing.
  shared->SetMemoryBudget(1);
  EXPECT_EQ(shared->GetNumberOfEntries(), 0);
  secondContour->SetValue(0, 190.0);
  second->Update();
  EXPECT_EQ(second->GetLastResult(), "miss");
  EXPECT_EQ(shared->GetNumberOfEntries(), 0);
}

TEST(TrackedCacheFilter, ParameterDigestFollowsParametersOnly)
{
  vtkNew<vtkContourFilter> contour;
  vtkNew<vtkTrackedCacheFilter> cached;
  EXPECT_EQ(cached->GetParameterDigest(), "");
  cached->SetAlgorithm(contour);
  cached->TrustPrintedStateOn(); // the digest's text, also on a VTK where it is not described
  contour->SetValue(0, 1.0);
  const std::string digest = cached->GetParameterDigest();
  EXPECT_EQ(digest.rfind("xxh3-128:", 0), 0u);

  // State that is not a parameter.
  contour->DebugOn();
  contour->DebugOff();
  vtkNew<vtkCallbackCommand> observer;
  contour->AddObserver(vtkCommand::ProgressEvent, observer);
  contour->SetProgressText("busy");
  contour->SetProgressText(nullptr);
  EXPECT_EQ(cached->GetParameterDigest(), digest);

  // Parameters, down to the last digit, and those its printout lacks.
  contour->SetValue(0, 1.0 + 1e-12);
  EXPECT_NE(cached->GetParameterDigest(), digest);
  contour->SetValue(0, 1.0);
  EXPECT_EQ(cached->GetParameterDigest(), digest);
  contour->SetGenerateTriangles(!contour->GetGenerateTriangles());
  EXPECT_NE(cached->GetParameterDigest(), digest);
  contour->SetGenerateTriangles(!contour->GetGenerateTriangles());
  contour->SetInputArrayToProcess(
    0, 0, 0, vtkDataObject::FIELD_ASSOCIATION_POINTS, "another array");
  EXPECT_NE(cached->GetParameterDigest(), digest) << "the array to process is a parameter";

  cached->SetParameterKey("isovalue 1");
  EXPECT_EQ(cached->GetParameterDigestSource(), "parameter-key");
  const std::string keyed = cached->GetParameterDigest();
  contour->SetValue(0, 5.0);
  EXPECT_EQ(cached->GetParameterDigest(), keyed) << "the key names the parameters";
}

// A class whose printout is not known to be complete: results are reused only while
// the algorithm is untouched.
TEST(TrackedCacheFilter, UndescribedAlgorithmsAreKeyedByInstance)
{
  auto sphere = MakeSphere();
  vtkNew<CountingFilter> counting;
  auto cached = Wrap(counting, sphere);
  EXPECT_EQ(cached->GetParameterDigestSource(), "instance");
  cached->Update();
  sphere->Modified();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "hit") << "a spurious upstream Modified()";
  counting->Modified(); // a parameter the printout may not show
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_EQ(cached->GetLastReason(), "parameters changed");

  vtkNew<CountingFilter> other;
  auto otherCached = Wrap(other, sphere);
  otherCached->SetCache(cached->GetCache());
  otherCached->Update();
  EXPECT_EQ(otherCached->GetLastResult(), "miss") << "another instance shares nothing";

  cached->TrustPrintedStateOn();
  otherCached->TrustPrintedStateOn();
  EXPECT_EQ(cached->GetParameterDigestSource(), "described");
  EXPECT_EQ(cached->GetParameterDigest(), otherCached->GetParameterDigest());
  cached->Update();
  otherCached->Update();
  EXPECT_EQ(otherCached->GetLastResult(), "hit") << "trusted printouts are shared";
}

TEST(TrackedCacheFilter, RegisteredDescriptionsAreListed)
{
  const int described = vtkTrackedCacheFilter::GetNumberOfDescribedClasses();
  std::vector<std::string> names;
  for (int index = 0; index < described; ++index)
  {
    names.push_back(vtkTrackedCacheFilter::GetDescribedClassName(index));
  }
  for (const char* builtIn :
    { "vtkContourFilter", "vtkPolyDataNormals", "vtkCleanPolyData", "vtkQuadricDecimation" })
  {
    EXPECT_NE(std::find(names.begin(), names.end(), builtIn), names.end()) << builtIn;
  }
  vtkTrackedCacheFilter::RegisterParameterDescription("DescribedFilter",
    [](vtkAlgorithm* algorithm, std::ostream& os)
    { os << "fails " << static_cast<DescribedFilter*>(algorithm)->Fails << "\n"; });
  EXPECT_EQ(vtkTrackedCacheFilter::GetNumberOfDescribedClasses(), described + 1);
  vtkNew<DescribedFilter> counting;
  vtkNew<vtkTrackedCacheFilter> cached;
  cached->SetAlgorithm(counting);
  EXPECT_EQ(cached->GetParameterDigestSource(), "described");
  const std::string digest = cached->GetParameterDigest();
  counting->Fails = CountingFilter::ReportsError;
  counting->Modified();
  EXPECT_NE(cached->GetParameterDigest(), digest) << "the description is in the digest";
}

TEST(TrackedCacheFilter, ProgressIsForwarded)
{
  vtkNew<vtkRTAnalyticSource> wavelet;
  wavelet->SetWholeExtent(-30, 30, -30, 30, -30, 30);
  vtkNew<vtkContourFilter> contour;
  contour->SetValue(0, 150.0);
  auto cached = Wrap(contour, wavelet);
  std::vector<double> progress;
  vtkNew<vtkCallbackCommand> observer;
  observer->SetClientData(&progress);
  observer->SetCallback([](vtkObject*, unsigned long, void* values, void* fraction)
    { static_cast<std::vector<double>*>(values)->push_back(*static_cast<double*>(fraction)); });
  cached->AddObserver(vtkCommand::ProgressEvent, observer);
  cached->Update();
  ASSERT_GT(progress.size(), 3u) << "hashing, the algorithm's own progress, and the end";
  EXPECT_EQ(progress.front(), 0.0);
  EXPECT_EQ(progress.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  const auto inside = std::count_if(
    progress.begin(), progress.end(), [](double value) { return value > 0.05 && value < 1.0; });
  EXPECT_GT(inside, 0) << "the wrapped contour's progress reaches the filter's observers";
}

TEST(TrackedCacheFilter, EachExecutionIsLogged)
{
  LogCapture log;
  const std::vector<std::string>& lines = log.Lines;
  auto sphere = MakeSphere();
  vtkNew<vtkPolyDataNormals> normals;
  auto cached = Wrap(normals, sphere);
  cached->SetLogVerbosity(vtkLogger::VERBOSITY_INFO);
  cached->Update();
  sphere->Modified();
  cached->Update();
  log.Stop();
  std::vector<std::string> own;
  for (const auto& line : lines)
  {
    if (line.find("vtkTrackedCacheFilter") != std::string::npos)
    {
      own.push_back(line);
    }
  }
  ASSERT_EQ(own.size(), 2u);
  EXPECT_NE(own[0].find("vtkPolyDataNormals: miss (first execution)"), std::string::npos) << own[0];
  EXPECT_NE(own[1].find(": hit (same content as the last execution)"), std::string::npos) << own[1];
}

TEST(TrackedCacheFilter, StatisticsCountTimeSpentAndSaved)
{
  vtkNew<vtkRTAnalyticSource> wavelet;
  vtkNew<vtkContourFilter> contour;
  contour->SetValue(0, 150.0);
  auto cached = Wrap(contour, wavelet);
  cached->Update();
  const double computed = cached->GetComputeSeconds();
  EXPECT_GT(computed, 0.0);
  EXPECT_EQ(cached->GetSecondsSaved(), 0.0);
  wavelet->Modified();
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "hit");
  EXPECT_EQ(cached->GetComputeSeconds(), computed) << "a hit runs nothing";
  EXPECT_GE(cached->GetSecondsSaved(), 0.0);
  EXPECT_GT(cached->GetLastExecutionSeconds(), 0.0);
  cached->ResetStatistics();
  EXPECT_EQ(cached->GetNumberOfHits(), 0);
  EXPECT_EQ(cached->GetNumberOfMisses(), 0);
  EXPECT_EQ(cached->GetComputeSeconds(), 0.0);

  ExpectPrintsEvery(cached,
    { "Algorithm: vtkContourFilter", "Cache:", "DiskCache:", "Controller:", "PerBlock: no",
      "ParameterKey:", "TrustPrintedState: Off", "ParameterDigest: xxh3-128:", "LogVerbosity:",
      "NumberOfHits: 0", "NumberOfMisses: 0", "ComputeSeconds:", "SecondsSaved:", "LastResult: hit",
      "LastReason:", "LastExecutionSeconds:" });
}

TEST(TrackedCacheFilter, BadInputsAreClearErrorsAndTouchNothing)
{
  auto sphere = MakeSphere();
  {
    vtkNew<vtkTrackedCacheFilter> cached;
    ErrorCatcher errors(cached);
    cached->SetInputConnection(sphere->GetOutputPort());
    cached->Update();
    EXPECT_TRUE(errors.Caught("No algorithm to run: call SetAlgorithm() first."));
    EXPECT_EQ(cached->GetLastResult(), "failed");
    EXPECT_EQ(cached->GetCache()->GetNumberOfEntries(), 0);

    cached->SetAlgorithm(cached);
    EXPECT_TRUE(errors.Caught("cannot wrap itself"));
    EXPECT_EQ(cached->GetAlgorithm(), nullptr);
    vtkNew<vtkTrackedCacheFilter> outer;
    outer->SetAlgorithm(cached);
    cached->SetAlgorithm(outer); // a cycle through another filter
    EXPECT_TRUE(errors.Caught("directly or through the filters it wraps"));
    EXPECT_EQ(cached->GetAlgorithm(), nullptr);
    outer->SetAlgorithm(nullptr);
    cached->SetCache(nullptr);
    EXPECT_TRUE(errors.Caught("The cache cannot be null."));
    EXPECT_NE(cached->GetCache(), nullptr);
  }
  for (auto failure : { CountingFilter::ReturnsFailure, CountingFilter::ReportsError })
  {
    vtkNew<CountingFilter> failing;
    failing->Fails = failure;
    auto cached = Wrap(failing, sphere);
    ErrorCatcher errors(cached);
    cached->Update();
    EXPECT_TRUE(errors.Caught("The wrapped CountingFilter failed: "));
    EXPECT_TRUE(
      failure != CountingFilter::ReportsError || errors.Caught("Cannot count these points."))
      << "the algorithm's own message is passed on";
    EXPECT_EQ(cached->GetLastResult(), "failed");
    EXPECT_EQ(cached->GetCache()->GetNumberOfEntries(), 0) << "nothing stored";
    EXPECT_EQ(OutputDataSet(cached)->GetNumberOfPoints(), 0) << "the output is empty";

    failing->Fails = CountingFilter::None; // fixed, as a setter would: Modified()
    failing->Modified();
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), "miss");
    EXPECT_EQ(cached->GetCache()->GetNumberOfEntries(), 1);
  }
  {
    // The filter's ports require what the algorithm's do: image data into normals is
    // refused by the pipeline before anything runs.
    vtkNew<vtkRTAnalyticSource> wavelet;
    vtkNew<vtkPolyDataNormals> normals;
    auto cached = Wrap(normals, wavelet);
    vtkNew<vtkCallbackCommand> silence;
    cached->GetExecutive()->AddObserver(vtkCommand::ErrorEvent, silence);
    cached->Update();
    EXPECT_EQ(cached->GetLastResult(), "");
    EXPECT_EQ(cached->GetCache()->GetNumberOfEntries(), 0);
  }
}

TEST(TrackedCacheFilter, SettingAnAlgorithmSetsThePorts)
{
  vtkNew<vtkTrackedCacheFilter> cached;
  EXPECT_EQ(cached->GetNumberOfInputPorts(), 1);
  vtkNew<vtkProbeFilter> probe;
  cached->SetAlgorithm(probe);
  EXPECT_EQ(cached->GetNumberOfInputPorts(), 2);
  EXPECT_EQ(cached->GetNumberOfOutputPorts(), 1);
  auto sphere = MakeSphere();
  cached->SetInputConnection(0, sphere->GetOutputPort());
  cached->SetInputConnection(1, sphere->GetOutputPort());
  cached->Update();
  EXPECT_EQ(probe->GetNumberOfInputConnections(0), 1) << "fed by the filter";

  // Connecting the algorithm itself instead of the filter is an error, not ignored.
  vtkNew<vtkSphereSource> other;
  other->SetRadius(3);
  probe->SetInputConnection(1, other->GetOutputPort());
  {
    ErrorCatcher errors(cached);
    cached->Update();
    EXPECT_TRUE(errors.Caught("Input port 1 of the wrapped vtkProbeFilter was connected "
                              "directly: connect the filter's input port 1 instead"));
    EXPECT_EQ(cached->GetLastResult(), "failed");
    EXPECT_EQ(OutputDataSet(cached)->GetNumberOfPoints(), 0) << "the output is empty";
  }
  cached->SetInputConnection(1, other->GetOutputPort()); // as the message says
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  vtkNew<vtkProbeFilter> plain;
  plain->SetInputConnection(0, sphere->GetOutputPort());
  plain->SetInputConnection(1, other->GetOutputPort());
  plain->Update();
  ExpectSameDataSet(OutputDataSet(cached), plain->GetOutput());

  // An algorithm whose ports change after it was set: an error, never a port out of range.
  vtkNew<CountingFilter> growing;
  cached->SetAlgorithm(growing);
  cached->SetInputConnection(sphere->GetOutputPort());
  growing->GrowInputPorts();
  {
    ErrorCatcher errors(cached);
    cached->Update();
    EXPECT_TRUE(errors.Caught("now has 2 input and 1 output ports"));
  }
  cached->SetAlgorithm(nullptr);
  cached->SetAlgorithm(growing); // set again: the filter takes its ports
  EXPECT_EQ(cached->GetNumberOfInputPorts(), 2);

  vtkNew<vtkSphereSource> source;
  cached->SetAlgorithm(source);
  EXPECT_EQ(cached->GetNumberOfInputPorts(), 0);
  EXPECT_EQ(probe->GetNumberOfInputConnections(0), 0) << "a released algorithm is disconnected";
  cached->Update();
  EXPECT_EQ(cached->GetLastResult(), "miss");
  EXPECT_GT(OutputDataSet(cached)->GetNumberOfPoints(), 0) << "a wrapped source works too";
}
}
