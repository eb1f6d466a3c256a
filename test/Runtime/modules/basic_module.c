/* Descriptor of the portable test module: four sse41 kernels exercising
 * static and named extents, CSR roles, key lengths and a kernel error. */
#include "runtime/module_abi.h"

int add_argv(void **args);
int csr_sum_argv(void **args);
int masked_sum_argv(void **args);
int checked_sqrt_argv(void **args);

static const int64_t kSE[] = {-1, 5};
static const char *const kSENames[] = {"S", 0};
static const attnc_arg_desc kAddArgs[] = {
    {"a", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 2, kSE, kSENames, -1, -1, ATTNC_INIT_NONE},
    {"b", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 2, kSE, kSENames, -1, -1, ATTNC_INIT_NONE},
    {"out", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_OUTPUT, 2, kSE, kSENames, -1, -1, ATTNC_INIT_NONE},
};

static const int64_t kDyn1[] = {-1};
static const int64_t kDyn2[] = {-1, -1};
static const char *const kN[] = {"N"};
static const char *const kNnz[] = {"NNZ"};
static const char *const kNF[] = {"N", "F"};
static const attnc_arg_desc kCsrArgs[] = {
    {"row_offsets", ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_CSR_ROW_OFFSETS, 1, kDyn1, kN, 1, -1, ATTNC_INIT_NONE},
    {"col_indices", ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_CSR_COL_INDICES, 1, kDyn1, kNnz, 0, -1, ATTNC_INIT_NONE},
    {"feat", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 2, kDyn2, kNF, -1, -1, ATTNC_INIT_NONE},
    {"out", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_OUTPUT, 2, kDyn2, kNF, -1, -1, ATTNC_INIT_NONE},
};

static const char *const kBSk[] = {"B", "Sk"};
static const char *const kB[] = {"B"};
static const attnc_arg_desc kMaskedArgs[] = {
    {"keys", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 2, kDyn2, kBSk, -1, -1, ATTNC_INIT_NONE},
    {"lengths", ATTNC_ARG_INPUT, ATTNC_DTYPE_I32, ATTNC_ROLE_KEY_LENGTHS, 1, kDyn1, kB, 0, 1, ATTNC_INIT_NONE},
    {"out", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_OUTPUT, 1, kDyn1, kB, -1, -1, ATTNC_INIT_NONE},
};

static const attnc_arg_desc kSqrtArgs[] = {
    {"a", ATTNC_ARG_INPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_DATA, 1, kDyn1, kN, -1, -1, ATTNC_INIT_NONE},
    {"out", ATTNC_ARG_OUTPUT, ATTNC_DTYPE_F32, ATTNC_ROLE_OUTPUT, 1, kDyn1, kN, -1, -1, ATTNC_INIT_NONE},
};

static const attnc_entry_desc kEntries[] = {
    {"add", add_argv, 3, kAddArgs, "test.mlir:1:1", 0, 0},
    {"csr_sum", csr_sum_argv, 4, kCsrArgs, "test.mlir:2:1", 0, 0},
    {"masked_sum", masked_sum_argv, 3, kMaskedArgs, "test.mlir:3:1", 0, 0},
    {"checked_sqrt", checked_sqrt_argv, 2, kSqrtArgs, "test.mlir:4:1", 0, 0},
};

static const attnc_module_desc kModule = {
    ATTNC_MODULE_ABI_VERSION, "x86-64-linux-sse41", "sse41", "cpu", 4, kEntries,
};

const attnc_module_desc *attnc_module_descriptor(void) { return &kModule; }
