// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: XXH3-128 of the tuple-major stream of SOA components of 8-byte or 4-byte
// values, hashed from the component buffers as they lie, without interleaving them: what
// the vector widths share. Included, inside the kernel's namespace, by the file of one vector width
// (vtkTrackedXXH3TupleMajorAVX2.inl, vtkTrackedXXH3TupleMajorAVX512.inl), which adds a
// superblock's values to the accumulators.
//
// Why it works. With XXH3's default secret a block is 16 stripes of 8 words, 128 words.
// Within a block every word adds a term of its own to one accumulator lane: the word
// itself to lane (p % 8) ^ 1, and the product of the halves of word ^ key(p) to lane
// p % 8, where p is the word's position in the block and key(p) the secret's word
// p / 8 + p % 8. Between blocks the scramble works lane by lane. The terms add in any
// order, so a block's sums are taken one component at a time. `count` blocks hold 128
// tuples, 16 groups of 8 values of each component: the superblock. (4-byte values pair
// into words, the components of words from two buffers each: see WordComponents.) Each group, as
// the values lie, takes its keys from a table of the component's schedule, and adds to the block
// (or, split, the two blocks) its lanes fall in; the lanes a component adds to are a fixed
// permutation of the accumulator's (after a fold, for even counts), applied once per component and
// block. The common counts take superblocks unrolled when compiling (SuperblockHasher::HashFixed):
// their schedules are constants. Interleaved, the values ran at half of XXH3's speed in cache (by
// our reading, their permutes queue for the port XXH3's own shuffles use). Blocks after the last
// superblock, and the tail, are interleaved and hashed by xxhash's own code, so the digest is
// XXH3's, bit for bit.

#if XXH_VERSION_NUMBER < 800 || XXH_VERSION_NUMBER >= 900
#error "the tuple-major hash follows XXH3 0.8's long-input loop"
#endif

// Counts of word components hashed this way; others are interleaved. From 16 on a
// component has at most eight words in a block, and its per-block placement costs more
// than interleaving (measured).
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

// Where a component's groups lie in a superblock, for the count and the component's offset:
// constant expressions where the count is known when compiling (see SuperblockHasher::HashFixed).
constexpr std::size_t PositionOf(int count, int offset, int group, int lane)
{
  return static_cast<std::size_t>(offset + count * (8 * group + lane));
}

// The block of the group's first lane.
constexpr std::size_t BlockOfGroup(int count, int offset, int group)
{
  return PositionOf(count, offset, group, 0) / BlockWords;
}

// The group's lanes in the block of its first lane, by bit.
constexpr unsigned LanesInBlock(int count, int offset, int group)
{
  unsigned in = 0;
  for (int lane = 0; lane < 8; ++lane)
  {
    if (PositionOf(count, offset, group, lane) / BlockWords == BlockOfGroup(count, offset, group))
    {
      in |= 1u << lane;
    }
  }
  return in;
}

// The block of the group's first lane has its last value of the component in the group.
constexpr bool EndsBlock(int count, int offset, int group)
{
  return group + 1 == GroupsPerSuperblock ||
    BlockOfGroup(count, offset, group + 1) != BlockOfGroup(count, offset, group);
}

