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
}

extern const Kernel TheKernel;
const Kernel TheKernel = { XXH3_KERNEL_NAME, OneShot, Reset, ResetWithSecret, Update, Digest };
}
}
