// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: XXH3-128 of the tuple-major stream of SOA components of 8-byte values, hashed
// from the component buffers as they lie, without interleaving them: what the vector
// widths share. Included, inside the kernel's namespace, by the file of one vector width
// (vtkTrackedXXH3TupleMajorAVX2.inl, vtkTrackedXXH3TupleMajorAVX512.inl), which adds a
// superblock's values to the accumulators.
//
// Why it works. With XXH3's default secret a block is 16 stripes of 8 words, 128 words.
// Within a block every word adds a term of its own to one accumulator lane: the word
// itself to lane (p % 8) ^ 1, and the product of the halves of word ^ key(p) to lane
// p % 8, where p is the word's position in the block and key(p) the secret's word
// p / 8 + p % 8. Between blocks the scramble works lane by lane. The terms add in any
// order, so a block's sums are taken one component at a time. `count` blocks hold 128
// tuples, 16 groups of 8 values of each component: the superblock. Each group, as the
// values lie, takes its keys from a table of the component's schedule, and adds to the
// block (or, split, the two blocks) its lanes fall in; the lanes a component adds to are
// a fixed permutation of the accumulator's (after a fold, for even counts), applied once
// per component and block. Interleaved, the values ran at half of XXH3's speed in cache
// (by our reading, their permutes queue for the port XXH3's own shuffles use). Blocks after
// the last superblock, and the tail, are interleaved and hashed by xxhash's own code, so
// the digest is XXH3's, bit for bit.

#if XXH_VERSION_NUMBER < 800 || XXH_VERSION_NUMBER >= 900
#error "the tuple-major hash follows XXH3 0.8's long-input loop"
#endif

// Counts hashed this way; others are interleaved. From 16 on a component has at most eight
// values in a block, and its per-block placement costs more than interleaving (measured).
constexpr int MostDirectComponents = 15;
constexpr std::size_t BlockWords = (sizeof(XXH3_kSecret) - XXH_STRIPE_LEN) / 8 * 8;
static_assert(BlockWords == 128, "XXH3's default secret gives blocks of 16 stripes");
constexpr int GroupsPerSuperblock = 16; // of 8 tuples: 128 tuples fill `count` blocks

// One component's 16 groups in a superblock, for the position of its first value there
// (its offset, below the count).
struct ComponentSchedule
{
  alignas(64) std::uint64_t Keys[GroupsPerSuperblock][8];
  std::uint8_t InBlock[GroupsPerSuperblock]; // lanes in the block of the group's first lane
  bool EndsBlock[GroupsPerSuperblock];       // that block's last value of the component is in it
};

std::uint64_t BlockKey(std::size_t position)
{
  return XXH_readLE64(XXH3_kSecret + 8 * (position / 8 + position % 8));
}

void FillSchedule(ComponentSchedule& schedule, int count, int offset)
{
  auto position = [count, offset](int group, int lane)
  { return static_cast<std::size_t>(offset + count * (8 * group + lane)); };
  for (int group = 0; group < GroupsPerSuperblock; ++group)
  {
    const std::size_t block = position(group, 0) / BlockWords;
    schedule.InBlock[group] = 0;
    for (int lane = 0; lane < 8; ++lane)
    {
      schedule.Keys[group][lane] = BlockKey(position(group, lane) % BlockWords);
      if (position(group, lane) / BlockWords == block)
      {
        schedule.InBlock[group] = static_cast<std::uint8_t>(schedule.InBlock[group] | (1u << lane));
      }
    }
    schedule.EndsBlock[group] =
      group + 1 == GroupsPerSuperblock || position(group + 1, 0) / BlockWords != block;
  }
}

// Tables by count and position, filled on first use: only the kernel in use fills its.
template <typename Entry, int Positions>
struct CountTable
{
  Entry Entries[MostDirectComponents + 1][Positions];

