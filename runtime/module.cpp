#include "runtime/module.h"

#include <HalideRuntime.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "runtime/detail/elf_check.h"
#include "runtime/detail/cpu_features.h"
#include "runtime/detail/error.h"
#include "runtime/detail/module_impl.h"
#include "runtime/memory_pool.h"

using attnc::detail::fail;
using attnc::detail::guarded;

namespace {

// halide_set_error_handler (HalideRuntime.h) is looked up in each module
// rather than linked, so that the runtime needs no Halide library and each
// module (loaded RTLD_LOCAL, with its own copy of Halide's runtime) gets the
// handler.
using SetErrorHandlerFn = halide_error_handler_t (*)(halide_error_handler_t);
constexpr const char *kSetErrorHandlerSymbol =
    ATTNC_MODULE_ERROR_HANDLER_SYMBOL;

bool isIntegerDtype(int32_t dtype) {
  return dtype == ATTNC_DTYPE_I32 || dtype == ATTNC_DTYPE_I64;
}

bool isOutputRole(int32_t role) {
  return role == ATTNC_ROLE_OUTPUT || role == ATTNC_ROLE_LOSS ||
         role == ATTNC_ROLE_GRADIENT;
}

// Checks argument `a`'s role and the arguments it links to (module_abi.h).
template <typename Bad>
attnc_status checkRole(const attnc_entry_desc &entry, int32_t a, Bad &bad,
                       const std::string &at) {
  const attnc_arg_desc &arg = entry.args[a];
  if (arg.role < 0 || arg.role >= ATTNC_ROLE_COUNT)
    return bad(at + ": unknown role " + std::to_string(arg.role));
  const char *role = attnc_role_name(arg.role);
  if (isOutputRole(arg.role) != (arg.kind == ATTNC_ARG_OUTPUT))
    return bad(at + ": role " + role + " on " +
               (arg.kind == ATTNC_ARG_OUTPUT ? "an output" : "an input"));
  if (arg.role == ATTNC_ROLE_PARAMETER
          ? arg.init < ATTNC_INIT_ZEROS || arg.init > ATTNC_INIT_GLOROT
          : arg.init != ATTNC_INIT_NONE)
    return bad(at + ": bad init " + std::to_string(arg.init) + " for role " +
               role);
  auto related = [&](bool optional) -> const attnc_arg_desc * {
    if (optional && arg.related_arg == -1)
      return nullptr;
    if (arg.related_arg < 0 || arg.related_arg >= entry.num_args ||
        arg.related_arg == a)
      return nullptr;
    return &entry.args[arg.related_arg];
  };
  auto badRelated = [&]() {
    return bad(at + ": bad related_arg " + std::to_string(arg.related_arg) +
               " for role " + role);
  };
  switch (arg.role) {
  case ATTNC_ROLE_PARAMETER:
  case ATTNC_ROLE_GRADIENT:
  case ATTNC_ROLE_LOSS:
    if (arg.dtype != ATTNC_DTYPE_F32 && arg.dtype != ATTNC_DTYPE_F64)
      return bad(at + ": role " + role + " needs a floating-point dtype");
    break;
  case ATTNC_ROLE_CSR_ROW_OFFSETS:
  case ATTNC_ROLE_CSR_COL_INDICES:
  case ATTNC_ROLE_KEY_LENGTHS:
  case ATTNC_ROLE_SPARSE_COL_INDICES:
  case ATTNC_ROLE_T_OFFSETS:
  case ATTNC_ROLE_T_DESTINATIONS:
  case ATTNC_ROLE_T_EDGES:
    if (!isIntegerDtype(arg.dtype) || arg.rank != 1)
      return bad(at + ": role " + role +
                 " needs a rank-1 i32 or i64 input");
    break;
  default:
    break;
  }
  switch (arg.role) {
  case ATTNC_ROLE_CSR_ROW_OFFSETS: {
    const attnc_arg_desc *other = related(false);
    if (!other)
      return badRelated();
    if (other->role != ATTNC_ROLE_CSR_COL_INDICES &&
        other->role != ATTNC_ROLE_SPARSE_COL_INDICES)
      return bad(at + ": row offsets paired with a non-col-indices argument");
    break;
  }
  case ATTNC_ROLE_CSR_COL_INDICES: {
    const attnc_arg_desc *other = related(false);
    if (!other)
      return badRelated();
    if (other->role != ATTNC_ROLE_CSR_ROW_OFFSETS)
      return bad(at + ": col indices paired with a non-row-offsets argument");
    break;
  }
  case ATTNC_ROLE_KEY_LENGTHS:
  case ATTNC_ROLE_SPARSE_COL_INDICES: {
    const attnc_arg_desc *other =
        related(arg.role == ATTNC_ROLE_SPARSE_COL_INDICES);
    if (!other &&
        (arg.role == ATTNC_ROLE_KEY_LENGTHS || arg.related_arg != -1))
      return badRelated();
    if (other && (arg.related_dim < 0 || arg.related_dim >= other->rank))
      return bad(at + ": bad related_dim " + std::to_string(arg.related_dim));
    break;
  }
  case ATTNC_ROLE_T_OFFSETS:
  case ATTNC_ROLE_T_DESTINATIONS:
  case ATTNC_ROLE_T_EDGES: {
    // The runtime computes these from the forward graph, so the links must
    // hold: row offsets paired with a graph's column indices, one dtype.
    const attnc_arg_desc *rows = related(false);
    if (!rows || rows->role != ATTNC_ROLE_CSR_ROW_OFFSETS ||
        rows->related_arg < 0 || rows->related_arg >= entry.num_args ||
        entry.args[rows->related_arg].role != ATTNC_ROLE_CSR_COL_INDICES)
      return bad(at + ": a transposed graph needs related_arg naming a "
                      "graph's row offsets");
    if (rows->dtype != arg.dtype ||
        entry.args[rows->related_arg].dtype != arg.dtype)
      return bad(at + ": a transposed graph has its forward graph's dtype");
    for (int32_t o = 0; o < entry.num_args; ++o)
      if (o != a && entry.args[o].role == arg.role &&
          entry.args[o].related_arg == arg.related_arg)
        return bad(at + ": a second " + role + " of argument '" + rows->name +
                   "'");
    break;
  }
  case ATTNC_ROLE_GRADIENT: {
    const attnc_arg_desc *param = related(false);
    if (!param || param->role != ATTNC_ROLE_PARAMETER)
      return bad(at + ": a gradient needs related_arg naming a parameter");
    if (param->dtype != arg.dtype || param->rank != arg.rank ||
        (arg.rank > 0 && !std::equal(arg.dims, arg.dims + arg.rank,
                                     param->dims)))
      return bad(at + ": a gradient has the shape and dtype of its "
                      "parameter '" + param->name + "'");
    break;
  }
  default:
    if (arg.related_arg != -1)
      return badRelated();
  }
  return ATTNC_OK;
}

} // namespace

