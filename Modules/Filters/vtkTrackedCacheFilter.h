// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedCacheFilter
 * @brief Serves an expensive algorithm's output from a vtkTrackedArrayCache.
 *
 * The filter wraps an algorithm (SetAlgorithm()) that keeps its own parameters, and
 * takes its place in the pipeline: it has the algorithm's input and output ports with
 * their requirements, and every pipeline pass but the data pass is handed to the
 * algorithm with the filter's own information, so the filter advertises, requests and
 * produces what the algorithm would (image data in and polydata out for a contour, a
 * composite output for a composite input).
 *
 * On the data pass the filter computes a key: the content digests of all its inputs
 * (every port and connection; vtkTrackedArrayCache::GetDigest(), which hashes only the
 * arrays whose stamp changed), a digest of the algorithm's parameters, and the request
 * (time step, piece, number of pieces, ghost levels, extent). If the cache holds outputs
 * for that key, the filter's outputs become shallow copies of them (a hit); otherwise the
 * algorithm runs on shallow copies of the inputs in a private pipeline, and its outputs
 * are stored (a miss). A spurious Modified() upstream, a reader that re-read the same
 * file, or a parameter toggled A -> B -> A therefore hits. When nothing changed at all,
 * the pipeline does not execute the filter, as for any algorithm.
 *
 * Parameters. SetParameterKey() names the parameters when set. Otherwise the filter
 * derives them from the algorithm's printout (PrintSelf), normalized (17 significant
 * digits; addresses, times, reference counts, observers, progress and debug state
 * removed; other sub-objects reduced to whether they are set), plus its input-array
 * selections, taken again only when the algorithm's MTime changed. A printout is known to
 * name every parameter only for the classes described here (GetDescribedClassName()):
 * built in are vtkContourFilter, vtkPolyDataNormals, vtkCleanPolyData,
 * vtkQuadricDecimation, vtkDecimatePro, vtkDelaunay3D, vtkSmoothPolyDataFilter,
 * vtkWindowedSincPolyDataFilter, vtkTriangleFilter, vtkElevationFilter and vtkThreshold.
 * For some the filter adds what their printout lacks, read at every execution (e.g.
 * vtkContourFilter's GenerateTriangles, which it does not print, and ArrayComponent,
 * whose setter does not even call Modified(); VTK 9.7's vtkQuadricDecimation's
 * Regularize), and their point locator by class ("default" for none or the class the
 * filter creates itself). A test sets every scalar parameter of each to two values and
 * checks that the digest tells them apart, and a built-in class is described only on the
 * VTK releases where that test passed for it (VTK 9.1, 9.2 and 9.7 for all of them): a
 * release may add a parameter its printout lacks, so on any other release it is keyed by
 * instance, as below, until the test has passed there too. For any other class the
 * printout may miss a parameter (vtkCutter shows its cut function only by address), so
 * the digest also names this algorithm object and its MTime: results are reused while its
 * parameters are untouched (a spurious upstream Modified() still hits), but not across a
 * parameter change and back, nor by another filter. SetParameterKey() exists for those
 * algorithms: a key that names their parameters exactly restores full reuse. Set
 * TrustPrintedState to use the printout (and a built-in description, if the class has one
 * on another release) for a class you have checked, or register a description
 * (RegisterParameterDescription(), C++). Nothing here reads what an algorithm reads
 * besides its inputs: a wrapped reader keyed by a parameter key or a trusted printout
 * keeps being served from the cache after its file changed on disk (include the file's
 * time or digest in the key).
 *
 * The cache is the filter's own by default; SetCache() shares one among filters, and one
 * memory budget with it. Entries are content-keyed, so filters sharing a cache and
 * wrapping equally configured algorithms of a described class share results.
 *
 * Served outputs share arrays, points and cells with the stored ones. A consumer that
 * modifies an output in place is detected if it calls Modified() on what it changed, or
 * if it resized or replaced a shared array: each hit compares the stored outputs' stamps
 * (every array's MTime and storage, cell arrays and cell types included; an output's own
 * GetMTime() leaves some of them out), and the cache drops the entry instead
 * of serving it again (reason "tampered"). A raw write with no Modified() into an
 * unchanged buffer is caught only when the cache validates by content
 * (vtkTrackedArrayCache::SetValidationModeToContent()): then each hit re-hashes the stored
 * outputs, and inputs are hashed afresh on every execution.
 *
 * Reports: hits, misses, seconds spent in the algorithm, estimated seconds saved, the
 * last result and why; one vtkLogger line per execution (LogVerbosity). Progress is
 * forwarded from the algorithm, and reported while inputs are hashed.
 *
 * Errors (vtkErrorMacro, outputs emptied, nothing stored): no algorithm, an algorithm
 * that fails (returns failure or reports an error on itself or its executive), an
 * algorithm that asks for other time steps or pieces than its input holds, or executes
 * several times in one update (temporal and streaming algorithms: the filter has only the
 * input the pipeline gave it). Temporal algorithms known by class are refused by
 * SetAlgorithm() already: a vtkMultiTimeStepAlgorithm, a vtkTemporalPathLineFilter (its
 * output depends on its earlier updates) and, on VTK 9.7, a vtkTemporalAlgorithm such as
 * vtkTemporalStatistics. Inputs the filter's ports refuse are reported by the pipeline as
 * for the algorithm itself. An input whose type content digests do not cover is computed
 * without caching, with a warning.
 *
 * The wrapped algorithm belongs to the filter while set: the connections it had become
 * the filter's (a glyph's source, say), its inputs are then the filter's private
 * producers, and its own output is handed to the cache after each execution (read the
 * filter's output, not the algorithm's). Its passes other than the data pass run with the
 * filter's information: an algorithm that reads its own executive there sees the private
 * producers.
 *
 * A composite input into an algorithm that takes data sets is cached block by block: the
 * pipeline executes the filter once per block, as it would the algorithm, and each block
 * execution counts as a hit or a miss.
 *
 * @code{.py}
 * contour = vtkContourFilter()
 * contour.SetValue(0, 157)
 * cached = vtkTrackedCacheFilter()
 * cached.SetAlgorithm(contour)
 * cached.SetInputConnection(wavelet.GetOutputPort())
 * cached.Update()
 * @endcode
 *
 * @sa
 * vtkTrackedArrayCache vtkTrackedDiskCache
 */

