// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Private: the AVX2 kernel of vtkTrackedXXH3 (see vtkTrackedXXH3.h).
#define vtkTrackedXXH3Target AVX2
#define XXH3_KERNEL_NAME "avx2"
#include "vtkTrackedXXH3Kernel.inl"
