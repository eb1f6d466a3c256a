/* Descriptors that the runtime must refuse at load, one per BROKEN_* define;
 * they need no kernel, so their argv function only fails. */
#include "runtime/module_abi.h"

static int never_called_argv(void **args) {
  (void)args;
  return -1;
}

static const int64_t kDyn1[] = {-1};
#if defined(BROKEN_CSR_PAIR)
/* Row offsets whose related_arg points past the argument list. */
static const attnc_arg_desc kArgs[] = {
    {"row_offsets", ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_CSR_ROW_OFFSETS, 1, kDyn1, 0, 7, -1, ATTNC_INIT_NONE},
};
#elif defined(BROKEN_TRANSPOSED)
/* A transposed graph whose related_arg is not a graph's row offsets, so
 * the runtime could not compute it. */
static const attnc_arg_desc kArgs[] = {
    {"x", ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_DATA, 1, kDyn1, 0, -1, -1, ATTNC_INIT_NONE},
    {"g.t_offsets", ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_T_OFFSETS, 1, kDyn1, 0, 0, -1, ATTNC_INIT_NONE},
};
#elif defined(BROKEN_GRADIENT)
/* A gradient of an argument that is not a parameter. */
static const attnc_arg_desc kArgs[] = {
    {"x", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 1, kDyn1, 0, -1, -1, ATTNC_INIT_NONE},
    {"grad.x", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_GRADIENT, 1, kDyn1, 0, 0, -1, ATTNC_INIT_NONE},
};
#elif defined(BROKEN_LATER_ARG)
/* A gradient linked to a later argument that has no name (found by
 * fuzz_module_descriptor: the role check read the name before the
 * argument itself was checked). */
static const attnc_arg_desc kArgs[] = {
    {"grad.w", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_GRADIENT, 1, kDyn1, 0, 1, -1, ATTNC_INIT_NONE},
    {0, ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_DATA, 1, kDyn1, 0, -1, -1, ATTNC_INIT_NONE},
};
#elif defined(BROKEN_CHECK)
/* A check bounding an output: checks relate inputs, which the runtime
 * validates before outputs exist. */
static const attnc_arg_desc kArgs[] = {
    {"x", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 1, kDyn1, 0, -1, -1, ATTNC_INIT_NONE},
    {"y", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_OUTPUT, 1, kDyn1, 0, -1, -1, ATTNC_INIT_NONE},
};
static const attnc_check_desc kChecks[] = {
    {ATTNC_CHECK_AT_MOST, "length", {0, 0, 0}, {1, 0, 0}}};
#define NUM_CHECKS 1
#define CHECKS kChecks
#else
static const attnc_arg_desc kArgs[] = {
    {"x", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 1, kDyn1, 0, -1, -1, ATTNC_INIT_NONE},
};
#endif
#ifndef NUM_CHECKS
#define NUM_CHECKS 0
#define CHECKS 0
#endif
static const attnc_entry_desc kEntries[] = {
    {"e", never_called_argv, sizeof(kArgs) / sizeof(kArgs[0]), kArgs, 0,
     NUM_CHECKS, CHECKS}};

#if defined(BROKEN_ABI_VERSION)
/* A module of ABI version 1 (its descriptor is never read past the
 * version). */
#define ABI_VERSION 1u
#else
#define ABI_VERSION ATTNC_MODULE_ABI_VERSION
#endif
#if defined(BROKEN_DEVICE)
#define DEVICE "tpu"
#else
#define DEVICE "cpu"
#endif

static const attnc_module_desc kModule = {
    ABI_VERSION, "x86-64-linux", "", DEVICE, 1, kEntries,
};

const attnc_module_desc *attnc_module_descriptor(void) { return &kModule; }
