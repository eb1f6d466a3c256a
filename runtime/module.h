/*===- module.h - loading attnc modules and reading their signatures ------===*
 *
 * A module is a shared library built by attnc (see module_abi.h). Loading
 * dlopen()s it with RTLD_LOCAL, so the Halide runtime embedded in each module
 * stays private to it, checks the descriptor, and installs an error handler
 * so that kernel errors come back as ATTNC_ERROR_KERNEL instead of aborting.
 * GPU modules (descriptor device "cuda" or "opencl") take host tensors
 * like CPU ones: their kernels copy inputs to the GPU, and each execute
 * copies the outputs back and frees the device memory of the call
 * (docs/runtime.md).
 *
 * Threading: a loaded module is immutable and may be shared by any number
 * of threads. Each thread must use its own attnc_call (see call.h); two
 * threads may execute calls of the same module at the same time provided
 * their buffers do not overlap in memory that is written.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_MODULE_H
#define ATTNC_RUNTIME_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/module_abi.h"
#include "runtime/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct attnc_module attnc_module;

/* Refuse to load a module whose CPU features the machine lacks. By default
 * such a module loads (so its signature can be listed) and calls refuse. */
#define ATTNC_MODULE_CHECK_CPU_AT_LOAD 0x1u
/* Skip the scans of argument contents (CSR offsets and indices, key
 * lengths); shapes and dtypes are still checked. For trusted inputs. */
#define ATTNC_MODULE_SKIP_CONTENT_CHECKS 0x2u
/* Skip all validation before a call; the kernel's own checks (Halide
 * bounds checks) remain and come back as ATTNC_ERROR_KERNEL. Reading out of
 * bounds through unchecked CSR contents is then possible: tests only. */
#define ATTNC_MODULE_SKIP_VALIDATION 0x4u
/* Refuse to load a GPU module when its API's library (the CUDA driver,
 * the OpenCL ICD loader) cannot be opened or sees no device. By default
 * such a module loads (for listing) and calls refuse. */
#define ATTNC_MODULE_CHECK_DEVICE_AT_LOAD 0x8u
/* Refuse NaN and infinities in every floating-point input before a call
 * (calls of the module start with attnc_call_check_finite on): one scan of
 * each float input per execute. Off by default; docs/runtime.md says what
 * each op family does with non-finite values when it is off. */
#define ATTNC_MODULE_CHECK_FINITE 0x10u

typedef struct attnc_module_options {
  /* sizeof(attnc_module_options), so fields can be added later. */
  size_t struct_size;
  uint32_t flags; /* ATTNC_MODULE_* above */
  /* If not NULL: a comma-separated feature list ("sse41,avx,avx2") used in
   * place of the running CPU's, to check a module against another machine. */
  const char *cpu_features_override;
  /* GPU modules: the GPU to run on (halide_set_gpu_device), or -1 for
   * Halide's default (device 0, or $HL_GPU_DEVICE). Ignored for CPU ones. */
  int32_t gpu_device;
} attnc_module_options;

/* Fills *options with the defaults (what passing NULL to load means). */
void attnc_module_options_init(attnc_module_options *options);

/* Loads the module at `path`. On success *out owns the module; release it
 * with attnc_module_release. `options` may be NULL. */
attnc_status attnc_module_load(const char *path,
                               const attnc_module_options *options,
                               attnc_module **out);

/* Releases the module; NULL is ignored. Calls made from it must have been
 * released first. */
void attnc_module_release(attnc_module *module);

const char *attnc_module_path(const attnc_module *module);

/* The module's descriptor as it exported it; valid while it is loaded. */
const attnc_module_desc *attnc_module_descriptor(const attnc_module *module);

int32_t attnc_module_entry_count(const attnc_module *module);

/* The entry at `index`, or NULL when out of range. Its args carry the
 * names, dtypes, ranks, dims (-1 for dynamic) and dim names. */
const attnc_entry_desc *attnc_module_entry(const attnc_module *module,
                                           int32_t index);

/* Looks an entry up by name; ATTNC_ERROR_NOT_FOUND names the module and
 * lists the entries it has. */
attnc_status attnc_module_find_entry(const attnc_module *module,
                                     const char *name, int32_t *index);

/* ATTNC_OK if this CPU (or the override) has every feature the module
 * needs; else ATTNC_ERROR_UNSUPPORTED with a message listing the missing
 * ones. */
attnc_status attnc_module_check_cpu(const attnc_module *module);

/* ATTNC_OK for CPU modules, and for GPU modules when, at load, their API's
 * library (libcuda.so.1, libOpenCL.so.1) could be opened and reported a
 * device; else ATTNC_ERROR_UNSUPPORTED with a message naming the module. */
attnc_status attnc_module_check_device(const attnc_module *module);

/* The kernel variant this module runs on this CPU: "avx512" or "avx2" for
 * a module attnc built for several ISAs (its default, x86-64-multi; the
 * best the CPU has, capped by $ATTNC_CPU_VARIANT naming a variant), "" for
 * a module built for one target. */
const char *attnc_module_cpu_variant(const attnc_module *module);

/* "f32", "f64", "i32", "i64", "bool", "f16"; "?" for anything else. */
const char *attnc_dtype_name(int32_t dtype);

/* "parameter", "csr row offsets", "gradient", ... for an attnc_arg_role;
 * "?" for an unknown one. */
const char *attnc_role_name(int32_t role);

/* "zeros", "ones", "glorot" or "none" for an attnc_init_kind. */
const char *attnc_init_name(int32_t init);
/* Bytes per element, 0 for an unknown dtype. */
size_t attnc_dtype_size(int32_t dtype);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATTNC_RUNTIME_MODULE_H */
