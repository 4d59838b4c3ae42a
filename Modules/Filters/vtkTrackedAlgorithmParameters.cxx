// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedAlgorithmParameters.h"

#include "vtkAlgorithm.h"
#include "vtkCleanPolyData.h"
#include "vtkContourFilter.h"
#include "vtkDelaunay3D.h"
#include "vtkIncrementalPointLocator.h"
#include "vtkInformation.h"
#include "vtkInformationIterator.h"
#include "vtkInformationKey.h"
#include "vtkInformationVector.h"
#include "vtkNew.h"
#include "vtkQuadricDecimation.h"
#include "vtkThreshold.h"
#include "vtkTriangleFilter.h"
#include "vtkVersionMacros.h"
#include "vtkWindowedSincPolyDataFilter.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

namespace
{
// Lines that change when no parameter did (state of the object, of the pipeline, of
// its observers), and the scalar tree vtkContourFilter builds lazily, which changes how
// fast it finds cells, not which.
const std::set<std::string>& VolatileKeys()
{
  static const std::set<std::string> keys = { "Debug", "Modified Time", "Reference Count",
    "Registered Events", "Executive", "ErrorCode", "Information", "AbortExecute", "Progress",
    "Progress Text", "Scalar Tree" };
  return keys;
}

std::size_t Indentation(const std::string& line)
{
  const std::size_t first = line.find_first_not_of(' ');
  return first == std::string::npos ? line.size() : first;
}

std::string KeyOf(const std::string& line)
{
  const std::size_t begin = Indentation(line);
  const std::size_t colon = line.find(':', begin);
  return line.substr(begin, colon == std::string::npos ? std::string::npos : colon - begin);
}

// `replaced`: lines a registered description prints in its own way.
std::string NormalizedPrintout(vtkAlgorithm* algorithm, const std::set<std::string>& replaced)
{
  std::ostringstream printed;
  printed.precision(17);
  algorithm->PrintSelf(printed, vtkIndent());
  static const std::regex address("0x[0-9a-fA-F]+");
  std::istringstream lines(printed.str());
  std::ostringstream normalized;
  normalized << algorithm->GetClassName() << "\n";
  std::string line;
  // Registered Events lists the observers below it, more indented: skipped with it.
  std::size_t skipDeeperThan = std::string::npos;
  while (std::getline(lines, line))
  {
    const std::size_t indentation = Indentation(line);
    if (skipDeeperThan != std::string::npos && indentation > skipDeeperThan)
    {
      continue;
    }
    skipDeeperThan = std::string::npos;
    const std::string key = KeyOf(line);
    if (VolatileKeys().count(key) || replaced.count(key))
    {
      if (key == "Registered Events")
      {
        skipDeeperThan = indentation;
      }
      continue;
    }
    if (indentation == line.size())
    {
      continue; // blank
    }
    normalized << std::regex_replace(line, address, "<object>") << "\n";
  }
  return normalized.str();
}

// The SetInputArrayToProcess() selections, one sorted line per entry.
std::string InputArraysToProcess(vtkAlgorithm* algorithm)
{
  vtkInformationVector* arrays =
    algorithm->GetInformation()->Get(vtkAlgorithm::INPUT_ARRAYS_TO_PROCESS());
  if (!arrays)
  {
    return std::string();
  }
  std::ostringstream text;
  text.precision(17);
  for (int index = 0; index < arrays->GetNumberOfInformationObjects(); ++index)
  {
    vtkInformation* selection = arrays->GetInformationObject(index);
    std::vector<std::string> entries;
    vtkNew<vtkInformationIterator> entry;
    entry->SetInformationWeak(selection);
    for (entry->InitTraversal(); !entry->IsDoneWithTraversal(); entry->GoToNextItem())
    {
      vtkInformationKey* key = entry->GetCurrentKey();
      std::ostringstream value;
      value.precision(17);
      key->Print(value, selection);
      entries.push_back(
        std::string(key->GetLocation()) + "::" + key->GetName() + " " + value.str());
    }
    std::sort(entries.begin(), entries.end());
    text << "input array " << index << ":";
    for (const auto& described : entries)
    {
      text << " " << described;
    }
    text << "\n";
  }
  return text.str();
}

struct Registration
{
  vtkTrackedAlgorithmParameters::Description Describe;
  std::set<std::string> ReplacedLines; // printout lines Describe prints in its own way
  bool Trusted;                        // on this VTK: see OnACheckedRelease()
};

struct Registry
{
  std::mutex Mutex;
  std::map<std::string, Registration> Descriptions;
};

// The releases on which Testing/Python/test_cache_filter.py checked the built-in
// descriptions: it changes every parameter a class has a setter for, and the digest must
// tell each change apart. It passed for every built-in class on each of these; on any
// other release they are not trusted: it may have added a parameter a printout lacks.
bool OnACheckedRelease()
{
  const std::pair<int, int> release(VTK_MAJOR_VERSION, VTK_MINOR_VERSION);
  for (const std::pair<int, int> checked :
    { std::make_pair(9, 1), std::make_pair(9, 2), std::make_pair(9, 7) })
  {
    if (release == checked)
    {
      return true;
    }
  }
  return false;
}

template <typename Algorithm>
void Register(Registry& registry, const char* className,
  std::function<void(Algorithm*, std::ostream&)> describe = nullptr,
  std::set<std::string> replacedLines = {})
{
  registry.Descriptions[className] =
    Registration{ [describe](vtkAlgorithm* algorithm, std::ostream& os)
      {
        if (describe)
        {
          describe(static_cast<Algorithm*>(algorithm), os);
        }
      },
      std::move(replacedLines), OnACheckedRelease() };
}

// A point locator decides which points merge. The printout shows only its address, and
// the filters create one lazily during execution; so: "default" for none or a locator of
// a class the filter would create itself (`defaults`), else its class.
template <typename Algorithm>
std::function<void(Algorithm*, std::ostream&)> DescribeLocator(
  std::set<std::string> defaults, std::function<void(Algorithm*, std::ostream&)> more = nullptr)
{
  return [defaults, more](Algorithm* algorithm, std::ostream& os)
  {
    vtkIncrementalPointLocator* locator = algorithm->GetLocator();
    os << "Locator: "
       << (!locator || defaults.count(locator->GetClassName()) ? "default"
                                                               : locator->GetClassName())
       << "\n";
    if (more)
    {
      more(algorithm, os);
    }
  };
}

// Parameters some releases have and do not print: VTK 9.1 has none of them, ParaView
// 5.11's VTK 9.2 the first, 9.7 all but vtkThreshold's AttributeMode (deprecated in 9.3).
// Each is read from the first checked release that has it on (a class is not trusted on
// the releases in between anyway).
void DescribeQuadricDecimation(vtkQuadricDecimation* decimation, std::ostream& os)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 2, 0)
  os << "Regularize: " << decimation->GetRegularize() << "\n"
     << "Regularization: " << decimation->GetRegularization() << "\n"
     << "WeighBoundaryConstraintsByLength: " << decimation->GetWeighBoundaryConstraintsByLength()
     << "\n"
     << "BoundaryWeightFactor: " << decimation->GetBoundaryWeightFactor() << "\n";