  template <typename Fill>
  explicit CountTable(Fill fill)
  {
    for (int count = 2; count <= MostDirectComponents; ++count)
    {
      for (int position = 0; position < Positions; ++position)
      {
        fill(this->Entries[count][position], count, position);
      }
    }
  }
};

// Schedules by count and offset.
using ComponentSchedules = CountTable<ComponentSchedule, MostDirectComponents>;

const ComponentSchedules& TheComponentSchedules()
{
  static const ComponentSchedules schedules(FillSchedule);
  return schedules;
}

// log2 of gcd(count, 8): a group's lanes k and k + (8 >> folds) add to the same
// accumulator lane, (position + count * k) % 8.
int FoldsOf(int count)
{
  return count % 8 == 0 ? 3 : count % 4 == 0 ? 2 : count % 2 == 0 ? 1 : 0;
}

// Where each component's values in a superblock start: the tuple, and its position in the
// superblock (below the count).
struct ComponentStarts
{
  std::size_t Tuples[MostDirectComponents];
  std::uint32_t Offsets[MostDirectComponents];
};

// Adds the `count` blocks of a superblock to the accumulators, scrambling after each, with
// the vector arithmetic of `Width`:
// - Width::Placement, Width::FillPlacement(placement, count, position): where a group's
//   sums go, for the position mod 8 of its first lane;
// - Width::Terms, Width::NoTerms(): a block's terms, in accumulator lanes;
// - Width::AddComponent(values, schedule, placement, folds, blocks): adds a component's 128
//   values in the superblock to the terms of the blocks they fall in;
// - Width::AddBlock(accumulators, terms): adds a block's terms to the accumulators.
template <typename Width>
struct SuperblockHasher
{
  using Placements = CountTable<typename Width::Placement, 8>;

  static const Placements& ThePlacements()
  {
    static const Placements placements(Width::FillPlacement);
    return placements;
  }

  const ComponentSchedules& Schedules = TheComponentSchedules();
  const Placements& LanePlacements = ThePlacements();

  void operator()(std::uint64_t* accumulators, const void* const* components, int count,
    const ComponentStarts& starts, std::size_t superblock) const
  {
    typename Width::Terms blocks[MostDirectComponents];
    for (int b = 0; b < count; ++b)
    {
      blocks[b] = Width::NoTerms();
    }
    const int folds = FoldsOf(count);
    for (int c = 0; c < count; ++c)
    {
      const std::uint32_t offset = starts.Offsets[c];
      const std::size_t tuple = starts.Tuples[c] + superblock * BlockWords;
      Width::AddComponent(static_cast<const std::uint64_t*>(components[c]) + tuple,
        this->Schedules.Entries[count][offset], this->LanePlacements.Entries[count][offset % 8],
        folds, blocks);
    }
    for (int b = 0; b < count; ++b)
    {
      Width::AddBlock(accumulators, blocks[b]);
      XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
    }
  }
};

// XXH3-128 of the 8-byte values [first, end) of the tuple-major stream, as
// XXH3_hashLong_128b_internal computes it; false if this path does not apply.
template <typename Width>
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
  const SuperblockHasher<Width> hashSuperblock;
  for (std::size_t s = 0; s < superblocks; ++s)
  {
    hashSuperblock(accumulators, components, count, starts, s);
  }
  // The whole blocks after the last superblock, the last, partial, block and the last
  // stripe (which may reach back into the last whole block), interleaved.
  XXH_ALIGN(64) std::uint64_t piece[BlockWords];
  const auto* pieceBytes = reinterpret_cast<const xxh_u8*>(piece);
  for (std::size_t b = superblocks * n; b < blocks; ++b)
  {
    Gather<std::uint64_t, 0>(components, n, first + b * BlockWords, BlockWords, piece);
    XXH3_accumulate(
      accumulators, pieceBytes, XXH3_kSecret, GroupsPerSuperblock, XXH3_accumulate_512);
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
