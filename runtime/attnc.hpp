// C++ layer over the runtime's C API (runtime/api.h): RAII ownership of
// modules and calls, and errors as values. Header-only, so it adds no ABI
// of its own; like the C API it never throws for runtime errors.
#ifndef ATTNC_RUNTIME_ATTNC_HPP
#define ATTNC_RUNTIME_ATTNC_HPP

#include <cstdint>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "runtime/api.h"

namespace attnc {

// A status code with the message that came with it.
class Status {
public:
  Status() = default;
  Status(attnc_status code, std::string message)
      : code_(code), message_(std::move(message)) {}
  // The status `code` with this thread's last error message.
  static Status fromLast(attnc_status code) {
    return code == ATTNC_OK ? Status() : Status(code, attnc_last_error());
  }

  bool ok() const { return code_ == ATTNC_OK; }
  explicit operator bool() const { return ok(); }
  attnc_status code() const { return code_; }
  const std::string &message() const { return message_; }

private:
  attnc_status code_ = ATTNC_OK;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T> class Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Status &status() const { return status_; }
  T &value() & { return *value_; }
  T &&value() && { return std::move(*value_); }
  T *operator->() { return &*value_; }
  T &operator*() & { return *value_; }

private:
  std::optional<T> value_;
  Status status_;
};

struct ModuleOptions {
  uint32_t flags = 0; // ATTNC_MODULE_* from module.h
  std::optional<std::string> cpuFeaturesOverride;
  int32_t gpuDevice = -1; // GPU modules: which GPU; -1 = Halide's default
};

template <typename T> constexpr attnc_dtype dtypeOf();
template <> constexpr attnc_dtype dtypeOf<float>() { return ATTNC_DTYPE_F32; }
template <> constexpr attnc_dtype dtypeOf<double>() { return ATTNC_DTYPE_F64; }
template <> constexpr attnc_dtype dtypeOf<int32_t>() { return ATTNC_DTYPE_I32; }
template <> constexpr attnc_dtype dtypeOf<int64_t>() { return ATTNC_DTYPE_I64; }
template <> constexpr attnc_dtype dtypeOf<bool>() { return ATTNC_DTYPE_BOOL; }

class Module {
public:
  static Result<Module> load(const std::string &path,
                             const ModuleOptions &options = {}) {
    attnc_module_options raw;
    attnc_module_options_init(&raw);
    raw.flags = options.flags;
    if (options.cpuFeaturesOverride)
      raw.cpu_features_override = options.cpuFeaturesOverride->c_str();
    raw.gpu_device = options.gpuDevice;
    attnc_module *module = nullptr;
    attnc_status s = attnc_module_load(path.c_str(), &raw, &module);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return Module(module);
  }

  Module(Module &&other) noexcept : module_(std::exchange(other.module_, nullptr)) {}
  Module &operator=(Module &&other) noexcept {
    std::swap(module_, other.module_);
    return *this;
  }
  ~Module() { attnc_module_release(module_); }

  attnc_module *get() const { return module_; }
  const attnc_module_desc &descriptor() const {
    return *attnc_module_descriptor(module_);
  }
  std::vector<const attnc_entry_desc *> entries() const {
    std::vector<const attnc_entry_desc *> out;
    for (int32_t i = 0; i < attnc_module_entry_count(module_); ++i)
      out.push_back(attnc_module_entry(module_, i));
    return out;
  }
  Result<const attnc_entry_desc *> findEntry(const std::string &name) const {
    int32_t index = 0;
    attnc_status s = attnc_module_find_entry(module_, name.c_str(), &index);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return attnc_module_entry(module_, index);
  }
  Status checkCpu() const {
    return Status::fromLast(attnc_module_check_cpu(module_));
  }
  Status checkDevice() const {
    return Status::fromLast(attnc_module_check_device(module_));
  }

private:
  explicit Module(attnc_module *module) : module_(module) {}
  attnc_module *module_;
};

// A named set of parameter tensors (runtime/weights.h): loaded from a
// .safetensors file or a directory of .npy files, filled by set() or
// init(), bound to calls, saved. Calls it was bound to borrow its memory.
class Weights {
public:
  static Result<Weights> create() {
    attnc_weights *w = nullptr;
    attnc_status s = attnc_weights_create(&w);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return Weights(w);
  }
  // A directory is read as NAME.npy files, anything else as safetensors.
  static Result<Weights> load(const std::string &path) {
    attnc_weights *w = nullptr;
    attnc_status s = attnc_weights_load(path.c_str(), &w);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return Weights(w);
  }

  Weights(Weights &&other) noexcept
      : weights_(std::exchange(other.weights_, nullptr)) {}
  Weights &operator=(Weights &&other) noexcept {
    std::swap(weights_, other.weights_);
    return *this;
  }
  ~Weights() { attnc_weights_release(weights_); }

  attnc_weights *get() const { return weights_; }
  std::string source() const { return attnc_weights_source(weights_); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (int32_t i = 0; i < attnc_weights_count(weights_); ++i)
      out.push_back(attnc_weights_name(weights_, i));
    return out;
  }
  bool contains(const std::string &name) const {
    int32_t index = 0;
    bool found =
        attnc_weights_find(weights_, name.c_str(), &index) == ATTNC_OK;
    attnc_clear_error();
    return found;
  }
  // A view of tensor `name`, valid until the set is modified.
  Result<attnc_tensor> tensor(const std::string &name) const {
    int32_t index = 0;
    attnc_status s = attnc_weights_find(weights_, name.c_str(), &index);
    attnc_tensor t{};
    if (s == ATTNC_OK)
      s = attnc_weights_get(weights_, index, &t);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return t;
  }
  // A copy of tensor `name`'s elements; fails unless its dtype is T's.
  template <typename T> Result<std::vector<T>> values(const std::string &name) const {
    auto t = tensor(name);
    if (!t)
      return t.status();
    if (t->dtype != dtypeOf<T>())
      return Status(ATTNC_ERROR_VALIDATION,
                    "tensor '" + name + "' is " + attnc_dtype_name(t->dtype) +
                        ", not " + attnc_dtype_name(dtypeOf<T>()));
    size_t n = 1;
    for (int32_t d = 0; d < t->rank; ++d)
      n *= static_cast<size_t>(t->shape[d]);
    const T *data = static_cast<const T *>(t->data);
    return std::vector<T>(data, data + n);
  }

