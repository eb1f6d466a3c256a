#include "runtime/call.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <tuple>

#include "runtime/detail/call_impl.h"
#include "runtime/detail/error.h"
#include "runtime/detail/module_impl.h"
#include "runtime/transpose.h"

using attnc::detail::argWhere;
using attnc::detail::fail;
using attnc::detail::guarded;

namespace attnc::detail {

int releaseDeviceCopy(attnc_call &call, int32_t index) {
  halide_buffer_t &buffer = call.args[index].buffer;
  int code = 0;
  if (buffer.device && call.module->hooks.deviceFree)
    code = call.module->hooks.deviceFree(nullptr, &buffer);
  buffer.device = 0;
  buffer.device_interface = nullptr;
  buffer.flags = 0;
  return code;
}

} // namespace attnc::detail

namespace {

// releaseDeviceCopy, failing with a message naming the argument.
attnc_status dropDeviceCopy(attnc_call &call, int32_t index) {
  if (int code = attnc::detail::releaseDeviceCopy(call, index))
    return fail(ATTNC_ERROR_KERNEL,
                argWhere(call, index) +
                    ": freeing its GPU copy failed (Halide error " +
                    std::to_string(code) + ")");
  return ATTNC_OK;
}

halide_type_t halideType(int32_t dtype) {
  switch (dtype) {
  case ATTNC_DTYPE_F32:
    return halide_type_t(halide_type_float, 32);
  case ATTNC_DTYPE_F64:
    return halide_type_t(halide_type_float, 64);
  case ATTNC_DTYPE_I32:
    return halide_type_t(halide_type_int, 32);
  case ATTNC_DTYPE_I64:
    return halide_type_t(halide_type_int, 64);
  case ATTNC_DTYPE_F16:
    return halide_type_t(halide_type_float, 16);
  default: // ATTNC_DTYPE_BOOL, one byte per element
    return halide_type_t(halide_type_uint, 8);
  }
}

attnc_status setArg(attnc_call &call, int32_t index,
                    const attnc_tensor &tensor) {
  const attnc_arg_desc &desc = call.entry->args[index];
  attnc_call::Arg &arg = call.args[index];
  if (tensor.dtype != desc.dtype)
    return fail(ATTNC_ERROR_VALIDATION,
                argWhere(call, index) + ": dtype is " +
                    attnc_dtype_name(tensor.dtype) + ", expected " +
                    attnc_dtype_name(desc.dtype));
  if (tensor.rank != desc.rank)
    return fail(ATTNC_ERROR_VALIDATION,
                argWhere(call, index) + ": rank is " +
                    std::to_string(tensor.rank) + ", expected " +
                    std::to_string(desc.rank));
  if (tensor.rank > 0 && !tensor.shape)
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                argWhere(call, index) + ": shape is NULL");
  // A kept device copy belongs to the previous tensor.
  if (attnc_status s = dropDeviceCopy(call, index))
    return s;
  arg.shape.assign(tensor.shape, tensor.shape + tensor.rank);
  arg.data = tensor.data;
  arg.set = true;
  // A new forward graph needs its transposed graph computed again.
  for (attnc_call::Transposed &t : call.transposed)
    if (t.rows == index || t.cols == index)
      t.stale = true;
  // Dense C order: Halide's dimension 0 is the last logical one. Extents
  // beyond int32 are truncated here and refused by validation.
  arg.dims.assign(tensor.rank, halide_dimension_t{});
  int64_t stride = 1;
  for (int32_t h = 0; h < tensor.rank; ++h) {
    int64_t extent = arg.shape[tensor.rank - 1 - h];
    arg.dims[h] = halide_dimension_t(0, static_cast<int32_t>(extent),
                                     static_cast<int32_t>(stride));
    stride *= extent;
  }
  halide_buffer_t &buffer = arg.buffer;
  buffer = halide_buffer_t{};
  // A buffer with neither host nor device memory is a bounds query to
  // Halide: the kernel would rewrite its dims and compute nothing. An empty
  // tensor may come with NULL data, so it gets a harmless address instead.
  static uint8_t emptyTensor[8];
  buffer.host = tensor.data ? static_cast<uint8_t *>(tensor.data) : emptyTensor;
  buffer.type = halideType(desc.dtype);
  buffer.dimensions = tensor.rank;
  buffer.dim = arg.dims.empty() ? nullptr : arg.dims.data();
  return ATTNC_OK;
}

