/* Descriptor of a one-entry module around an `add` kernel; the build picks
 * the kernel (ADD_ARGV), the target and the CPU features it claims, which
 * is how the CPU-feature refusal is tested without an exotic CPU. */
#include "runtime/module_abi.h"

int ADD_ARGV(void **args);

static const int64_t kSE[] = {-1, 5};
static const char *const kSENames[] = {"S", 0};
static const attnc_arg_desc kArgs[] = {
    {"a", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 2, kSE, kSENames, -1, -1, ATTNC_INIT_NONE},
    {"b", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 2, kSE, kSENames, -1, -1, ATTNC_INIT_NONE},
    {"out", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_OUTPUT, 2, kSE, kSENames, -1, -1, ATTNC_INIT_NONE},
};
static const attnc_entry_desc kEntries[] = {{"add", ADD_ARGV, 3, kArgs, 0, 0, 0}};
static const attnc_module_desc kModule = {
    ATTNC_MODULE_ABI_VERSION, TARGET, CPU_FEATURES, "cpu", 1, kEntries,
};

const attnc_module_desc *attnc_module_descriptor(void) { return &kModule; }
