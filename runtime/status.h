/*===- status.h - status codes and the per-thread error message -----------===*
 *
 * Every function of the C API that can fail returns an attnc_status. On
 * failure it also leaves a one-line message, naming the file, entry or
 * argument concerned, that attnc_last_error() returns on the same thread.
 * No function of the C API throws or aborts.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_STATUS_H
#define ATTNC_RUNTIME_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum attnc_status {
  ATTNC_OK = 0,
  /* The caller broke the API contract: NULL pointer, index out of range. */
  ATTNC_ERROR_INVALID_ARGUMENT = 1,
  /* A file, entry or argument name does not exist. */
  ATTNC_ERROR_NOT_FOUND = 2,
  /* The file is not an attnc module, or its descriptor is inconsistent. */
  ATTNC_ERROR_INVALID_MODULE = 3,
  /* The module was built for another version of module_abi.h. */
  ATTNC_ERROR_ABI_MISMATCH = 4,
  /* The module needs CPU features (or a device) this machine lacks. */
  ATTNC_ERROR_UNSUPPORTED = 5,
  /* The tensors given for a call do not match the entry's signature, or
   * their contents break an argument's role (CSR, key lengths). */
  ATTNC_ERROR_VALIDATION = 6,
  /* The kernel itself reported an error through Halide's error handler. */
  ATTNC_ERROR_KERNEL = 7,
  ATTNC_ERROR_OUT_OF_MEMORY = 8,
  /* A bug in the runtime (an unexpected C++ exception was caught). */
  ATTNC_ERROR_INTERNAL = 9
} attnc_status;

/* A stable lower-case name for the code, e.g. "validation". */
const char *attnc_status_name(attnc_status status);

/* The message of the last failing call on this thread; "" if none. The
 * pointer stays valid until the next API call on this thread. */
const char *attnc_last_error(void);

/* Forgets the current thread's message. */
void attnc_clear_error(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATTNC_RUNTIME_STATUS_H */
