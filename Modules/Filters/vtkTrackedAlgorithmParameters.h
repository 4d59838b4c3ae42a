// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedAlgorithmParameters.h
 * @brief Private: an algorithm's parameters as text, for vtkTrackedCacheFilter's keys.
 *
 * VTK has no reflection, but every algorithm prints its state (PrintSelf). The text
 * here is that printout normalized so that only parameters remain:
 *
 * - printed with 17 significant digits, so that any change of a double shows;
 * - without what changes when no parameter did: the header's address, Debug, Modified
 *   Time, Reference Count, the observers (Registered Events and what it lists),
 *   Executive, ErrorCode, Information, AbortExecute, Progress, Progress Text, at every
 *   nesting level;
 * - without vtkContourFilter's lazily built scalar tree, which changes speed, not
 *   results;
 * - with every other address replaced by "<object>": that a sub-object is set shows, but
 *   not its state (a registered description may print such a line its own way: the
 *   point locators of vtkContourFilter, vtkCleanPolyData and vtkDelaunay3D by class);
 * - followed by the input arrays the algorithm processes (SetInputArrayToProcess), which
 *   live in its information, not in its printout, sorted.
 *
 * A printout may still leave parameters out (vtkContourFilter does not print
 * GenerateTriangles, vtkCleanPolyData prints Tolerance as On/Off; VTK 9.7's
 * vtkQuadricDecimation does not print Regularize) or show a sub-object only by address
 * (an implicit function). So the text is *complete* only for the classes registered
 * here, each with a description function that prints what its printout lacks.
 *
 * The rule for the built-in descriptions (listed in vtkTrackedCacheFilter's
 * documentation): a class is *trusted*, i.e. described, only on the VTK releases where
 * its completeness test (Testing/Python/test_cache_filter.py, which changes every
 * parameter the class has a setter for) passed (9.1, 9.2 and 9.7 for all of them).
 * On any other release the class keeps its description (TrustPrintedState uses it) but
 * is not trusted, and vtkTrackedCacheFilter keys it by instance, as an undescribed class.
 * A class registered at run time is trusted: whoever registers it vouches for it.
 *
 * @sa
 * vtkTrackedCacheFilter
 */

#ifndef vtkTrackedAlgorithmParameters_h
#define vtkTrackedAlgorithmParameters_h

#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN

#include <functional> // for the description functions
#include <ostream>    // for the description functions
#include <string>     // for the text
#include <vector>     // for the list of classes

VTK_ABI_NAMESPACE_BEGIN
class vtkAlgorithm;
VTK_ABI_NAMESPACE_END

namespace vtkTrackedAlgorithmParameters
{
/**
 * Prints the parameters of an algorithm of a registered class that its PrintSelf()
 * does not show (nothing when it shows them all), with the stream's precision (17).
 */
using Description = std::function<void(vtkAlgorithm*, std::ostream&)>;

/**
 * The normalized printout of `algorithm` (not null) and its input-array selections.
 * Costs a PrintSelf(): worth keeping while the algorithm's MTime stays.
 */
std::string PrintedParameters(vtkAlgorithm* algorithm);

/**
 * Whether the class of `algorithm` is trusted on this VTK, and what its description adds
 * to the printout (also for a built-in class not trusted here; empty for an unregistered
 * class): a few getters, cheap enough to read at every execution (some setters, such as
 * vtkContourFilter::SetArrayComponent in VTK 9.1, do not change the MTime).
 */
bool DescribedParameters(vtkAlgorithm* algorithm, std::string& description);

/**
 * Registers `className` (exactly: not its subclasses, which may add parameters) as
 * described completely by its normalized printout plus `describe` (may be empty), and
 * trusted. Replaces an earlier registration. Thread-safe.
 */
void RegisterParameterDescription(const std::string& className, Description describe);

/**
 * Registers `className` with the description of `describedClassName` (for a subclass that
 * adds no parameter); false if that class is not trusted on this VTK.
 */
bool RegisterParameterDescriptionLike(
  const std::string& className, const std::string& describedClassName);

/**
 * The names of the classes trusted on this VTK, sorted.
 */
std::vector<std::string> DescribedClasses();
}

#endif
