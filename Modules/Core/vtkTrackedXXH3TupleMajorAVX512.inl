// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: XXH3-128 of the tuple-major stream of SOA components of 8-byte values, hashed
// from the component buffers as they lie, without interleaving them. Included by
// vtkTrackedXXH3Kernel.inl into the AVX-512 kernel only, inside its namespace.
//
// Why it works. With XXH3's default secret a block is 16 stripes of 8 words, 128 words.
// Within a block every word adds a term of its own to one accumulator lane: the word
// itself to lane (p % 8) ^ 1, and the product of the halves of word ^ key(p) to lane
// p % 8, where p is the word's position in the block and key(p) the secret's word
// p / 8 + p % 8. Only the scramble between blocks mixes lanes. The terms add in any order,
// so a block's sum is taken one component at a time: eight consecutive values of a
// component, loaded as they lie, take their keys from a table strided by the component
// count, and the lanes they add to are a fixed permutation (a fold, for even counts) of the
// accumulator's, applied once per component and block. Interleaving moved every value
// through the shuffle port, which XXH3's own shuffles already load: it halved the speed in
// cache. The tail after the last whole block is interleaved and hashed by xxhash's own
// code, so the digest is XXH3's, bit for bit.

#if XXH_VERSION_NUMBER < 800 || XXH_VERSION_NUMBER >= 900
#error "the tuple-major AVX-512 hash follows XXH3 0.8's long-input loop"
#endif

// Counts hashed this way; others are interleaved. Beyond 16 a component has at most eight
// values in a block and the per-block permutation costs more than it saves.
constexpr int MostDirectComponents = 16;
constexpr std::size_t BlockWords = (sizeof(XXH3_kSecret) - XXH_STRIPE_LEN) / 8 * 8;
static_assert(BlockWords == 128, "XXH3's default secret gives blocks of 16 stripes");

// One component's values in one block, for the position of the first of them (its
// offset, below the component count): how many, where their keys start in
// StridedKeys::Keys, and where their lanes go.
struct ComponentPhase
{
  std::uint32_t Values;
  std::uint32_t FirstKey;
  std::uint32_t NextOffset;           // of the component's first value in the next block
  __mmask8 LaneMask;                  // accumulator lanes the component adds to
  alignas(64) std::uint64_t Lanes[8]; // for each, the folded lane that adds to it
};

// Keys the table holds: for each count, for each offset, its values rounded up to 8.
constexpr std::size_t StridedKeyWords()
{
  std::size_t words = 0;
  for (std::size_t count = 2; count <= MostDirectComponents; ++count)
  {
    for (std::size_t offset = 0; offset < count; ++offset)
    {
      words += ((BlockWords - offset + count - 1) / count + 7) / 8 * 8;
    }
  }
  return words;
}

struct StridedKeys
{
  ComponentPhase Phases[MostDirectComponents + 1][MostDirectComponents];
  int Folds[MostDirectComponents + 1]; // log2 of gcd(count, 8): lanes that share a target
  // Per count and offset, key(offset + count * v) for each value v of the block, then
  // zeros to a multiple of 8 (masked-off values then add nothing).
  alignas(64) std::uint64_t Keys[StridedKeyWords()];
};

std::uint64_t BlockKey(std::size_t position)
{
  return XXH_readLE64(XXH3_kSecret + 8 * (position / 8 + position % 8));
}

void FillPhase(StridedKeys& table, int count, int offset, std::uint32_t& used)
{
  ComponentPhase& phase = table.Phases[count][offset];
  const auto n = static_cast<std::size_t>(count);
  phase.Values = static_cast<std::uint32_t>((BlockWords - offset + n - 1) / n);
  phase.FirstKey = used;
  phase.NextOffset = static_cast<std::uint32_t>(offset + n * phase.Values - BlockWords);
  const std::uint32_t padded = (phase.Values + 7) / 8 * 8;
  for (std::uint32_t v = 0; v < padded; ++v)
  {
    table.Keys[used + v] = v < phase.Values ? BlockKey(offset + n * v) : 0;
  }
  used += padded;
  // After the fold, folded lanes [0, 8 >> folds) hold the sums of the lanes that share a
  // target; lane k of a load of 8 values targets (offset + count * k) % 8.
  phase.LaneMask = 0;
  for (int k = 0; k < (8 >> table.Folds[count]); ++k)
  {
    const int target = (offset + count * k) % 8;
    phase.Lanes[target] = static_cast<std::uint64_t>(k);
    phase.LaneMask = static_cast<__mmask8>(phase.LaneMask | (1u << target));
  }
}

const StridedKeys& TheStridedKeys()
{
  static StridedKeys table;
  static const bool filled = []
  {
    std::uint32_t used = 0; // StridedKeyWords() at the end
    for (int count = 2; count <= MostDirectComponents; ++count)
    {
      const int common = count % 8 == 0 ? 8 : count % 4 == 0 ? 4 : count % 2 == 0 ? 2 : 1;
      table.Folds[count] = common == 8 ? 3 : common == 4 ? 2 : common == 2 ? 1 : 0;
      for (int offset = 0; offset < count; ++offset)
      {
        FillPhase(table, count, offset, used);
      }
    }
    return true;
  }();
  (void)filled;
  return table;
}

// Sums the lanes that share a target, then moves each sum to its accumulator lane.
__m512i PlaceLanes(__m512i sums, const ComponentPhase& phase, int folds)
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
    phase.LaneMask, _mm512_load_si512(static_cast<const void*>(phase.Lanes)), sums);
}