namespace attnc::detail {

// Checks what the runtime relies on later, so that a bad descriptor is
// reported at load with the module's name rather than crashing a call.
attnc_status checkDescriptor(const std::string &path,
                             const attnc_module_desc &desc) {
  auto bad = [&](const std::string &what) {
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "module '" + path + "' has an invalid descriptor: " + what);
  };
  if (desc.num_entries < 0 || (desc.num_entries > 0 && !desc.entries))
    return bad("bad entry list");
  std::set<std::string> entryNames;
  for (int32_t e = 0; e < desc.num_entries; ++e) {
    const attnc_entry_desc &entry = desc.entries[e];
    if (!entry.name || !*entry.name)
      return bad("entry " + std::to_string(e) + " has no name");
    std::string where = "entry '" + std::string(entry.name) + "'";
    if (!entryNames.insert(entry.name).second)
      return bad(where + " appears twice");
    if (!entry.argv_fn)
      return bad(where + " has no argv function");
    if (entry.num_args < 0 || (entry.num_args > 0 && !entry.args))
      return bad(where + " has a bad argument list");
    std::set<std::string> argNames;
    auto argAt = [&](int32_t a) {
      return where + ", argument '" + entry.args[a].name + "'";
    };
    for (int32_t a = 0; a < entry.num_args; ++a) {
      const attnc_arg_desc &arg = entry.args[a];
      if (!arg.name || !*arg.name)
        return bad(where + ": argument " + std::to_string(a) + " has no name");
      std::string at = argAt(a);
      if (!argNames.insert(arg.name).second)
        return bad(at + " appears twice");
      if (arg.kind != ATTNC_ARG_INPUT && arg.kind != ATTNC_ARG_OUTPUT)
        return bad(at + ": unknown kind " + std::to_string(arg.kind));
      if (attnc_dtype_size(arg.dtype) == 0)
        return bad(at + ": unknown dtype " + std::to_string(arg.dtype));
      // Halide buffers have at most 16 dimensions in practice (halide_buffer_t
      // has no limit, but nothing sensible needs more).
      if (arg.rank < 0 || arg.rank > 16 || (arg.rank > 0 && !arg.dims))
        return bad(at + ": bad rank " + std::to_string(arg.rank));
      for (int32_t d = 0; d < arg.rank; ++d)
        if (arg.dims[d] < -1 || arg.dims[d] > INT32_MAX)
          return bad(at + ": bad extent " + std::to_string(arg.dims[d]));
    }
    // Roles second: a role's check reads the argument it links to (its
    // name, dims), which may come later in the list.
    for (int32_t a = 0; a < entry.num_args; ++a)
      if (attnc_status s = checkRole(entry, a, bad, argAt(a)))
        return s;
    if (entry.num_checks < 0 || (entry.num_checks > 0 && !entry.checks))
      return bad(where + " has a bad check list");
    for (int32_t c = 0; c < entry.num_checks; ++c) {
      const attnc_check_desc &check = entry.checks[c];
      std::string at = where + ", check " + std::to_string(c);
      if (check.kind < 0 || check.kind >= ATTNC_CHECK_KIND_COUNT)
        return bad(at + ": unknown kind " + std::to_string(check.kind));
      bool index = check.kind == ATTNC_CHECK_INDEX_BELOW;
      for (const attnc_check_side *side : {&check.subject, &check.bound}) {
        bool subject = side == &check.subject;
        if (side->arg == -1 && !(subject && index) && side->value >= 0)
          continue;
        if (side->arg < 0 || side->arg >= entry.num_args ||
            entry.args[side->arg].kind != ATTNC_ARG_INPUT)
          return bad(at + ": bad argument " + std::to_string(side->arg) +
                     " (checks relate inputs)");
        const attnc_arg_desc &arg = entry.args[side->arg];
        if (subject && index ? side->dim != -1 || !isIntegerDtype(arg.dtype)
                             : side->dim < 0 || side->dim >= arg.rank)
          return bad(at + ": bad dim " + std::to_string(side->dim) +
                     " of argument '" + arg.name + "'");
      }
      if (check.subject.arg < 0 && check.bound.arg < 0)
        return bad(at + ": relates no input");
    }
  }
  return ATTNC_OK;
}

} // namespace attnc::detail

