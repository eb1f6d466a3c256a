//===- ModuleLinker.cpp - objects + descriptor -> module .so --------------===//
#include "compiler/Target/Halide/ModuleLinker.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace attnc::halide {

namespace {

const char *kAbiHeader =
#include "compiler/Target/Halide/ModuleAbiText.inc"
    ;

int dtypeCode(kg::DType t) {
  switch (t) {
  case kg::DType::F32: return 0;
  case kg::DType::F64: return 1;
  case kg::DType::I32: return 2;
  case kg::DType::I64: return 3;
  case kg::DType::Bool: return 4;
  }
  return 0;
}

const char *roleCode(kg::Role r) {
  switch (r) {
  case kg::Role::Data: return "ATTNC_ROLE_DATA";
  case kg::Role::RowOffsets: return "ATTNC_ROLE_CSR_ROW_OFFSETS";
  case kg::Role::ColIndices: return "ATTNC_ROLE_CSR_COL_INDICES";
  case kg::Role::KeyLengths: return "ATTNC_ROLE_KEY_LENGTHS";
  case kg::Role::SparseColIndices: return "ATTNC_ROLE_SPARSE_COL_INDICES";
  case kg::Role::Parameter: return "ATTNC_ROLE_PARAMETER";
  case kg::Role::Labels: return "ATTNC_ROLE_LABELS";
  case kg::Role::LossMask: return "ATTNC_ROLE_LOSS_MASK";
  case kg::Role::Seed: return "ATTNC_ROLE_SEED";
  case kg::Role::Mask: return "ATTNC_ROLE_MASK";
  case kg::Role::Bias: return "ATTNC_ROLE_BIAS";
  case kg::Role::SparseValues: return "ATTNC_ROLE_SPARSE_VALUES";
  case kg::Role::TOffsets: return "ATTNC_ROLE_T_OFFSETS";
  case kg::Role::TDestinations: return "ATTNC_ROLE_T_DESTINATIONS";
  case kg::Role::TEdges: return "ATTNC_ROLE_T_EDGES";
  case kg::Role::Output: return "ATTNC_ROLE_OUTPUT";
  case kg::Role::Loss: return "ATTNC_ROLE_LOSS";
  case kg::Role::Gradient: return "ATTNC_ROLE_GRADIENT";
  }
  return "ATTNC_ROLE_DATA";
}

const char *initCode(kg::InitKind k) {
  switch (k) {
  case kg::InitKind::None: return "ATTNC_INIT_NONE";
  case kg::InitKind::Zeros: return "ATTNC_INIT_ZEROS";
  case kg::InitKind::Ones: return "ATTNC_INIT_ONES";
  case kg::InitKind::Glorot: return "ATTNC_INIT_GLOROT";
  }
  return "ATTNC_INIT_NONE";
}

std::string cString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string shellQuote(const std::string &s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// For a multi-variant module: each entry's symbol calls the best variant
/// the CPU supports, chosen once (GCC's CPU model, capped by
/// $ATTNC_CPU_VARIANT naming a variant, for tests and comparisons).
std::string variantDispatcher(const std::vector<kg::Function> &fns,
                              const TargetInfo &target) {
  const auto &variants = target.variants;
  std::ostringstream os;
  os << "#include <stdlib.h>\n#include <string.h>\n"
     << "static const char *const attnc_variant_names[] = {";
  for (const TargetVariant &v : variants)
    os << cString(v.name) << ", ";
  os << "};\nstatic int attnc_variant_supported(int v) {\n"
     << "  switch (v) {\n";
  for (size_t v = 0; v + 1 < variants.size(); ++v) {
    os << "  case " << v << ": return 1";
    for (const std::string &check : variants[v].cpuChecks)
      os << " && __builtin_cpu_supports(" << cString(check) << ")";
    os << ";\n";
  }
  os << "  default: return 1;\n  }\n}\n"
     << "static int attnc_chosen = -1;\n"
     << "static int attnc_variant(void) {\n"
     << "  int v = __atomic_load_n(&attnc_chosen, __ATOMIC_ACQUIRE);\n"
     << "  if (v >= 0)\n    return v;\n"
     << "  __builtin_cpu_init();\n"
     << "  const char *cap = getenv(\"ATTNC_CPU_VARIANT\");\n"
     << "  v = 0;\n"
     << "  for (int i = 0; cap && i < " << variants.size() << "; ++i)\n"
     << "    if (strcmp(cap, attnc_variant_names[i]) == 0)\n      v = i;\n"
     << "  while (v < " << variants.size() - 1
     << " && !attnc_variant_supported(v))\n    ++v;\n"
     << "  __atomic_store_n(&attnc_chosen, v, __ATOMIC_RELEASE);\n"
     << "  return v;\n}\n"
     << "__attribute__((visibility(\"default\")))\n"
     << "const char *attnc_cpu_variant(void) {\n"
     << "  return attnc_variant_names[attnc_variant()];\n}\n";
  for (const kg::Function &fn : fns) {
    std::string entry = moduleEntrySymbol(fn.name);
    for (const TargetVariant &v : variants)
      os << "int " << moduleVariantSymbol(fn.name, v.name)
         << "_argv(void **args);\n";
    os << "static int " << entry << "_argv(void **args) {\n"
       << "  switch (attnc_variant()) {\n";
    for (size_t v = 0; v + 1 < variants.size(); ++v)
      os << "  case " << v << ": return "
         << moduleVariantSymbol(fn.name, variants[v].name) << "_argv(args);\n";
    os << "  default: return "
       << moduleVariantSymbol(fn.name, variants.back().name)
       << "_argv(args);\n  }\n}\n";
  }
  return os.str();
}

/// Halide's buffer type (HalideRuntime.h, Halide 14), which the
/// kernels' `_argv` forms take; the descriptor includes no Halide header.
const char *kGluePrelude = R"(
typedef struct { uint8_t code, bits; uint16_t lanes; } attnc_hl_type;
typedef struct { int32_t min, extent, stride; uint32_t flags; } attnc_hl_dim;
typedef struct {
  uint64_t device;
  const void *device_interface;
  uint8_t *host;
  uint64_t flags;
  attnc_hl_type type;
  int32_t dimensions;
  attnc_hl_dim *dim;
  void *padding;
} attnc_hl_buffer;
void *halide_malloc(void *user_context, size_t bytes);
void halide_free(void *user_context, void *ptr);
void halide_error(void *user_context, const char *msg);
/* Dense strides, then the host memory from the module's allocator (the
 * runtime's pool). */
static int attnc_temporary(attnc_hl_buffer *b) {
  size_t bytes = (size_t)(b->type.bits / 8);
  for (int i = 0; i < b->dimensions; ++i) {
    b->dim[i].stride = i == 0 ? 1 : b->dim[i - 1].stride * b->dim[i - 1].extent;
    bytes *= (size_t)b->dim[i].extent;
  }
  b->host = (uint8_t *)halide_malloc(0, bytes ? bytes : 1);
  if (b->host)
    return 0;
  halide_error(0, "attnc: out of memory for a temporary between kernels\n");
  return -11; /* halide_error_code_out_of_memory */
}
static void attnc_release(attnc_hl_buffer *b) {
  if (b->host)
    halide_free(0, b->host);
  b->host = 0;
}
)";

std::string typeInit(kg::DType t) {
  switch (t) {
  case kg::DType::F32: return "{2, 32, 1}";
  case kg::DType::F64: return "{2, 64, 1}";
  case kg::DType::I32: return "{0, 32, 1}";
  case kg::DType::I64: return "{0, 64, 1}";
  case kg::DType::Bool: return "{1, 8, 1}";
  }
  return "{2, 32, 1}";
}

std::string variantSuffix(const std::string &variant) {
  return variant.empty() ? "" : "__" + variant;
}

/// `symbol`_argv for a partitioned entry: its kernels (of `variant`)
/// called in order on the entry's buffers and on temporaries, each taken
/// before its producer and given back after its last reader.
std::string entryGlue(const kg::Function &fn, const EntryPlan &plan,
                      const KernelTable &table, const std::string &symbol,
                      const std::string &variant) {
  std::ostringstream os;
  os << "int " << symbol << "_argv(void **args) {\n";
  for (size_t t = 0; t < plan.temporaries.size(); ++t) {
    const PlanTemporary &tmp = plan.temporaries[t];
    size_t rank = tmp.shape.size();
    os << "  attnc_hl_dim t" << t << "_dim[" << std::max<size_t>(rank, 1)
       << "] = {{0}};\n"
       << "  attnc_hl_buffer t" << t << " = {0, 0, 0, 0, " << typeInit(tmp.dtype)
       << ", " << rank << ", t" << t << "_dim, 0};\n";
    for (size_t k = 0; k < rank; ++k) {
      size_t d = rank - 1 - k; // Halide dims are innermost first
      os << "  t" << t << "_dim[" << k << "].extent = ";
      if (tmp.shape[d] >= 0) {
        os << tmp.shape[d];
      } else {
        auto [arg, dim] = tmp.extentFrom[d];
        size_t argRank = fn.values[fn.inputs[arg].value].shape.size();
        os << "((attnc_hl_buffer *)args[" << arg << "])->dim["
           << argRank - 1 - dim << "].extent";
      }
      os << ";\n";
    }
  }
  os << "  int rc = 0;\n";
  std::vector<bool> taken(plan.temporaries.size());
  for (const KernelCall &call : plan.calls) {
    const kg::Function &k = table.kernels[call.kernel];
    for (size_t a = k.inputs.size(); a < call.args.size(); ++a)
      if (call.args[a].temporary && !taken[call.args[a].index]) {
        taken[call.args[a].index] = true;
        os << "  if ((rc = attnc_temporary(&t" << call.args[a].index
           << ")) != 0)\n    goto done;\n";
      }
    os << "  {\n    void *a[] = {";
    for (const PlanOperand &o : call.args)
      os << (o.temporary ? "&t" + std::to_string(o.index)
                         : "args[" + std::to_string(o.index) + "]")
         << ", ";
    os << "0};\n    if ((rc = " << moduleKernelSymbol(k.name)
       << variantSuffix(variant) << "_argv(a)) != 0)\n      goto done;\n  }\n";
    for (int t : call.release)
      os << "  attnc_release(&t" << t << ");\n";
  }
  os << "done:\n";
  for (size_t t = 0; t < plan.temporaries.size(); ++t)
    os << "  attnc_release(&t" << t << ");\n";
  os << "  return rc;\n}\n";
  return os.str();
}

/// Every partitioned entry's glue, for every variant.
std::string kernelGlue(const std::vector<kg::Function> &fns,
                       const TargetInfo &target, const KernelTable &table) {
  bool any = false;
  for (const EntryPlan &p : table.plans)
    any = any || !p.calls.empty();
  if (!any)
    return "";
  std::ostringstream os;
  os << kGluePrelude;
  for (const TargetVariant &v : target.variants)
    for (const kg::Function &k : table.kernels)
      os << "int " << moduleKernelSymbol(k.name) << variantSuffix(v.name)
         << "_argv(void **args);\n";
  for (size_t f = 0; f < fns.size(); ++f) {
    if (table.plans[f].calls.empty())
      continue;
    for (const TargetVariant &v : target.variants)
      os << entryGlue(fns[f], table.plans[f], table,
                      target.multiVariant()
                          ? moduleVariantSymbol(fns[f].name, v.name)
                          : moduleEntrySymbol(fns[f].name),
                      v.name);
  }
  return os.str();
}

} // namespace

