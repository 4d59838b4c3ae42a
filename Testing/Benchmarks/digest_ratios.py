# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""Same-run ratios of the digest to the machine's limits, single thread, per size.

    Testing/Benchmarks/digest_ratios.py build/vtk/bin/BenchmarkDigest [repetitions]

Runs BenchmarkDigest (its threads:1 cases, `repetitions` times each, 5 by default) and
prints, for each size, the median throughput of our digest (DigestAOS, DigestSOA), of raw
XXH3-128 (libxxhash's runtime dispatch, and inline for this CPU), of the read loops
(PlainRead, portable; PlainReadVector, vectorized for this CPU), and their ratios; then
SOA / AOS of 1 MiB of doubles, and of floats, by component count. The machine is noisy:
quote the ratios of one run, not figures from different runs.
"""

import json
import subprocess
import sys

CASES = [
    "DigestAOS",
    "DigestSOA",
    "RawXXH3Dispatch",
    "RawXXH3InlineNative",
    "PlainRead",
    "PlainReadVector",
    "Memcpy",
]
RATIOS = [  # (label, numerator, denominator)
    ("ours / raw XXH3 inline", "DigestAOS", "RawXXH3InlineNative"),
    ("ours / vector read", "DigestAOS", "PlainReadVector"),
    ("ours / portable read", "DigestAOS", "PlainRead"),
    ("SOA / AOS", "DigestSOA", "DigestAOS"),
    ("SOA / raw XXH3 inline", "DigestSOA", "RawXXH3InlineNative"),
    ("SOA / vector read", "DigestSOA", "PlainReadVector"),
    ("dispatch / inline", "RawXXH3Dispatch", "RawXXH3InlineNative"),
    ("inline / vector read", "RawXXH3InlineNative", "PlainReadVector"),
]


def medians(benchmark, repetitions, pattern):
    """Median GB/s by (case, first argument) of the cases `pattern` selects, their
    repetitions interleaved at random so that a slow spell of the machine spreads over all."""
    run = subprocess.run(
        [
            benchmark,
            "--benchmark_filter=" + pattern,
            f"--benchmark_repetitions={repetitions}",
            "--benchmark_enable_random_interleaving=true",
            "--benchmark_report_aggregates_only=true",
            "--benchmark_format=json",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    found = {}
    for entry in json.loads(run.stdout)["benchmarks"]:
        if entry.get("aggregate_name") != "median":
            continue
        case, argument = entry["run_name"].split("/")[:2]
        found[case, int(argument.split(":")[1])] = entry["bytes_per_second"] / 1e9
    return found


def main():
    benchmark = sys.argv[1]
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    found = medians(benchmark, repetitions, "^(" + "|".join(CASES) + ")/.*threads:1/")
    sizes = sorted({size for _, size in found})
    label = lambda size: f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"
    print(f"medians of {repetitions} repetitions, GB/s, 1 thread")
    print(f"{'':24s}" + "".join(f"{label(size):>10s}" for size in sizes))
    for case in CASES:
        print(f"{case:24s}" + "".join(f"{found.get((case, size), 0):10.1f}" for size in sizes))
    print()
    for name, top, bottom in RATIOS:
        print(
            f"{name:24s}"
            + "".join(f"{found[top, size] / found[bottom, size]:10.2f}" for size in sizes)
        )
    by_count = medians(benchmark, repetitions, "^Digest(AOS|SOA)(Float)?ByComponents/")
    for value, infix in (("doubles", ""), ("floats", "Float")):
        print_by_count(
            by_count, value, f"DigestAOS{infix}ByComponents", f"DigestSOA{infix}ByComponents"
        )


def print_by_count(by_count, value, aos, soa):
    """The AOS and SOA throughputs by component count, and SOA / AOS."""
    counts = sorted({count for case, count in by_count if case == aos})
    print()
    print(f"1 MiB of {value}, by component count")
    print(f"{'':24s}" + "".join(f"{count:10d}" for count in counts))
    for case in (aos, soa):
        print(f"{case:24s}" + "".join(f"{by_count[case, count]:10.1f}" for count in counts))
    print(
        f"{'SOA / AOS':24s}"
        + "".join(f"{by_count[soa, count] / by_count[aos, count]:10.2f}" for count in counts)
    )


if __name__ == "__main__":
    main()