namespace {

using attnc::detail::checkDescriptor;

attnc_status checkCpu(attnc_module &module,
                      const attnc_module_options &options) {
  const char *required = module.desc->cpu_features;
  std::vector<std::string> missing;
  std::string error;
  bool useOverride = options.cpu_features_override != nullptr;
  if (!attnc::detail::missingCpuFeatures(
          required ? required : "", useOverride,
          useOverride ? options.cpu_features_override : "", missing, error))
    return fail(ATTNC_ERROR_UNSUPPORTED, "module '" + module.path + "': " +
                                             error + " in its cpu_features");
  if (missing.empty())
    return ATTNC_OK;
  std::string list;
  for (const std::string &name : missing)
    list += (list.empty() ? "" : ", ") + name;
  return fail(ATTNC_ERROR_UNSUPPORTED,
              "module '" + module.path + "' needs CPU features this " +
                  (useOverride ? "(overridden) CPU" : "machine") +
                  " lacks: " + list + " (module target " +
                  (module.desc->target ? module.desc->target : "?") + ")");
}

template <typename Fn> bool lookUp(void *handle, const char *name, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  return fn != nullptr;
}

// The GPU APIs a module may run on: its descriptor's device name, the
// Halide device interface it exports, and the library Halide's runtime
// resolves the API from (opened here by its versioned soname, which driver
// packages install, unlike the unversioned development link Halide asks for).
struct GpuApi {
  const char *device;
  const char *label;
  const char *interfaceSymbol;
  const char *library;
  const char *libraryRole;
  // "" when the library sees a device, else why not: without the probe a
  // missing device would surface only as a kernel error at the first call.
  std::string (*probe)(void *library);
  // Run before the library is opened, or null.
  void (*beforeLoad)();
};

std::string probeCuda(void *library) {
  int (*init)(unsigned) = nullptr;
  int (*count)(int *) = nullptr;
  if (!lookUp(library, "cuInit", init) ||
      !lookUp(library, "cuDeviceGetCount", count))
    return "libcuda.so.1 lacks cuInit or cuDeviceGetCount";
  int devices = 0;
  if (int code = init(0))
    return "cuInit failed (CUresult " + std::to_string(code) + ")";
  if (int code = count(&devices))
    return "cuDeviceGetCount failed (CUresult " + std::to_string(code) + ")";
  return devices > 0 ? "" : "the CUDA driver sees no GPU";
}

std::string probeOpenCL(void *library) {
  int32_t (*platforms)(uint32_t, void **, uint32_t *) = nullptr;
  if (!lookUp(library, "clGetPlatformIDs", platforms))
    return "libOpenCL.so.1 lacks clGetPlatformIDs";
  uint32_t n = 0;
  int32_t code = platforms(0, nullptr, &n);
  // -1001 (CL_PLATFORM_NOT_FOUND_KHR): the ICD loader found no driver.
  if (code != 0 && code != -1001)
    return "clGetPlatformIDs failed (cl_int " + std::to_string(code) + ")";
  return n > 0 ? ""
               : "no OpenCL platform is installed (an ICD such as "
                 "pocl-opencl-icd or a GPU vendor's)";
}

// pocl's default work-group method (loopvec) miscompiles some of these
// kernels (wrong results for dense attention with a run-time head dim);
// its 'loops' method runs them as written. Set before the ICD loads, and
// never over a user's choice; other OpenCL drivers ignore it.
void choosePoclMethod() {
  setenv("POCL_WORK_GROUP_METHOD", "loops", /*overwrite=*/0);
}

constexpr GpuApi kGpuApis[] = {
    {"cuda", "CUDA", "halide_cuda_device_interface", "libcuda.so.1",
     "CUDA driver", probeCuda, nullptr},
    {"opencl", "OpenCL", "halide_opencl_device_interface", "libOpenCL.so.1",
     "OpenCL ICD loader", probeOpenCL, choosePoclMethod},
};

const GpuApi *gpuApi(const char *device) {
  for (const GpuApi &api : kGpuApis)
    if (device && std::strcmp(device, api.device) == 0)
      return &api;
  return nullptr;
}

// A GPU API's library, opened once per process and never closed: the
// drivers keep process-wide state (the OpenCL ICD loader's platform list,
// CUDA's primary contexts) that dlclose does not free, so each load and
// release of a module would leak it and initialise the driver again.
struct DriverLibrary {
  void *handle = nullptr;
  std::string error;
};

const DriverLibrary &openDriver(const GpuApi &api) {
  static std::mutex lock;
  static std::map<const GpuApi *, DriverLibrary> opened;
  std::lock_guard<std::mutex> hold(lock);
  auto [it, fresh] = opened.try_emplace(&api);
  if (fresh) {
    if (api.beforeLoad)
      api.beforeLoad();
    dlerror();
    it->second.handle = dlopen(api.library, RTLD_NOW | RTLD_GLOBAL);
    if (!it->second.handle) {
      const char *why = dlerror();
      it->second.error = why ? why : "dlopen failed";
    }
  }
  return it->second;
}

// GPU modules: the Halide runtime hooks the call path needs, the GPU
// choice, and whether the API's library exists. A missing library is
// recorded, not fatal, so the module can still be listed.
attnc_status prepareGpu(attnc_module &module, const GpuApi &api,
                        const attnc_module_options &options) {
  attnc_device_hooks &h = module.hooks;
  const std::pair<const char *, bool> found[] = {
      {"halide_copy_to_host", lookUp(module.handle, "halide_copy_to_host", h.copyToHost)},
      {"halide_device_sync", lookUp(module.handle, "halide_device_sync", h.deviceSync)},
      {"halide_device_free", lookUp(module.handle, "halide_device_free", h.deviceFree)},
      {"halide_set_gpu_device", lookUp(module.handle, "halide_set_gpu_device", h.setGpuDevice)},
      {"halide_device_release", lookUp(module.handle, "halide_device_release", h.deviceRelease)},
      {api.interfaceSymbol,
       lookUp(module.handle, api.interfaceSymbol, h.deviceInterface)},
  };
  for (const auto &[name, ok] : found)
    if (!ok)
      return fail(ATTNC_ERROR_INVALID_MODULE,
                  "module '" + module.path + "' runs on " + api.label +
                      " but does not export " + name +
                      " (rebuild it with this attnc)");
  if (options.gpu_device >= 0)
    h.setGpuDevice(options.gpu_device);
  const DriverLibrary &driver = openDriver(api);
  module.driver = driver.handle;
  if (!module.driver) {
    module.deviceStatus = ATTNC_ERROR_UNSUPPORTED;
    module.deviceMessage = "module '" + module.path + "': this module runs on " +
                           api.label + ", but no " + api.libraryRole + " (" +
                           api.library + ") is available: " + driver.error;
  } else if (std::string why = api.probe(module.driver); !why.empty()) {
    module.deviceStatus = ATTNC_ERROR_UNSUPPORTED;
    module.deviceMessage = "module '" + module.path +
                           "': this module runs on " + api.label +
                           ", but no device is available: " + why;
  }
  return ATTNC_OK;
}

attnc_status load(const char *path, const attnc_module_options &options,
                  attnc_module **out) {
  if (!path || !out)
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                "attnc_module_load: path and out must not be NULL");
  *out = nullptr;
  std::string name = path;
  struct stat info;
  if (stat(path, &info) != 0)
    return fail(errno == ENOENT ? ATTNC_ERROR_NOT_FOUND
                                : ATTNC_ERROR_INVALID_ARGUMENT,
                "cannot open module '" + name + "': " + std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "'" + name + "' is not a module: not a regular file");
  // dlopen trusts the file's headers: a truncated library faults inside it.
  if (std::string why = attnc::detail::checkElfSharedLibrary(name);
      !why.empty())
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "'" + name + "' is not a module: " + why);
  // A name without '/' would make dlopen search the library path instead
  // of opening the file the caller named.
  std::string openPath = name.find('/') == std::string::npos ? "./" + name
                                                             : name;
  dlerror();
  void *handle = dlopen(openPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "'" + name + "' is not a module: cannot load it as a shared " +
                    "library (" + (why ? why : "unknown error") + ")");
  }
  auto module = std::make_unique<attnc_module>();
  module->path = name;
  module->handle = handle;
  module->flags = options.flags;
  // From here on, failures close the library through the module's release.
  struct Closer {
    std::unique_ptr<attnc_module> &m;
    ~Closer() {
      if (m)
        attnc_module_release(m.release());
    }
  } closer{module};

  auto descriptorFn = reinterpret_cast<attnc_module_descriptor_fn>(
      dlsym(handle, ATTNC_MODULE_DESCRIPTOR_SYMBOL));
  if (!descriptorFn)
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "'" + name + "' is not an attnc module: it does not export " +
                    ATTNC_MODULE_DESCRIPTOR_SYMBOL);
  module->desc = descriptorFn();
  if (!module->desc)
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "module '" + name + "' returned no descriptor");
  if (module->desc->abi_version != ATTNC_MODULE_ABI_VERSION)
    return fail(ATTNC_ERROR_ABI_MISMATCH,
                name + ": module ABI version " +
                    std::to_string(module->desc->abi_version) +
                    ", this runtime reads version " +
                    std::to_string(ATTNC_MODULE_ABI_VERSION) +
                    "; recompile it with this attnc");
  if (attnc_status s = checkDescriptor(name, *module->desc))
    return s;
  const char *device = module->desc->device;
  const GpuApi *api = gpuApi(device);
  module->gpu = api != nullptr;
  if (device && *device && std::strcmp(device, "cpu") != 0 && !api)
    return fail(ATTNC_ERROR_UNSUPPORTED,
                "module '" + name + "' is for device '" + device +
                    "'; this runtime executes CPU, CUDA and OpenCL modules "
                    "only");

  module->cpuVariant =
      reinterpret_cast<const char *(*)()>(dlsym(handle, "attnc_cpu_variant"));
  auto setHandler = reinterpret_cast<SetErrorHandlerFn>(
      dlsym(handle, kSetErrorHandlerSymbol));
  if (!setHandler)
    return fail(ATTNC_ERROR_INVALID_MODULE,
                "module '" + name + "' does not export " +
                    kSetErrorHandlerSymbol +
                    ", so a kernel error would abort the process");
  setHandler(&attnc::detail::captureKernelError);
  // Scratch memory from the runtime's cache (memory_pool.h). Modules built
  // before the hooks were exported keep Halide's malloc.
  using SetMallocFn = halide_malloc_t (*)(halide_malloc_t);
  using SetFreeFn = halide_free_t (*)(halide_free_t);
  SetMallocFn setMalloc = nullptr;
  SetFreeFn setFree = nullptr;
  if (lookUp(handle, "halide_set_custom_malloc", setMalloc) &&
      lookUp(handle, "halide_set_custom_free", setFree)) {
    setMalloc(&attnc::detail::poolMalloc);
    setFree(&attnc::detail::poolFree);
  }

  if (api) {
    if (attnc_status s = prepareGpu(*module, *api, options))
      return s;
    if (module->deviceStatus &&
        (options.flags & ATTNC_MODULE_CHECK_DEVICE_AT_LOAD))
      return fail(module->deviceStatus, module->deviceMessage);
  }

  module->cpuStatus = checkCpu(*module, options);
  module->cpuMessage = module->cpuStatus ? attnc_last_error() : "";
  if (module->cpuStatus && (options.flags & ATTNC_MODULE_CHECK_CPU_AT_LOAD))
    return module->cpuStatus;
  attnc_clear_error();
  *out = module.release();
  return ATTNC_OK;
}

} // namespace

