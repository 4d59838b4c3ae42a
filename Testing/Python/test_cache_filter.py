# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""vtkTrackedCacheFilter from Python: DESIGN.md scenario 9 in a pipeline, requests,
composite and two-input use, tamper safety, bad inputs, and a check that every
parameter of every described class reaches the parameter digest."""

import numpy as np
import pytest
import vtkmodules.all as vtk
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.util.vtkAlgorithm import VTKPythonAlgorithmBase

from trackedarraycache import vtkTrackedArrayCache, vtkTrackedCacheFilter


def cached(algorithm, *upstream):
    f = vtkTrackedCacheFilter()
    f.SetAlgorithm(algorithm)
    for port, source in enumerate(upstream):
        f.SetInputConnection(port, source.GetOutputPort())
    return f


def assert_same(actual, expected):
    """Same class, points, cells and every point and cell array, value for value."""
    assert actual.GetClassName() == expected.GetClassName()
    assert actual.GetNumberOfPoints() == expected.GetNumberOfPoints()
    assert actual.GetNumberOfCells() == expected.GetNumberOfCells()
    if actual.GetNumberOfPoints():
        np.testing.assert_array_equal(
            vtk_to_numpy(actual.GetPoints().GetData()), vtk_to_numpy(expected.GetPoints().GetData())
        )
    if isinstance(actual, vtk.vtkPolyData):
        np.testing.assert_array_equal(
            vtk_to_numpy(actual.GetPolys().GetConnectivityArray()),
            vtk_to_numpy(expected.GetPolys().GetConnectivityArray()),
        )
    for attributes in ("GetPointData", "GetCellData"):
        got, wanted = getattr(actual, attributes)(), getattr(expected, attributes)()
        assert got.GetNumberOfArrays() == wanted.GetNumberOfArrays()
        for index in range(wanted.GetNumberOfArrays()):
            name = wanted.GetArrayName(index)
            np.testing.assert_array_equal(
                vtk_to_numpy(got.GetArray(name)), vtk_to_numpy(wanted.GetArray(name)), err_msg=name
            )
    assert vtkTrackedArrayCache.ComputeDigest(actual) == vtkTrackedArrayCache.ComputeDigest(
        expected
    )


def sphere(resolution=32):
    s = vtk.vtkSphereSource()
    s.SetThetaResolution(resolution)
    s.SetPhiResolution(resolution)
    return s


def test_contour_toggle_back_hits_with_the_plain_output():
    wavelet = vtk.vtkRTAnalyticSource()
    contour = vtk.vtkContourFilter()
    f = cached(contour, wavelet)
    plain = vtk.vtkContourFilter()
    plain.SetInputConnection(wavelet.GetOutputPort())
    for value, result in ((157.0, "miss"), (200.0, "miss"), (157.0, "hit")):
        contour.SetValue(0, value)
        f.Update()
        assert f.GetLastResult() == result
        plain.SetValue(0, value)
        plain.Update()
        assert_same(f.GetOutput(), plain.GetOutput())
    assert f.GetOutput().GetNumberOfPoints() > 0
    assert (f.GetNumberOfHits(), f.GetNumberOfMisses()) == (1, 2)


@pytest.mark.parametrize("make", [vtk.vtkPolyDataNormals, vtk.vtkCleanPolyData])
def test_normals_and_clean_give_the_plain_output(make):
    source = sphere(64)
    algorithm, plain = make(), make()
    f = cached(algorithm, source)
    plain.SetInputConnection(source.GetOutputPort())
    f.Update()
    plain.Update()
    assert f.GetLastResult() == "miss"
    assert_same(f.GetOutput(), plain.GetOutput())
    source.Modified()
    f.Update()
    assert f.GetLastResult() == "hit"
    assert_same(f.GetOutput(), plain.GetOutput())


def test_spurious_modified_hits_real_change_misses():
    source = sphere()
    f = cached(vtk.vtkPolyDataNormals(), source)
    f.Update()
    source.Modified()
    f.Update()
    assert (f.GetLastResult(), f.GetLastReason()) == ("hit", "same content as the last execution")
    source.SetRadius(3.0)
    f.Update()
    assert (f.GetLastResult(), f.GetLastReason()) == ("miss", "input 0 changed")
    assert f.GetOutput().GetBounds()[1] == pytest.approx(3.0, abs=0.01)


def test_nothing_changed_does_not_execute():
    source = sphere()
    f = cached(vtk.vtkPolyDataNormals(), source)
    starts = []
    f.AddObserver("StartEvent", lambda *args: starts.append(1))
    for _ in range(3):
        f.Update()
    assert len(starts) == 1
    assert f.GetNumberOfHits() + f.GetNumberOfMisses() == 1


def test_time_steps_and_pieces_are_keyed_separately():
    source = vtk.vtkTimeSourceExample()
    f = cached(vtk.vtkElevationFilter(), source)
    f.UpdateInformation()
    steps = f.GetOutputInformation(0).Get(vtk.vtkStreamingDemandDrivenPipeline.TIME_STEPS())
    assert len(steps) == 10
    results = []
    for t in (steps[0], steps[5], steps[0]):
        f.UpdateTimeStep(t)
        results.append(f.GetLastResult())
        assert f.GetOutput().GetInformation().Get(vtk.vtkDataObject.DATA_TIME_STEP()) == t
    assert results == ["miss", "miss", "hit"]

    source = sphere()
    g = cached(vtk.vtkPolyDataNormals(), source)
    plain = vtk.vtkPolyDataNormals()
    plain.SetInputConnection(source.GetOutputPort())
    results = []
    for piece in (0, 1, 0):
        g.UpdatePiece(piece, 2, 0)
        plain.UpdatePiece(piece, 2, 0)
        results.append(g.GetLastResult())
        assert_same(g.GetOutput(), plain.GetOutput())
    assert results == ["miss", "miss", "hit"]


def test_composite_input():
    blocks = vtk.vtkMultiBlockDataSet()
    blocks.SetNumberOfBlocks(2)
    first, second = sphere(), sphere(16)
    second.SetCenter(3, 0, 0)
    first.Update()
    second.Update()
    blocks.SetBlock(0, first.GetOutput())
    blocks.SetBlock(1, second.GetOutput())
    producer = vtk.vtkTrivialProducer()
    producer.SetOutput(blocks)
    f = cached(vtk.vtkPolyDataNormals(), producer)
    plain = vtk.vtkPolyDataNormals()
    plain.SetInputConnection(producer.GetOutputPort())
    f.Update()
    plain.Update()
    assert f.GetOutput().GetClassName() == "vtkMultiBlockDataSet"
    for block in range(2):
        assert_same(f.GetOutput().GetBlock(block), plain.GetOutputDataObject(0).GetBlock(block))
    blocks.Modified()
    f.Update()
    assert (f.GetNumberOfHits(), f.GetNumberOfMisses()) == (2, 2)


def test_two_inputs():
    points = sphere()
    points.SetRadius(5)
    wavelet = vtk.vtkRTAnalyticSource()
    f = cached(vtk.vtkProbeFilter(), points, wavelet)
    plain = vtk.vtkProbeFilter()
    plain.SetInputConnection(0, points.GetOutputPort())
    plain.SetInputConnection(1, wavelet.GetOutputPort())
    f.Update()
    plain.Update()
    assert_same(f.GetOutput(), plain.GetOutput())
    wavelet.SetMaximum(400)
    f.Update()
    plain.Update()
    assert (f.GetLastResult(), f.GetLastReason()) == ("miss", "input 1 changed")
    assert_same(f.GetOutput(), plain.GetOutput())


def test_shared_cache_and_tamper_check():
    shared = vtkTrackedArrayCache()
    source = sphere()
    first, second = cached(vtk.vtkPolyDataNormals(), source), cached(
        vtk.vtkPolyDataNormals(), source
    )
    first.SetCache(shared)
    second.SetCache(shared)
    first.Update()
    second.Update()
    assert second.GetLastResult() == "hit"

    normals = second.GetOutput().GetPointData().GetNormals()
    original = normals.GetTuple3(0)
    normals.SetTuple3(0, 9, 9, 9)
    normals.Modified()
    source.Modified()
    first.Update()
    assert (first.GetLastResult(), first.GetLastReason()) == (
        "miss",
        "stored result gone (tampered)",
    )
    assert first.GetOutput().GetPointData().GetNormals().GetTuple3(0) == original


class FailingAlgorithm(VTKPythonAlgorithmBase):
    def __init__(self):
        VTKPythonAlgorithmBase.__init__(
            self, nInputPorts=1, inputType="vtkDataSet", nOutputPorts=1, outputType="vtkPolyData"
        )

    def RequestData(self, request, inInfo, outInfo):
        return 0


def test_bad_inputs_are_errors_and_touch_nothing():
    messages = []

    def catch(obj, event, message=None):
        messages.append(str(message))

    catch.CallDataType = vtk.VTK_STRING

    source = sphere()  # held: a connection does not keep its producer alive
    no_algorithm = vtkTrackedCacheFilter()
    no_algorithm.AddObserver("ErrorEvent", catch)
    no_algorithm.GetExecutive().AddObserver("ErrorEvent", catch)
    no_algorithm.SetInputConnection(source.GetOutputPort())
    no_algorithm.Update()
    assert any("No algorithm to run" in m for m in messages)
    assert no_algorithm.GetLastResult() == "failed"

    messages.clear()
    failing = cached(FailingAlgorithm(), source)
    failing.AddObserver("ErrorEvent", catch)
    failing.GetExecutive().AddObserver("ErrorEvent", catch)
    failing.Update()
    assert any("The wrapped vtkPythonAlgorithm failed" in m for m in messages)
    assert failing.GetLastResult() == "failed"
    assert failing.GetCache().GetNumberOfEntries() == 0
    assert failing.GetOutput().GetNumberOfPoints() == 0

    messages.clear()
    wavelet = vtk.vtkRTAnalyticSource()
    mismatched = cached(vtk.vtkPolyDataNormals(), wavelet)
    mismatched.GetExecutive().AddObserver("ErrorEvent", catch)
    mismatched.Update()
    assert any("but a vtkPolyData is required" in m for m in messages)
    assert mismatched.GetCache().GetNumberOfEntries() == 0


# Setters that are not parameters of what an algorithm computes.
NOT_PARAMETERS = {
    "AbortExecute",
    "AbortOutput",
    "ContainerAlgorithm",
    "Debug",
    "GlobalWarningDisplay",
    "Progress",
    "ProgressShiftScale",
    "ProgressText",
    "ReleaseDataFlag",
    "ReferenceCount",
}


def distinct_pairs(value):
    """Pairs of different values of the type of `value`, as a setter takes them: above the
    current value and below it (a setter may clamp either way)."""
    if isinstance(value, bool) or isinstance(value, int):
        near = [(0, 1)] if value in (0, 1) else [(value, value + 1), (value - 1, value)]
        return near + [(vtk.VTK_FLOAT, vtk.VTK_DOUBLE)]  # settings that take a data type
    if isinstance(value, float):
        base = value if np.isfinite(value) else 0.0
        pairs = []
        for first in (base + 0.37, base - 0.37, base * 0.5, base + 1e-3, base - 1e-3):
            pairs.append((first, first * (1 + 1e-9) + 1e-12))  # differs in the 9th digit only
            pairs.append((first, first * (1 - 1e-9) - 1e-12))
        return pairs
    if isinstance(value, tuple) and value and all(isinstance(v, (int, float)) for v in value):
        pairs = []
        for first_items in zip(
            *(distinct_pairs(v)[0] if isinstance(v, float) else (v, v) for v in value)
        ):
            first = tuple(first_items)
            delta = 1e-9 if isinstance(first[0], float) else 1
            pairs += [
                (first, (first[0] + delta,) + first[1:]),
                (first, (first[0] - delta,) + first[1:]),
            ]
        return pairs
    return None


def parameters(algorithm):
    """(name, pairs of distinct values to try) of each scalar or vector setter."""
    for name in sorted(dir(algorithm)):
        prop = name[3:]
        if (
            not name.startswith("Set")
            or prop in NOT_PARAMETERS
            or not hasattr(algorithm, "Get" + prop)
        ):
            continue
        try:
            pairs = distinct_pairs(getattr(algorithm, "Get" + prop)())
        except TypeError:
            continue
        if pairs is not None:
            yield prop, pairs


def set_value(algorithm, prop, value):
    setter = getattr(algorithm, "Set" + prop)
    if not isinstance(value, tuple):
        setter(value)
    else:
        try:
            setter(value)  # an array (SetOrigin) or a sequence (SetContourValues in VTK 9.7)
        except TypeError:
            setter(*value)  # separate arguments only
    got = getattr(algorithm, "Get" + prop)()
    return got == value or (isinstance(got, tuple) and tuple(got) == tuple(value))


DESCRIBED = [
    vtkTrackedCacheFilter.GetDescribedClassName(i)
    for i in range(vtkTrackedCacheFilter.GetNumberOfDescribedClasses())
]
# The classes with a built-in description (vtkTrackedAlgorithmParameters.cxx), described on
# this VTK or not: each is trusted only on the VTK releases where the test below passes.
BUILT_IN = [
    "vtkCleanPolyData",
    "vtkContourFilter",
    "vtkDecimatePro",
    "vtkDelaunay3D",
    "vtkElevationFilter",
    "vtkPolyDataNormals",
    "vtkQuadricDecimation",
    "vtkSmoothPolyDataFilter",
    "vtkThreshold",
    "vtkTriangleFilter",
    "vtkWindowedSincPolyDataFilter",
]
VTK_RELEASE = (vtk.vtkVersion.GetVTKMajorVersion(), vtk.vtkVersion.GetVTKMinorVersion())


def parameters_the_digest_misses(algorithm, f):
    """The parameters whose change leaves the digest of `f` unchanged, and those no two
    values of which the setter accepted."""
    checked, unseen, untried = [], [], []
    for prop, pairs in parameters(algorithm):
        for first, second in pairs:
            if not set_value(algorithm, prop, first):
                continue  # out of the setter's range
            digest = f.GetParameterDigest()
            if set_value(algorithm, prop, second):
                checked.append(prop)
                if f.GetParameterDigest() == digest:
                    unseen.append(prop)
                break
        else:
            untried.append(prop)
    assert checked, "no parameter was tried"
    return unseen, untried


@pytest.mark.parametrize("class_name", sorted(set(BUILT_IN) | set(DESCRIBED)))
def test_every_parameter_of_a_described_class_reaches_the_digest(class_name):
    """A described class: every parameter reaches the digest. A built-in class not
    described on this VTK: some parameter does not, or it should be described here."""
    algorithm = getattr(vtk, class_name)()
    f = vtkTrackedCacheFilter()
    f.SetAlgorithm(algorithm)
    described = class_name in DESCRIBED
    assert f.GetParameterDigestSource() == ("described" if described else "instance")
    f.TrustPrintedStateOn()  # the printout and the description, described here or not
    unseen, untried = parameters_the_digest_misses(algorithm, f)
    assert not untried, f"{class_name}: no two values of {untried} were accepted by their setters"
    if described:
        assert not unseen, f"{class_name}: changing {unseen} leaves the parameter digest unchanged"
    else:
        release = "%d.%d" % VTK_RELEASE
        assert (
            unseen
        ), f"{class_name}: every parameter reaches the digest on VTK {release}: trust it there"


def test_undescribed_classes_are_keyed_by_instance():
    cutter = vtk.vtkCutter()  # its cut function is printed by address only
    f = vtkTrackedCacheFilter()
    f.SetAlgorithm(cutter)
    assert f.GetParameterDigestSource() == "instance"
    digest = f.GetParameterDigest()
    plane = vtk.vtkPlane()
    cutter.SetCutFunction(plane)
    before = f.GetParameterDigest()
    plane.SetOrigin(1, 2, 3)  # changes the result, not the printout
    assert f.GetParameterDigest() not in (before, digest)
    f.SetParameterKey("plane at 1 2 3")
    assert f.GetParameterDigestSource() == "parameter-key"


@pytest.mark.parametrize(
    "make,defaults",
    [
        (vtk.vtkContourFilter, [vtk.vtkMergePoints]),
        (vtk.vtkCleanPolyData, [vtk.vtkMergePoints, vtk.vtkPointLocator]),
    ],
)
def test_point_locators_are_parameters(make, defaults):
    """A locator decides which points merge: one of another class is a change of
    parameters; one of the class the filter would create itself is not."""
    source = sphere()
    elevation = vtk.vtkElevationFilter()
    elevation.SetInputConnection(source.GetOutputPort())
    elevation.SetLowPoint(0, 0, -0.5)
    elevation.SetHighPoint(0, 0, 0.5)
    algorithm, plain = make(), make()
    for a in (algorithm, plain):
        if isinstance(a, vtk.vtkContourFilter):
            a.SetValue(0, 0.5)
    f = cached(algorithm, elevation)
    f.TrustPrintedStateOn()  # the description, also on a VTK where the class is not described
    f.Update()
    default = f.GetParameterDigest()
    for locator in defaults:
        algorithm.SetLocator(locator())
        assert f.GetParameterDigest() == default, locator.__name__
    algorithm.SetLocator(vtk.vtkNonMergingPointLocator())
    assert f.GetParameterDigest() != default
    f.Update()
    plain.SetLocator(vtk.vtkNonMergingPointLocator())
    plain.SetInputConnection(elevation.GetOutputPort())
    plain.Update()
    assert f.GetLastResult() == "miss"
    assert_same(f.GetOutput(), plain.GetOutput())


def test_outputs_resized_without_modified_are_not_served_again():
    source = sphere()
    f = cached(vtk.vtkPolyDataNormals(), source)
    f.Update()
    points = f.GetOutput().GetNumberOfPoints()
    f.GetOutput().GetPoints().InsertNextPoint(9, 9, 9)  # shared with the entry; no Modified()
    f.GetOutput().Modified()  # on the served copy only
    source.Modified()
    f.Update()
    assert (f.GetLastResult(), f.GetLastReason()) == ("miss", "stored result gone (tampered)")
    assert f.GetOutput().GetNumberOfPoints() == points


SDDP = vtk.vtkStreamingDemandDrivenPipeline
# From VTK 9.7 VTK's temporal algorithms derive from vtkTemporalAlgorithm, which
# SetAlgorithm() refuses; before, vtkTemporalStatistics is refused when it runs.
TEMPORAL_ALGORITHM_BASE = VTK_RELEASE >= (9, 7)


class Looping(VTKPythonAlgorithmBase):
    """Asks its input for each of `requests` in turn (settings of the input's update
    request), one execution each, in one update (CONTINUE_EXECUTING): the way temporal
    and streaming algorithms gather time steps or pieces."""

    def __init__(self, requests):
        VTKPythonAlgorithmBase.__init__(
            self, nInputPorts=1, inputType="vtkDataSet", nOutputPorts=1, outputType="vtkPolyData"
        )
        self.requests, self.next = requests, 0

    def RequestUpdateExtent(self, request, inInfo, outInfo):
        for key, value in self.requests[self.next]:
            inInfo[0].GetInformationObject(0).Set(key, value)
        return 1

    def RequestData(self, request, inInfo, outInfo):
        self.next = (self.next + 1) % len(self.requests)
        if self.next:
            request.Set(SDDP.CONTINUE_EXECUTING(), 1)
        else:
            request.Remove(SDDP.CONTINUE_EXECUTING())
        return 1


def catch_errors(algorithm):
    messages = []

    def catch(obj, event, message=None):
        messages.append(str(message))

    catch.CallDataType = vtk.VTK_STRING
    algorithm.AddObserver("ErrorEvent", catch)
    return messages


@pytest.mark.parametrize(
    "make",
    [vtk.vtkMultiTimeStepAlgorithm, vtk.vtkTemporalPathLineFilter]
    + ([vtk.vtkTemporalStatistics] if TEMPORAL_ALGORITHM_BASE else []),
)
def test_temporal_algorithms_known_by_class_are_refused_when_set(make):
    f = vtkTrackedCacheFilter()
    messages = catch_errors(f)
    f.SetAlgorithm(make())
    assert f.GetAlgorithm() is None
    assert len(messages) == 1 and f"Cannot wrap a {make.__name__}: " in messages[0], messages


def over_time_steps():
    return Looping([[(SDDP.UPDATE_TIME_STEP(), float(step))] for step in (0, 1)])


def over_pieces():
    return Looping(
        [
            [(SDDP.UPDATE_PIECE_NUMBER(), piece), (SDDP.UPDATE_NUMBER_OF_PIECES(), 2)]
            for piece in (0, 1)
        ]
    )


@pytest.mark.parametrize(
    "make,source",
    [(over_time_steps, vtk.vtkTimeSourceExample), (over_pieces, sphere)]
    + ([] if TEMPORAL_ALGORITHM_BASE else [(vtk.vtkTemporalStatistics, vtk.vtkTimeSourceExample)]),
)
def test_temporal_and_streaming_algorithms_are_refused_when_run(make, source):
    upstream = source()
    f = cached(make(), upstream)
    messages = catch_errors(f)
    f.GetExecutive().AddObserver("ErrorEvent", lambda obj, event: None)
    f.Update()
    assert f.GetLastResult() == "failed"
    assert "(a temporal or streaming algorithm)" in f.GetLastReason()
    assert len(messages) == 1 and "cannot be wrapped" in messages[0], messages
    assert f.GetCache().GetNumberOfEntries() == 0
    assert f.GetOutput().GetNumberOfPoints() == 0


class RecordsItsPort(VTKPythonAlgorithmBase):
    """Two outputs, and the output port each data request came from, as VTK 9.7's
    vtkTemporalAlgorithm reads it (-1, "every port", crashes it)."""

    def __init__(self):
        VTKPythonAlgorithmBase.__init__(
            self, nInputPorts=1, inputType="vtkPolyData", nOutputPorts=2, outputType="vtkPolyData"
        )
        self.ports = []

    def RequestData(self, request, inInfo, outInfo):
        self.ports.append(request.Get(vtk.vtkExecutive.FROM_OUTPUT_PORT()))
        for port in range(2):
            vtk.vtkPolyData.GetData(outInfo, port).ShallowCopy(vtk.vtkPolyData.GetData(inInfo[0]))
        return 1


def test_the_algorithm_is_asked_from_the_filters_output_port():
    source = sphere()
    algorithm = RecordsItsPort()
    f = cached(algorithm, source)
    f.Update()
    source.SetRadius(2)
    f.GetExecutive().Update(1)
    assert f.GetLastResult() == "miss"
    assert algorithm.ports == [0, 1]
    assert f.GetOutput(1).GetNumberOfPoints() == source.GetOutput().GetNumberOfPoints()


def test_the_algorithms_own_connections_become_the_filters():
    source, cone = sphere(8), vtk.vtkConeSource()
    glyph = vtk.vtkGlyph3D()
    glyph.SetSourceConnection(cone.GetOutputPort())
    f = cached(glyph, source)  # port 0 connected here, port 1 taken from the glyph
    assert f.GetNumberOfInputConnections(1) == 1
    plain = vtk.vtkGlyph3D()
    plain.SetInputConnection(source.GetOutputPort())
    plain.SetSourceConnection(cone.GetOutputPort())
    f.Update()
    plain.Update()
    assert_same(f.GetOutput(), plain.GetOutput())


def test_every_output_port_is_served():
    source = sphere()
    clip, plain = vtk.vtkClipPolyData(), vtk.vtkClipPolyData()
    plane = vtk.vtkPlane()
    plane.SetNormal(1, 0.3, 0)
    for c in (clip, plain):
        c.SetClipFunction(plane)
        c.GenerateClippedOutputOn()
    f = cached(clip, source)
    plain.SetInputConnection(source.GetOutputPort())
    f.Update()
    plain.Update()
    for port in range(2):
        assert_same(f.GetOutput(port), plain.GetOutputDataObject(port))
    # vtkClipPolyData is not described: its digest names the instance and its MTime, which
    # its first execution moves (it creates its locator): one more miss, then hits.
    for result in ("miss", "hit"):
        source.Modified()
        f.Update()
        assert f.GetLastResult() == result
    assert_same(f.GetOutput(1), plain.GetOutputDataObject(1))
