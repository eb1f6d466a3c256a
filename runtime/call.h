/*===- call.h - preparing and executing calls of a module entry -----------===*
 *
 * A call is prepared once for an entry and executed many times:
 *
 *   attnc_call *call;
 *   attnc_call_create(module, "sdpa", &call);
 *   attnc_call_set_arg_by_name(call, "q", &q_tensor);  ... one per argument
 *   for (...) attnc_call_execute(call);
 *   attnc_call_release(call);
 *
 * Tensors are dense, C-ordered host memory described by a shape given
 * outermost first; the call builds one halide_buffer_t per argument
 * (dimensions reversed to Halide's innermost-first order, dense strides) and
 * borrows the memory, which must stay valid until the next set_arg of that
 * argument or the release of the call.
 *
 * Before running, every execute validates the arguments against the entry's
 * signature (see docs/runtime.md for the list); a failure names the entry,
 * the argument and what is wrong, and the kernel is not run.
 *
 * Threading: a call is used by one thread at a time. Calls of one module
 * may execute concurrently from different threads, each with its own call
 * and its own output memory.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_CALL_H
#define ATTNC_RUNTIME_CALL_H

#include <stdint.h>

#include "runtime/module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Halide's buffer type; defined in HalideRuntime.h. */
struct halide_buffer_t;

typedef struct attnc_call attnc_call;

/* A dense, C-ordered tensor in host memory. */
typedef struct attnc_tensor {
  int32_t dtype; /* attnc_dtype of the elements at `data` */
  int32_t rank;
  const int64_t *shape; /* rank extents, outermost first */
  void *data;           /* written only for output arguments */
} attnc_tensor;

/* Prepares a call of entry `entry` (by name). Fails with
 * ATTNC_ERROR_UNSUPPORTED if the CPU lacks the module's features. */
attnc_status attnc_call_create(attnc_module *module, const char *entry,
                               attnc_call **out);

/* Releases the call; NULL is ignored. */
void attnc_call_release(attnc_call *call);

const attnc_entry_desc *attnc_call_entry(const attnc_call *call);

/* Binds argument `index` (in the entry's argument order) to `tensor`; the
 * shape is copied, the data is borrowed. The dtype and rank must match
 * the signature; extents are checked at execute. */
attnc_status attnc_call_set_arg(attnc_call *call, int32_t index,
                                const attnc_tensor *tensor);
attnc_status attnc_call_set_arg_by_name(attnc_call *call, const char *name,
                                        const attnc_tensor *tensor);

/* Computes the shape of argument `index` from its static extents and the
 * named extents bound by the arguments set so far (outermost first, `rank`
 * entries written to `shape`). Fails naming the extent it cannot deduce,
 * or a shape with an extent or element count of 2^31 or more. */
attnc_status attnc_call_infer_shape(const attnc_call *call, int32_t index,
                                    int64_t *shape);

/* Turns the finite-input check of this call on (`enable` != 0) or off:
 * with it, validation refuses a NaN or an infinity in any floating-point
 * input, naming the input and the element's flat (C-order) index. Calls
 * start with the module's ATTNC_MODULE_CHECK_FINITE flag. */
attnc_status attnc_call_check_finite(attnc_call *call, int32_t enable);

/* Runs all checks without executing the kernel. */
attnc_status attnc_call_validate(attnc_call *call);

/* Runs the checks of the inputs alone (every input set, extents, the
 * entry's checks, contents), before any output is set: a caller that
 * allocates outputs (attnc_call_infer_shape) calls it first, so that a bad
 * input is refused before memory of a shape deduced from it is taken. */
attnc_status attnc_call_validate_inputs(attnc_call *call);

/* Validates, then runs the kernel once. */
attnc_status attnc_call_execute(attnc_call *call);

/* GPU modules: keep input `index` on the device between executes. By
 * default every execute copies each input to the GPU and frees the copy
 * afterwards, so callers may change host tensors in place between
 * executes. A kept input is copied at the first execute after it is set
 * and reused by later ones until attnc_call_set_arg binds it again (which
 * is how a caller says its contents changed) or the call is released.
 * `keep` = 0 returns to the default. Accepted, and without effect, for CPU
 * modules; outputs always come back to their host tensors. */
attnc_status attnc_call_keep_on_device(attnc_call *call, int32_t index,
                                       int32_t keep);

/* The halide_buffer_t built for argument `index`, or NULL if not set.
 * Read-only; for interoperation with code that takes Halide buffers. */
const struct halide_buffer_t *attnc_call_buffer(const attnc_call *call,
                                                int32_t index);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATTNC_RUNTIME_CALL_H */