extern "C" {

void attnc_module_options_init(attnc_module_options *options) {
  if (!options)
    return;
  *options = attnc_module_options{};
  options->struct_size = sizeof(attnc_module_options);
  options->gpu_device = -1;
}

attnc_status attnc_module_load(const char *path,
                               const attnc_module_options *options,
                               attnc_module **out) {
  return guarded([&] {
    attnc_module_options resolved;
    attnc_module_options_init(&resolved);
    if (options) {
      if (options->struct_size < sizeof(attnc_module_options))
        return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                    "attnc_module_load: options->struct_size is too small "
                    "(call attnc_module_options_init)");
      resolved = *options;
    }
    return load(path, resolved, out);
  });
}

void attnc_module_release(attnc_module *module) {
  if (!module)
    return;
  // The module's Halide runtime holds a device context and loaded kernels
  // once a kernel ran; they go before the code that owns them.
  if (module->deviceUsed && module->hooks.deviceRelease &&
      module->hooks.deviceInterface)
    module->hooks.deviceRelease(nullptr, module->hooks.deviceInterface());
  if (module->handle)
    dlclose(module->handle);
  delete module;
}

const char *attnc_module_path(const attnc_module *module) {
  return module ? module->path.c_str() : "";
}

const char *attnc_module_cpu_variant(const attnc_module *module) {
  return module && module->cpuVariant ? module->cpuVariant() : "";
}

