// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: one XXH3 kernel, compiled for the target of the file that includes this one
// (see vtkTrackedXXH3.h). That file defines vtkTrackedXXH3Target (the namespace of the
// kernel) and includes nothing else: inline code from other headers compiled here could
// carry this file's instructions into the rest of the library.
#define XXH_INLINE_ALL 1
#include <xxhash.h>

#include "vtkTrackedXXH3.h"

static_assert(sizeof(XXH3_state_t) <= vtkTrackedXXH3::StateBytes, "the state does not fit");
static_assert(alignof(XXH3_state_t) <= 64, "the state is aligned more strictly");
static_assert(XXH3_SECRET_SIZE_MIN <= 136, "vtkTrackedHasher's smallest secret is too short");

namespace vtkTrackedXXH3
{
namespace vtkTrackedXXH3Target
{
namespace
{
Hash128 FromHash(const XXH128_hash_t& hash)
{
  return { hash.low64, hash.high64 };
}

Hash128 OneShot(const void* bytes, std::size_t length)
{
  return FromHash(XXH3_128bits(bytes, length));
}

void Reset(void* state)
{
  auto* typed = static_cast<XXH3_state_t*>(state);
  XXH3_INITSTATE(typed);
  XXH3_128bits_reset(typed);
}

void ResetWithSecret(void* state, const void* secret, std::size_t length)
{
  auto* typed = static_cast<XXH3_state_t*>(state);
  XXH3_INITSTATE(typed);
  XXH3_128bits_reset_withSecret(typed, secret, length);
}

void Update(void* state, const void* bytes, std::size_t length)
{
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state), bytes, length);
}

Hash128 Digest(const void* state)
{
  return FromHash(XXH3_128bits_digest(static_cast<const XXH3_state_t*>(state)));
}

// Pieces of interleaved values this large stay in the L1 cache between the transposition
// and the hash (measured on a 3-component double array: 8 KiB pieces hashed at 0.5 of
// the contiguous speed in cache, 32 KiB ones at 0.42; packing into 512 KiB pooled pieces,
// which this replaced, at 0.36).
constexpr std::size_t PieceBytes = 8192;

// No std::min: an inline function of a standard header compiled here with this kernel's
// instructions could be the copy the linker keeps for the whole library.
std::size_t Smaller(std::size_t a, std::size_t b)
{
  return a < b ? a : b;
}

// Copies `values` values of the tuple-major sequence, from value index `value`, into
// `out`. Whole tuples of a known component count take a loop the compiler vectorizes;
// whole tuples of others, one component at a time (measured on 1 MiB of 4-byte values
// with AVX-512: 0.25-0.34 of the AOS speed for 5 to 8 components with the count known,
// 0.16 one component at a time, 0.08 value by value).
template <typename Word, int Components>
void Gather(const void* const* components, std::size_t count, std::size_t value, std::size_t values,
  Word* out)
{
  if constexpr (Components > 0)
  {
    if (value % Components == 0 && values % Components == 0)
    {
      const std::size_t tuple = value / Components;
      for (std::size_t t = 0; t < values / Components; ++t)
      {
        for (int c = 0; c < Components; ++c)
        {
          out[t * Components + c] = static_cast<const Word*>(components[c])[tuple + t];
        }
      }
      return;
    }
  }
  if (value % count == 0 && values % count == 0)
  {
    const std::size_t tuple = value / count;
    for (std::size_t c = 0; c < count; ++c)
    {
      const Word* in = static_cast<const Word*>(components[c]) + tuple;
      for (std::size_t t = 0; t < values / count; ++t)
      {
        out[t * count + c] = in[t];
      }
    }
    return;
  }
  std::size_t tuple = value / count;
  std::size_t component = value % count;
  for (std::size_t i = 0; i < values; ++i)
  {
    out[i] = static_cast<const Word*>(components[component])[tuple];
    if (++component == count)
    {
      component = 0;
      ++tuple;
    }
  }
}

// Values are copied as unsigned words of their size: exact for every bit pattern.
template <typename Word, int Components>
void UpdateTupleMajorOf(XXH3_state_t* state, const void* const* components, std::size_t count,
  std::size_t first, std::size_t end)
{
  constexpr std::size_t Capacity = PieceBytes / sizeof(Word);
  alignas(64) Word piece[Capacity];
  // Whole tuples per piece, after a first piece up to a tuple boundary; unless a tuple is
  // larger than a piece.
  const bool wholeTuples = count <= Capacity;
  const std::size_t step = wholeTuples ? Capacity - Capacity % count : Capacity;
  const std::size_t head = wholeTuples ? Smaller(end - first, (count - first % count) % count) : 0;
  std::size_t value = first;
  auto hash = [state, components, count, &value, &piece](std::size_t values)
  {
    Gather<Word, Components>(components, count, value, values, piece);
    XXH3_128bits_update(state, piece, values * sizeof(Word));
    value += values;
  };
  if (head > 0)
  {
    hash(head);
  }
  while (value < end)
  {
    hash(Smaller(step, end - value));
  }
}

template <typename Word>
void UpdateTupleMajorOfWords(
  XXH3_state_t* state, const void* const* components, int count, std::size_t first, std::size_t end)
{
  const std::size_t n = static_cast<std::size_t>(count);
  switch (count)
  {
    case 2:
      UpdateTupleMajorOf<Word, 2>(state, components, n, first, end);
      break;
    case 3:
      UpdateTupleMajorOf<Word, 3>(state, components, n, first, end);
      break;
    case 4:
      UpdateTupleMajorOf<Word, 4>(state, components, n, first, end);
      break;
    case 5:
      UpdateTupleMajorOf<Word, 5>(state, components, n, first, end);
      break;
    case 6:
      UpdateTupleMajorOf<Word, 6>(state, components, n, first, end);
      break;
    case 7:
      UpdateTupleMajorOf<Word, 7>(state, components, n, first, end);
      break;
    case 8:
      UpdateTupleMajorOf<Word, 8>(state, components, n, first, end);
      break;
    default:
      UpdateTupleMajorOf<Word, 0>(state, components, n, first, end);
  }
}

// The SOA hash from the component buffers: a GroupArithmetic of the kernel's vector width.
// The portable kernel interleaves: with SSE2, which has no cross-lane permutes, a direct
// hash that placed its sums lane by lane ran slower than interleaving from 3 components on
// (measured, and not kept).
#if defined(__AVX512F__)
#include "vtkTrackedXXH3TupleMajorAVX512.inl"
#define VTK_TRACKED_XXH3_TUPLE_MAJOR_IN_PLACE 1
#elif defined(__AVX2__)
#include "vtkTrackedXXH3TupleMajorAVX2.inl"
#define VTK_TRACKED_XXH3_TUPLE_MAJOR_IN_PLACE 1
#endif

void UpdateTupleMajor(void* state, const void* const* components, int numberOfComponents,
  int valueSize, std::size_t firstValue, std::size_t endValue)
{
  auto* typed = static_cast<XXH3_state_t*>(state);
  switch (valueSize)
  {
    case 1:
      UpdateTupleMajorOfWords<uint8_t>(typed, components, numberOfComponents, firstValue, endValue);
      break;
    case 2:
      UpdateTupleMajorOfWords<uint16_t>(
        typed, components, numberOfComponents, firstValue, endValue);
      break;
    case 4:
      UpdateTupleMajorOfWords<uint32_t>(
        typed, components, numberOfComponents, firstValue, endValue);
      break;
    default:
      UpdateTupleMajorOfWords<uint64_t>(
        typed, components, numberOfComponents, firstValue, endValue);
  }
}

Hash128 OneShotTupleMajor(const void* const* components, int numberOfComponents, int valueSize,
  std::size_t firstValue, std::size_t endValue)
{
#if defined(VTK_TRACKED_XXH3_TUPLE_MAJOR_IN_PLACE)
  Hash128 hash;
  if (HashTupleMajorInPlace<GroupArithmetic>(
        components, numberOfComponents, valueSize, firstValue, endValue, hash))
  {
    return hash;
  }
#endif
  XXH3_state_t state;
  Reset(&state);
  UpdateTupleMajor(&state, components, numberOfComponents, valueSize, firstValue, endValue);
  return Digest(&state);
}
}

extern const Kernel TheKernel;
const Kernel TheKernel = { XXH3_KERNEL_NAME, OneShot, Reset, ResetWithSecret, Update,
  UpdateTupleMajor, OneShotTupleMajor, Digest };
}
}
