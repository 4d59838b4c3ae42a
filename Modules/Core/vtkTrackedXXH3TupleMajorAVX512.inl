// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: the AVX-512 part of the tuple-major hash of SOA components of 8-byte or 4-byte
// values (vtkTrackedXXH3TupleMajor.inl says how it works): a group of 8 words is one
// vector. Included by vtkTrackedXXH3Kernel.inl into the AVX-512 kernel only, inside its
// namespace.

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
  [[gnu::always_inline]] static __m512i PlaceLanes(
    __m512i sums, const Placement& placement, int folds)
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

  // A group's 8 words, from a buffer of 8-byte values.
  struct Words
  {
    const std::uint64_t* Values;
    __m512i operator()(int group) const { return _mm512_loadu_si512(this->Values + 8 * group); }
  };

  // A group's 8 words of two 4-byte values each, the low halves from `Low`, the high ones
  // from `High`, a word every `Stride` values. With a stride of 2 the loads take 16 values,
  // one past the last they use.
  template <int Stride>
  struct Pairs
  {
    const std::uint32_t* Low;
    const std::uint32_t* High;

    __m512i operator()(int group) const
    {
      if constexpr (Stride == 1)
      {
        const __m512i interleave =
          _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        return _mm512_permutex2var_epi32(
          _mm512_castsi256_si512(_mm256_loadu_si256(
            reinterpret_cast<const __m256i*>(this->Low + 8 * static_cast<std::size_t>(group)))),
          interleave,
          _mm512_castsi256_si512(_mm256_loadu_si256(
            reinterpret_cast<const __m256i*>(this->High + 8 * static_cast<std::size_t>(group)))));
      }
      else
      {
        const std::size_t value = 16 * static_cast<std::size_t>(group);
        return _mm512_mask_blend_epi32(0xAAAA, _mm512_loadu_si512(this->Low + value),
          _mm512_slli_epi64(_mm512_loadu_si512(this->High + value), 32));
      }
    }
  };

  // Adds a group's words, keyed, to a component's sums in a block (see SuperblockHasher).
  [[gnu::always_inline]] static void AddGroup(__m512i loaded, const std::uint64_t* keys, bool ends,
    unsigned in, const Placement& placement, int folds, Terms& sums, Terms& block)
  {
    const __m512i keyed =
      _mm512_xor_si512(loaded, _mm512_load_si512(static_cast<const void*>(keys)));
    const __m512i product = _mm512_mul_epu32(keyed, _mm512_srli_epi64(keyed, 32));
    // A group before a block's last lies in it whole: no masks (measured 5-10% faster).
    if (!ends)
    {
      sums.Products = _mm512_add_epi64(sums.Products, product);
      sums.Words = _mm512_add_epi64(sums.Words, loaded);
      return;
    }
    const auto inBlock = static_cast<__mmask8>(in);
    sums.Products = _mm512_mask_add_epi64(sums.Products, inBlock, sums.Products, product);
    sums.Words = _mm512_mask_add_epi64(sums.Words, inBlock, sums.Words, loaded);
    block.Products = _mm512_add_epi64(block.Products, PlaceLanes(sums.Products, placement, folds));
    block.Words = _mm512_add_epi64(block.Words, PlaceLanes(sums.Words, placement, folds));
    // The lanes past the block start the next one.
    sums.Products = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~inBlock), product);
    sums.Words = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~inBlock), loaded);
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
