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

/* Version 2 added argument roles beyond the content checks (parameters,
 * training inputs and outputs, transposed graphs), `init` and the related
 * argument of gradients and transposed graphs. Version 3 added the entry's
 * `checks`: relations between input extents, and between input values and
 * extents, that the ops state (attnc_check_desc). The runtime refuses other
 * versions. */
#define ATTNC_MODULE_ABI_VERSION 3u
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

/* What an argument means. The compiler assigns every argument a role (the
 * model frontend and the training pass write them into the IR as
 * `attn.role`; hand-written IR gets DATA / OUTPUT, and the content roles
 * derived from the ops that use an argument). Callers and the runtime
 * switch on roles, never on names.
 *
 * Inputs: */
typedef enum attnc_arg_role {
  /* Model input data without a more specific role: features, queries, token
   * ids. A training program binds its features to the DATA input. */
  ATTNC_ROLE_DATA = 0,
  /* CSR row offsets: length nodes + 1, starts at 0, non-decreasing, last
   * entry equals the length of the paired (`related_arg`) column indices,
   * which are CSR_COL_INDICES for a graph and SPARSE_COL_INDICES for a
   * sparse matrix (a `layout: csr` input). Dim 0's name is the node (row)
   * count's. */
  ATTNC_ROLE_CSR_ROW_OFFSETS = 1,
  /* CSR column indices of a graph: every entry in [0, nodes); paired with
   * their row offsets (`related_arg`). */
  ATTNC_ROLE_CSR_COL_INDICES = 2,
  /* Per-batch key lengths: every entry in [0, key sequence length], that
   * length being dim `related_dim` of argument `related_arg`. */
  ATTNC_ROLE_KEY_LENGTHS = 3,
  /* Column indices of a sparse matrix (attn.sparse_linear): every entry in
   * [0, columns), columns being dim `related_dim` of argument `related_arg`
   * (the weight); `related_arg` -1 when no argument carries the column count
   * (the kernels clamp them). Their row offsets point at them. */
  ATTNC_ROLE_SPARSE_COL_INDICES = 4,
  /* A trained parameter (weight, bias, attention vector): floating point,
   * static shape; `init` says how attnc_weights_init fills it. */
  ATTNC_ROLE_PARAMETER = 5,
  /* Training: the class of each node (i32), or < 0 for none. */
  ATTNC_ROLE_LABELS = 6,
  /* Training: which nodes the loss averages over (bool). */
  ATTNC_ROLE_LOSS_MASK = 7,
  /* Training: the dropout seed of the step, i64[1]. */
  ATTNC_ROLE_SEED = 8,
  /* An attention mask (bool, true = attend). */
  ATTNC_ROLE_MASK = 9,
  /* An additive attention bias (floating point). */
  ATTNC_ROLE_BIAS = 10,
  /* The stored values of a sparse matrix (data, never a parameter). */
  ATTNC_ROLE_SPARSE_VALUES = 11,
  /* The transposed graph of the graph whose CSR_ROW_OFFSETS are argument
   * `related_arg` (their column indices are that argument's `related_arg`):
   * for source node j, t_offsets[j] .. t_offsets[j+1] index the edges
   * j -> i, t_destinations holds each such edge's destination i and t_edges
   * its position in the column indices, in CSR order. The runtime computes
   * all three from the forward graph before execute; a caller never sets
   * them (attnc_call_set_arg refuses). Same dtype as the forward graph. */
  ATTNC_ROLE_T_OFFSETS = 12,
  ATTNC_ROLE_T_DESTINATIONS = 13,
  ATTNC_ROLE_T_EDGES = 14,
  /* Outputs: */
  /* A model output (log-probabilities, attention output, ...). */
  ATTNC_ROLE_OUTPUT = 15,
  /* Training: the mean loss over the loss mask, [1]. */
  ATTNC_ROLE_LOSS = 16,
  /* Training: the gradient of the loss with respect to the PARAMETER input
   * `related_arg`, of that parameter's shape. */
  ATTNC_ROLE_GRADIENT = 17
} attnc_arg_role;
#define ATTNC_ROLE_COUNT 18

/* How attnc_weights_init fills a PARAMETER (attnc_arg_desc.init); NONE for
 * every other role. */
typedef enum attnc_init_kind {
  ATTNC_INIT_NONE = 0,
  ATTNC_INIT_ZEROS = 1,  /* biases, layer-norm shifts */
  ATTNC_INIT_ONES = 2,   /* layer-norm scales */
  ATTNC_INIT_GLOROT = 3  /* U(-a, a), a = sqrt(6 / (fan_in + fan_out)) */
} attnc_init_kind;

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
  /* An index into the entry's `args`: for CSR roles the paired argument
   * (col indices for row offsets and vice versa); for KEY_LENGTHS the
   * argument whose dimension `related_dim` is the key length; for
   * SPARSE_COL_INDICES the one whose dimension `related_dim` is the column
   * count (or -1); for T_OFFSETS, T_DESTINATIONS and T_EDGES the forward
   * graph's CSR_ROW_OFFSETS; for GRADIENT the PARAMETER it is the gradient
   * of; else -1. */
  int32_t related_arg;
  int32_t related_dim; /* else -1 */
  int32_t init;        /* attnc_init_kind: PARAMETER only, else NONE */
} attnc_arg_desc;

/* A relation the entry's ops require of its inputs beyond equal named
 * extents, checked by the runtime before every call (ABI version 3). Each
 * side is dim `dim` of input `arg`, or the constant `value` when `arg` is -1
 * (a static extent no input carries); at least one side is an input. */
typedef enum attnc_check_kind {
  /* subject <= bound: a sequence and the rows of its position table. */
  ATTNC_CHECK_AT_MOST = 0,
  /* subject divides bound (0 divides only 0): key/value heads and query
   * heads. */
  ATTNC_CHECK_DIVIDES = 1,
  /* subject is 1 or equals bound (NumPy broadcasting): a mask or bias dim
   * and the attention extent it covers. */
  ATTNC_CHECK_BROADCASTS = 2,
  /* Every element of the integer input `subject.arg` (any rank; `dim` is
   * -1) is in [0, bound): embedding ids and the rows of their table. */
  ATTNC_CHECK_INDEX_BELOW = 3
} attnc_check_kind;
#define ATTNC_CHECK_KIND_COUNT 4

typedef struct attnc_check_side {
  int32_t arg; /* an input's index in the entry's `args`, or -1 */
  int32_t dim; /* its logical dim (-1 for the subject of INDEX_BELOW) */
  int64_t value; /* the constant when `arg` is -1 */
} attnc_check_side;

typedef struct attnc_check_desc {
  int32_t kind; /* attnc_check_kind */
  /* What the subject is, for messages: "sequence length", "key/value
   * heads", "mask dim", "embedding id", ... */
  const char *what;
  attnc_check_side subject;
  attnc_check_side bound;
} attnc_check_desc;

typedef struct attnc_entry_desc {
  const char *name;
  /* Halide's argv entry point: one pointer per argument, in `args` order
   * (halide_buffer_t* for tensors). Returns 0 or a halide_error_code_t. */
  int (*argv_fn)(void **args);
  int32_t num_args;
  const attnc_arg_desc *args;
  /* The entry's source in the attn IR, "file:line:col", for messages. */
  const char *source_loc;
  /* Relations among the inputs that the runtime checks (version 3). */
  int32_t num_checks;
  const attnc_check_desc *checks;
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
