// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// GoogleTest suite of the inline XXH3 kernels: every kernel this CPU supports gives
// libxxhash's digests, one-shot, streamed in any pieces, keyed, and of SOA components
// streamed tuple-major.
#include "vtkTrackedXXH3.h"

#include <gtest/gtest.h>

#include <xxhash.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace
{
std::vector<unsigned char> Bytes(std::size_t length)
{
  std::vector<unsigned char> bytes(length);
  std::mt19937_64 random(length);
  for (auto& byte : bytes)
  {
    byte = static_cast<unsigned char>(random());
  }
  return bytes;
}

std::vector<const vtkTrackedXXH3::Kernel*> Kernels()
{
  const vtkTrackedXXH3::Kernel* kernels[3] = { nullptr, nullptr, nullptr };
  const std::size_t count = vtkTrackedXXH3::SupportedKernels(kernels, 3);
  return { kernels, kernels + count };
}

void ExpectEqual(const vtkTrackedXXH3::Hash128& ours, const XXH128_hash_t& theirs,
  const std::string& kernel, std::size_t length)
{
  EXPECT_EQ(ours.Low, theirs.low64) << kernel << ", " << length << " bytes";
  EXPECT_EQ(ours.High, theirs.high64) << kernel << ", " << length << " bytes";
}

struct alignas(64) State
{
  unsigned char Bytes[vtkTrackedXXH3::StateBytes];
};

// SOA components of random values, each buffer exactly as long as values [0, end) need.
struct Components
{
  Components(int count, int valueSize, std::size_t end)
    : ValueSize(valueSize)
  {
    for (int c = 0; c < count; ++c)
    {
      const std::size_t tuples = (end + count - 1 - c) / count;
      // Bytes() seeds by length: one more byte per component, then trimmed, gives each
      // component values of its own. Copied to a buffer of exactly their size, so that
      // AddressSanitizer sees any read past them.
      const std::vector<unsigned char> seeded = Bytes(tuples * valueSize + c);
      this->Buffers.emplace_back(seeded.begin(), seeded.begin() + tuples * valueSize);
      this->Pointers.push_back(this->Buffers.back().data());
    }
  }

  // The bytes of values [first, end) of the tuple-major sequence.
  std::vector<unsigned char> Interleaved(std::size_t first, std::size_t end) const
  {
    std::vector<unsigned char> bytes;
    const std::size_t count = this->Buffers.size();
    for (std::size_t v = first; v < end; ++v)
    {
      const unsigned char* value = this->Buffers[v % count].data() + (v / count) * this->ValueSize;
      bytes.insert(bytes.end(), value, value + this->ValueSize);
    }
    return bytes;
  }

  std::size_t ValueSize;
  std::vector<std::vector<unsigned char>> Buffers;
  std::vector<const void*> Pointers;
};
}

TEST(TrackedXXH3, TheWidestSupportedKernelIsActive)
{
  const auto kernels = Kernels();
  ASSERT_FALSE(kernels.empty());
  const char* asked = std::getenv("VTK_TRACKED_XXH3_KERNEL"); // a kernel picked by hand
  if (asked)
  {
    EXPECT_STREQ(vtkTrackedXXH3::Active().Name, asked);
  }
  else
  {
    EXPECT_EQ(&vtkTrackedXXH3::Active(), kernels.front());
  }
  std::printf("kernels here:");
  for (const auto* kernel : kernels)
  {
    std::printf(" %s", kernel->Name);
  }
  std::printf(" (active: %s)\n", vtkTrackedXXH3::Active().Name);
}

TEST(TrackedXXH3, OneShotDigestsAreLibxxhashs)
{
  std::vector<std::size_t> lengths;
  for (std::size_t length = 0; length <= 1100; ++length)
  {
    lengths.push_back(length);
  }
  for (std::size_t length : { 4095, 4096, 65536, 65537, 1 << 20, (3 << 20) + 5 })
  {
    lengths.push_back(length);
  }
  for (const auto* kernel : Kernels())
  {
    for (std::size_t length : lengths)
    {
      const auto bytes = Bytes(length);
      ExpectEqual(kernel->OneShot(bytes.data(), length), XXH3_128bits(bytes.data(), length),
        kernel->Name, length);
    }
  }
}