std::string descriptorSource(const std::vector<kg::Function> &fns,
                             const TargetInfo &target,
                             const KernelTable &kernels) {
  std::ostringstream os;
  os << "/* Generated by attnc: the module descriptor. */\n"
     << kAbiHeader << "\n#include <stddef.h>\n";
  if (target.multiVariant())
    os << variantDispatcher(fns, target);
  os << kernelGlue(fns, target, kernels);
  for (size_t f = 0; f < fns.size(); ++f) {
    const kg::Function &fn = fns[f];
    if (!target.multiVariant())
      os << "int " << moduleEntrySymbol(fn.name) << "_argv(void **args);\n";
    std::vector<const kg::Argument *> args;
    for (const kg::Argument &a : fn.inputs)
      args.push_back(&a);
    for (const kg::Argument &a : fn.outputs)
      args.push_back(&a);
    for (size_t a = 0; a < args.size(); ++a) {
      const kg::Value &v = fn.values[args[a]->value];
      os << "static const int64_t dims_" << f << "_" << a << "[] = {";
      for (int64_t d : v.shape)
        os << d << ", ";
      os << "0};\nstatic const char *const names_" << f << "_" << a
         << "[] = {";
      for (const std::string &n : v.dimNames)
        os << (n.empty() ? "0" : cString(n)) << ", ";
      os << "0};\n";
    }
    os << "static const attnc_arg_desc args_" << f << "[] = {\n";
    for (size_t a = 0; a < args.size(); ++a) {
      const kg::Argument &arg = *args[a];
      const kg::Value &v = fn.values[arg.value];
      bool output = a >= fn.inputs.size();
      os << "  {" << cString(arg.name) << ", "
         << (output ? "ATTNC_ARG_OUTPUT" : "ATTNC_ARG_INPUT") << ", "
         << dtypeCode(v.dtype) << ", " << roleCode(arg.role) << ", "
         << v.shape.size() << ", dims_" << f << "_" << a << ", names_" << f
         << "_" << a << ", " << arg.relatedArg << ", " << arg.relatedDim
         << ", " << initCode(arg.init) << "},\n";
    }
    os << "};\n";
    static const char *const kinds[] = {
        "ATTNC_CHECK_AT_MOST", "ATTNC_CHECK_DIVIDES", "ATTNC_CHECK_BROADCASTS",
        "ATTNC_CHECK_INDEX_BELOW"};
    auto side = [](const kg::CheckSide &s) {
      return "{" + std::to_string(s.arg) + ", " + std::to_string(s.dim) +
             ", " + std::to_string(s.value) + "}";
    };
    os << "static const attnc_check_desc checks_" << f << "[] = {\n";
    for (const kg::Check &c : fn.checks)
      os << "  {" << kinds[static_cast<int>(c.kind)] << ", " << cString(c.what)
         << ", " << side(c.subject) << ", " << side(c.bound) << "},\n";
    // An empty initializer list is not C; the count says how many there are.
    os << "  {0, 0, {-1, -1, 0}, {-1, -1, 0}}\n};\n";
  }
  os << "static const attnc_entry_desc entries[] = {\n";
  for (size_t f = 0; f < fns.size(); ++f)
    os << "  {" << cString(fns[f].name) << ", "
       << moduleEntrySymbol(fns[f].name) << "_argv, "
       << fns[f].inputs.size() + fns[f].outputs.size() << ", args_" << f
       << ", " << cString(fns[f].loc) << ", " << fns[f].checks.size()
       << ", checks_" << f << "},\n";
  os << "};\n"
     << "static const attnc_module_desc module = {ATTNC_MODULE_ABI_VERSION, "
     << cString(target.target) << ", " << cString(target.cpuFeatures) << ", "
     << cString(target.device) << ", " << fns.size() << ", entries};\n"
     << "__attribute__((visibility(\"default\")))\n"
     << "const attnc_module_desc *attnc_module_descriptor(void) {\n"
     << "  return &module;\n}\n";
  return os.str();
}

