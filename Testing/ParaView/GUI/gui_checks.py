# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Checks that the GUI test's event scripts run in the paraview application's own Python
shell (an ``executeCommand`` event), on the state the clicks left. Each check appends a
line to the log the driver reads; a failed check logs ``FAIL`` and ends the application
at once with exit status 3, so a failure cannot pass unseen; so does any exception a
command of the shell raises (this module sets the hook the shell reports them through).
Screenshots are taken of the whole X screen, at the moment the check runs (menus the
events opened included).
"""

import os
import subprocess
import sys
import traceback

import numpy as np
from paraview import simple
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader

LOG = os.environ["TRACKED_GUI_LOG"]
OUTPUT = os.environ["TRACKED_GUI_OUTPUT"]
# Two renderings of one surface differ by at most this mean, per pixel and channel, of
# the absolute differences (0-255); 0 is expected here, where both run on one renderer.
IMAGE_TOLERANCE = 1.0


def log(line):
    with open(LOG, "a") as out:
        out.write(line + "\n")


def _fail_on_exception(kind, value, trace):
    """The shell hands a command's exception to sys.excepthook: it fails the test."""
    log(
        "FAIL a shell command raised: "
        + "".join(traceback.format_exception(kind, value, trace)).replace("\n", " | ")
    )
    os._exit(3)


sys.excepthook = _fail_on_exception


def expect(condition, what):
    if not condition:
        log(f"FAIL {what}")
        os._exit(3)
    log(f"ok {what}")


def screenshot(name):
    """The whole screen, as a person would see it, into OUTPUT/name.png."""
    subprocess.run(["import", "-window", "root", os.path.join(OUTPUT, name + ".png")], check=True)
    log(f"screenshot {name}.png")


def cache_report(name):
    """What the cached filter `name` reports through its information properties."""
    source = simple.FindSource(name)
    source.UpdatePipelineInformation()
    return (
        source.GetPropertyValue("LastResult"),
        source.GetPropertyValue("NumberOfHits"),
        source.GetPropertyValue("NumberOfMisses"),
    )


def expect_report(name, result, hits, misses):
    """Also prints the report in the Python shell, where the screenshots show it."""
    report = cache_report(name)
    print(
        f"{name}: LastResult {report[0]!r}, NumberOfHits {report[1]}, "
        f"NumberOfMisses {report[2]}"
    )
    expect(
        report == (result, hits, misses),
        f"{name} reports {report}, expected {(result, hits, misses)}",
    )


def expect_sources(*names):
    present = sorted(proxy_name for proxy_name, _ in simple.GetSources())
    expect(all(name in present for name in names), f"pipeline holds {names} (has {present})")


def select(name):
    simple.SetActiveSource(simple.FindSource(name))


def save_view(name):
    """The render view alone (as ParaView's image tests see it), into OUTPUT/name.png."""
    simple.Render()
    simple.SaveScreenshot(
        os.path.join(OUTPUT, name + ".png"), simple.GetActiveView(), ImageResolution=[800, 600]
    )
    log(f"view {name}.png")


def read_png(path):
    reader = vtkPNGReader()
    reader.SetFileName(path)
    reader.Update()
    image = reader.GetOutput()
    return vtk_to_numpy(image.GetPointData().GetScalars()).astype(np.int64)


def expect_same_image(first, second):
    a, b = (read_png(os.path.join(OUTPUT, name + ".png")) for name in (first, second))
    expect(a.shape == b.shape, f"{first}.png and {second}.png have one size")
    difference = float(np.abs(a - b).mean())
    # Pixels unlike the background (the corner's) show the surface: at least 1% of them.
    drawn = float(np.any(a != a[0], axis=1).mean())
    expect(drawn >= 0.01, f"{first}.png shows a surface ({100 * drawn:.1f}% of its pixels)")
    expect(
        difference <= IMAGE_TOLERANCE,
        f"{first}.png and {second}.png differ by {difference:.3f} per pixel and channel "
        f"(tolerance {IMAGE_TOLERANCE})",
    )


def expect_memory_budget(megabytes, cached_filter):
    settings = simple.GetSettingsProxy("TrackedArrayCache")
    expect(
        settings.GetPropertyValue("MemoryBudget") == megabytes,
        f"the settings hold a budget of {megabytes} MB",
    )
    source = simple.FindSource(cached_filter)
    source.UpdatePipelineInformation()
    budget = source.GetPropertyValue("CacheMemoryBudget")
    expect(
        abs(budget - megabytes) < 1e-6,
        f"the shared cache's budget, as {cached_filter} reports it, is {budget} MB",
    )


def expect_disk_entries(directory):
    """The shared cache wrote entries into the disk cache directory the settings named."""
    entries = [name for _, _, names in os.walk(directory) for name in names]
    expect(len(entries) > 0, f"the disk cache in {directory} holds files ({len(entries)})")
