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
  // 32 independent sums of 64-bit words (four 512-bit registers, or eight 256-bit ones):
  // the adds of one register never wait on each other, so the loop is bound by the loads.
  // A prefetch 8 KiB ahead keeps more lines in flight from memory than the hardware
  // prefetchers do. Measured on this project's machine, single thread: 1.15x an 8-sum loop
  // in cache, 1.2x from memory.
  constexpr std::size_t Lanes = 32;
  constexpr std::size_t PrefetchWords = 1024;
  const auto* words = static_cast<const std::uint64_t*>(bytes);
  const std::size_t count = length / sizeof(std::uint64_t);
  std::uint64_t sums[Lanes] = {};
  std::size_t w = 0;
  for (; w + Lanes <= count; w += Lanes)
  {
    __builtin_prefetch(words + w + PrefetchWords, 0, 3);
    __builtin_prefetch(words + w + PrefetchWords + 8, 0, 3);
    __builtin_prefetch(words + w + PrefetchWords + 16, 0, 3);
    __builtin_prefetch(words + w + PrefetchWords + 24, 0, 3);
    for (std::size_t lane = 0; lane < Lanes; ++lane)
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