std::string linkModule(const std::vector<kg::Function> &fns,
                       const KernelTable &kernels,
                       const std::vector<std::string> &objects,
                       const TargetInfo &target, const std::string &workDir,
                       const std::string &outPath) {
  std::string source = workDir + "/descriptor.c";
  std::string script = workDir + "/exports.map";
  {
    std::ofstream c(source), map(script);
    c << descriptorSource(fns, target, kernels);
    // The Halide runtime inside the objects stays private, except the hooks
    // the attnc runtime uses: error handler and thread count; for GPU
    // modules also the device hooks it calls around a kernel (copy outputs
    // back, sync, free, pick the GPU, release the context).
    map << "{\n  global:\n    attnc_module_descriptor;\n"
        << (target.multiVariant() ? "    attnc_cpu_variant;\n" : "")
        << 
           "    halide_set_error_handler;\n    halide_set_num_threads;\n"
           "    halide_set_custom_malloc;\n    halide_set_custom_free;\n";
    if (target.device != "cpu")
      map << "    halide_copy_to_host;\n    halide_device_sync;\n"
             "    halide_device_free;\n    halide_set_gpu_device;\n"
             "    halide_device_release;\n    halide_"
          << target.device << "_device_interface;\n";
    map << "  local: *;\n};\n";
    if (!c || !map)
      return "cannot write to the temporary directory " + workDir;
  }
  const char *cc = std::getenv("CC");
  std::string tmpOut = outPath + ".tmp";
  std::string cmd = shellQuote(cc && *cc ? cc : "cc") +
                    " -shared -fPIC -O1 -Wl,-Bsymbolic -o " + shellQuote(tmpOut) + " " +
                    shellQuote(source);
  for (const std::string &o : objects)
    cmd += " " + shellQuote(o);
  cmd += " -Wl,--version-script=" + shellQuote(script) +
         " -lpthread -ldl -lm 2> " + shellQuote(workDir + "/link.log");
  int status = std::system(cmd.c_str());
  if (status != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::remove(tmpOut.c_str());
    std::ifstream log(workDir + "/link.log");
    std::string first;
    std::getline(log, first);
    return "linking the module failed (" + std::string(cc && *cc ? cc : "cc") +
           "): " + (first.empty() ? "no C compiler found?" : first);
  }
  if (std::rename(tmpOut.c_str(), outPath.c_str()) != 0) {
    std::remove(tmpOut.c_str());
    return "cannot write " + outPath;
  }
  return "";
}

} // namespace attnc::halide
