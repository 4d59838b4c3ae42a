// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: the kernel of vtkTrackedXXH3 built with the library's own flags (see
// vtkTrackedXXH3.h): SSE2 on x86-64, NEON on ARM64, and so on.
#define vtkTrackedXXH3Target Portable
#if defined(__x86_64__) || defined(_M_X64)
#define XXH3_KERNEL_NAME "sse2"
#else
#define XXH3_KERNEL_NAME "portable"
#endif
#include "vtkTrackedXXH3Kernel.inl"
