// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: the AVX-512 part of the tuple-major hash of SOA components of 8-byte values
// (vtkTrackedXXH3TupleMajor.inl says how it works): a group of 8 values is one load.
// Included by vtkTrackedXXH3Kernel.inl into the AVX-512 kernel only, inside its namespace.

#include "vtkTrackedXXH3TupleMajor.inl"

// The arithmetic of the AVX-512 kernel's tuple-major hash (see SuperblockHasher).
struct GroupArithmetic
{
  // Where the lanes of a group go, for the position mod 8 of its first lane: lane k adds
  // to accumulator lane (position + count * k) % 8.
  struct Placement
  {
    alignas(64) std::uint64_t Lanes[8]; // for each accumulator lane, the folded lane it takes
    __mmask8 Mask;                      // accumulator lanes the group adds to
  };

  // After the fold, folded lanes [0, 8 >> folds) hold the sums of the lanes that share a
  // target.
  static void FillPlacement(Placement& placement, int count, int position)
  {
    placement.Mask = 0;
    for (int k = 0; k < (8 >> FoldsOf(count)); ++k)
    {
      const int target = (position + count * k) % 8;
      placement.Lanes[target] = static_cast<std::uint64_t>(k);
      placement.Mask = static_cast<__mmask8>(placement.Mask | (1u << target));
    }
  }

  // Sums the lanes that share a target, then moves each sum to its accumulator lane.
  static __m512i PlaceLanes(__m512i sums, const Placement& placement, int folds)
  {
    if (folds > 0)
    {
      sums = _mm512_add_epi64(sums, _mm512_shuffle_i64x2(sums, sums, _MM_SHUFFLE(1, 0, 3, 2)));
    }
    if (folds > 1)
    {
      sums = _mm512_add_epi64(sums, _mm512_permutex_epi64(sums, _MM_SHUFFLE(1, 0, 3, 2)));
    }
    if (folds > 2)
    {
      sums = _mm512_add_epi64(
        sums, _mm512_shuffle_epi32(sums, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(1, 0, 3, 2))));
    }
    return _mm512_maskz_permutexvar_epi64(
      placement.Mask, _mm512_load_si512(static_cast<const void*>(placement.Lanes)), sums);
  }

  // Products of keyed halves, and the words (which add to the lane beside their own).
  struct Terms
  {
    __m512i Products;
    __m512i Words;
  };

  static Terms NoTerms() { return { _mm512_setzero_si512(), _mm512_setzero_si512() }; }

  static void AddComponent(const std::uint64_t* values, const ComponentSchedule& schedule,
    const Placement& placement, int folds, Terms* blocks)
  {
    __m512i products = _mm512_setzero_si512();
    __m512i words = _mm512_setzero_si512();
    for (int group = 0; group < GroupsPerSuperblock; ++group)
    {
      const __m512i loaded = _mm512_loadu_si512(values + 8 * group);
      const __m512i keyed =
        _mm512_xor_si512(loaded, _mm512_load_si512(static_cast<const void*>(schedule.Keys[group])));
      const __m512i product = _mm512_mul_epu32(keyed, _mm512_srli_epi64(keyed, 32));
      const auto in = static_cast<__mmask8>(schedule.InBlock[group]);
      products = _mm512_mask_add_epi64(products, in, products, product);
      words = _mm512_mask_add_epi64(words, in, words, loaded);
      if (schedule.EndsBlock[group])
      {
        blocks->Products =
          _mm512_add_epi64(blocks->Products, PlaceLanes(products, placement, folds));
        blocks->Words = _mm512_add_epi64(blocks->Words, PlaceLanes(words, placement, folds));
        ++blocks;
        // The lanes past the block start the next one.
        products = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~in), product);
        words = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~in), loaded);
      }
    }
  }

  static void AddBlock(std::uint64_t* accumulators, const Terms& block)
  {
    const __m512i beside =
      _mm512_shuffle_epi32(block.Words, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(1, 0, 3, 2)));
    __m512i acc = _mm512_load_si512(static_cast<const void*>(accumulators));
    acc = _mm512_add_epi64(acc, _mm512_add_epi64(block.Products, beside));
    _mm512_store_si512(static_cast<void*>(accumulators), acc);
  }
};