#ifndef vtkTrackedCacheFilter_h
#define vtkTrackedCacheFilter_h

#include "vtkAlgorithm.h"
#include "vtkSmartPointer.h"            // for the algorithm and cache
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for export macro

#include <functional> // for parameter descriptions
#include <memory>     // for the private implementation
#include <ostream>    // for parameter descriptions
#include <string>     // for keys

VTK_ABI_NAMESPACE_BEGIN
class vtkDataObject;
class vtkMultiProcessController;
VTK_ABI_NAMESPACE_END

class vtkTrackedArrayCache;
class vtkTrackedDiskCache;

class VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedCacheFilter : public vtkAlgorithm
{
public:
  static vtkTrackedCacheFilter* New();
  vtkTypeMacro(vtkTrackedCacheFilter, vtkAlgorithm);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  ///@{
  /**
   * The wrapped algorithm. Setting it gives the filter the algorithm's ports (input
   * connections beyond the new number of ports are dropped). Errors: the filter itself,
   * an algorithm with no output port.
   */
  void SetAlgorithm(vtkAlgorithm* algorithm);
  vtkAlgorithm* GetAlgorithm();
  ///@}

  ///@{
  /**
   * The data object on an output port (0 by default): GetOutputDataObject().
   */
  vtkDataObject* GetOutput() { return this->GetOutputDataObject(0); }
  vtkDataObject* GetOutput(int port) { return this->GetOutputDataObject(port); }
  ///@}

  ///@{
  /**
   * The cache holding the outputs: the filter's own unless one is set to share. Null is
   * refused.
   */
  void SetCache(vtkTrackedArrayCache* cache);
  vtkTrackedArrayCache* GetCache();
  ///@}

  ///@{
  /**
   * An optional second level: memory first, then disk, then computing (the result is
   * stored in both). Entries of instance-keyed parameters (see the class description)
   * mean nothing to another process and are not written. Null (the default) for none.
   */
  void SetDiskCache(vtkTrackedDiskCache* disk);
  vtkTrackedDiskCache* GetDiskCache();
  ///@}

  ///@{
  /**
   * A text naming the algorithm's parameters exactly; when not empty it replaces the
   * derived parameter digest (see the class description). Empty by default.
   */
  void SetParameterKey(const std::string& key);
  std::string GetParameterKey();
  ///@}

  ///@{
  /**
   * Take the algorithm's normalized printout as naming all its parameters, whatever its
   * class. Off by default: only described classes are trusted.
   */
  void SetTrustPrintedState(bool trust);
  bool GetTrustPrintedState();
  void TrustPrintedStateOn() { this->SetTrustPrintedState(true); }
  void TrustPrintedStateOff() { this->SetTrustPrintedState(false); }
  ///@}

