// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedXXH3.h
 * @brief Private: XXH3-128 compiled inline for several x86 targets, one chosen at start.
 *
 * libxxhash's runtime-dispatch entry points ran about 20% slower than XXH3 compiled
 * inline for the CPU on an AVX2-only AMD Zen 3. Here xxhash.h is compiled inline
 * (XXH_INLINE_ALL) three times, in vtkTrackedXXH3Portable.cxx (SSE2 on x86-64),
 * vtkTrackedXXH3AVX2.cxx (-mavx2) and vtkTrackedXXH3AVX512.cxx (-march=x86-64-v4, tuned
 * for skylake-avx512: GCC's generic tuning ran the AVX-512 loop 15-20% slower on a
 * Sapphire Rapids Xeon), and the widest kernel the running CPU supports
 * (`__builtin_cpu_supports`) is chosen on first use. On other architectures there is one
 * kernel, built with the portable flags. Every kernel gives XXH3's own digests, bit for
 * bit: they differ in speed only.
 *
 * A streaming state is an XXH3_state_t in caller-provided memory (StateBytes, aligned
 * to 64 bytes), always driven by the one kernel chosen. A kernel also interleaves SOA
 * components into the stream (UpdateTupleMajor), so the transposition is compiled with
 * the same instructions as the hash and its pieces stay in the L1 cache; and hashes them
 * one-shot (OneShotTupleMajor), which the AVX2 and AVX-512 kernels do for 8-byte and
 * 4-byte values without moving them (vtkTrackedXXH3TupleMajor.inl).
 *
 * @sa
 * vtkTrackedDigest
 */
#ifndef vtkTrackedXXH3_h
#define vtkTrackedXXH3_h

#include "vtkTrackedArrayCacheModule.h" // for the export macro

#include <cstddef>
#include <cstdint>

namespace vtkTrackedXXH3
{
struct Hash128
{
  std::uint64_t Low;
  std::uint64_t High;
};

/**
 * The functions of one kernel.
 */
struct Kernel
{
  const char* Name;
  Hash128 (*OneShot)(const void* bytes, std::size_t length);
  void (*Reset)(void* state);
  // `secret` (at least 136 bytes) must outlive the state's use.
  void (*ResetWithSecret)(void* state, const void* secret, std::size_t length);
  void (*Update)(void* state, const void* bytes, std::size_t length);
  // Streams values [firstValue, endValue) of the tuple-major sequence the per-component
  // buffers `components[0..numberOfComponents)` (values of `valueSize` bytes: 1, 2, 4 or
  // 8) hold, as Update() of those values' bytes would: interleaved in L1-sized pieces.
  void (*UpdateTupleMajor)(void* state, const void* const* components, int numberOfComponents,
    int valueSize, std::size_t firstValue, std::size_t endValue);
  // XXH3-128 of the same values: what UpdateTupleMajor() after Reset() then Digest() give.
  // The AVX2 and AVX-512 kernels hash 8-byte values of 2 to 15 components, and 4-byte
  // ones of up to 15 odd or 30 even components from an even first value, from their
  // buffers, in place (see vtkTrackedXXH3TupleMajor.inl).
  Hash128 (*OneShotTupleMajor)(const void* const* components, int numberOfComponents, int valueSize,
    std::size_t firstValue, std::size_t endValue);
  Hash128 (*Digest)(const void* state);
};

/**
 * Bytes an XXH3_state_t takes.
 */
constexpr std::size_t StateBytes = 576;

/**
 * The kernel in use: the widest the CPU supports, chosen once; or the one named by the
 * environment variable VTK_TRACKED_XXH3_KERNEL ("avx512", "avx2", "sse2"), if the CPU
 * supports it (to compare them).
 */
VTKTRACKEDARRAYCACHE_EXPORT const Kernel& Active();

/**
 * Every kernel this build holds whose instructions the CPU supports, widest first (for the
 * tests that compare them).
 */
VTKTRACKEDARRAYCACHE_EXPORT std::size_t SupportedKernels(
  const Kernel* kernels[], std::size_t capacity);

/**
 * XXH3-128 of the bytes, by the active kernel.
 */
inline Hash128 Hash(const void* bytes, std::size_t length)
{
  return Active().OneShot(bytes, length);
}
}

#endif