  // Adds or replaces tensor `name` with a copy of `data`.
  Status set(const std::string &name, attnc_dtype dtype,
             const std::vector<int64_t> &shape, const void *data) {
    attnc_tensor t{dtype, static_cast<int32_t>(shape.size()), shape.data(),
                   const_cast<void *>(data)};
    return Status::fromLast(attnc_weights_set(weights_, name.c_str(), &t));
  }
  template <typename T>
  Status set(const std::string &name, const std::vector<int64_t> &shape,
             const T *data) {
    return set(name, dtypeOf<T>(), shape, data);
  }

  std::optional<std::string> metadata(const std::string &key) const {
    const char *value = attnc_weights_metadata(weights_, key.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  }
  Status setMetadata(const std::string &key, const std::string &value) {
    return Status::fromLast(
        attnc_weights_set_metadata(weights_, key.c_str(), value.c_str()));
  }

  // Adds every parameter of `entry` the set lacks, from `seed`; returns
  // how many were added.
  Result<int32_t> init(const attnc_entry_desc &entry, uint64_t seed) {
    int32_t added = 0;
    attnc_status s = attnc_weights_init(weights_, &entry, seed, &added);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return added;
  }

  Status save(const std::string &path) const {
    return Status::fromLast(
        attnc_weights_save_safetensors(weights_, path.c_str()));
  }

private:
  explicit Weights(attnc_weights *weights) : weights_(weights) {}
  attnc_weights *weights_;
};

// A prepared call; the Module must outlive it.
class Call {
public:
  static Result<Call> create(const Module &module, const std::string &entry) {
    attnc_call *call = nullptr;
    attnc_status s = attnc_call_create(module.get(), entry.c_str(), &call);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return Call(call);
  }

  Call(Call &&other) noexcept : call_(std::exchange(other.call_, nullptr)) {}
  Call &operator=(Call &&other) noexcept {
    std::swap(call_, other.call_);
    return *this;
  }
  ~Call() { attnc_call_release(call_); }

  attnc_call *get() const { return call_; }
  const attnc_entry_desc &entry() const { return *attnc_call_entry(call_); }

  // Binds argument `name` to `data` (borrowed, C order, shape outermost
  // first), whose element type is `dtype`.
  Status setArg(const std::string &name, attnc_dtype dtype,
                const std::vector<int64_t> &shape, void *data) {
    attnc_tensor t{dtype, static_cast<int32_t>(shape.size()), shape.data(),
                   data};
    return Status::fromLast(
        attnc_call_set_arg_by_name(call_, name.c_str(), &t));
  }
  template <typename T>
  Status setArg(const std::string &name, const std::vector<int64_t> &shape,
                T *data) {
    return setArg(name, dtypeOf<std::remove_const_t<T>>(), shape,
                  const_cast<std::remove_const_t<T> *>(data));
  }

  Result<std::vector<int64_t>> inferShape(int32_t index) const {
    const attnc_entry_desc &e = entry();
    if (index < 0 || index >= e.num_args)
      return Status(ATTNC_ERROR_INVALID_ARGUMENT, "argument index out of range");
    std::vector<int64_t> shape(e.args[index].rank);
    attnc_status s = attnc_call_infer_shape(call_, index, shape.data());
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return shape;
  }

  // Binds every input whose name `weights` holds (ATTNC_BIND_* flags);
  // returns how many. Warnings for what the flags let pass are appended to
  // `warnings` when given. `weights` must outlive the executes.
  Result<int32_t> bindWeights(const Weights &weights, uint32_t flags = 0,
                              std::vector<std::string> *warnings = nullptr) {
    attnc_bind_options options;
    attnc_bind_options_init(&options);
    options.flags = flags;
    if (warnings) {
      options.warning = [](void *user, const char *message) {
        static_cast<std::vector<std::string> *>(user)->push_back(message);
      };
      options.user_data = warnings;
    }
    int32_t bound = 0;
    attnc_status s =
        attnc_weights_bind(call_, weights.get(), &options, &bound);
    if (s != ATTNC_OK)
      return Status::fromLast(s);
    return bound;
  }

  // GPU modules: keep input `index` on the device between executes until
  // it is set again (attnc_call_keep_on_device).
  Status keepOnDevice(int32_t index, bool keep = true) {
    return Status::fromLast(attnc_call_keep_on_device(call_, index, keep));
  }

  Status validate() { return Status::fromLast(attnc_call_validate(call_)); }
  // Refuse NaN and Inf in floating-point inputs (attnc_call_check_finite).
  Status checkFinite(bool enable = true) {
    return Status::fromLast(attnc_call_check_finite(call_, enable));
  }
  // The inputs' checks alone, before outputs are allocated.
  Status validateInputs() {
    return Status::fromLast(attnc_call_validate_inputs(call_));
  }
  Status execute() { return Status::fromLast(attnc_call_execute(call_)); }

private:
  explicit Call(attnc_call *call) : call_(call) {}
  attnc_call *call_;
};

} // namespace attnc

#endif // ATTNC_RUNTIME_ATTNC_HPP