  /**
   * The parameter digest of the algorithm as it is now ("xxh3-128:<32 hex>"), "" with no
   * algorithm.
   */
  std::string GetParameterDigest();

  /**
   * Where the parameter digest comes from: "parameter-key", "described" (a described
   * class, or TrustPrintedState), "instance" (the printout plus this algorithm object and
   * its MTime), "" with no algorithm.
   */
  std::string GetParameterDigestSource();

  ///@{
  /**
   * The printout of a described class names every parameter; a registered `describe`
   * prints what it lacks (may be empty). Registering a class replaces its earlier
   * description. DescribeLike() gives a subclass that adds no parameter (ParaView's
   * vtkPVContourFilter, say) the description of its superclass; false when that one is not
   * described on this VTK. The described classes listed are those of this VTK. Thread-safe.
   */
#ifndef __VTK_WRAP__
  using ParameterDescription = std::function<void(vtkAlgorithm*, std::ostream&)>;
  static void RegisterParameterDescription(
    const std::string& className, ParameterDescription describe);
#endif
  static bool DescribeLike(const std::string& className, const std::string& describedClassName);
  static int GetNumberOfDescribedClasses();
  static std::string GetDescribedClassName(int index);
  ///@}

  ///@{
  /**
   * Statistics since construction or ResetStatistics(): executions served from the
   * cache (memory or disk), of those the ones served from disk, executions that ran the
   * algorithm (misses, including those that could not be cached), seconds spent in the
   * algorithm, and seconds saved (per hit, the stored result's compute time minus the
   * hit's own time).
   */
  vtkTypeInt64 GetNumberOfHits();
  vtkTypeInt64 GetNumberOfDiskHits();
  vtkTypeInt64 GetNumberOfMisses();
  double GetComputeSeconds();
  double GetSecondsSaved();
  void ResetStatistics();
  ///@}

  ///@{
  /**
   * The controller of a parallel run (the global controller by default; null, or one
   * process, for none). With more than one process the filter decides hit or miss
   * collectively: it serves stored outputs only when every process has them, and
   * otherwise every process runs the algorithm, so that an algorithm that communicates
   * runs on all of them together. Every process must then execute the filter for the same
   * updates, as for any parallel VTK filter. When the pipeline runs the filter once per
   * block of a composite input, processes may hold different numbers of blocks: there
   * each process decides alone, and its "on all processes" statistics are its own.
   */
  void SetController(vtkMultiProcessController* controller);
  vtkMultiProcessController* GetController();
  ///@}

  ///@{
  /**
   * The statistics summed over the controller's processes, as of the last execution
   * (reduced during it: reading them communicates nothing). In a serial run, the
   * statistics above.
   */
  vtkTypeInt64 GetNumberOfHitsOnAllProcesses();
  vtkTypeInt64 GetNumberOfMissesOnAllProcesses();
  double GetComputeSecondsOnAllProcesses();
  double GetSecondsSavedOnAllProcesses();
  ///@}

  ///@{
  /**
   * The last execution: its result ("hit", "disk-hit", "miss", "uncached" when the inputs
   * could not be digested, "failed", "" before any), why (what changed since the execution before,
   * or why the cache had nothing), and its duration.
   */
  std::string GetLastResult();
  std::string GetLastReason();
  double GetLastExecutionSeconds();
  ///@}

  ///@{
  /**
   * vtkLogger verbosity of the line logged for each execution; default
   * vtkLogger::VERBOSITY_TRACE.
   */
  void SetLogVerbosity(int verbosity);
  int GetLogVerbosity();
  ///@}

  /**
   * The newest of the filter's own MTime and its algorithm's: changing a parameter of the
   * algorithm re-executes the filter.
   */
  vtkMTimeType GetMTime() override;

  /**
   * The data pass is the filter's; every other pass is the algorithm's.
   */
  vtkTypeBool ProcessRequest(
    vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs) override;

protected:
  vtkTrackedCacheFilter();
  ~vtkTrackedCacheFilter() override;

  int FillInputPortInformation(int port, vtkInformation* info) override;
  int FillOutputPortInformation(int port, vtkInformation* info) override;
  virtual int RequestData(
    vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs);

private:
  vtkTrackedCacheFilter(const vtkTrackedCacheFilter&) = delete;
  void operator=(const vtkTrackedCacheFilter&) = delete;

  class vtkInternals;
  std::unique_ptr<vtkInternals> Internals;
};

#endif
