// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedXXH3.h"

#include <cstdlib>
#include <cstring>

namespace vtkTrackedXXH3
{
namespace Portable
{
extern const Kernel TheKernel;
}
#if VTK_TRACKED_XXH3_X86
namespace AVX2
{
extern const Kernel TheKernel;
}
namespace AVX512
{
extern const Kernel TheKernel;
}
#endif

//------------------------------------------------------------------------------
std::size_t SupportedKernels(const Kernel* kernels[], std::size_t capacity)
{
  std::size_t count = 0;
  auto add = [kernels, capacity, &count](const Kernel& kernel)
  {
    if (count < capacity)
    {
      kernels[count++] = &kernel;
    }
  };
#if VTK_TRACKED_XXH3_X86
  // libgcc's checks include the operating system's support of the registers' state.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
    __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
    __builtin_cpu_supports("avx512vl"))
  {
    add(AVX512::TheKernel);
  }
  if (__builtin_cpu_supports("avx2"))
  {
    add(AVX2::TheKernel);
  }
#endif
  add(Portable::TheKernel);
  return count;
}

//------------------------------------------------------------------------------
const Kernel& Active()
{
  static const Kernel* const chosen = []
  {
    const Kernel* kernels[3] = { nullptr, nullptr, nullptr };
    const std::size_t count = SupportedKernels(kernels, 3);
    const char* asked = std::getenv("VTK_TRACKED_XXH3_KERNEL");
    for (std::size_t k = 0; asked && k < count; ++k)
    {
      if (std::strcmp(asked, kernels[k]->Name) == 0)
      {
        return kernels[k];
      }
    }
    return kernels[0];
  }();
  return *chosen;
}
}