#endif
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  os << "MaximumError: " << decimation->GetMaximumError() << "\n"
     << "MapPointData: " << decimation->GetMapPointData() << "\n";
#endif
  (void)decimation;
  (void)os;
}

void DescribeTriangleFilter(vtkTriangleFilter* triangles, std::ostream& os)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 2, 0)
  os << "Tolerance: " << triangles->GetTolerance() << "\n";
#endif
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  os << "PreservePolys: " << triangles->GetPreservePolys() << "\n";
#endif
  (void)triangles;
  (void)os;
}

void DescribeWindowedSinc(vtkWindowedSincPolyDataFilter* smooth, std::ostream& os)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  os << "WindowFunction: " << smooth->GetWindowFunction() << "\n";
#endif
  (void)smooth;
  (void)os;
}

void DescribeThreshold(vtkThreshold* threshold, std::ostream& os)
{
  os << "Invert: " << threshold->GetInvert() << "\n";
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 2, 0) &&                                            \
  VTK_VERSION_NUMBER < VTK_VERSION_CHECK(9, 3, 0)
  // ParaView 5.11's VTK deprecates it already, and still uses it: it is a parameter.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  os << "AttributeMode: " << threshold->GetAttributeMode() << "\n";
#pragma GCC diagnostic pop
#endif
}