// The caller's setArg: the runtime computes transposed graphs itself.
attnc_status setCallerArg(attnc_call &call, int32_t index,
                          const attnc_tensor &tensor) {
  const attnc_arg_desc &desc = call.entry->args[index];
  if (attnc::detail::isTransposedRole(desc.role))
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                argWhere(call, index) +
                    ": the runtime computes this argument (part of the "
                    "transposed graph of input '" +
                    call.entry->args[desc.related_arg].name +
                    "') before each call; set the forward graph only");
  return setArg(call, index, tensor);
}

// Computes the transposed graphs whose forward graph was set since the
// last computation, and binds them to their arguments.
attnc_status prepareTransposed(attnc_call &call) {
  for (attnc_call::Transposed &t : call.transposed) {
    if (!t.stale)
      continue;
    for (int32_t a : {t.rows, t.cols})
      if (!call.args[a].set)
        return fail(ATTNC_ERROR_VALIDATION,
                    argWhere(call, a) + ": not set (the runtime computes "
                                        "the transposed graph from it)");
    const attnc_arg_desc &rows = call.entry->args[t.rows];
    int64_t length = call.args[t.rows].shape[0];
    int64_t edges = call.args[t.cols].shape[0];
    if (length == 0)
      return fail(ATTNC_ERROR_VALIDATION,
                  argWhere(call, t.rows) +
                      ": CSR row offsets are empty; they need nodes + 1 "
                      "entries");
    // int64_t words hold i32 elements too (half of them unused).
    t.offsetsData.assign(static_cast<size_t>(length), 0);
    t.destinationsData.assign(static_cast<size_t>(edges), 0);
    t.edgesData.assign(static_cast<size_t>(edges), 0);
    if (attnc_csr_transpose(rows.dtype, length - 1, edges,
                            call.args[t.rows].data, call.args[t.cols].data,
                            t.offsetsData.data(), t.destinationsData.data(),
                            t.edgesData.data()) != ATTNC_OK)
      return fail(ATTNC_ERROR_VALIDATION,
                  "entry '" + std::string(call.entry->name) + "', input '" +
                      rows.name + "': cannot compute its transposed graph: " +
                      attnc_last_error());
    for (auto [index, data, n] :
         {std::tuple{t.offsets, &t.offsetsData, length},
          std::tuple{t.destinations, &t.destinationsData, edges},
          std::tuple{t.edges, &t.edgesData, edges}}) {
      if (index < 0)
        continue;
      attnc_tensor view{rows.dtype, 1, &n, data->data()};
      if (attnc_status s = setArg(call, index, view))
        return s;
    }
    t.stale = false;
  }
  return ATTNC_OK;
}

attnc_status checkIndex(const attnc_call &call, int32_t index) {
  if (index >= 0 && index < call.entry->num_args)
    return ATTNC_OK;
  return fail(ATTNC_ERROR_INVALID_ARGUMENT,
              "entry '" + std::string(call.entry->name) +
                  "' has no argument " + std::to_string(index));
}

attnc_status findArg(const attnc_call &call, const char *name,
                     int32_t *index) {
  std::string names;
  for (int32_t a = 0; a < call.entry->num_args; ++a) {
    if (std::strcmp(call.entry->args[a].name, name) == 0) {
      *index = a;
      return ATTNC_OK;
    }
    names += (names.empty() ? "" : ", ") + std::string(call.entry->args[a].name);
  }
  return fail(ATTNC_ERROR_NOT_FOUND,
              "entry '" + std::string(call.entry->name) +
                  "' has no argument '" + name + "' (arguments: " + names +
                  ")");
}

