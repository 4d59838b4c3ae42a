# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""The disk cache from the command line, in the style of ``ccache -s``.

    python3 -m trackedarraycache stats [--dir D]
    python3 -m trackedarraycache prune [--dir D] [--max-age-days N] [--max-size 10G]
    python3 -m trackedarraycache clear [--dir D]

The directory is --dir, else $VTK_TRACKED_CACHE_DIR, else
$XDG_CACHE_HOME/vtk-tracked-array-cache, else ~/.cache/vtk-tracked-array-cache.
"""

import argparse
import os
import re
import sys
import time

from .vtkTrackedArrayCache import vtkTrackedDiskCache

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text):
    """'10G', '500M', '1.5T', '123' (bytes) -> bytes, at least 1 and at most 2**63 - 1."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 10G, 500M or bytes)")
    size = int(float(match.group(1)) * _UNITS[match.group(2).upper()])
    if not 1 <= size < 2**63:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size above 0 bytes and below 8 EiB (to remove every entry: clear)"
        )
    return size


def parse_days(text):
    """A positive number of days."""
    try:
        days = float(text)
    except ValueError:
        days = float("nan")
    if not days > 0 or days == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days above 0")
    return days


def human_size(size):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024


def human_age(seconds):
    for unit, length in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= length:
            return f"{seconds / length:.1f} {unit}"
    return f"{seconds:.0f} seconds"


def open_cache(arguments):
    cache = vtkTrackedDiskCache()
    if arguments.dir:
        cache.SetDirectory(os.path.abspath(arguments.dir))
    if not cache.IsUsable():
        print(f"trackedarraycache: {cache.GetUnusableReason()}", file=sys.stderr)
        sys.exit(2)
    return cache


def row(name, value):
    print(f"{name:<34} {value:>24}")


def stats(arguments):
    cache = open_cache(arguments)
    directory = cache.GetDirectory()
    # The sums of the statistics every cache object recorded in the directory (the file
    # format is the library's).
    hits, misses = cache.GetRecordedNumberOfHits(), cache.GetRecordedNumberOfMisses()
    lookups = hits + misses
    oldest = cache.GetOldestEntryTime()
    maximum = cache.GetMaximumSize()
    row("cache directory", directory)
    row("entries", cache.GetNumberOfEntries())
    row("entry format", f"{vtkTrackedDiskCache.GetEntryFormatVersion()} (native, mapped on hits)")
    row("entries of other formats (misses)", cache.GetNumberOfEntriesInOtherFormats())
    row("cache size", human_size(cache.GetSizeInBytes()))
    row("maximum size (default)", human_size(maximum) if maximum else "unlimited")
    row("oldest entry", f"{human_age(time.time() - oldest)} ago" if oldest else "-")
    row("hits", hits)
    row("misses", misses)
    row("hit rate", f"{100.0 * hits / lookups:.2f} %" if lookups else "-")
    row("writes", cache.GetRecordedNumberOfWrites())
    row("evictions", cache.GetRecordedNumberOfEvictions())
    row("damaged entries removed", cache.GetRecordedNumberOfCorruptEntries())


def prune(arguments):
    cache = open_cache(arguments)
    # Only the limits given apply: the cache's default size would shrink a cache that the
    # programs using it keep larger.
    cache.SetExpireAfterDays(arguments.max_age_days or 0)
    cache.SetMaximumSize(arguments.max_size or 0)
    before = cache.GetSizeInBytes()
    removed = cache.Prune()
    after = cache.GetSizeInBytes()
    print(
        f"removed {removed} entries ({human_size(before - after)}); "
        f"{cache.GetNumberOfEntries()} entries, {human_size(after)} left"
    )


def clear(arguments):
    cache = open_cache(arguments)
    entries = cache.GetNumberOfEntries()
    cache.Clear()
    print(f"removed {entries} entries from {cache.GetDirectory()}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m trackedarraycache", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function, help_text in (
        ("stats", stats, "entries, size, hit rate, oldest entry"),
        ("prune", prune, "remove damaged entries, and those beyond the limits given"),
        ("clear", clear, "remove every entry"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--dir", help="the cache directory")
        command.set_defaults(function=function)
        if name == "prune":
            command.add_argument(
                "--max-age-days", type=parse_days, help="remove entries older than this"
            )
            command.add_argument(
                "--max-size",
                type=parse_size,
                help="shrink to this size (10G, 500M, bytes) by removing least recently used entries",
            )
    arguments = parser.parse_args(argv)
    arguments.function(arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
