# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""The disk cache from Python: DESIGN.md scenario 10 across processes (a second
/usr/bin/python3 reads what the first wrote), the filter and cached() with a disk level,
and the command line."""

import os
import re
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from vtkmodules.vtkFiltersCore import vtkContourFilter
from vtkmodules.vtkFiltersSources import vtkSphereSource
from vtkmodules.vtkImagingCore import vtkRTAnalyticSource

from trackedarraycache import (
    cached,
    vtkTrackedArrayCache,
    vtkTrackedCacheFilter,
    vtkTrackedDiskCache,
)


def run_python(code, **environment):
    """Runs `code` in a new /usr/bin/python3 (an empty memory cache) and returns stdout."""
    env = dict(os.environ, **environment)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def cli(*arguments, directory):
    result = subprocess.run(
        [sys.executable, "-m", "trackedarraycache", *arguments, "--dir", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


FILTER_RUN = """
    from vtkmodules.vtkFiltersCore import vtkContourFilter
    from vtkmodules.vtkImagingCore import vtkRTAnalyticSource
    from trackedarraycache import vtkTrackedArrayCache, vtkTrackedCacheFilter, vtkTrackedDiskCache
    wavelet, contour = vtkRTAnalyticSource(), vtkContourFilter()
    contour.SetValue(0, 170)
    disk = vtkTrackedDiskCache()
    f = vtkTrackedCacheFilter()
    f.SetAlgorithm(contour)
    f.SetDiskCache(disk)
    f.SetInputConnection(wavelet.GetOutputPort())
    f.Update()
    print(f.GetLastResult(), vtkTrackedArrayCache.ComputeDigest(f.GetOutput()))
"""


def test_a_new_process_gets_a_disk_hit_with_the_same_output(tmp_path):
    first = run_python(FILTER_RUN, VTK_TRACKED_CACHE_DIR=str(tmp_path))
    second = run_python(FILTER_RUN, VTK_TRACKED_CACHE_DIR=str(tmp_path))
    assert first.split()[0] == "miss"
    assert second.split()[0] == "disk-hit"
    assert first.split()[1] == second.split()[1]
    wavelet, contour = vtkRTAnalyticSource(), vtkContourFilter()
    contour.SetValue(0, 170)
    contour.SetInputConnection(wavelet.GetOutputPort())
    contour.Update()
    assert vtkTrackedArrayCache.ComputeDigest(contour.GetOutput()) == first.split()[1]


def test_cached_with_a_disk_level_across_processes(tmp_path):
    code = f"""
        import numpy as np
        from trackedarraycache import cached
        calls = []
        @cached(disk={str(tmp_path)!r}, compress=("zlib", 6), readable_names=True)
        def smoothed(values, passes):
            calls.append(1)
            return np.cumsum(values, axis=0) / passes
        result = smoothed(np.arange(30.0).reshape(10, 3), 2)
        print(len(calls), result.shape, float(result.sum()))
    """
    first, second = run_python(code), run_python(code)
    assert (
        first.split()[0] == "1" and second.split()[0] == "0"
    ), "the second process computed nothing"
    assert first.split()[1:] == second.split()[1:]
    assert any(
        name.startswith("trackedarraycache") or "--" in name for name in os.listdir(tmp_path)
    )


# Every numpy dtype VTK has an array for comes back from another process with its dtype and
# values (format 1, VTK's XML, refused int8, int64 as long, and names with '<').
def test_cached_keeps_every_numpy_dtype_across_processes(tmp_path):
    code = f"""
        import numpy as np
        from trackedarraycache import cached
        calls = []
        dtypes = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                  "float32", "float64")
        @cached(disk={str(tmp_path)!r})
        def typed(dtype):
            calls.append(1)
            return (np.arange(12) - 6).astype(dtype).reshape(4, 3)
        results = [typed(dtype) for dtype in dtypes]
        print(len(calls), " ".join(f"{{r.dtype}}:{{r.shape}}:{{r.tolist()}}" for r in results))
    """
    first, second = run_python(code), run_python(code)
    assert first.split()[0] == "10" and second.split()[0] == "0", second
    assert first.split()[1:] == second.split()[1:]


CACHED_SLOW_RUN = """
    import os, sys, time
    import numpy as np
    from trackedarraycache import cached
    directory, log, timeout, start = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    open(f"{start}.{os.getpid()}", "w").close()  # ready; all look the key up at once
    while not os.path.exists(start):
        time.sleep(0.002)
    @cached(disk=directory, lock_timeout=timeout)
    def expensive(values):
        with open(log, "a") as record:
            record.write(f"computed by {os.getpid()}\\n")
        time.sleep(1.5)
        return np.cumsum(values, axis=0)
    print(float(expensive(np.arange(3000.0).reshape(1000, 3)).sum()))