// GPU modules, after a kernel: every output comes back to its host
// memory, then the device memory Halide allocated for this call (inputs it
// copied up, outputs) is freed, so that the next execute starts from the
// host tensors again, which the caller may have changed meanwhile; inputs
// kept on the device stay (after a failed kernel too: their copies are
// complete, Halide copies before it launches).
// Returns the first failure, after freeing everything regardless.
attnc_status finishOnDevice(attnc_call &call, bool kernelOk) {
  const attnc_device_hooks &hooks = call.module->hooks;
  attnc_status status = ATTNC_OK;
  std::string message;
  for (int32_t a = 0; a < call.entry->num_args && kernelOk; ++a) {
    halide_buffer_t &buffer = call.args[a].buffer;
    if (call.entry->args[a].kind != ATTNC_ARG_OUTPUT || !buffer.device)
      continue;
    attnc::detail::KernelErrorScope errors;
    int code = hooks.copyToHost(nullptr, &buffer);
    if (code == 0)
      code = hooks.deviceSync(nullptr, &buffer);
    if (code != 0 && status == ATTNC_OK) {
      std::string why = errors.take();
      status = ATTNC_ERROR_KERNEL;
      message = "entry '" + std::string(call.entry->name) +
                "': copying output '" + call.entry->args[a].name +
                "' from the GPU failed (Halide error " + std::to_string(code) +
                ")" + (why.empty() ? "" : ": " + why);
    }
  }
  for (int32_t a = 0; a < call.entry->num_args; ++a) {
    if (call.args[a].keepOnDevice) // inputs only (attnc_call_keep_on_device)
      continue;
    attnc::detail::KernelErrorScope errors;
    int code = attnc::detail::releaseDeviceCopy(call, a);
    if (code != 0 && status == ATTNC_OK) {
      std::string why = errors.take();
      status = ATTNC_ERROR_KERNEL;
      message = "entry '" + std::string(call.entry->name) +
                "': freeing GPU memory failed (Halide error " +
                std::to_string(code) + ")" + (why.empty() ? "" : ": " + why);
    }
  }
  return status == ATTNC_OK ? ATTNC_OK : fail(status, message);
}

attnc_status validate(attnc_call &call, bool inputsOnly = false) {
  if (attnc_status s = prepareTransposed(call))
    return s;
  if (call.module->flags & ATTNC_MODULE_SKIP_VALIDATION) {
    // Even unchecked, an unset argument would be a bounds query (see setArg).
    for (int32_t a = 0; a < call.entry->num_args; ++a)
      if (!call.args[a].set &&
          !(inputsOnly && call.entry->args[a].kind != ATTNC_ARG_INPUT))
        return fail(ATTNC_ERROR_VALIDATION, argWhere(call, a) + ": not set");
    return ATTNC_OK;
  }
  if (attnc_status s = attnc::detail::validateShapes(call, inputsOnly))
    return s;
  if (!(call.module->flags & ATTNC_MODULE_SKIP_CONTENT_CHECKS))
    if (attnc_status s = attnc::detail::validateContents(call))
      return s;
  // Asked for explicitly, so not skipped with the other content checks.
  return call.checkFinite ? attnc::detail::validateFinite(call) : ATTNC_OK;
}

} // namespace

extern "C" {

attnc_status attnc_call_create(attnc_module *module, const char *entry,
                               attnc_call **out) {
  return guarded([&] {
    if (!module || !entry || !out)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_create: NULL argument");
    *out = nullptr;
    int32_t index = 0;
    if (attnc_status s = attnc_module_find_entry(module, entry, &index))
      return s;
    if (attnc_status s = attnc_module_check_cpu(module))
      return s;
    if (attnc_status s = attnc_module_check_device(module))
      return s;
    auto call = std::make_unique<attnc_call>();
    call->module = module;
    call->entry = attnc_module_entry(module, index);
    call->checkFinite = module->flags & ATTNC_MODULE_CHECK_FINITE;
    call->args.resize(call->entry->num_args);
    for (attnc_call::Arg &arg : call->args)
      call->argv.push_back(&arg.buffer);
    // One transposed graph per forward graph (checkDescriptor checked the
    // links).
    const attnc_entry_desc &e = *call->entry;
    for (int32_t a = 0; a < e.num_args; ++a) {
      int32_t role = e.args[a].role;
      if (!attnc::detail::isTransposedRole(role))
        continue;
      int32_t rows = e.args[a].related_arg;
      auto it = std::find_if(
          call->transposed.begin(), call->transposed.end(),
          [&](const attnc_call::Transposed &t) { return t.rows == rows; });
      if (it == call->transposed.end()) {
        call->transposed.emplace_back();
        it = call->transposed.end() - 1;
        it->rows = rows;
        it->cols = e.args[rows].related_arg;
      }
      (role == ATTNC_ROLE_T_OFFSETS        ? it->offsets
       : role == ATTNC_ROLE_T_DESTINATIONS ? it->destinations
                                           : it->edges) = a;
    }
    *out = call.release();
    return ATTNC_OK;
  });
}

void attnc_call_release(attnc_call *call) {
  if (!call)
    return;
  for (int32_t a = 0; a < call->entry->num_args; ++a)
    attnc::detail::releaseDeviceCopy(*call, a);
  delete call;
}

attnc_status attnc_call_keep_on_device(attnc_call *call, int32_t index,
                                       int32_t keep) {
  return guarded([&] {
    if (!call)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_keep_on_device: NULL call");
    if (attnc_status s = checkIndex(*call, index))
      return s;
    if (call->entry->args[index].kind != ATTNC_ARG_INPUT)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  argWhere(*call, index) +
                      ": only inputs can be kept on the device");
    call->args[index].keepOnDevice = keep != 0;
    return keep ? ATTNC_OK : dropDeviceCopy(*call, index);
  });
}

