// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: the AVX2 part of the tuple-major hash of SOA components of 8-byte or 4-byte
// values (vtkTrackedXXH3TupleMajor.inl says how it works): a group of 8 words is two
// halves, its lanes 0-3 and 4-7, and so are the accumulators. Included by
// vtkTrackedXXH3Kernel.inl into the AVX2 kernel only, inside its namespace.

#include "vtkTrackedXXH3TupleMajor.inl"

// The arithmetic of the AVX2 kernel's tuple-major hash (see SuperblockHasher).
struct GroupArithmetic
{
  // Unrolled superblocks up to 4 components: with more, their state spills from 16 registers,
  // they gained 0-40% (5 and 7 components; 6 and 9 none), and the kernel took 5 minutes
  // to compile with AddressSanitizer (4 s before the unrolled superblocks).
  static constexpr int MostUnrolledComponents = 4;

  // The unrolled superblocks go group by group up to 3 components; with more, 16 registers
  // do not hold their sums (measured on Zen 4: 4, 6 and 9 components ran 10-30% slower).
  static constexpr int MostGroupByGroupComponents = 3;

  // No superblocks in frames (see SuperblockHasher::HashInFrames).
  static constexpr int MostFrameSums = 0;

  // Where the lanes of a group go, for the position mod 8 of its first lane: lane k adds
  // to accumulator lane (position + count * k) % 8. For each half of the accumulator, the
  // 32-bit elements of a half of the (folded) group that it takes, and which half that is.
  struct Placement
  {
    alignas(32) std::uint32_t Elements[2][8];
    alignas(32) std::uint64_t FromHigh[2][4]; // all ones where that is lanes 4-7 (no fold)
    alignas(32) std::uint64_t Used[2][4];     // all ones where the lane takes a sum (folds)
  };

  // After the fold, folded lanes [0, 8 >> folds) hold the sums of the lanes that share a
  // target.
  static void FillPlacement(Placement& placement, int count, int position)
  {
    placement = Placement{};
    for (int k = 0; k < (8 >> FoldsOf(count)); ++k)
    {
      const int target = (position + count * k) % 8;
      const int half = target / 4;
      const int lane = target % 4;
      placement.Elements[half][2 * lane] = static_cast<std::uint32_t>(2 * (k % 4));
      placement.Elements[half][2 * lane + 1] = static_cast<std::uint32_t>(2 * (k % 4) + 1);
      placement.FromHigh[half][lane] = k >= 4 ? ~std::uint64_t(0) : 0;
      placement.Used[half][lane] = ~std::uint64_t(0);
    }
  }

  static __m256i Load(const void* aligned)
  {
    return _mm256_load_si256(static_cast<const __m256i*>(aligned));
  }

  // 64-bit lanes, low and high: what a group or the accumulators hold.
  struct Lanes
  {
    __m256i Low;
    __m256i High;
  };

  static Lanes Add(const Lanes& a, const Lanes& b)
  {
    return { _mm256_add_epi64(a.Low, b.Low), _mm256_add_epi64(a.High, b.High) };
  }

  // Sums the lanes that share a target, then moves each sum to its accumulator lane.
  [[gnu::always_inline]] static Lanes PlaceLanes(
    const Lanes& sums, const Placement& placement, int folds)
  {
    if (folds == 0)
    {
      auto place = [&sums, &placement](int half)
      {
        const __m256i elements = Load(placement.Elements[half]);
        return _mm256_blendv_epi8(_mm256_permutevar8x32_epi32(sums.Low, elements),
          _mm256_permutevar8x32_epi32(sums.High, elements), Load(placement.FromHigh[half]));
      };
      return { place(0), place(1) };
    }
    __m256i folded = _mm256_add_epi64(sums.Low, sums.High);
    if (folds > 1)
    {
      folded = _mm256_add_epi64(folded, _mm256_permute4x64_epi64(folded, _MM_SHUFFLE(1, 0, 3, 2)));
    }
    if (folds > 2)
    {
      folded = _mm256_add_epi64(folded, _mm256_shuffle_epi32(folded, _MM_SHUFFLE(1, 0, 3, 2)));
    }
    auto place = [folded, &placement](int half)
    {
      return _mm256_and_si256(_mm256_permutevar8x32_epi32(folded, Load(placement.Elements[half])),
        Load(placement.Used[half]));
    };
    return { place(0), place(1) };
  }

  // A component's sums in a block, by group lane: products of keyed halves, and words.
  struct Sums
  {
    Lanes Products;
    Lanes Words;
  };

  static Sums NoSums()
  {
    const __m256i zero = _mm256_setzero_si256();
    return { { zero, zero }, { zero, zero } };
  }

  // A block's products and words, in accumulator lanes: the words move beside their own in
  // AddBlock.
  using Block = Sums;

  static Block NoBlock() { return NoSums(); }

  // All ones in the lanes whose bit is set.
  static Lanes MaskOf(unsigned bits)
  {
    const __m256i set = _mm256_set1_epi64x(static_cast<long long>(bits));
    const __m256i low = _mm256_setr_epi64x(1, 2, 4, 8);
    const __m256i high = _mm256_setr_epi64x(16, 32, 64, 128);
    return { _mm256_cmpeq_epi64(_mm256_and_si256(set, low), low),
      _mm256_cmpeq_epi64(_mm256_and_si256(set, high), high) };
  }

