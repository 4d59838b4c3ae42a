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
// p / 8 + p % 8. Between blocks the scramble works lane by lane. The terms add in any
// order, so a block's sums are taken one component at a time. `count` blocks hold 128
// tuples, 16 loads of 8 values of each component: the superblock. Each load, as the
// values lie, takes its keys from a table of the component's schedule, and adds to the
// block (or, masked, the two blocks) its lanes fall in; the lanes a component adds to are
// a fixed permutation of the accumulator's (after a fold, for even counts), applied once
// per component and block. Interleaved, the values ran at half of XXH3's speed in cache
// (by our reading, their permutes queue for the port XXH3's own shuffles use). Blocks after the
// last superblock, and the tail, are interleaved and hashed by xxhash's own code, so the
// digest is XXH3's, bit for bit.

#if XXH_VERSION_NUMBER < 800 || XXH_VERSION_NUMBER >= 900
#error "the tuple-major AVX-512 hash follows XXH3 0.8's long-input loop"
#endif

// Counts hashed this way; others are interleaved. From 16 on a component has at most eight
// values in a block, and its per-block placement costs more than interleaving (measured).
constexpr int MostDirectComponents = 15;
constexpr std::size_t BlockWords = (sizeof(XXH3_kSecret) - XXH_STRIPE_LEN) / 8 * 8;
static_assert(BlockWords == 128, "XXH3's default secret gives blocks of 16 stripes");
constexpr int LoadsPerSuperblock = 16; // of 8 tuples: 128 tuples fill `count` blocks

// One component's 16 loads in a superblock, for the position of its first value there
// (its offset, below the count).
struct ComponentSchedule
{
  alignas(64) std::uint64_t Keys[LoadsPerSuperblock][8];
  __mmask8 InBlock[LoadsPerSuperblock]; // lanes in the block of the load's first lane
  bool EndsBlock[LoadsPerSuperblock];   // that block's last value of the component is in it
};

// Where the lanes of a load go, for the position mod 8 of its first lane: lane k adds to
// accumulator lane (position + count * k) % 8.
struct LanePlacement
{
  alignas(64) std::uint64_t Lanes[8]; // for each accumulator lane, the folded lane it takes
  __mmask8 Mask;                      // accumulator lanes the load adds to
};

struct ComponentTables
{
  ComponentSchedule Schedules[MostDirectComponents + 1][MostDirectComponents];
  LanePlacement Placements[MostDirectComponents + 1][8];
  int Folds[MostDirectComponents + 1]; // log2 of gcd(count, 8): lanes that share a target
};

std::uint64_t BlockKey(std::size_t position)
{
  return XXH_readLE64(XXH3_kSecret + 8 * (position / 8 + position % 8));
}

void FillSchedule(ComponentSchedule& schedule, int count, int offset)
{
  auto position = [count, offset](int load, int lane)
  { return static_cast<std::size_t>(offset + count * (8 * load + lane)); };
  for (int load = 0; load < LoadsPerSuperblock; ++load)
  {
    const std::size_t block = position(load, 0) / BlockWords;
    schedule.InBlock[load] = 0;
    for (int lane = 0; lane < 8; ++lane)
    {
      schedule.Keys[load][lane] = BlockKey(position(load, lane) % BlockWords);
      if (position(load, lane) / BlockWords == block)
      {
        schedule.InBlock[load] = static_cast<__mmask8>(schedule.InBlock[load] | (1u << lane));
      }
    }
    schedule.EndsBlock[load] =
      load + 1 == LoadsPerSuperblock || position(load + 1, 0) / BlockWords != block;
  }
}

// After the fold, folded lanes [0, 8 >> folds) hold the sums of the lanes that share a
// target.
void FillPlacement(LanePlacement& placement, int count, int folds, int position)
{
  placement.Mask = 0;
  for (int k = 0; k < (8 >> folds); ++k)
  {
    const int target = (position + count * k) % 8;
    placement.Lanes[target] = static_cast<std::uint64_t>(k);
    placement.Mask = static_cast<__mmask8>(placement.Mask | (1u << target));
  }
}

const ComponentTables& TheComponentTables()
{
  static ComponentTables tables;
  static const bool filled = []
  {
    for (int count = 2; count <= MostDirectComponents; ++count)
    {
      const int folds = count % 8 == 0 ? 3 : count % 4 == 0 ? 2 : count % 2 == 0 ? 1 : 0;
      tables.Folds[count] = folds;
      for (int offset = 0; offset < count; ++offset)
      {
        FillSchedule(tables.Schedules[count][offset], count, offset);
      }
      for (int position = 0; position < 8; ++position)
      {
        FillPlacement(tables.Placements[count][position], count, folds, position);
      }
    }
    return true;
  }();
  (void)filled;
  return tables;
}

// Sums the lanes that share a target, then moves each sum to its accumulator lane.
__m512i PlaceLanes(__m512i sums, const LanePlacement& placement, int folds)
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

// The terms of each block of a superblock, in accumulator lanes: products of keyed
// halves, and the words (which add to the lane beside their own).
struct BlockTerms
{
  __m512i Products;
  __m512i Words;
};