// XXH3's accumulation of eight words, but for where the terms go.
void AddTerms(__m512i words, __m512i keys, __m512i& products, __m512i& sums)
{
  const __m512i keyed = _mm512_xor_si512(words, keys);
  products = _mm512_add_epi64(products, _mm512_mul_epu32(keyed, _mm512_srli_epi64(keyed, 32)));
  sums = _mm512_add_epi64(sums, words);
}

// Where a component's next block starts.
struct ComponentCursor
{
  std::size_t Tuple;
  std::uint32_t Offset;
};

// Adds one whole block of the stream to the accumulators, and scrambles them.
void HashBlock(std::uint64_t* accumulators, const void* const* components, int count,
  ComponentCursor* cursors, const StridedKeys& table)
{
  __m512i products = _mm512_setzero_si512();
  __m512i sums = _mm512_setzero_si512();
  const int folds = table.Folds[count];
  for (int c = 0; c < count; ++c)
  {
    ComponentCursor& cursor = cursors[c];
    const ComponentPhase& phase = table.Phases[count][cursor.Offset];
    const auto* words = static_cast<const std::uint64_t*>(components[c]) + cursor.Tuple;
    const std::uint64_t* keys = table.Keys + phase.FirstKey;
    __m512i componentProducts = _mm512_setzero_si512();
    __m512i componentSums = _mm512_setzero_si512();
    std::uint32_t v = 0;
    for (; v + 8 <= phase.Values; v += 8)
    {
      AddTerms(_mm512_loadu_si512(words + v), _mm512_load_si512(keys + v), componentProducts,
        componentSums);
    }
    if (v < phase.Values)
    {
      // Masked off, the values past the block are not read: they may be past the buffer.
      const auto mask = static_cast<__mmask8>((1u << (phase.Values - v)) - 1);
      AddTerms(_mm512_maskz_loadu_epi64(mask, words + v), _mm512_load_si512(keys + v),
        componentProducts, componentSums);
    }
    products = _mm512_add_epi64(products, PlaceLanes(componentProducts, phase, folds));
    sums = _mm512_add_epi64(sums, PlaceLanes(componentSums, phase, folds));
    cursor.Tuple += phase.Values;
    cursor.Offset = phase.NextOffset;
  }
  // A word adds itself to the lane beside its own.
  const __m512i swapped =
    _mm512_shuffle_epi32(sums, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(1, 0, 3, 2)));
  __m512i acc = _mm512_load_si512(static_cast<const void*>(accumulators));
  acc = _mm512_add_epi64(acc, _mm512_add_epi64(products, swapped));
  _mm512_store_si512(static_cast<void*>(accumulators), acc);
  XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
}

// XXH3-128 of the 8-byte values [first, end) of the tuple-major stream, as
// XXH3_hashLong_128b_internal computes it; false if this path does not apply.
bool HashTupleMajorWords(
  const void* const* components, int count, std::size_t first, std::size_t end, Hash128& hash)
{
  const std::size_t words = end - first;
  const std::size_t length = words * 8;
  if (count < 2 || count > MostDirectComponents || length <= XXH3_MIDSIZE_MAX)
  {
    return false;
  }
  const StridedKeys& table = TheStridedKeys();
  ComponentCursor cursors[MostDirectComponents];
  const auto n = static_cast<std::size_t>(count);
  for (std::size_t c = 0; c < n; ++c)
  {
    cursors[c].Tuple = (first + n - 1 - c) / n;
    cursors[c].Offset = static_cast<std::uint32_t>(n * cursors[c].Tuple + c - first);
  }
  XXH_ALIGN(64) std::uint64_t accumulators[XXH_ACC_NB] = XXH3_INIT_ACC;
  const std::size_t blocks = (length - 1) / (BlockWords * 8);
  for (std::size_t b = 0; b < blocks; ++b)
  {
    HashBlock(accumulators, components, count, cursors, table);
  }
  // The last, partial, block and the last stripe (which may reach back into the last
  // whole block), interleaved.
  const std::size_t tailWord = Smaller(blocks * BlockWords, words - XXH_STRIPE_LEN / 8);
  XXH_ALIGN(64) std::uint64_t tail[BlockWords];
  Gather<std::uint64_t, 0>(components, n, first + tailWord, words - tailWord, tail);
  const auto* tailBytes = reinterpret_cast<const xxh_u8*>(tail);
  const std::size_t stripes = ((length - 1) - blocks * BlockWords * 8) / XXH_STRIPE_LEN;
  XXH3_accumulate(accumulators, tailBytes + 8 * (blocks * BlockWords - tailWord), XXH3_kSecret,
    stripes, XXH3_accumulate_512);
  XXH3_accumulate_512(accumulators, tailBytes + length - XXH_STRIPE_LEN - 8 * tailWord,
    XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN - XXH_SECRET_LASTACC_START);
  hash.Low = XXH3_mergeAccs(
    accumulators, XXH3_kSecret + XXH_SECRET_MERGEACCS_START, std::uint64_t(length) * XXH_PRIME64_1);
  hash.High = XXH3_mergeAccs(accumulators,
    XXH3_kSecret + sizeof(XXH3_kSecret) - sizeof(accumulators) - XXH_SECRET_MERGEACCS_START,
    ~(std::uint64_t(length) * XXH_PRIME64_2));
  return true;
}
