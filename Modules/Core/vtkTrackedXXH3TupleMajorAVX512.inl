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
  // Every count of FixedCountsOf takes unrolled superblocks.
  static constexpr int MostUnrolledComponents = MostDirectComponents;

  // The unrolled superblocks go group by group for every count: 32 registers hold the
  // components' sums (see SuperblockHasher::AddFixedGroups).
  static constexpr int MostGroupByGroupComponents = MostDirectComponents;

  // Unrolled superblocks of up to 12 sums by block and class add in frames (see
  // SuperblockHasher::HashInFrames): two vectors each, and temporaries, in 32 registers.
  static constexpr int MostFrameSums = 12;

  // Where a component's sums go, for the position mod 8 of its first lane: lane k of a
  // group adds its product to accumulator lane (position + count * k) % 8, and its word to
  // the lane beside that one.
  struct Placement
  {
    // For each accumulator lane, the lane of the (folded) sums it takes: of the products,
    // or, for even counts, of products and words folded together.
    alignas(64) std::uint64_t Lanes[8];
    alignas(64) std::uint64_t WordLanes[8]; // odd counts: the lane of the words' sums
    __mmask8 Mask;                          // even counts: the accumulator lanes that take one
  };

  // Folded sums of an even count hold the products' in lanes [0, 8 >> folds), the words'
  // in the same lanes from 4 on.
  static void FillPlacement(Placement& placement, int count, int position)
  {
    const int folds = FoldsOf(count);
    placement = Placement{};
    for (int k = 0; k < (8 >> folds); ++k)
    {
      const int target = (position + count * k) % 8;
      placement.Lanes[target] = static_cast<std::uint64_t>(k);
      if (folds == 0)
      {
        placement.WordLanes[target ^ 1] = static_cast<std::uint64_t>(k);
        continue;
      }
      placement.Lanes[target ^ 1] = static_cast<std::uint64_t>(4 + k);
      placement.Mask =
        static_cast<__mmask8>(placement.Mask | (1u << target) | (1u << (target ^ 1)));
    }
  }

  static __m512i Load(const void* aligned) { return _mm512_load_si512(aligned); }

  // A component's sums in a block, by group lane: products of keyed halves, and words.
  struct Sums
  {
    __m512i Products;
    __m512i Words;
  };

  static Sums NoSums() { return { _mm512_setzero_si512(), _mm512_setzero_si512() }; }

  // A block's terms, in accumulator lanes.
  using Block = __m512i;

  static Block NoBlock() { return _mm512_setzero_si512(); }

  // Sums the lanes that share a target (for even counts, a group's lanes k and
  // k + (8 >> folds)), then moves each sum to its accumulator lane. The targets of the
  // words, beside those of the products, are others for even counts: both fold together.
  [[gnu::always_inline]] static __m512i PlaceSums(
    const Sums& sums, const Placement& placement, int folds)
  {
    if (folds == 0)
    {
      return _mm512_add_epi64(_mm512_permutexvar_epi64(Load(placement.Lanes), sums.Products),
        _mm512_permutexvar_epi64(Load(placement.WordLanes), sums.Words));
    }
    // The products' lanes 0-3 and 4-7, then the words', side by side.
    __m512i folded =
      _mm512_add_epi64(_mm512_shuffle_i64x2(sums.Products, sums.Words, _MM_SHUFFLE(1, 0, 1, 0)),
        _mm512_shuffle_i64x2(sums.Products, sums.Words, _MM_SHUFFLE(3, 2, 3, 2)));
    if (folds > 1)
    {
      folded = _mm512_add_epi64(folded, _mm512_permutex_epi64(folded, _MM_SHUFFLE(1, 0, 3, 2)));
    }
    if (folds > 2)
    {
      folded = _mm512_add_epi64(
        folded, _mm512_shuffle_epi32(folded, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(1, 0, 3, 2))));
    }
    return _mm512_maskz_permutexvar_epi64(placement.Mask, Load(placement.Lanes), folded);
  }

  // A group's 8 words, from a buffer of 8-byte values.
  struct Words
  {
    const std::uint64_t* Values;
    __m512i At(std::size_t word) const { return _mm512_loadu_si512(this->Values + word); }
    __m512i operator()(int group) const { return this->At(8 * static_cast<std::size_t>(group)); }
  };

  // A group's 8 words of two 4-byte values each, the low halves from `Low`, the high ones
  // from `High`, a word every `Stride` values. With a stride of 2 the loads take 16 values,
  // one past the last they use.
  template <int Stride>
  struct Pairs
  {
    const std::uint32_t* Low;
    const std::uint32_t* High;

    // The 8 words from word `word` on.
    __m512i At(std::size_t word) const
    {
      if constexpr (Stride == 1)
      {
        const __m512i interleave =
          _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        return _mm512_permutex2var_epi32(_mm512_castsi256_si512(_mm256_loadu_si256(
                                           reinterpret_cast<const __m256i*>(this->Low + word))),
          interleave,
          _mm512_castsi256_si512(
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(this->High + word))));
      }
      else
      {
        // The high halves' even values into the odd elements: one instruction.
        const std::size_t value = 2 * word;
        return _mm512_mask_shuffle_epi32(_mm512_loadu_si512(this->Low + value), 0xAAAA,
          _mm512_loadu_si512(this->High + value),
          static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(2, 2, 0, 0)));
      }
    }

    __m512i operator()(int group) const { return this->At(8 * static_cast<std::size_t>(group)); }
  };

  // The words of an odd count of 4-byte values, whose periods span two tuples: word k has
  // the period's values 2k and 2k + 1, value q from buffer Values[q % Count], of the
  // period's first tuple for q < Count, of its second after. A group's 16 values of a
  // buffer, 8 periods, are one load for both words they give halves to.
  template <int Count>
  struct PeriodPairs
  {
    const std::uint32_t* Values[Count];

    // Word Offset of the 8 periods from period `period` on.
    template <int Offset>
    __m512i WordsAt(std::size_t period) const
    {
      constexpr int low = 2 * Offset;
      constexpr int high = low + 1;
      const std::size_t value = 2 * period;
      const __m512i lows = _mm512_loadu_si512(this->Values[low % Count] + value);
      const __m512i highs = _mm512_loadu_si512(this->Values[high % Count] + value);
      if constexpr (high < Count) // both halves from the first tuple: even elements
      {
        return _mm512_mask_shuffle_epi32(
          lows, 0xAAAA, highs, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(2, 2, 0, 0)));
      }
      else if constexpr (low < Count) // the low half from the first, the high from the second
      {
        return _mm512_mask_blend_epi32(0xAAAA, lows, highs);
      }
      else // both from the second: odd elements
      {
        return _mm512_mask_shuffle_epi32(
          highs, 0x5555, lows, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(3, 3, 1, 1)));
      }
    }

    template <int Offset>
    __m512i Word(int group) const
    {
      return this->WordsAt<Offset>(8 * static_cast<std::size_t>(group));
    }
  };

  // The products of the keyed halves of a group's words.
  [[gnu::always_inline]] static __m512i Product(__m512i loaded, const std::uint64_t* keys)
  {
    const __m512i keyed = _mm512_xor_si512(loaded, Load(keys));
    return _mm512_mul_epu32(keyed, _mm512_srli_epi64(keyed, 32));
  }

  // Adds the lanes `lanes` of a group's words and their products to sums.
  [[gnu::always_inline]] static void AddLanes(
    Sums& sums, __m512i product, __m512i loaded, unsigned lanes)
  {
    if (lanes == 0xFF)
    {
      sums.Products = _mm512_add_epi64(sums.Products, product);
      sums.Words = _mm512_add_epi64(sums.Words, loaded);
      return;
    }
    const auto mask = static_cast<__mmask8>(lanes);
    sums.Products = _mm512_mask_add_epi64(sums.Products, mask, sums.Products, product);
    sums.Words = _mm512_mask_add_epi64(sums.Words, mask, sums.Words, loaded);
  }

  // A group's lanes moved up by Shift, lanes below it zero (ShiftUp), or down by 8 - Shift,
  // lanes from 8 - Shift on zero (ShiftDown).
  template <int Shift>
  [[gnu::always_inline]] static __m512i ShiftUp(__m512i words)
  {
    return _mm512_alignr_epi64(words, _mm512_setzero_si512(), 8 - Shift);
  }

  template <int Shift>
  [[gnu::always_inline]] static __m512i ShiftDown(__m512i words)
  {
    return _mm512_alignr_epi64(_mm512_setzero_si512(), words, 8 - Shift);
  }

  // Adds a group's words, keyed, to a component's sums in a block (see SuperblockHasher).
  [[gnu::always_inline]] static void AddGroup(__m512i loaded, const std::uint64_t* keys, bool ends,
    unsigned in, const Placement& placement, int folds, Sums& sums, Block& block)
  {
    const __m512i product = Product(loaded, keys);
    // A group before a block's last lies in it whole: no masks (measured 5-10% faster).
    AddLanes(sums, product, loaded, ends ? in : 0xFF);
    if (!ends)
    {
      return;
    }
    const auto inBlock = static_cast<__mmask8>(in);
    block = _mm512_add_epi64(block, PlaceSums(sums, placement, folds));
    // The lanes past the block start the next one.
    sums.Products = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~inBlock), product);
    sums.Words = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~inBlock), loaded);
  }

  static void AddBlock(std::uint64_t* accumulators, const Block& block)
  {
    _mm512_store_si512(
      static_cast<void*>(accumulators), _mm512_add_epi64(Load(accumulators), block));
  }
};