void FillSchedule(ComponentSchedule& schedule, int count, int offset)
{
  for (int group = 0; group < GroupsPerSuperblock; ++group)
  {
    for (int lane = 0; lane < 8; ++lane)
    {
      schedule.Keys[group][lane] = BlockKey(PositionOf(count, offset, group, lane) % BlockWords);
    }
    schedule.InBlock[group] = static_cast<std::uint8_t>(LanesInBlock(count, offset, group));
    schedule.EndsBlock[group] = EndsBlock(count, offset, group);
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
    for (int count = 1; count <= MostDirectComponents; ++count)
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
constexpr int FoldsOf(int count)
{
  return count % 8 == 0 ? 3 : count % 4 == 0 ? 2 : count % 2 == 0 ? 1 : 0;
}

// Superblocks in frames (see SuperblockHasher::HashInFrames): the components of a class
// (their offsets the same mod gcd(count, 8)) share a frame. A component's words loaded
// ShiftOf words early add to accumulator lane (offset % classes + count * lane) % 8 of
// their group, whatever its offset in the class: with count = classes * m, m odd, m * m % 8
// is 1, so count * ShiftOf is offset - offset % classes, mod 8. A component's shifted groups
// are 0 to GroupsPerSuperblock; lane k of group g holds word 8 g + k - ShiftOf.
constexpr int ClassesOf(int count)
{
  return 1 << FoldsOf(count);
}

constexpr int ShiftOf(int count, int offset)
{
  const int classes = ClassesOf(count);
  return offset / classes * (count / classes) % (8 / classes);
}

// The lanes of a shifted group whose words lie in block `block` of the superblock.
constexpr unsigned ShiftedLanesIn(int count, int offset, int group, int block)
{
  unsigned in = 0;
  for (int lane = 0; lane < 8; ++lane)
  {
    const int word = 8 * group + lane - ShiftOf(count, offset);
    if (word >= 0 && word < 8 * GroupsPerSuperblock &&
      PositionOf(count, offset, 0, word) / BlockWords == static_cast<std::size_t>(block))
    {
      in |= 1u << lane;
    }
  }
  return in;
}

// The block of a shifted group's first word, -1 if it has none.
constexpr int FirstBlockOfShifted(int count, int offset, int group)
{
  for (int block = 0; block < count; ++block)
  {
    if (ShiftedLanesIn(count, offset, group, block) != 0)
    {
      return block;
    }
  }
  return -1;
}

// The stream's 8-byte words as the `Count` components of superblocks of `Count` blocks.
// For 8-byte values they are the SOA components. For 4-byte values a word is two values:
// component k is word k of every period of `Count` words (the count of values per tuple,
// or half of it when even), its low halves from one buffer and its high halves from
// another, a period `Stride` tuples on (2 for odd value counts, whose periods span two
// tuples).
struct WordComponents
{
  int Count = 0;
  int ValueSize = 8;
  int Stride = 1;
  const void* Low[MostDirectComponents];       // the first word's value, or its low half
  const void* High[MostDirectComponents];      // 4-byte values: its high half
  std::uint32_t Offsets[MostDirectComponents]; // the first word's position in a superblock
};

// The words of values [first, end) of `count` components, if this path takes them: 8-byte
// values of 2 to 15 components; 4-byte ones from an even first value, whose periods have
// at most 15 words.
bool DescribeWords(
  const void* const* components, int count, int valueSize, std::size_t first, WordComponents& words)
{
  const auto n = static_cast<std::size_t>(count);
  words.ValueSize = valueSize;
  if (valueSize == 8 && count >= 2 && count <= MostDirectComponents)
  {
    words.Count = count;
    for (std::size_t c = 0; c < n; ++c)
    {
      const std::size_t tuple = (first + n - 1 - c) / n;
      words.Low[c] = static_cast<const std::uint64_t*>(components[c]) + tuple;
      words.Offsets[c] = static_cast<std::uint32_t>(n * tuple + c - first);
    }
    return true;
  }
  words.Count = count % 2 ? count : count / 2;
  words.Stride = count % 2 ? 2 : 1;
  if (valueSize != 4 || first % 2 != 0 || count < 2 || words.Count > MostDirectComponents)
  {
    return false;
  }
  for (int k = 0; k < words.Count; ++k)
  {
    const std::size_t low = first + 2 * static_cast<std::size_t>(k);
    words.Low[k] = static_cast<const std::uint32_t*>(components[low % n]) + low / n;
    words.High[k] = static_cast<const std::uint32_t*>(components[(low + 1) % n]) + (low + 1) / n;
    words.Offsets[k] = static_cast<std::uint32_t>(k);
  }
  return true;
}

// How many of `superblocks` read only values of the stream [first, end): with a stride of
// 2 a group's loads take one value past its last (see Width::Pairs), up to `count` values
// of the stream past the superblocks.
std::size_t ReadableSuperblocks(const WordComponents& words, std::size_t count, std::size_t first,
  std::size_t end, std::size_t superblocks)
{
  // The last value read: the high half of the period's last word, 2 Count - 1 values on
  // from `first`, in the superblocks' last tuple read.
  const auto wordsPerPeriod = static_cast<std::size_t>(words.Count);
  while (words.Stride == 2 && superblocks > 0 &&
    first + 2 * wordsPerPeriod - 1 + (2 * BlockWords * superblocks - 1) * count >= end)
  {
    --superblocks;
  }
  return superblocks;
}

// 0, ..., N - 1 as a type, to unroll loops over components and groups when compiling.
template <int... Values>
struct IntList
{
};
template <int N, int... Values>
struct UpTo : UpTo<N - 1, N - 1, Values...>
{
};
template <int... Values>
struct UpTo<0, Values...>
{
  using List = IntList<Values...>;
};

template <typename A, typename B>
constexpr bool SameType = false;
template <typename A>
constexpr bool SameType<A, A> = true;

// A component's groups, for its count and offset, as constants.
template <int Count, int Offset, int Group>
struct FixedGroup
{
  static constexpr bool Ends = EndsBlock(Count, Offset, Group);
  static constexpr unsigned In = LanesInBlock(Count, Offset, Group);
  static constexpr std::size_t Block = BlockOfGroup(Count, Offset, Group);
};

// A shifted group, for its count and component offset, as constants.
template <int Count, int Offset, int Group>
struct ShiftedGroup
{
  static constexpr int Shift = ShiftOf(Count, Offset);
  static constexpr int First = FirstBlockOfShifted(Count, Offset, Group);
  static constexpr unsigned InFirst = ShiftedLanesIn(Count, Offset, Group, First);
  static constexpr unsigned InNext = ShiftedLanesIn(Count, Offset, Group, First + 1);
};

// The keys of the shifted groups of an odd count's components, by offset.
template <int Count>
struct ShiftedKeys
{
  alignas(64) std::uint64_t Keys[Count][GroupsPerSuperblock + 1][8];

  ShiftedKeys()
  {
    for (int offset = 0; offset < Count; ++offset)
    {
      for (int group = 0; group <= GroupsPerSuperblock; ++group)
      {
        for (int lane = 0; lane < 8; ++lane)
        {
          const int word = 8 * group + lane - ShiftOf(Count, offset);
          const bool inSuperblock = word >= 0 && word < 8 * GroupsPerSuperblock;
          this->Keys[offset][group][lane] =
            inSuperblock ? BlockKey(PositionOf(Count, offset, 0, word) % BlockWords) : 0;
        }
      }
    }
  }

  static const ShiftedKeys& The()
  {
    static const ShiftedKeys keys;
    return keys;
  }
};

// Hashes the superblocks of word components, adding each block to the accumulators and
// scrambling after it, with the vector arithmetic of `Width`:
// - Width::Placement, Width::FillPlacement(placement, count, position): where a group's
//   sums go, for the position mod 8 of its first lane;
// - Width::Sums, Width::NoSums(): a component's sums in a block, by group lane;
// - Width::Block, Width::NoBlock(): a block's terms, in accumulator lanes;
// - Width::Words{ values }, Width::Pairs<Stride>{ low, high }: a component's 8-byte words
//   by group of 8, from 8-byte values, or from 4-byte ones (see WordComponents);
// - Width::PeriodPairs<Count>{ values }: the words of an odd count of 4-byte values, which
//   share their loads, by offset: Word<Offset>(group) (see FixedLoadsOf);
// - Width::MostGroupByGroupComponents: the most components an unrolled superblock takes
//   group by group (see AddFixedGroups);
// - Width::AddGroup(words, keys, ends, in, placement, folds, sums, block): adds a group's
//   words to a component's sums in a block; if the group ends the block, adds its lanes
//   `in` to them, the sums to the block's terms, and starts the next block's sums;
// - Width::AddBlock(accumulators, terms): adds a block's terms to the accumulators.
template <typename Width>
struct SuperblockHasher
{
  using Sums = typename Width::Sums;
  using Block = typename Width::Block;
  using Placement = typename Width::Placement;
  using Placements = CountTable<Placement, 8>;

  static const Placements& ThePlacements()
  {
    static const Placements placements(Width::FillPlacement);
    return placements;
  }

  const ComponentSchedules& Schedules = TheComponentSchedules();
  const Placements& LanePlacements = ThePlacements();

  // Component c's words from tuple `tuple` of its buffers.
  template <typename Load>
  static Load LoadOf(const WordComponents& words, int c, std::size_t tuple)
  {
    if constexpr (SameType<Load, typename Width::Words>)
    {
      return Load{ static_cast<const std::uint64_t*>(words.Low[c]) + tuple };
    }
    else
    {
      return Load{ static_cast<const std::uint32_t*>(words.Low[c]) + tuple,
        static_cast<const std::uint32_t*>(words.High[c]) + tuple };
    }
  }

  // The first tuple of superblock s in the buffers.
  static std::size_t TupleOf(const WordComponents& words, std::size_t s)
  {
    return s * BlockWords * static_cast<std::size_t>(words.Stride);
  }

  static void AddBlocks(std::uint64_t* accumulators, const Block* blocks, int count)
  {
    for (int b = 0; b < count; ++b)
    {
      Width::AddBlock(accumulators, blocks[b]);
      XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
    }
  }

  // Counts of word components whose superblocks are hashed by code of their own, the
  // schedule's branches and masks constants and the blocks' terms in registers: those of
  // 2 to 7 and 9 components of 8-byte values, and of 2, 3, 4, 5, 6, 7, 8 and 9 of 4-byte
  // ones (even counts take one word a tuple per pair of components, odd ones two tuples a
  // period).
  template <typename Load>
  static auto FixedCountsOf()
  {
    if constexpr (SameType<Load, typename Width::Words>)
    {
      return IntList<2, 3, 4, 5, 6, 7, 9>{};
    }
    else if constexpr (SameType<Load, typename Width::template Pairs<1>>)
    {
      return IntList<1, 2, 3, 4>{};
    }
    else
    {
      return IntList<3, 5, 7, 9>{};
    }
  }

  // Hashes `superblocks` superblocks of `words`, read by Load.
  template <typename Load>
  void Hash(std::uint64_t* accumulators, const WordComponents& words, std::size_t superblocks) const
  {
    if (!this->HashFixed<Load>(accumulators, words, superblocks, FixedCountsOf<Load>()))
    {
      for (std::size_t s = 0; s < superblocks; ++s)
      {
        this->HashSuperblock<Load>(accumulators, words, s);
      }
    }
  }

  template <typename Load>
  void HashSuperblock(std::uint64_t* accumulators, const WordComponents& words, std::size_t s) const
  {
    const int count = words.Count;
    Block blocks[MostDirectComponents];
    for (int b = 0; b < count; ++b)
    {
      blocks[b] = Width::NoBlock();
    }
    for (int c = 0; c < count; ++c)
    {
      const std::uint32_t offset = words.Offsets[c];
      const ComponentSchedule& schedule = this->Schedules.Entries[count][offset];
      const Placement& placement = this->LanePlacements.Entries[count][offset % 8];
      const Load load = LoadOf<Load>(words, c, TupleOf(words, s));
      Sums sums = Width::NoSums();
      Block* block = blocks;
      for (int group = 0; group < GroupsPerSuperblock; ++group)
      {
        Width::AddGroup(load(group), schedule.Keys[group], schedule.EndsBlock[group],
          schedule.InBlock[group], placement, FoldsOf(count), sums, *block);
        block += schedule.EndsBlock[group];
      }
    }
    AddBlocks(accumulators, blocks, count);
  }

  // True if words.Count is one of Counts, whose superblocks it then hashes.
  template <typename Load, int... Counts>
  bool HashFixed(std::uint64_t* accumulators, const WordComponents& words, std::size_t superblocks,
    IntList<Counts...>) const
  {
    return (this->HashFixedCount<Load, Counts>(accumulators, words, superblocks) || ...);
  }

  template <typename Load, int Count>
  bool HashFixedCount(
    std::uint64_t* accumulators, const WordComponents& words, std::size_t superblocks) const
  {
    if constexpr (Count > Width::MostUnrolledComponents)
    {
      return false;
    }
    if (words.Count != Count)
    {
      return false;
    }
    int byOffset[Count];
    for (int c = 0; c < Count; ++c)
    {
      byOffset[words.Offsets[c]] = c;
    }
    if constexpr (InFrames(Count))
    {
      this->HashInFrames<Load, Count>(accumulators, words, byOffset, superblocks);
    }
    else
    {
      this->HashFlushed<Load, Count>(accumulators, words, byOffset, superblocks);
    }
    return true;
  }

  // Counts from 5 on take frames where the width holds their sums in registers (measured on
  // Zen 4, AVX-512, doubles: 5, 7 and 9 components 1.3-2.1 times as fast, 6 components 15%
  // faster; 3 components 9-15% slower, 4 components, 16 sums, 12% slower).
  static constexpr bool InFrames(int count)
  {
    return count >= 5 && count * ClassesOf(count) <= Width::MostFrameSums;
  }

  // Superblocks whose components' sums are placed, and flushed to the blocks' terms, block
  // by block.
  template <typename Load, int Count>
  void HashFlushed(std::uint64_t* accumulators, const WordComponents& words, const int* byOffset,
    std::size_t superblocks) const
  {
    for (std::size_t s = 0; s < superblocks; ++s)
    {
      const auto loads = FixedLoadsOf<Load, Count>(words, byOffset, TupleOf(words, s));
      Sums sums[Count];
      Block blocks[Count];
      for (int b = 0; b < Count; ++b)
      {
        sums[b] = Width::NoSums();
        blocks[b] = Width::NoBlock();
      }
      if constexpr (Count <= Width::MostGroupByGroupComponents)
      {
        this->AddFixedGroups<Count>(
          loads, sums, blocks, typename UpTo<GroupsPerSuperblock>::List{});
      }
      else
      {
        this->AddFixedComponents<Count>(loads, sums, blocks, typename UpTo<Count>::List{});
      }
      AddBlocks(accumulators, blocks, Count);
    }
  }

  // The components' loads, by offset.
  template <typename Load, int Count>
  struct OffsetLoads
  {
    Load Loads[Count];

    template <int Offset>
    auto Word(int group) const
    {
      return this->Loads[Offset](group);
    }

    template <int Offset>
    auto WordsAt(std::size_t word) const
    {
      return this->Loads[Offset].At(word);
    }
  };

  // Superblocks in frames: every component's words, loaded ShiftOf words early, add to the
  // sums of its class in the block, in the lanes the count and the class give, so that a
  // block's sums are one per class, placed once (as those of offset `class`), and no
  // component's sums are flushed block by block.
  template <typename Load, int Count>
  void HashInFrames(std::uint64_t* accumulators, const WordComponents& words, const int* byOffset,
    std::size_t superblocks) const
  {
    constexpr int classes = ClassesOf(Count);
    const ShiftedKeys<Count>& keys = ShiftedKeys<Count>::The();
    for (std::size_t s = 0; s < superblocks; ++s)
    {
      const auto loads = FixedLoadsOf<Load, Count>(words, byOffset, TupleOf(words, s));
      Sums sums[Count * classes]; // by block, then class
      for (Sums& frame : sums)
      {
        frame = Width::NoSums();
      }
      this->AddShiftedComponents<Count>(loads, keys, sums, typename UpTo<Count>::List{});
      for (int b = 0; b < Count; ++b)
      {
        for (int c = 0; c < classes; ++c)
        {
          Width::AddBlock(accumulators,
            Width::PlaceSums(
              sums[b * classes + c], this->LanePlacements.Entries[Count][c], FoldsOf(Count)));
        }
        XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
      }
    }
  }

  template <int Count, typename Loads, int... Offsets>
  [[gnu::always_inline]] void AddShiftedComponents(
    const Loads& loads, const ShiftedKeys<Count>& keys, Sums* sums, IntList<Offsets...>) const
  {
    (this->AddShiftedComponent<Count, Offsets>(
       loads, keys, sums, typename UpTo<GroupsPerSuperblock + 1>::List{}),
      ...);
  }

  template <int Count, int Offset, typename Loads, int... Groups>
  [[gnu::always_inline]] void AddShiftedComponent(
    const Loads& loads, const ShiftedKeys<Count>& keys, Sums* sums, IntList<Groups...>) const
  {
    (this->AddShiftedGroup<Count, Offset, Groups>(loads, keys, sums), ...);
  }

  template <int Count, int Offset, int Group, typename Loads>
  [[gnu::always_inline]] void AddShiftedGroup(
    const Loads& loads, const ShiftedKeys<Count>& keys, Sums* sums) const
  {
    using Shifted = ShiftedGroup<Count, Offset, Group>;
    if constexpr (Shifted::First >= 0)
    {
      const auto loaded = ShiftedWords<Offset, Group, Shifted::Shift>(loads);
      const auto product = Width::Product(loaded, keys.Keys[Offset][Group]);
      constexpr int classes = ClassesOf(Count);
      Sums* frames = sums + Offset % classes;
      Width::AddLanes(frames[Shifted::First * classes], product, loaded, Shifted::InFirst);
      if constexpr (Shifted::InNext != 0)
      {
        Width::AddLanes(frames[(Shifted::First + 1) * classes], product, loaded, Shifted::InNext);
      }
    }
  }

  // The words of a shifted group; the first and the last are moved from the superblock's
  // first and last groups, so that nothing outside it is read.
  template <int Offset, int Group, int Shift, typename Loads>
  [[gnu::always_inline]] static auto ShiftedWords(const Loads& loads)
  {
    if constexpr (Shift == 0)
    {
      return loads.template Word<Offset>(Group);
    }
    else if constexpr (Group == 0)
    {
      return Width::template ShiftUp<Shift>(loads.template Word<Offset>(0));
    }
    else if constexpr (Group == GroupsPerSuperblock)
    {
      return Width::template ShiftDown<Shift>(loads.template Word<Offset>(Group - 1));
    }
    else
    {
      return loads.template WordsAt<Offset>(static_cast<std::size_t>(8 * Group - Shift));
    }
  }

  // The words of the unrolled superblocks, from tuple `tuple`: by offset, with
  // Word<Offset>(group). Group by group, the words of odd counts of 4-byte values share their
  // loads (Width::PeriodPairs): the buffer of period value q, for q < Count, is that of word
  // q / 2's low half (q even) or high half.
  template <typename Load, int Count>
  static auto FixedLoadsOf(const WordComponents& words, const int* byOffset, std::size_t tuple)
  {
    if constexpr (SameType<Load, typename Width::template Pairs<2>> &&
      Count <= Width::MostGroupByGroupComponents)
    {
      typename Width::template PeriodPairs<Count> loads;
      for (int q = 0; q < Count; ++q)
      {
        loads.Values[q] =
          static_cast<const std::uint32_t*>(q % 2 ? words.High[q / 2] : words.Low[q / 2]) + tuple;
      }
      return loads;
    }
    else
    {
      OffsetLoads<Load, Count> loads;
      for (int offset = 0; offset < Count; ++offset)
      {
        loads.Loads[offset] = LoadOf<Load>(words, byOffset[offset], tuple);
      }
      return loads;
    }
  }

  // Group by group, each of every component: their sums stay in registers, and the loads of
  // a group can be shared (Width::PeriodPairs); up to Width::MostGroupByGroupComponents.
  template <int Count, typename Loads, int... Groups>
  [[gnu::always_inline]] void AddFixedGroups(
    const Loads& loads, Sums* sums, Block* blocks, IntList<Groups...>) const
  {
    (this->AddFixedGroup<Count, Groups>(loads, sums, blocks, typename UpTo<Count>::List{}), ...);
  }

  template <int Count, int Group, typename Loads, int... Offsets>
  [[gnu::always_inline]] void AddFixedGroup(
    const Loads& loads, Sums* sums, Block* blocks, IntList<Offsets...>) const
  {
    (this->AddFixedWords<Count, Offsets, Group>(loads, sums[Offsets], blocks), ...);
  }

  // Component by component, each group of one: for more components than the registers hold the
  // sums of.
  template <int Count, typename Loads, int... Offsets>
  [[gnu::always_inline]] void AddFixedComponents(
    const Loads& loads, Sums* sums, Block* blocks, IntList<Offsets...>) const
  {
    (this->AddFixedComponent<Count, Offsets>(
       loads, sums[Offsets], blocks, typename UpTo<GroupsPerSuperblock>::List{}),
      ...);
  }

  template <int Count, int Offset, typename Loads, int... Groups>
  [[gnu::always_inline]] void AddFixedComponent(
    const Loads& loads, Sums& sums, Block* blocks, IntList<Groups...>) const
  {
    (this->AddFixedWords<Count, Offset, Groups>(loads, sums, blocks), ...);
  }

  template <int Count, int Offset, int Group, typename Loads>
  [[gnu::always_inline]] void AddFixedWords(const Loads& loads, Sums& sums, Block* blocks) const
  {
    using Fixed = FixedGroup<Count, Offset, Group>;
    Width::AddGroup(loads.template Word<Offset>(Group),
      this->Schedules.Entries[Count][Offset].Keys[Group], Fixed::Ends, Fixed::In,
      this->LanePlacements.Entries[Count][Offset % 8], FoldsOf(Count), sums, blocks[Fixed::Block]);
  }
};

// Adds the blocks of the stream from block `fromBlock` on, the last, partial, block and the
// last stripe (which may reach back into the last whole block) to the accumulators,
// interleaved and hashed by xxhash's own code; `length` is the stream's, in bytes.
template <typename Word>
void HashInterleavedBlocks(std::uint64_t* accumulators, const void* const* components,
  std::size_t count, std::size_t first, std::size_t length, std::size_t fromBlock)
{
  constexpr std::size_t BlockValues = BlockWords * 8 / sizeof(Word);
  XXH_ALIGN(64) Word piece[BlockValues];
  const auto* bytes = reinterpret_cast<const xxh_u8*>(piece);
  const std::size_t blocks = (length - 1) / (BlockWords * 8);
  for (std::size_t b = fromBlock; b < blocks; ++b)
  {
    Gather<Word, 0>(components, count, first + b * BlockValues, BlockValues, piece);
    XXH3_accumulate(accumulators, bytes, XXH3_kSecret, GroupsPerSuperblock, XXH3_accumulate_512);
    XXH3_scrambleAcc(accumulators, XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN);
  }
  const std::size_t values = length / sizeof(Word);
  const std::size_t tail = Smaller(blocks * BlockValues, values - XXH_STRIPE_LEN / sizeof(Word));
  Gather<Word, 0>(components, count, first + tail, values - tail, piece);
  const std::size_t stripes = ((length - 1) - blocks * BlockWords * 8) / XXH_STRIPE_LEN;
  XXH3_accumulate(accumulators, bytes + sizeof(Word) * (blocks * BlockValues - tail), XXH3_kSecret,
    stripes, XXH3_accumulate_512);
  XXH3_accumulate_512(accumulators, bytes + length - XXH_STRIPE_LEN - sizeof(Word) * tail,
    XXH3_kSecret + sizeof(XXH3_kSecret) - XXH_STRIPE_LEN - XXH_SECRET_LASTACC_START);
}

// XXH3-128 of the values [first, end) of the tuple-major stream, as
// XXH3_hashLong_128b_internal computes it; false if this path does not apply (see
// DescribeWords).
template <typename Width>
bool HashTupleMajorInPlace(const void* const* components, int count, int valueSize,
  std::size_t first, std::size_t end, Hash128& hash)
{
  const std::size_t length = (end - first) * static_cast<std::size_t>(valueSize);
  WordComponents words;
  if (length <= XXH3_MIDSIZE_MAX || !DescribeWords(components, count, valueSize, first, words))
  {
    return false;
  }
  const auto n = static_cast<std::size_t>(count);
  XXH_ALIGN(64) std::uint64_t accumulators[XXH_ACC_NB] = XXH3_INIT_ACC;
  const std::size_t blocks = (length - 1) / (BlockWords * 8);
  const std::size_t superblocks =
    ReadableSuperblocks(words, n, first, end, blocks / static_cast<std::size_t>(words.Count));
  const SuperblockHasher<Width> hasher;
  if (valueSize == 8)
  {
    hasher.template Hash<typename Width::Words>(accumulators, words, superblocks);
  }
  else if (words.Stride == 1)
  {
    hasher.template Hash<typename Width::template Pairs<1>>(accumulators, words, superblocks);
  }
  else
  {
    hasher.template Hash<typename Width::template Pairs<2>>(accumulators, words, superblocks);
  }
  const std::size_t hashed = superblocks * static_cast<std::size_t>(words.Count);
  if (valueSize == 8)
  {
    HashInterleavedBlocks<std::uint64_t>(accumulators, components, n, first, length, hashed);
  }
  else
  {
    HashInterleavedBlocks<std::uint32_t>(accumulators, components, n, first, length, hashed);
  }
  hash.Low = XXH3_mergeAccs(
    accumulators, XXH3_kSecret + XXH_SECRET_MERGEACCS_START, std::uint64_t(length) * XXH_PRIME64_1);
  hash.High = XXH3_mergeAccs(accumulators,
    XXH3_kSecret + sizeof(XXH3_kSecret) - sizeof(accumulators) - XXH_SECRET_MERGEACCS_START,
    ~(std::uint64_t(length) * XXH_PRIME64_2));
  return true;
}