// Adds one component's 128 values of a superblock, from `values`, to the blocks' terms.
void AddComponent(const std::uint64_t* values, const ComponentSchedule& schedule,
  const LanePlacement& placement, int folds, BlockTerms* blocks)
{
  __m512i products = _mm512_setzero_si512();
  __m512i words = _mm512_setzero_si512();
  for (int load = 0; load < LoadsPerSuperblock; ++load)
  {
    const __m512i loaded = _mm512_loadu_si512(values + 8 * load);
    const __m512i keyed =
      _mm512_xor_si512(loaded, _mm512_load_si512(static_cast<const void*>(schedule.Keys[load])));
    const __m512i product = _mm512_mul_epu32(keyed, _mm512_srli_epi64(keyed, 32));
    const __mmask8 in = schedule.InBlock[load];
    products = _mm512_mask_add_epi64(products, in, products, product);
    words = _mm512_mask_add_epi64(words, in, words, loaded);
    if (schedule.EndsBlock[load])
    {
      blocks->Products = _mm512_add_epi64(blocks->Products, PlaceLanes(products, placement, folds));
      blocks->Words = _mm512_add_epi64(blocks->Words, PlaceLanes(words, placement, folds));
      ++blocks;
      // The lanes past the block start the next one.
      products = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~in), product);
      words = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~in), loaded);
    }
  }
}

// Where each component's values in a superblock start: the tuple, and its position in the
// superblock (below the count).
struct ComponentStarts
{
  std::size_t Tuples[MostDirectComponents];
  std::uint32_t Offsets[MostDirectComponents];
};

// Adds the `count` blocks of the superblock `superblock` to the accumulators, scrambling
// after each.
void HashSuperblock(std::uint64_t* accumulators, const void* const* components, int count,
  const ComponentStarts& starts, std::size_t superblock, const ComponentTables& tables)
{
  BlockTerms blocks[MostDirectComponents];
  for (int b = 0; b < count; ++b)
  {
    blocks[b] = { _mm512_setzero_si512(), _mm512_setzero_si512() };
  }
  const int folds = tables.Folds[count];
  for (int c = 0; c < count; ++c)
  {
    const std::uint32_t offset = starts.Offsets[c];
    const std::size_t tuple = starts.Tuples[c] + superblock * BlockWords;
    AddComponent(static_cast<const std::uint64_t*>(components[c]) + tuple,
      tables.Schedules[count][offset], tables.Placements[count][offset % 8], folds, blocks);
  }
  for (int b = 0; b < count; ++b)
  {
    const __m512i beside =
      _mm512_shuffle_epi32(blocks[b].Words, static_cast<_MM_PERM_ENUM>(_MM_SHUFFLE(1, 0, 3, 2)));
    __m512i acc = _mm512_load_si512(static_cast<const void*>(accumulators));
    acc = _mm512_add_epi64(acc, _mm512_add_epi64(blocks[b].Products, beside));
    _mm512_store_si512(static_cast<void*>(accumulators), acc);
    XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
  }
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
  const auto n = static_cast<std::size_t>(count);
  ComponentStarts starts;
  for (std::size_t c = 0; c < n; ++c)
  {
    starts.Tuples[c] = (first + n - 1 - c) / n;
    starts.Offsets[c] = static_cast<std::uint32_t>(n * starts.Tuples[c] + c - first);
  }
  XXH_ALIGN(64) std::uint64_t accumulators[XXH_ACC_NB] = XXH3_INIT_ACC;
  const std::size_t blocks = (length - 1) / (BlockWords * 8);
  const std::size_t superblocks = blocks / n;
  const ComponentTables& tables = TheComponentTables();
  for (std::size_t s = 0; s < superblocks; ++s)
  {
    HashSuperblock(accumulators, components, count, starts, s, tables);
  }
  // The whole blocks after the last superblock, the last, partial, block and the last
  // stripe (which may reach back into the last whole block), interleaved.
  XXH_ALIGN(64) std::uint64_t piece[BlockWords];
  const auto* pieceBytes = reinterpret_cast<const xxh_u8*>(piece);
  for (std::size_t b = superblocks * n; b < blocks; ++b)
  {
    Gather<std::uint64_t, 0>(components, n, first + b * BlockWords, BlockWords, piece);
    XXH3_accumulate(
      accumulators, pieceBytes, XXH3_kSecret, LoadsPerSuperblock, XXH3_accumulate_512);
    XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
  }
  const std::size_t tailWord = Smaller(blocks * BlockWords, words - XXH_STRIPE_LEN / 8);
  Gather<std::uint64_t, 0>(components, n, first + tailWord, words - tailWord, piece);
  const std::size_t stripes = ((length - 1) - blocks * BlockWords * 8) / XXH_STRIPE_LEN;
  XXH3_accumulate(accumulators, pieceBytes + 8 * (blocks * BlockWords - tailWord), XXH3_kSecret,
    stripes, XXH3_accumulate_512);
  XXH3_accumulate_512(accumulators, pieceBytes + length - XXH_STRIPE_LEN - 8 * tailWord,
    XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN - XXH_SECRET_LASTACC_START);
  hash.Low = XXH3_mergeAccs(
    accumulators, XXH3_kSecret + XXH_SECRET_MERGEACCS_START, std::uint64_t(length) * XXH_PRIME64_1);
  hash.High = XXH3_mergeAccs(accumulators,
    XXH3_kSecret + sizeof(XXH3_kSecret) - sizeof(accumulators) - XXH_SECRET_MERGEACCS_START,
    ~(std::uint64_t(length) * XXH_PRIME64_2));
  return true;
}