TEST(TrackedXXH3, StreamedAndKeyedDigestsAreLibxxhashs)
{
  const std::string secret(136, 'k');
  std::mt19937 random(5);
  for (const auto* kernel : Kernels())
  {
    for (std::size_t length : { 0, 7, 200, 1025, 70000, (2 << 20) + 3 })
    {
      const auto bytes = Bytes(length);
      for (bool keyed : { false, true })
      {
        State state;
        if (keyed)
        {
          kernel->ResetWithSecret(state.Bytes, secret.data(), secret.size());
        }
        else
        {
          kernel->Reset(state.Bytes);
        }
        for (std::size_t offset = 0; offset < length;)
        {
          const std::size_t piece = std::min<std::size_t>(length - offset, 1 + random() % 5000);
          kernel->Update(state.Bytes, bytes.data() + offset, piece);
          offset += piece;
        }
        const XXH128_hash_t expected = keyed
          ? XXH3_128bits_withSecret(bytes.data(), length, secret.data(), secret.size())
          : XXH3_128bits(bytes.data(), length);
        ExpectEqual(kernel->Digest(state.Bytes), expected,
          std::string(kernel->Name) + (keyed ? " keyed" : " streamed"), length);
      }
    }
  }
}

// Per-component buffers streamed tuple-major, from any value to any value, give the digest
// of the interleaved bytes: every value width, the counts with loops of their own (up to
// 8), others in whole tuples, and tuples larger than a piece (1100 values).
TEST(TrackedXXH3, TupleMajorStreamsAreTheInterleavedBytes)
{
  std::mt19937 random(11);
  for (const auto* kernel : Kernels())
  {
    for (int valueSize : { 1, 2, 4, 8 })
    {
      for (int count : { 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 1100 })
      {
        const std::size_t values = 3000 * count;
        const Components components(count, valueSize, values);
        const std::size_t first = random() % (values / 2);
        const std::size_t end = values - random() % (values / 2);
        const std::vector<unsigned char> interleaved = components.Interleaved(first, end);
        State state;
        kernel->Reset(state.Bytes);
        kernel->UpdateTupleMajor(
          state.Bytes, components.Pointers.data(), count, valueSize, first, end);
        ExpectEqual(kernel->Digest(state.Bytes),
          XXH3_128bits(interleaved.data(), interleaved.size()),
          std::string(kernel->Name) + ", " + std::to_string(valueSize) + "-byte values, " +
            std::to_string(count) + " components",
          interleaved.size());
      }
    }
  }
}

// The one-shot tuple-major digest (which the AVX2 and AVX-512 kernels take from the
// buffers in place, for 8-byte values of up to 15 components and 4-byte ones of up to 15
// words a period, 30 even or 15 odd components) is XXH3's of the interleaved bytes: for
// the counts it takes and the first it does not, lengths on each side of XXH3's 240-byte
// limit of short inputs and of its 1 KiB blocks, whole blocks exactly, several superblocks
// with whole blocks after them, streams starting in the middle of a tuple, and 4-byte
// values from an odd first value (interleaved). The buffers end where the values do:
// nothing past them is read.
TEST(TrackedXXH3, OneShotTupleMajorIsTheInterleavedDigest)
{
  const std::size_t lengths[] = { 1, 30, 31, 32, 127, 128, 129, 135, 136, 137, 255, 256, 257, 1023,
    1024, 1025, 4099, 20000 }; // in values
  for (const auto* kernel : Kernels())
  {
    for (int valueSize : { 4, 8 })
    {
      for (int count : { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 30, 31 })
      {
        const auto n = static_cast<std::size_t>(count);
        std::vector<std::size_t> counted(std::begin(lengths), std::end(lengths));
        // Just past one or two superblocks of 8-byte values (128 n values) and of 4-byte
        // ones of odd counts (256 n), whose last loads reach past the superblock.
        for (std::size_t past : { 128 * n + 1, 256 * n + 1, 512 * n + n - 1 })
        {
          counted.push_back(past);
        }
        for (std::size_t length : counted)
        {
          for (std::size_t first : { std::size_t(0), std::size_t(1), n + 2, 2 * n + 4 })
          {
            const std::size_t end = first + length;
            const Components components(count, valueSize, end);
            const std::vector<unsigned char> interleaved = components.Interleaved(first, end);
            ExpectEqual(
              kernel->OneShotTupleMajor(components.Pointers.data(), count, valueSize, first, end),
              XXH3_128bits(interleaved.data(), interleaved.size()),
              std::string(kernel->Name) + ", " + std::to_string(valueSize) + "-byte values, " +
                std::to_string(count) + " components from value " + std::to_string(first),
              interleaved.size());
          }
        }
      }
    }
  }
}
