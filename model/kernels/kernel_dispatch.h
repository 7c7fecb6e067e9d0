// Which instruction set the numeric kernels (statistics, histogram, diff, dtype conversion) run on.
// Every kernel has a portable path and, on x86-64, an AVX2 path chosen at run time. Both paths reduce in
// the same order (fixed lanes per block, partial sums combined in a fixed order), so results are
// bit-identical whichever runs; tests force each path through forcePortableKernels() to check that.
// The environment variable TSCOPE_PORTABLE_KERNELS=1 forces the portable path for a whole process.
#pragma once

namespace tscope::model {

// True when the AVX2 + FMA paths run: the CPU has them and the portable path is not forced.
bool kernelsUseAvx2();
// True when, in addition, the CPU converts float16 in hardware (F16C).
bool kernelsUseF16c();

// True when the statistics kernel may use 512-bit float64 vectors (AVX-512F, with AVX2 and not forced
// portable, nor turned off by allowAvx512Kernels(false) or TSCOPE_NO_AVX512=1). Same lanes, same order:
// bit-identical to the AVX2 and portable paths.
bool kernelsUseAvx512();

// Forces (true) or releases (false) the portable path for the whole process (tests and benchmarks).
void forcePortableKernels(bool portable);

// Allows (true, the default) or forbids the AVX-512 statistics path, so tests can run the AVX2 one too.
void allowAvx512Kernels(bool allowed);

// The path name for reports: "avx2" or "portable" (the AVX-512 statistics path counts as "avx2").
const char* kernelPathName();

} // namespace tscope::model
