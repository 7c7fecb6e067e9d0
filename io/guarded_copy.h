/* Copying out of a memory map that may shrink under us. When another process truncates a mapped file,
 * touching a page past the new end raises SIGBUS. Jumping out of a signal handler through C++ or Eigen
 * frames is undefined behaviour, so the only code that touches mapped tensor bytes while a fault can
 * happen is this small C routine: it copies under a per-thread SIGBUS guard (sigsetjmp) and reports the
 * fault as a return value. C++ code calls it through io/guarded_read.h. */
#ifndef TSCOPE_IO_GUARDED_COPY_H
#define TSCOPE_IO_GUARDED_COPY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies n bytes from src to dst. Returns 0, or the signal number (SIGBUS) when reading src faulted;
 * dst then holds an unspecified prefix. Thread-safe; installs the process's SIGBUS handler on first use
 * (a SIGBUS outside a guarded copy still reaches the previous handler). */
int tscope_guarded_copy(void* dst, const void* src, size_t n);

/* Runs fn(context) under the same guard, so that a kernel can read mapped bytes in place instead of a copy.
 * Returns 0, or SIGBUS when a read faulted: fn was then left at the faulting instruction. fn (and all it
 * calls) must be safe to abandon there: no automatic objects with destructors, no locks or allocations
 * held while it reads mapped bytes (see guardedRun in io/guarded_read.h). Nests: an inner
 * guarded copy or call restores the outer guard when it returns. */
int tscope_guarded_call(void (*fn)(void*), void* context);

/* For tests: the number of faults the guard has turned into errors since the process started. */
unsigned long tscope_guarded_faults(void);

#ifdef __cplusplus
}
#endif

#endif
