// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: the AVX512 kernel of vtkTrackedXXH3 (see vtkTrackedXXH3.h).
#define vtkTrackedXXH3Target AVX512
#define XXH3_KERNEL_NAME "avx512"
#include "vtkTrackedXXH3Kernel.inl"