const attnc_entry_desc *attnc_call_entry(const attnc_call *call) {
  return call ? call->entry : nullptr;
}

attnc_status attnc_call_set_arg(attnc_call *call, int32_t index,
                                const attnc_tensor *tensor) {
  return guarded([&] {
    if (!call || !tensor)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_set_arg: NULL argument");
    if (attnc_status s = checkIndex(*call, index))
      return s;
    return setCallerArg(*call, index, *tensor);
  });
}

attnc_status attnc_call_set_arg_by_name(attnc_call *call, const char *name,
                                        const attnc_tensor *tensor) {
  return guarded([&] {
    if (!call || !name || !tensor)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_set_arg_by_name: NULL argument");
    int32_t index = 0;
    if (attnc_status s = findArg(*call, name, &index))
      return s;
    return setCallerArg(*call, index, *tensor);
  });
}

attnc_status attnc_call_infer_shape(const attnc_call *call, int32_t index,
                                    int64_t *shape) {
  return guarded([&] {
    if (!call)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_infer_shape: NULL call");
    if (attnc_status s = checkIndex(*call, index))
      return s;
    if (!shape && call->entry->args[index].rank > 0)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_infer_shape: NULL shape");
    attnc::detail::Bindings names;
    attnc::detail::bindNames(*call, names, /*report=*/false);
    const attnc_arg_desc &desc = call->entry->args[index];
    for (int32_t d = 0; d < desc.rank; ++d) {
      if (desc.dims[d] >= 0) {
        shape[d] = desc.dims[d];
        continue;
      }
      const char *name = desc.dim_names ? desc.dim_names[d] : nullptr;
      auto it = name ? names.find(name) : names.end();
      if (it == names.end())
        return fail(ATTNC_ERROR_VALIDATION,
                    argWhere(*call, index) + ": cannot deduce dim " +
                        std::to_string(d) +
                        (name ? " (" + std::string(name) +
                                    "): no argument set so far has it"
                              : ": it is dynamic and unnamed"));
      shape[d] = it->second.value +
                 (attnc::detail::isOffsetsRole(desc.role) ? 1 : 0);
    }
    // Refused here, before a caller allocates memory of this shape.
    return attnc::detail::checkHalideLimits(
        *call, index, std::vector<int64_t>(shape, shape + desc.rank));
  });
}

attnc_status attnc_call_validate(attnc_call *call) {
  return guarded([&] {
    if (!call)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_validate: NULL call");
    return validate(*call);
  });
}

attnc_status attnc_call_check_finite(attnc_call *call, int32_t enable) {
  return guarded([&] {
    if (!call)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_check_finite: NULL call");
    call->checkFinite = enable != 0;
    return ATTNC_OK;
  });
}

attnc_status attnc_call_validate_inputs(attnc_call *call) {
  return guarded([&] {
    if (!call)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_validate_inputs: NULL call");
    return validate(*call, /*inputsOnly=*/true);
  });
}

