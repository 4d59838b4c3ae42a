// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// The limits BenchmarkDigest measures digests against, compiled for the running CPU in
// their own file (BenchmarkDigestLimits.cxx, -march=native) so that the rest of the
// benchmark, and the library, keep their portable flags.
#ifndef BenchmarkDigestLimits_h
#define BenchmarkDigestLimits_h

#include <cstddef>
#include <cstdint>

// XXH3-128 of the bytes, compiled inline (XXH_INLINE_ALL): {low, high} 64 bits.
void RawXXH3Inline(const void* bytes, std::size_t length, std::uint64_t digest[2]);

// Reads every 64-bit word once with vector loads, prefetching ahead; returns their sum.
std::uint64_t VectorRead(const void* bytes, std::size_t length);

#endif