// Built in: VTK filters (VTK::FiltersCore) whose normalized printout, with what is
// added here, names every parameter on the releases they are trusted on.
Registry& TheRegistry()
{
  static Registry registry;
  static std::once_flag builtIns;
  std::call_once(builtIns,
    []
    {
      for (const char* className :
        { "vtkPolyDataNormals", "vtkDecimatePro", "vtkSmoothPolyDataFilter", "vtkElevationFilter" })
      {
        Register<vtkAlgorithm>(registry, className);
      }
      Register<vtkQuadricDecimation>(registry, "vtkQuadricDecimation", DescribeQuadricDecimation);
      Register<vtkTriangleFilter>(registry, "vtkTriangleFilter", DescribeTriangleFilter);
      Register<vtkWindowedSincPolyDataFilter>(
        registry, "vtkWindowedSincPolyDataFilter", DescribeWindowedSinc);
      Register<vtkContourFilter>(registry, "vtkContourFilter",
        DescribeLocator<vtkContourFilter>({ "vtkMergePoints" },
          [](vtkContourFilter* contour, std::ostream& os)
          {
            os << "GenerateTriangles: " << contour->GetGenerateTriangles() << "\n";
            os << "ArrayComponent: " << contour->GetArrayComponent() << "\n";
          }),
        { "Locator" });
      Register<vtkCleanPolyData>(registry, "vtkCleanPolyData",
        DescribeLocator<vtkCleanPolyData>({ "vtkMergePoints", "vtkPointLocator" },
          [](vtkCleanPolyData* clean, std::ostream& os)
          {
            os << "Tolerance value: " << clean->GetTolerance() << "\n";
            os << "AbsoluteTolerance value: " << clean->GetAbsoluteTolerance() << "\n";
          }),
        { "Locator" });
      Register<vtkDelaunay3D>(registry, "vtkDelaunay3D",
        DescribeLocator<vtkDelaunay3D>({ "vtkPointLocator" }), { "Locator" });
      Register<vtkThreshold>(registry, "vtkThreshold", DescribeThreshold);
    });
  return registry;
}
}

std::string vtkTrackedAlgorithmParameters::PrintedParameters(vtkAlgorithm* algorithm)
{
  std::set<std::string> replaced;
  {
    Registry& registry = TheRegistry();
    std::lock_guard<std::mutex> lock(registry.Mutex);
    auto found = registry.Descriptions.find(algorithm->GetClassName());
    if (found != registry.Descriptions.end())
    {
      replaced = found->second.ReplacedLines;
    }
  }
  return NormalizedPrintout(algorithm, replaced) + InputArraysToProcess(algorithm);
}

bool vtkTrackedAlgorithmParameters::DescribedParameters(
  vtkAlgorithm* algorithm, std::string& description)
{
  vtkTrackedAlgorithmParameters::Description describe;
  bool trusted = false;
  {
    Registry& registry = TheRegistry();
    std::lock_guard<std::mutex> lock(registry.Mutex);
    auto found = registry.Descriptions.find(algorithm->GetClassName());
    if (found == registry.Descriptions.end())
    {
      description.clear();
      return false;
    }
    describe = found->second.Describe;
    trusted = found->second.Trusted;
  }
  std::ostringstream text;
  text.precision(17);
  describe(algorithm, text);
  description = text.str();
  return trusted;
}

void vtkTrackedAlgorithmParameters::RegisterParameterDescription(
  const std::string& className, vtkTrackedAlgorithmParameters::Description describe)
{
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.Mutex);
  if (!describe)
  {
    describe = [](vtkAlgorithm*, std::ostream&) {};
  }
  registry.Descriptions[className] = Registration{ std::move(describe), {}, true };
}

bool vtkTrackedAlgorithmParameters::RegisterParameterDescriptionLike(
  const std::string& className, const std::string& describedClassName)
{
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.Mutex);
  auto described = registry.Descriptions.find(describedClassName);
  if (described == registry.Descriptions.end() || !described->second.Trusted)
  {
    return false;
  }
  registry.Descriptions[className] = Registration(described->second);
  return true;
}

std::vector<std::string> vtkTrackedAlgorithmParameters::DescribedClasses()
{
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.Mutex);
  std::vector<std::string> names;
  for (const auto& entry : registry.Descriptions)
  {
    if (entry.second.Trusted)
    {
      names.push_back(entry.first);
    }
  }
  return names;
}