const attnc_module_desc *attnc_module_descriptor(const attnc_module *module) {
  return module ? module->desc : nullptr;
}

int32_t attnc_module_entry_count(const attnc_module *module) {
  return module ? module->desc->num_entries : 0;
}

const attnc_entry_desc *attnc_module_entry(const attnc_module *module,
                                           int32_t index) {
  if (!module || index < 0 || index >= module->desc->num_entries)
    return nullptr;
  return &module->desc->entries[index];
}

attnc_status attnc_module_find_entry(const attnc_module *module,
                                     const char *name, int32_t *index) {
  return guarded([&] {
    if (!module || !name || !index)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_module_find_entry: NULL argument");
    std::string names;
    for (int32_t e = 0; e < module->desc->num_entries; ++e) {
      const char *entry = module->desc->entries[e].name;
      if (std::strcmp(entry, name) == 0) {
        *index = e;
        return ATTNC_OK;
      }
      names += (names.empty() ? "" : ", ") + std::string(entry);
    }
    return fail(ATTNC_ERROR_NOT_FOUND, "module '" + module->path +
                                           "' has no entry '" + name +
                                           "' (entries: " + names + ")");
  });
}

attnc_status attnc_module_check_cpu(const attnc_module *module) {
  if (!module)
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                "attnc_module_check_cpu: NULL module");
  if (module->cpuStatus)
    return fail(module->cpuStatus, module->cpuMessage);
  return ATTNC_OK;
}

