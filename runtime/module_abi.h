/*===- module_abi.h - the contract between attnc modules and the runtime -===*
 *
 * A module is a shared library built by `attnc`. It exports one C symbol,
 * `attnc_module_descriptor`, returning a static description of its entries.
 * Each entry is a Halide AOT pipeline called through its `NAME_argv` form.
 * This header uses C types only: the generated modules, the runtime and the
 * compiler all include it, and none of them may pull in the others.
 *
 * Shapes here are logical, outermost dimension first (as in MLIR and NumPy);
 * Halide buffers list dimensions innermost first, so the runtime reverses.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_MODULE_ABI_H
#define ATTNC_RUNTIME_MODULE_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATTNC_MODULE_ABI_VERSION 1u
#define ATTNC_MODULE_DESCRIPTOR_SYMBOL "attnc_module_descriptor"
/* A module must also export Halide's `halide_set_error_handler` from the
 * Halide runtime embedded in its objects: the runtime installs its handler
 * through it so that a kernel error becomes a status instead of an abort,
 * and refuses to load a module that lacks it. Link modules with a version
 * script exporting just these two symbols, and with -Bsymbolic so that the
 * kernels' calls into their Halide runtime stay inside the module.
 * A module whose device is "cuda" or "opencl" also exports, from the same
 * runtime, halide_copy_to_host, halide_device_sync, halide_device_free,
 * halide_set_gpu_device, halide_device_release and
 * halide_cuda_device_interface or halide_opencl_device_interface: the
 * runtime copies outputs back to the host and frees device memory after
 * each call through them. */
#define ATTNC_MODULE_ERROR_HANDLER_SYMBOL "halide_set_error_handler"

/* Element types, numbered after halide_type_code_t with the width folded in. */
typedef enum attnc_dtype {
  ATTNC_DTYPE_F32 = 0,
  ATTNC_DTYPE_F64 = 1,
  ATTNC_DTYPE_I32 = 2,
  ATTNC_DTYPE_I64 = 3,
  ATTNC_DTYPE_BOOL = 4, /* stored as one byte, 0 or 1 (Halide's UInt(8)) */
  ATTNC_DTYPE_F16 = 5
} attnc_dtype;

typedef enum attnc_arg_kind {
  ATTNC_ARG_INPUT = 0,
  ATTNC_ARG_OUTPUT = 1
} attnc_arg_kind;

/* What the runtime checks in an integer input's contents before a call. */
typedef enum attnc_arg_role {
  ATTNC_ROLE_DATA = 0,
  /* CSR row offsets: length nodes + 1, starts at 0, non-decreasing, last
   * entry equals the length of the paired col_indices argument. */
  ATTNC_ROLE_CSR_ROW_OFFSETS = 1,
  /* CSR column indices: every entry in [0, nodes). */
  ATTNC_ROLE_CSR_COL_INDICES = 2,
  /* Per-batch key lengths: every entry in [0, key sequence length]. */
  ATTNC_ROLE_KEY_LENGTHS = 3,
  /* Column indices of a sparse matrix (attn.sparse_linear): every entry in
   * [0, columns), columns being dim `related_dim` of argument `related_arg`
   * (the weight). Its row offsets are paired with it as with
   * CSR_COL_INDICES. */
  ATTNC_ROLE_SPARSE_COL_INDICES = 4
} attnc_arg_role;

typedef struct attnc_arg_desc {
  const char *name;
  int32_t kind;  /* attnc_arg_kind */
  int32_t dtype; /* attnc_dtype */
  int32_t role;  /* attnc_arg_role */
  int32_t rank;
  /* rank extents, outermost first; -1 where the extent is dynamic. */
  const int64_t *dims;
  /* rank names for the extents ("B", "S", "N", "E", ...): two dynamic
   * extents with the same name must be equal at run time. NULL entries have
   * no constraint beyond `dims`. CSR row offsets name the node count: a
   * length of N + 1 binds their name to N. */
  const char *const *dim_names;
  /* For CSR roles: the index of the paired argument (col_indices for
   * row_offsets and vice versa); for KEY_LENGTHS the argument whose
   * dimension `related_dim` is the key length; for SPARSE_COL_INDICES the
   * one whose dimension `related_dim` is the column count; else -1. */
  int32_t related_arg;
  int32_t related_dim;
} attnc_arg_desc;

typedef struct attnc_entry_desc {
  const char *name;
  /* Halide's argv entry point: one pointer per argument, in `args` order
   * (halide_buffer_t* for tensors). Returns 0 or a halide_error_code_t. */
  int (*argv_fn)(void **args);
  int32_t num_args;
  const attnc_arg_desc *args;
  /* The entry's source in the attn IR, "file:line:col", for messages. */
  const char *source_loc;
} attnc_entry_desc;

typedef struct attnc_module_desc {
  uint32_t abi_version; /* ATTNC_MODULE_ABI_VERSION */
  /* The Halide target string the module was compiled for, e.g.
   * "x86-64-linux-avx-avx2-f16c-fma-sse41". */
  const char *target;
  /* Comma-separated CPU features the code needs ("sse41,avx,avx2,fma,f16c",
   * "avx512" ...), checked against the running CPU; "" for none. */
  const char *cpu_features;
  /* "cpu", "cuda" (kernels run on an NVIDIA GPU through Halide's CUDA
   * runtime) or "opencl" (on any OpenCL device, e.g. pocl on a CPU); the
   * arguments are host buffers all the same. */
  const char *device;
  int32_t num_entries;
  const attnc_entry_desc *entries;
} attnc_module_desc;

typedef const attnc_module_desc *(*attnc_module_descriptor_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATTNC_RUNTIME_MODULE_ABI_H */
