// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedInputProducer
 * @brief Private: feeds one input of vtkTrackedCacheFilter to the algorithm it wraps.
 *
 * A vtkTrivialProducer that also advertises the pipeline meta-data the filter's own
 * input carries (whole extent, time steps and range, origin, spacing, direction, bounds,
 * active attribute types, whether it can produce sub-extents or pieces), so that the
 * wrapped algorithm's RequestInformation and RequestUpdateExtent see what they would
 * see connected in the filter's place. It holds its data only while the algorithm runs,
 * and tells afterwards whether the algorithm asked for another time step or piece.
 *
 * @sa
 * vtkTrackedPrivatePipeline vtkTrackedCacheFilter
 */

#ifndef vtkTrackedInputProducer_h
#define vtkTrackedInputProducer_h

#include "vtkNew.h"                 // for the meta-data
#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrivialProducer.h"

VTK_ABI_NAMESPACE_BEGIN
class vtkInformation;
VTK_ABI_NAMESPACE_END

class vtkTrackedInputProducer : public vtkTrivialProducer
{
public:
  static vtkTrackedInputProducer* New();
  vtkTypeMacro(vtkTrackedInputProducer, vtkTrivialProducer);
  void PrintSelf(ostream& os, vtkIndent indent) override;

  /**
   * Produces a shallow copy of `input` with the meta-data of `inputInformation` (the
   * filter's input connection information).
   */
  void Feed(vtkDataObject* input, vtkInformation* inputInformation);

  /**
   * Lets go of the data and meta-data.
   */
  void Release();

  /**
   * After the algorithm ran: whether it asked for the time step and piece the filter's
   * input holds (what the filter's pipeline requested for it). A temporal or streaming
   * algorithm asks for others, which this producer cannot provide; `asked` then says
   * what it asked for.
   */
  bool AskedForWhatItHolds(std::string& asked);

  vtkTypeBool ProcessRequest(
    vtkInformation* request, vtkInformationVector** inputs, vtkInformationVector* outputs) override;

protected:
  vtkTrackedInputProducer() = default;
  ~vtkTrackedInputProducer() override = default;

private:
  vtkTrackedInputProducer(const vtkTrackedInputProducer&) = delete;
  void operator=(const vtkTrackedInputProducer&) = delete;

  vtkNew<vtkInformation> MetaData;
  vtkNew<vtkInformation> Request; // the time step and piece the filter's input holds
};

#endif