attnc_status attnc_module_check_device(const attnc_module *module) {
  if (!module)
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                "attnc_module_check_device: NULL module");
  if (module->deviceStatus)
    return fail(module->deviceStatus, module->deviceMessage);
  return ATTNC_OK;
}

const char *attnc_role_name(int32_t role) {
  static const char *const names[ATTNC_ROLE_COUNT] = {
      "data",           "csr row offsets",    "csr col indices",
      "key lengths",    "sparse col indices", "parameter",
      "labels",         "loss mask",          "seed",
      "mask",           "bias",               "sparse values",
      "t_offsets",      "t_destinations",     "t_edges",
      "output",         "loss",               "gradient"};
  return role >= 0 && role < ATTNC_ROLE_COUNT ? names[role] : "?";
}

const char *attnc_init_name(int32_t init) {
  switch (init) {
  case ATTNC_INIT_ZEROS:
    return "zeros";
  case ATTNC_INIT_ONES:
    return "ones";
  case ATTNC_INIT_GLOROT:
    return "glorot";
  }
  return "none";
}

const char *attnc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case ATTNC_DTYPE_F32:
    return "f32";
  case ATTNC_DTYPE_F64:
    return "f64";
  case ATTNC_DTYPE_I32:
    return "i32";
  case ATTNC_DTYPE_I64:
    return "i64";
  case ATTNC_DTYPE_BOOL:
    return "bool";
  case ATTNC_DTYPE_F16:
    return "f16";
  }
  return "?";
}

size_t attnc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case ATTNC_DTYPE_F32:
  case ATTNC_DTYPE_I32:
    return 4;
  case ATTNC_DTYPE_F64:
  case ATTNC_DTYPE_I64:
    return 8;
  case ATTNC_DTYPE_BOOL:
    return 1;
  case ATTNC_DTYPE_F16:
    return 2;
  }
  return 0;
}

} // extern "C"