"""


@pytest.mark.parametrize("timeout, computations", [(60, 1), (0, 4)])
def test_cached_computes_a_key_once_across_processes(tmp_path, timeout, computations):
    """4 processes that miss one key at once: with a lock timeout, one computes and the
    others wait for its entry; with 0, each computes (as before the lock existed)."""
    log = tmp_path / "computations"
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(CACHED_SLOW_RUN))
    directory = tmp_path / "cache"
    start = tmp_path / "start"
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(directory), str(log), str(timeout), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("start.*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.005)
    start.touch()
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err for _, err in outputs]
    assert len(set(out for out, _ in outputs)) == 1, "every process got the same result"
    lines = log.read_text().splitlines()
    assert len(lines) == computations, lines
    assert not [name for name in os.listdir(directory) if name.startswith(".lock-")]


def test_cached_eviction_and_lock_options(tmp_path):
    cache = vtkTrackedArrayCache()
    own = cached(lambda x: x, eviction="cost", memory=1 << 20)
    assert own.cache.GetEvictionPolicy() == vtkTrackedArrayCache.CostAware
    assert cached(lambda x: x).cache.GetEvictionPolicy() == vtkTrackedArrayCache.LeastRecentlyUsed
    with pytest.raises(ValueError, match="eviction="):
        cached(lambda x: x, eviction="random")
    with pytest.raises(ValueError, match="its own policy"):
        cached(lambda x: x, memory=cache, eviction="cost")
    with pytest.raises(ValueError, match="lock_timeout="):
        cached(lambda x: x, disk=str(tmp_path), lock_timeout=-1)


def test_cached_records_what_a_result_took(tmp_path):
    """Under CostAware the result that took long outlives cheaper ones of the same size."""

    @cached(memory=3 * 8 * 1000 + 100, eviction="cost")
    def made(seconds, tag):
        time.sleep(seconds)
        return np.full(1000, float(tag))

    made(0.2, 0)
    for tag in range(1, 5):
        made(0.0, tag)
    assert made.cache_info().misses == 5
    made(0.2, 0)
    assert made.cache_info().hits == 1, "the slow result was kept"


def test_cached_refuses_an_unsafe_disk_directory(tmp_path):
    unsafe = tmp_path / "open"
    unsafe.mkdir(mode=0o777)
    os.chmod(unsafe, 0o777)
    with pytest.raises(ValueError, match="writable by its group or by others"):
        cached(lambda x: x, disk=str(unsafe))
    with pytest.raises(ValueError, match="compress="):
        cached(lambda x: x, disk=str(tmp_path / "ok"), compress="brotli")


def test_the_command_line(tmp_path):
    disk = vtkTrackedDiskCache()
    disk.SetDirectory(str(tmp_path))
    sphere = vtkSphereSource()
    sphere.SetThetaResolution(64)
    sphere.SetPhiResolution(64)
    sphere.Update()
    for key in ("a", "b", "c"):
        assert disk.Set(key, sphere.GetOutput())
    assert disk.Get("a") is not None and disk.Get("missing") is None
    disk.WriteStatistics()
    output = cli("stats", directory=tmp_path)
    assert "entries                                                   3" in output
    assert re.search(r"\nentry format +2 \(native, mapped on hits\)\n", output), output
    assert re.search(r"\nentries of other formats \(misses\) +0\n", output), output
    assert "hit rate                                            50.00 %" in output
    assert "writes                                                    3" in output
    assert "oldest entry" in output and "seconds ago" in output
    sizes = [os.path.getsize(disk.GetEntryPath(key)) for key in ("a", "b", "c")]
    # Room for all but the smallest: one entry goes, whichever was used least recently.
    output = cli("prune", "--max-size", str(sum(sizes) - min(sizes)), directory=tmp_path)
    assert output.startswith("removed 1 entries"), output
    assert disk.GetNumberOfEntries() == 2
    output = cli("prune", "--max-age-days", "0.5", directory=tmp_path)
    assert output.startswith("removed 0 entries")
    output = cli("clear", directory=tmp_path)
    assert output.startswith("removed 2 entries")
    assert os.listdir(tmp_path) == [".secret"], "the directory's secret stays"
    for option, value, complaint in (
        ("--max-size", "lots", "not a size"),
        ("--max-size", "0", "not a size above 0"),
        ("--max-size", "99999999T", "below 8 EiB"),
        ("--max-age-days", "0", "not a number of days above 0"),
        ("--max-age-days", "-1", "not a number of days above 0"),
        ("--max-age-days", "nan", "not a number of days above 0"),
    ):
        bad = subprocess.run(
            [
                sys.executable,
                "-m",
                "trackedarraycache",
                "prune",
                option,
                value,
                "--dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
        )
        assert bad.returncode == 2 and complaint in bad.stderr, (option, value, bad.stderr)
    os.chmod(tmp_path, 0o777)
    refused = subprocess.run(
        [sys.executable, "-m", "trackedarraycache", "stats", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    os.chmod(tmp_path, 0o700)
    assert refused.returncode == 2 and "writable by its group or by others" in refused.stderr


def test_size_parsing():
    from trackedarraycache.__main__ import parse_size

    assert parse_size("10G") == 10 * 2**30
    assert parse_size("500M") == 500 * 2**20
    assert parse_size("1.5k") == 1536
    assert parse_size("123") == 123
    assert parse_size("2GiB") == 2 * 2**30


def test_cached_takes_no_lock_for_results_kept_in_memory_only(tmp_path):
    """A miss locks its key on the disk level only while results are stored there: not
    with write=False, and not once a result turned out to stay in memory."""
    disk = vtkTrackedDiskCache()
    disk.SetDirectory(str(tmp_path))
    locked = []  # whether a lock file existed while each call computed

    def lock_files():
        return any(name.startswith(".lock-") for name in os.listdir(tmp_path))

    @cached(disk=disk)
    def plain(x):
        locked.append(lock_files())
        return {"x": x}

    @cached(disk=disk, write=False)
    def unwritten(x):
        locked.append(lock_files())
        return np.arange(3.0) * x

    @cached(disk=disk)
    def stored(x):
        locked.append(lock_files())
        return np.arange(3.0) * x

    assert plain(1) == {"x": 1} and plain(2) == {"x": 2}
    assert unwritten(2).tolist() == [0.0, 2.0, 4.0]
    assert stored(2).tolist() == [0.0, 2.0, 4.0] and stored(3).tolist() == [0.0, 3.0, 6.0]
    assert locked == [True, False, False, True, True]
    assert not lock_files()