  static Lanes And(const Lanes& a, const Lanes& mask)
  {
    return { _mm256_and_si256(a.Low, mask.Low), _mm256_and_si256(a.High, mask.High) };
  }

  static Lanes Subtract(const Lanes& a, const Lanes& b)
  {
    return { _mm256_sub_epi64(a.Low, b.Low), _mm256_sub_epi64(a.High, b.High) };
  }

  static __m256i Product(__m256i loaded, const std::uint64_t* keys)
  {
    const __m256i keyed = _mm256_xor_si256(loaded, Load(keys));
    return _mm256_mul_epu32(keyed, _mm256_srli_epi64(keyed, 32));
  }

  static __m256i LoadUnaligned(const void* values)
  {
    return _mm256_loadu_si256(static_cast<const __m256i*>(values));
  }

  // A group's 8 words, from a buffer of 8-byte values.
  struct Words
  {
    const std::uint64_t* Values;
    Lanes operator()(int group) const
    {
      const std::uint64_t* values = this->Values + 8 * static_cast<std::size_t>(group);
      return { LoadUnaligned(values), LoadUnaligned(values + 4) };
    }
  };

  // A group's 8 words of two 4-byte values each, the low halves from `Low`, the high ones
  // from `High`, a word every `Stride` values. With a stride of 2 the loads take 16 values,
  // one past the last they use.
  template <int Stride>
  struct Pairs
  {
    const std::uint32_t* Low;
    const std::uint32_t* High;

    __m256i Half(std::size_t value) const
    {
      if constexpr (Stride == 1)
      {
        auto widen = [](const std::uint32_t* values) {
          return _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(values)));
        };
        return _mm256_or_si256(
          widen(this->Low + value), _mm256_slli_epi64(widen(this->High + value), 32));
      }
      else
      {
        return _mm256_blend_epi32(LoadUnaligned(this->Low + value),
          _mm256_slli_epi64(LoadUnaligned(this->High + value), 32), 0xAA);
      }
    }

    Lanes operator()(int group) const
    {
      const std::size_t value = 8 * Stride * static_cast<std::size_t>(group);
      return { this->Half(value), this->Half(value + 4 * Stride) };
    }
  };

  // The words of an odd count of 4-byte values, whose periods span two tuples: word k has
  // the period's values 2k and 2k + 1, value q from buffer Values[q % Count], of the
  // period's first tuple for q < Count, of its second after. A half group's 8 values of a
  // buffer, 4 periods, are one load for both words they give halves to.
  template <int Count>
  struct PeriodPairs
  {
    const std::uint32_t* Values[Count];

    template <int Offset>
    __m256i Half(std::size_t value) const
    {
      constexpr int low = 2 * Offset;
      constexpr int high = low + 1;
      const __m256i lows = LoadUnaligned(this->Values[low % Count] + value);
      const __m256i highs = LoadUnaligned(this->Values[high % Count] + value);
      if constexpr (high < Count) // both halves from the first tuple: even elements
      {
        return _mm256_blend_epi32(lows, _mm256_shuffle_epi32(highs, _MM_SHUFFLE(2, 2, 0, 0)), 0xAA);
      }
      else if constexpr (low < Count) // the low half from the first, the high from the second
      {
        return _mm256_blend_epi32(lows, highs, 0xAA);
      }
      else // both from the second: odd elements
      {
        return _mm256_blend_epi32(_mm256_shuffle_epi32(lows, _MM_SHUFFLE(3, 3, 1, 1)), highs, 0xAA);
      }
    }

    template <int Offset>
    Lanes Word(int group) const
    {
      const std::size_t value = 16 * static_cast<std::size_t>(group);
      return { this->Half<Offset>(value), this->Half<Offset>(value + 8) };
    }
  };

  // Adds a group's words, keyed, to a component's sums in a block (see SuperblockHasher).
  [[gnu::always_inline]] static void AddGroup(const Lanes& loaded, const std::uint64_t* keys,
    bool ends, unsigned in, const Placement& placement, int folds, Sums& sums, Block& block)
  {
    const Lanes products = { Product(loaded.Low, keys), Product(loaded.High, keys + 4) };
    sums.Products = Add(sums.Products, products);
    sums.Words = Add(sums.Words, loaded);
    if (!ends)
    {
      return;
    }
    // The lanes past the block start the next one: taken out of this block's sums.
    Sums next = NoSums();
    if (in != 0xFF)
    {
      const Lanes past = MaskOf(~in & 0xFFu);
      next = { And(products, past), And(loaded, past) };
      sums = { Subtract(sums.Products, next.Products), Subtract(sums.Words, next.Words) };
    }
    block.Products = Add(block.Products, PlaceLanes(sums.Products, placement, folds));
    block.Words = Add(block.Words, PlaceLanes(sums.Words, placement, folds));
    sums = next;
  }

  static void AddBlock(std::uint64_t* accumulators, const Block& block)
  {
    auto* acc = reinterpret_cast<__m256i*>(accumulators);
    const Lanes beside = { _mm256_shuffle_epi32(block.Words.Low, _MM_SHUFFLE(1, 0, 3, 2)),
      _mm256_shuffle_epi32(block.Words.High, _MM_SHUFFLE(1, 0, 3, 2)) };
    const Lanes terms = Add(block.Products, beside);
    _mm256_store_si256(acc, _mm256_add_epi64(_mm256_load_si256(acc), terms.Low));
    _mm256_store_si256(acc + 1, _mm256_add_epi64(_mm256_load_si256(acc + 1), terms.High));
  }
};