attnc_status attnc_call_execute(attnc_call *call) {
  return guarded([&] {
    if (!call)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_call_execute: NULL call");
    if (attnc_status s = validate(*call))
      return s;
    // Nothing to compute when every output is empty (a graph without nodes,
    // a batch of zero): the kernel is not called at all.
    bool anyOutput = false;
    for (int32_t a = 0; a < call->entry->num_args; ++a) {
      if (call->entry->args[a].kind != ATTNC_ARG_OUTPUT)
        continue;
      int64_t n = 1;
      for (int64_t extent : call->args[a].shape)
        n *= extent;
      anyOutput |= n > 0;
    }
    if (!anyOutput)
      return ATTNC_OK;
    // An input with no elements (a graph without edges, a matrix without
    // entries, keys of length Sk = 0 with their mask and bias) is read by
    // no kernel, but the kernels clamp their reads into [0, extent), and
    // with extent 0 Halide would still check one element against the empty
    // buffer. It gets a zero-filled stand-in of extent 1 in each empty dim:
    // those dims' extents (Sk, E) mask or skip every element the kernel
    // could read from it, so an empty key set yields zeros as a fully
    // masked one does.
    static const int64_t zeroWords[2] = {0, 0};
    struct StandIn {
      int32_t arg;
      std::vector<halide_dimension_t> dims;
      uint8_t *host;
    };
    std::vector<StandIn> standIns;
    std::vector<std::vector<int64_t>> standInMemory;
    for (int32_t a = 0; a < call->entry->num_args; ++a) {
      attnc_call::Arg &arg = call->args[a];
      halide_buffer_t &buffer = arg.buffer;
      if (call->entry->args[a].kind != ATTNC_ARG_INPUT ||
          buffer.dimensions == 0)
        continue;
      bool empty = false;
      for (int32_t d = 0; d < buffer.dimensions; ++d)
        empty |= buffer.dim[d].extent == 0;
      if (!empty)
        continue;
      standIns.push_back({a, arg.dims, buffer.host});
      int64_t stride = 1;
      for (int32_t d = 0; d < buffer.dimensions; ++d) {
        buffer.dim[d].extent = std::max(buffer.dim[d].extent, 1);
        buffer.dim[d].stride = static_cast<int32_t>(stride);
        stride *= buffer.dim[d].extent;
      }
      size_t bytes = static_cast<size_t>(stride) *
                     attnc_dtype_size(call->entry->args[a].dtype);
      if (bytes <= sizeof(zeroWords)) {
        buffer.host = reinterpret_cast<uint8_t *>(
            const_cast<int64_t *>(zeroWords));
      } else {
        standInMemory.emplace_back((bytes + 7) / 8, 0);
        buffer.host = reinterpret_cast<uint8_t *>(standInMemory.back().data());
      }
    }
    for (int32_t a = 0; a < call->entry->num_args; ++a) {
      // Halide marks outputs host-dirty; every run starts clean. A GPU
      // input is host-dirty, or Halide's copy to the device would skip it
      // and kernels would read uninitialised memory, unless a kept copy is
      // already there (only kept copies outlive an execute: finishOnDevice).
      halide_buffer_t &buffer = call->args[a].buffer;
      bool upload = call->module->gpu && !buffer.device &&
                    call->entry->args[a].kind == ATTNC_ARG_INPUT;
      buffer.flags = upload ? halide_buffer_flag_host_dirty : 0;
    }
    attnc::detail::KernelErrorScope errors;
    if (call->module->gpu)
      call->module->deviceUsed = true;
    int code = call->entry->argv_fn(call->argv.data());
    std::string message = code == 0 ? std::string() : errors.take();
    // Device copies are freed before the stand-ins' host pointers go back.
    attnc_status deviceStatus =
        call->module->gpu ? finishOnDevice(*call, code == 0) : ATTNC_OK;
    for (const StandIn &s : standIns) {
      call->args[s.arg].dims = s.dims;
      call->args[s.arg].buffer.dim = call->args[s.arg].dims.data();
      call->args[s.arg].buffer.host = s.host;
    }
    if (code == 0)
      return deviceStatus;
    return fail(ATTNC_ERROR_KERNEL,
                "entry '" + std::string(call->entry->name) +
                    "': kernel failed (Halide error " + std::to_string(code) +
                    ")" + (message.empty() ? "" : ": " + message));
  });
}

const struct halide_buffer_t *attnc_call_buffer(const attnc_call *call,
                                                int32_t index) {
  if (!call || index < 0 || index >= call->entry->num_args ||
      !call->args[index].set)
    return nullptr;
  return &call->args[index].buffer;
}

} // extern "C"
