/*===- weights.h - model parameters: load, initialise, bind, save ---------===*
 *
 * Compiled models take their parameters as ordinary entry arguments named
 * `<layer>.<param>` ("enc.q_proj.weight", "norm1.weight"): a *parameter* is
 * an input the compiler gave the role ATTNC_ROLE_PARAMETER (module_abi.h);
 * names only match tensors to arguments. A
 * weights set is a named collection of dense, C-ordered host tensors that
 * can be
 *
 *   loaded     from a .safetensors file or a directory of NAME.npy files,
 *   initialised from a seed for the parameters of an entry it lacks,
 *   bound      to a prepared call, every input whose name it holds, with
 *              dtype and shape checked against the entry's signature,
 *   saved      as a .safetensors file (atomically).
 *
 *   attnc_weights *w;
 *   attnc_weights_load("model.safetensors", &w);
 *   attnc_weights_bind(call, w, NULL, NULL);   // before execute
 *   ...
 *   attnc_weights_release(w);                  // after the last execute
 *
 * Binding borrows the set's memory: the set must outlive every execute of
 * the calls it was bound to, and must not be modified (set/init) meanwhile.
 *
 * Supported element types: f32, f64, i32, i64 and bool (one byte, 0 or 1);
 * safetensors F16, BF16, integer widths other than 32/64 and 8-bit floats
 * are refused with a message naming the file and the tensor.
 *
 * Threading: a set may be read (bound, saved, queried) from several threads
 * at once; modifying it needs exclusive access.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_WEIGHTS_H
#define ATTNC_RUNTIME_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/call.h"
#include "runtime/module_abi.h"
#include "runtime/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct attnc_weights attnc_weights;

/* An empty set; fill it with attnc_weights_set or attnc_weights_init. */
attnc_status attnc_weights_create(attnc_weights **out);

/* Loads `path`: a directory is read as NAME.npy files (other files are
 * ignored), anything else as a safetensors file. Every failure names the
 * file (and the tensor): NOT_FOUND when it does not exist, VALIDATION when
 * it is malformed, UNSUPPORTED for a dtype outside the list above. */
attnc_status attnc_weights_load(const char *path, attnc_weights **out);
attnc_status attnc_weights_load_safetensors(const char *path,
                                            attnc_weights **out);
attnc_status attnc_weights_load_npy_dir(const char *path,
                                        attnc_weights **out);

/* Releases the set; NULL is ignored. */
void attnc_weights_release(attnc_weights *weights);

/* The file or directory the set was loaded from ("" if created). */
const char *attnc_weights_source(const attnc_weights *weights);

/* Tensors are kept sorted by name; indices change when a name is added. */
int32_t attnc_weights_count(const attnc_weights *weights);
/* The name at `index`, or NULL when out of range. */
const char *attnc_weights_name(const attnc_weights *weights, int32_t index);
/* ATTNC_ERROR_NOT_FOUND when the set has no tensor `name`. */
attnc_status attnc_weights_find(const attnc_weights *weights,
                                const char *name, int32_t *index);
/* Describes the tensor at `index`; shape and data point into the set and
 * stay valid until it is modified or released. */
attnc_status attnc_weights_get(const attnc_weights *weights, int32_t index,
                               attnc_tensor *out);
/* Adds or replaces tensor `name` with a copy of `tensor` (dtype one of
 * f32, f64, i32, i64, bool; bool bytes must be 0 or 1). */
attnc_status attnc_weights_set(attnc_weights *weights, const char *name,
                               const attnc_tensor *tensor);

/* The safetensors `__metadata__` (string to string); saved with the set. */
int32_t attnc_weights_metadata_count(const attnc_weights *weights);
/* Key and value at `index` (sorted by key); NULL when out of range. */
const char *attnc_weights_metadata_key(const attnc_weights *weights,
                                       int32_t index);
/* The value of `key`, or NULL if absent. */
const char *attnc_weights_metadata(const attnc_weights *weights,
                                   const char *key);
