/*===- memory_pool.h - a cache of kernel scratch memory -------------------===*
 *
 * Halide's default halide_malloc goes to malloc(), which serves large
 * blocks with fresh mmap()s: every execute of a big graph's training step
 * page-faults its hundreds of megabytes of intermediates in again and
 * unmaps them at the end (a third of the time of a PROTEINS epoch was
 * system time). Modules therefore allocate through this pool: freed blocks
 * are kept by size and handed out again, so a call executed repeatedly
 * reuses the same, already mapped memory, as PyTorch's caching allocator
 * does. Blocks are 64-byte aligned with 64 bytes of slack either side
 * (Halide may read a few bytes beyond a buffer).
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_MEMORY_POOL_H
#define ATTNC_RUNTIME_MEMORY_POOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns every cached (free) block to the system. Blocks in use are not
 * affected. Safe to call at any time, from any thread. */
void attnc_memory_release_cached(void);

/* Bytes currently held in the cache (free blocks), for diagnostics. */
size_t attnc_memory_cached_bytes(void);

#ifdef __cplusplus
} /* extern "C" */

namespace attnc::detail {
/* halide_malloc_t / halide_free_t of the pool, installed into each module.
 * The cache holds at most $ATTNC_MEMORY_CACHE_MB megabytes of free blocks
 * (default 4096); a block freed beyond that goes back to the system. */
void *poolMalloc(void *userContext, size_t size);
void poolFree(void *userContext, void *ptr);
} // namespace attnc::detail
#endif

#endif /* ATTNC_RUNTIME_MEMORY_POOL_H */
