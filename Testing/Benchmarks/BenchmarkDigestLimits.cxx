// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// What a digest is measured against, compiled for this CPU (-march=native): XXH3-128
// inline (the best raw XXH3 here) and a vectorized read loop (the read bandwidth).
// Built into BenchmarkDigest only; see BenchmarkDigestLimits.h.
#include "BenchmarkDigestLimits.h"

#define XXH_INLINE_ALL 1
#include <xxhash.h>

#include <cstdint>

void RawXXH3Inline(const void* bytes, std::size_t length, std::uint64_t digest[2])
{
  const XXH128_hash_t hash = XXH3_128bits(bytes, length);
  digest[0] = hash.low64;
  digest[1] = hash.high64;
}

std::uint64_t VectorRead(const void* bytes, std::size_t length)
{
  // Eight independent sums of 64-bit words: the compiler vectorizes them with the widest
  // registers the CPU has, so the loop is bound by the memory, not by the adds.
  const auto* words = static_cast<const std::uint64_t*>(bytes);
  const std::size_t count = length / sizeof(std::uint64_t);
  std::uint64_t sums[8] = {};
  std::size_t w = 0;
  for (; w + 8 <= count; w += 8)
  {
    for (int lane = 0; lane < 8; ++lane)
    {
      sums[lane] += words[w + lane];
    }
  }
  std::uint64_t total = 0;
  for (; w < count; ++w)
  {
    total += words[w];
  }
  for (std::uint64_t sum : sums)
  {
    total += sum;
  }
  return total;
}