attnc_status attnc_weights_set_metadata(attnc_weights *weights,
                                        const char *key, const char *value);

/* Writes the set as a safetensors file: header keys sorted, the header
 * padded with spaces to a multiple of 8 bytes, tensor data packed by
 * decreasing item size then name so every tensor is aligned to its item
 * size. The file is written next to `path` and renamed into place, so a
 * failure leaves any earlier file intact. */
attnc_status attnc_weights_save_safetensors(const attnc_weights *weights,
                                            const char *path);

/* Adds to `weights` every parameter of `entry` (an input of role
 * ATTNC_ROLE_PARAMETER) the set lacks, initialised deterministically from
 * `seed` by the rule the compiler recorded in the argument's `init`:
 *
 *   ATTNC_INIT_ZEROS   zeros (biases, layer-norm shifts)
 *   ATTNC_INIT_ONES    ones (layer-norm scales)
 *   ATTNC_INIT_GLOROT  Glorot/Xavier uniform (weights, attention vectors)
 *   (integer and bool parameters get zeros)
 *
 * Glorot draws U(-a, a), a = sqrt(6 / (fan_in + fan_out)), with PyTorch's
 * fans: for shape [d0, d1, rest...] fan_in = d1 * prod(rest), fan_out =
 * d0 * prod(rest) (so [out, in] gives fan_in = in; an attention vector
 * [H, C] gives a = sqrt(6 / (H + C)), PyG's glorot); rank 1 [n]: fan_in = n,
 * fan_out = 1; rank 0: both 1. Each element is a pure function of (seed,
 * name, index) — a counter-based generator — so a parameter's values do not
 * depend on which other parameters the set already held.
 *
 * A parameter with a dynamic extent cannot be initialised: VALIDATION
 * naming it. `added` (may be NULL) receives the number of tensors added. */
attnc_status attnc_weights_init(attnc_weights *weights,
                                const attnc_entry_desc *entry, uint64_t seed,
                                int32_t *added);

/* Tensors the call's entry has no input for: a warning, not an error. */
#define ATTNC_BIND_ALLOW_EXTRA 0x1u
/* Parameters of the entry the set lacks: left unbound, not an error. */
#define ATTNC_BIND_ALLOW_MISSING 0x2u

typedef struct attnc_bind_options {
  /* sizeof(attnc_bind_options), so fields can be added later. */
  size_t struct_size;
  uint32_t flags; /* ATTNC_BIND_* above */
  /* If not NULL, called (on the binding thread, before bind returns) with
   * a one-line warning for each thing a flag let pass. */
  void (*warning)(void *user_data, const char *message);
  void *user_data;
} attnc_bind_options;

/* Fills *options with the defaults (what passing NULL to bind means). */
void attnc_bind_options_init(attnc_bind_options *options);

/* Binds every input of the call whose name is in `weights` (data inputs
 * too), after checking all of them: dtype, rank, static extents and named
 * extents (against each other and against arguments already set). Then,
 * unless the flags allow them, parameters of the entry the set lacks and
 * tensors no input takes are errors. All one line, ATTNC_ERROR_VALIDATION:
 *
 *   w.safetensors: 'enc.q_proj.weight': shape [64, 32], expected [64, 64]
 *   w.safetensors: 'lin.weight': dtype f64, expected f32
 *   w.safetensors: entry 'f': 1 parameter missing: 'lin.bias'; 1 tensor no
 *     input takes: 'lin.bais'
 *
 * Nothing is bound unless every check passes. `bound` (may be NULL)
 * receives the number of arguments bound. */
attnc_status attnc_weights_bind(attnc_call *call,
                                const attnc_weights *weights,
                                const attnc_bind_options *options,
                                int32_t *bound);

/* 1 if argument `arg` is a parameter: an input of role
 * ATTNC_ROLE_PARAMETER. */
int attnc_arg_is_parameter(const attnc_arg_desc *arg);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATTNC_RUNTIME_WEIGHTS_H */
