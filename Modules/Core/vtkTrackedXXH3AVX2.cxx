// Private: the AVX2 kernel of vtkTrackedXXH3 (see vtkTrackedXXH3.h).
#define vtkTrackedXXH3Target AVX2
#define XXH3_KERNEL_NAME "avx2"
#include "vtkTrackedXXH3Kernel.inl"
