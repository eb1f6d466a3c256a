// attnc._core: the Python package's native part, over the runtime's C API
// (runtime/api.h) and the trainer library (apps/attn-train). nanobind, as
// MLIR's own bindings use: its ndarray type takes NumPy arrays and any
// DLPack producer (PyTorch, JAX) without copying and returns NumPy arrays
// that own C++ memory, and its calls cost a fraction of pybind11's.
#include "apps/attn-train/GraphInput.h"
#include "apps/attn-train/Session.h"
#include "apps/attn-train/Trainer.h"
#include "graphdata/Graph.h"
#include "runtime/api.h"

#include <HalideRuntime.h>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/function.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

// ---------------------------------------------------------------------------
// Errors: one Python exception class per runtime status, all under
// attnc.Error, each carrying the runtime's one-line message.

struct AttncError : std::runtime_error {
  attnc_status status;
  AttncError(attnc_status s, const std::string &m)
      : std::runtime_error(m), status(s) {}
};

// Handles, not objects: module globals live past the interpreter's end, so
// they hold references that are never given back.
nb::handle errorClasses[ATTNC_ERROR_INTERNAL + 1];
nb::handle baseError;

[[noreturn]] void raise(attnc_status s, const std::string &message) {
  throw AttncError(s, message);
}
[[noreturn]] void raiseLast(attnc_status s) { raise(s, attnc_last_error()); }
void check(attnc_status s) {
  if (s != ATTNC_OK)
    raiseLast(s);
}

// ---------------------------------------------------------------------------
// Descriptions of entries and arguments, as read-only Python objects.

nb::object dimOf(const attnc_arg_desc &a, int32_t d) {
  if (a.dims[d] >= 0)
    return nb::int_(a.dims[d]);
  if (a.dim_names && a.dim_names[d])
    return nb::str(a.dim_names[d]);
  return nb::none();
}

struct Arg {
  const attnc_entry_desc *entry;
  int32_t index;
  const attnc_arg_desc &desc() const { return entry->args[index]; }
  std::string name() const { return desc().name; }
  bool isOutput() const { return desc().kind == ATTNC_ARG_OUTPUT; }
  nb::tuple shape() const {
    nb::list l;
    for (int32_t d = 0; d < desc().rank; ++d)
      l.append(dimOf(desc(), d));
    return nb::tuple(l);
  }
  nb::object related() const {
    int32_t r = desc().related_arg;
    if (r < 0)
      return nb::none();
    return nb::str(entry->args[r].name);
  }
  std::string repr() const {
    std::string s = "Arg('" + name() + "', " +
                    (isOutput() ? "output" : "input") + ", " +
                    attnc_dtype_name(desc().dtype) + " [";
    for (int32_t d = 0; d < desc().rank; ++d) {
      if (d)
        s += ", ";
      s += nb::cast<std::string>(nb::str(dimOf(desc(), d)));
    }
    s += "], role='" + std::string(attnc_role_name(desc().role)) + "'";
    if (desc().init != ATTNC_INIT_NONE)
      s += ", init='" + std::string(attnc_init_name(desc().init)) + "'";
    return s + ")";
  }
};

bool isComputedByRuntime(const attnc_arg_desc &a) {
  return a.role == ATTNC_ROLE_T_OFFSETS ||
         a.role == ATTNC_ROLE_T_DESTINATIONS || a.role == ATTNC_ROLE_T_EDGES;
}

// ---------------------------------------------------------------------------
// Tensors in and out.

nb::dlpack::dtype dlpackOf(int32_t dtype) {
  switch (dtype) {
  case ATTNC_DTYPE_F32:
    return nb::dtype<float>();
  case ATTNC_DTYPE_F64:
    return nb::dtype<double>();
  case ATTNC_DTYPE_I32:
    return nb::dtype<int32_t>();
  case ATTNC_DTYPE_I64:
    return nb::dtype<int64_t>();
  case ATTNC_DTYPE_BOOL:
    return nb::dtype<bool>();
  default:
    return {};
  }
}

using HostArray = nb::ndarray<nb::ro, nb::device::cpu>;

bool denseCOrder(const HostArray &a) {
  int64_t expected = 1;
  for (size_t d = a.ndim(); d-- > 0;) {
    if (a.shape(d) != 1 && a.stride(d) != expected)
      return false;
    expected *= static_cast<int64_t>(a.shape(d));
  }
  return true;
}

// One bound input: the Python object stays referenced while the call runs.
struct Input {
  nb::object keep;
  std::vector<int64_t> shape;
  attnc_tensor tensor{};
};

nb::handle convertHook; // attnc._convert(value, dtype, where)
// Tests fill new outputs with 0xff bytes (NaN, -1) so that an element a
// kernel forgets to write cannot pass for a result.
bool poisonOutputs = false;

// Takes `value` for argument `a` without a copy when its dtype is the
// argument's and its memory dense in C order; otherwise attnc._convert
// makes a converted copy (or says why it cannot).
void takeInput(nb::handle value, const attnc_arg_desc &a,
               const std::string &where, Input &in) {
  HostArray arr;
  bool ok = nb::try_cast(value, arr, false) &&
            arr.dtype() == dlpackOf(a.dtype) && denseCOrder(arr);
  if (!ok) {
    nb::object converted =
        convertHook(value, attnc_dtype_name(a.dtype), where);
    if (!nb::try_cast(converted, arr, false) || !denseCOrder(arr))
      raise(ATTNC_ERROR_VALIDATION, where + ": cannot be read as a dense " +
                                        attnc_dtype_name(a.dtype) + " array");
    in.keep = converted;
  } else {
    in.keep = nb::borrow(value);
  }
  in.shape.resize(arr.ndim());
  for (size_t d = 0; d < arr.ndim(); ++d)
    in.shape[d] = static_cast<int64_t>(arr.shape(d));
  in.tensor.dtype = a.dtype;
  in.tensor.rank = static_cast<int32_t>(arr.ndim());
  in.tensor.shape = in.shape.data();
  in.tensor.data = const_cast<void *>(arr.data());
}

struct Output {
  void *data = nullptr;
  std::vector<int64_t> shape;
  std::vector<size_t> extents;
  ~Output() { std::free(data); }
};

// A NumPy array that owns `out.data` (no copy).
nb::object toNumpy(Output &out, int32_t dtype) {
  void *data = out.data;
  out.data = nullptr;
  nb::capsule owner(data, [](void *p) noexcept { std::free(p); });
  return nb::ndarray<nb::numpy>(data, out.extents.size(), out.extents.data(),
                                owner, nullptr, dlpackOf(dtype))
      .cast();
}

// ---------------------------------------------------------------------------
// Modules, their weights and entries.

struct ModuleState {
  attnc_module *module = nullptr;
  attnc_weights *weights = nullptr;
  // Bumped at each change of `weights`; calls rebind when it moved.
  std::atomic<uint64_t> weightsVersion{1};
  // Calls read the weights (shared); changing them is exclusive.
  std::shared_mutex weightsLock;
  ~ModuleState() {
    attnc_weights_release(weights);
    attnc_module_release(module);
  }
};

struct PooledCall {
  attnc_call *call = nullptr;
  uint64_t weightsVersion = 0;
  // The previous execute overrode a weight; the next rebinds them.
  bool overrodeWeights = false;
  ~PooledCall() { attnc_call_release(call); }
};

class Entry {
public:
  Entry(std::shared_ptr<ModuleState> state, int32_t index)
      : state_(std::move(state)),
        desc_(attnc_module_entry(state_->module, index)) {
    for (int32_t a = 0; a < desc_->num_args; ++a) {
      const attnc_arg_desc &d = desc_->args[a];
      byName_.emplace(d.name, a);
      if (d.kind == ATTNC_ARG_INPUT && d.role != ATTNC_ROLE_PARAMETER &&
          !isComputedByRuntime(d))
        positional_.push_back(a);
    }
  }

  std::string name() const { return desc_->name; }
  const attnc_entry_desc *desc() const { return desc_; }
  std::vector<Arg> args() const {
    std::vector<Arg> out;
    for (int32_t a = 0; a < desc_->num_args; ++a)
      out.push_back({desc_, a});
    return out;
  }
  std::vector<std::string> positionalNames() const {
    std::vector<std::string> out;
    for (int32_t a : positional_)
      out.push_back(desc_->args[a].name);
    return out;
  }

  nb::object call(nb::args args, nb::kwargs kwargs) {
    std::unique_ptr<PooledCall> pc = acquire();
    nb::object result = run(*pc, args, kwargs);
    release(std::move(pc));
    return result;
  }

  // Binds the inputs, allocates the outputs and executes; the inputs are
  // referenced until the outputs are returned.
  nb::object run(PooledCall &pc, nb::args args, nb::kwargs kwargs,
                 std::vector<uintptr_t> *pointers = nullptr) {
    const int32_t n = desc_->num_args;
    std::vector<Input> inputs(static_cast<size_t>(n));
    std::vector<char> given(static_cast<size_t>(n), 0);
    if (args.size() > positional_.size())
      raise(ATTNC_ERROR_INVALID_ARGUMENT,
            where() + ": " + std::to_string(args.size()) +
                " positional inputs given, it takes " +
                std::to_string(positional_.size()) + " (" +
                joinNames(positional_) + ")");
    for (size_t i = 0; i < args.size(); ++i) {
      int32_t a = positional_[i];
      takeInput(args[i], desc_->args[a], argWhere(a), inputs[a]);
      given[a] = 1;
    }
    for (auto [key, value] : kwargs) {
      std::string k = nb::cast<std::string>(key);
      auto it = byName_.find(k);
      if (it == byName_.end() ||
          desc_->args[it->second].kind != ATTNC_ARG_INPUT ||
          isComputedByRuntime(desc_->args[it->second]))
        raise(ATTNC_ERROR_NOT_FOUND, where() + " has no input '" + k +
                                         "' (inputs: " +
                                         joinNames(positional_) + ")");
      if (given[it->second])
        raise(ATTNC_ERROR_INVALID_ARGUMENT,
              argWhere(it->second) + ": given twice");
      takeInput(value, desc_->args[it->second], argWhere(it->second),
                inputs[it->second]);
      given[it->second] = 1;
    }

    std::shared_lock<std::shared_mutex> weightsRead(state_->weightsLock,
                                                    std::defer_lock);
    {
      nb::gil_scoped_release unlocked;
      weightsRead.lock();
    }
    bindWeights(pc, given);
    for (int32_t a = 0; a < n; ++a)
      if (given[a])
        check(attnc_call_set_arg(pc.call, a, &inputs[a].tensor));
    checkComplete(given);
    attnc_status s;
    // Every input is checked before any output is allocated: output shapes
    // are deduced from the inputs.
    {
      nb::gil_scoped_release unlocked;
      s = attnc_call_validate_inputs(pc.call);
    }
    if (s != ATTNC_OK)
      raiseLast(s);

    // Shapes first: a call whose output shapes cannot be deduced allocates
    // nothing. (Memory is not touched before the kernel writes it.)
    std::vector<Output> outputs(static_cast<size_t>(n));
    for (int32_t a = 0; a < n; ++a) {
      const attnc_arg_desc &d = desc_->args[a];
      if (d.kind != ATTNC_ARG_OUTPUT)
        continue;
      Output &o = outputs[a];
      o.shape.resize(static_cast<size_t>(d.rank));
      check(attnc_call_infer_shape(pc.call, a, o.shape.data()));
    }
    for (int32_t a = 0; a < n; ++a) {
      const attnc_arg_desc &d = desc_->args[a];
      if (d.kind != ATTNC_ARG_OUTPUT)
        continue;
      Output &o = outputs[a];
      size_t count = 1;
      for (int64_t e : o.shape) {
        o.extents.push_back(static_cast<size_t>(e));
        count *= static_cast<size_t>(e);
      }
      const size_t bytes = count * attnc_dtype_size(d.dtype);
      // 64-byte aligned, as Halide's own allocations are.
      o.data = std::aligned_alloc(64, (bytes + 64) / 64 * 64);
      if (!o.data)
        raise(ATTNC_ERROR_OUT_OF_MEMORY,
              argWhere(a) + ": cannot allocate " + std::to_string(bytes) +
                  " bytes");
      if (poisonOutputs)
        std::memset(o.data, 0xff, bytes);
      attnc_tensor t{d.dtype, d.rank, o.shape.data(), o.data};
      check(attnc_call_set_arg(pc.call, a, &t));
    }
    {
      nb::gil_scoped_release unlocked;
      s = attnc_call_execute(pc.call);
    }
    if (s != ATTNC_OK)
      raiseLast(s);
    if (pointers) {
      pointers->assign(static_cast<size_t>(n), 0);
      for (int32_t a = 0; a < n; ++a)
        if (const halide_buffer_t *b = attnc_call_buffer(pc.call, a))
          (*pointers)[a] = reinterpret_cast<uintptr_t>(b->host);
    }
    weightsRead.unlock();

    nb::object single;
    nb::dict many;
    int outputsSeen = 0;
    for (int32_t a = 0; a < n; ++a)
      if (desc_->args[a].kind == ATTNC_ARG_OUTPUT) {
        single = toNumpy(outputs[a], desc_->args[a].dtype);
        many[desc_->args[a].name] = single;
        ++outputsSeen;
      }
    return outputsSeen == 1 ? single : nb::object(many);
  }

  std::unique_ptr<PooledCall> acquire() {
    {
      std::lock_guard<std::mutex> lock(poolMutex_);
      if (!pool_.empty()) {
        std::unique_ptr<PooledCall> pc = std::move(pool_.back());
        pool_.pop_back();
        return pc;
      }
    }
    auto pc = std::make_unique<PooledCall>();
    check(attnc_call_create(state_->module, desc_->name, &pc->call));
    return pc;
  }
  void release(std::unique_ptr<PooledCall> pc) {
    std::lock_guard<std::mutex> lock(poolMutex_);
    pool_.push_back(std::move(pc));
  }

private:
  std::string where() const { return "entry '" + name() + "'"; }
  std::string argWhere(int32_t a) const {
    return where() + ": argument '" + desc_->args[a].name + "'";
  }
  std::string joinNames(const std::vector<int32_t> &args) const {
    std::string s;
    for (int32_t a : args)
      s += (s.empty() ? "" : ", ") + std::string(desc_->args[a].name);
    return s;
  }

  // Binds the module's weights unless this call already holds them.
  void bindWeights(PooledCall &pc, const std::vector<char> &given) {
    attnc_weights *w = state_->weights;
    if (!w)
      return;
    uint64_t version = state_->weightsVersion.load();
    if (pc.weightsVersion != version || pc.overrodeWeights) {
      attnc_bind_options o;
      attnc_bind_options_init(&o);
      o.flags = ATTNC_BIND_ALLOW_EXTRA | ATTNC_BIND_ALLOW_MISSING;
      check(attnc_weights_bind(pc.call, w, &o, nullptr));
      pc.weightsVersion = version;
    }
    pc.overrodeWeights = false;
    int32_t index = 0;
    for (int32_t a = 0; a < desc_->num_args; ++a)
      if (given[a] &&
          attnc_weights_find(w, desc_->args[a].name, &index) == ATTNC_OK)
        pc.overrodeWeights = true;
    attnc_clear_error();
  }

  void checkComplete(const std::vector<char> &given) const {
    std::string missing, parameters;
    for (int32_t a = 0; a < desc_->num_args; ++a) {
      const attnc_arg_desc &d = desc_->args[a];
      if (d.kind != ATTNC_ARG_INPUT || given[a] || isComputedByRuntime(d))
        continue;
      int32_t index = 0;
      if (state_->weights &&
          attnc_weights_find(state_->weights, d.name, &index) == ATTNC_OK)
        continue;
      std::string &list =
          d.role == ATTNC_ROLE_PARAMETER ? parameters : missing;
      list += (list.empty() ? "'" : ", '") + std::string(d.name) + "'";
    }
    attnc_clear_error();
    if (!missing.empty())
      raise(ATTNC_ERROR_INVALID_ARGUMENT,
            where() + ": missing input " + missing);
    if (!parameters.empty())
      raise(ATTNC_ERROR_INVALID_ARGUMENT,
            where() + ": parameter " + parameters +
                " neither given nor in the module's weights "
                "(Module.load_weights or Module.init_weights)");
  }

  std::shared_ptr<ModuleState> state_;
  const attnc_entry_desc *desc_;
  std::vector<int32_t> positional_;
  std::unordered_map<std::string, int32_t> byName_;
  std::mutex poolMutex_;
  std::vector<std::unique_ptr<PooledCall>> pool_;
};

// A call prepared once (Entry.prepare) and run many times; it keeps its
// inputs referenced and reports where their memory is (zero-copy checks).
class PreparedCall {
public:
  PreparedCall(std::shared_ptr<Entry> entry, nb::args args, nb::kwargs kwargs)
      : entry_(std::move(entry)), args_(std::move(args)),
        kwargs_(std::move(kwargs)), call_(entry_->acquire()) {}
  ~PreparedCall() {
    if (call_)
      entry_->release(std::move(call_));
  }
  nb::object run() { return entry_->run(*call_, args_, kwargs_, &pointers_); }
  // The address of argument `name`'s memory in the last run.
  uintptr_t dataPointer(const std::string &name) const {
    const attnc_entry_desc *d = entry_->desc();
    for (int32_t a = 0; a < d->num_args; ++a)
      if (name == d->args[a].name && static_cast<size_t>(a) < pointers_.size())
        return pointers_[a];
    raise(ATTNC_ERROR_NOT_FOUND,
          "entry '" + entry_->name() + "': no argument '" + name +
              "' in the last run (run() first)");
  }

private:
  std::shared_ptr<Entry> entry_;
  nb::args args_;
  nb::kwargs kwargs_;
  std::unique_ptr<PooledCall> call_;
  std::vector<uintptr_t> pointers_;
};

class Module {
public:
  Module(const std::string &path, bool checkCpu, bool checkFinite) {
    state_ = std::make_shared<ModuleState>();
    attnc_module_options o;
    attnc_module_options_init(&o);
    if (checkCpu)
      o.flags |= ATTNC_MODULE_CHECK_CPU_AT_LOAD;
    // Every call of the module refuses NaN and Inf in float inputs.
    if (checkFinite)
      o.flags |= ATTNC_MODULE_CHECK_FINITE;
    attnc_status s;
    {
      nb::gil_scoped_release unlocked;
      s = attnc_module_load(path.c_str(), &o, &state_->module);
    }
    check(s);
    for (int32_t i = 0; i < attnc_module_entry_count(state_->module); ++i)
      entries_.push_back(std::make_shared<Entry>(state_, i));
  }

  std::string path() const { return attnc_module_path(state_->module); }
  std::string cpuVariant() const {
    return attnc_module_cpu_variant(state_->module);
  }
  const attnc_module_desc &desc() const {
    return *attnc_module_descriptor(state_->module);
  }
  std::vector<std::shared_ptr<Entry>> entries() const { return entries_; }

  // --- weights -------------------------------------------------------------

  void loadWeights(const std::string &path) {
    attnc_weights *w = nullptr;
    attnc_status s;
    {
      nb::gil_scoped_release unlocked;
      s = attnc_weights_load(path.c_str(), &w);
    }
    check(s);
    replaceWeights(w);
  }

  void setWeights(nb::dict tensors, bool merge) {
    attnc_weights *w = nullptr;
    check(attnc_weights_create(&w));
    std::unique_ptr<attnc_weights, void (*)(attnc_weights *)> owned(
        w, attnc_weights_release);
    if (merge && state_->weights)
      copyWeights(state_->weights, w);
    for (auto [key, value] : tensors) {
      std::string name = nb::cast<std::string>(key);
      // The dtype the entries expect, else the array's own.
      int32_t dtype = expectedDtype(name);
      nb::object arr = convertHook(value, attnc_dtype_name(dtype),
                                   "weights: tensor '" + name + "'");
      HostArray h = nb::cast<HostArray>(arr, false);
      std::vector<int64_t> shape;
      for (size_t d = 0; d < h.ndim(); ++d)
        shape.push_back(static_cast<int64_t>(h.shape(d)));
      attnc_tensor t{dtype, static_cast<int32_t>(h.ndim()), shape.data(),
                     const_cast<void *>(h.data())};
      check(attnc_weights_set(w, name.c_str(), &t));
    }
    replaceWeights(owned.release());
  }

  int32_t initWeights(uint64_t seed) {
    attnc_weights *w = nullptr;
    check(attnc_weights_create(&w));
    std::unique_ptr<attnc_weights, void (*)(attnc_weights *)> owned(
        w, attnc_weights_release);
    if (state_->weights)
      copyWeights(state_->weights, w);
    int32_t total = 0;
    for (auto &e : entries_) {
      int32_t added = 0;
      check(attnc_weights_init(w, e->desc(), seed, &added));
      total += added;
    }
    replaceWeights(owned.release());
    return total;
  }

  void saveWeights(const std::string &path) {
    std::shared_lock<std::shared_mutex> read(state_->weightsLock);
    if (!state_->weights)
      raise(ATTNC_ERROR_INVALID_ARGUMENT,
            path + ": the module has no weights to save");
    check(attnc_weights_save_safetensors(state_->weights, path.c_str()));
  }

  // Copies of the weights, by name.
  nb::dict weights() {
    std::shared_lock<std::shared_mutex> read(state_->weightsLock);
    nb::dict out;
    attnc_weights *w = state_->weights;
    if (!w)
      return out;
    for (int32_t i = 0; i < attnc_weights_count(w); ++i) {
      attnc_tensor t;
      check(attnc_weights_get(w, i, &t));
      Output o;
      size_t count = 1;
      for (int32_t d = 0; d < t.rank; ++d) {
        o.extents.push_back(static_cast<size_t>(t.shape[d]));
        count *= static_cast<size_t>(t.shape[d]);
      }
      const size_t bytes = count * attnc_dtype_size(t.dtype);
      o.data = std::aligned_alloc(64, (bytes + 64) / 64 * 64);
      if (!o.data)
        raise(ATTNC_ERROR_OUT_OF_MEMORY, "weights: out of memory");
      std::memcpy(o.data, t.data, bytes);
      out[attnc_weights_name(w, i)] = toNumpy(o, t.dtype);
    }
    return out;
  }

  // Checks the set against every entry: dtypes and shapes of the tensors an
  // entry takes, and that each tensor is taken by some entry.
  /// Checks the weights against every entry; returns the names of the
  /// tensors no entry takes (the report of unused tensors), which `strict`
  /// refuses.
  std::vector<std::string> checkWeights(bool strict) {
    std::shared_lock<std::shared_mutex> read(state_->weightsLock);
    attnc_weights *w = state_->weights;
    if (!w)
      return {};
    std::vector<char> used(static_cast<size_t>(attnc_weights_count(w)), 0);
    for (auto &e : entries_) {
      std::unique_ptr<PooledCall> pc = e->acquire();
      attnc_bind_options o;
      attnc_bind_options_init(&o);
      o.flags = ATTNC_BIND_ALLOW_EXTRA | ATTNC_BIND_ALLOW_MISSING;
      attnc_status s = attnc_weights_bind(pc->call, w, &o, nullptr);
      pc->weightsVersion = 0; // rebind before its next execute
      e->release(std::move(pc));
      check(s);
      const attnc_entry_desc *d = e->desc();
      for (int32_t a = 0; a < d->num_args; ++a) {
        int32_t index = 0;
        if (d->args[a].kind == ATTNC_ARG_INPUT &&
            attnc_weights_find(w, d->args[a].name, &index) == ATTNC_OK)
          used[index] = 1;
      }
    }
    attnc_clear_error();
    std::vector<std::string> names;
    for (size_t i = 0; i < used.size(); ++i)
      if (!used[i])
        names.push_back(attnc_weights_name(w, static_cast<int32_t>(i)));
    if (!strict)
      return names;
    std::string unused;
    int count = 0;
    for (size_t i = 0; i < used.size(); ++i)
      if (!used[i] && ++count <= 5)
        unused += (unused.empty() ? "'" : ", '") +
                  std::string(attnc_weights_name(
                      w, static_cast<int32_t>(i))) +
                  "'";
    if (count)
      raise(ATTNC_ERROR_VALIDATION,
            std::string(attnc_weights_source(w)[0] ? attnc_weights_source(w)
                                                   : "weights") +
                ": " + std::to_string(count) + " tensor" +
                (count == 1 ? "" : "s") + " no entry takes: " + unused +
                (count > 5 ? ", ..." : "") + " (strict=False to allow)");
    return names;
  }

private:
  int32_t expectedDtype(const std::string &name) const {
    for (auto &e : entries_) {
      const attnc_entry_desc *d = e->desc();
      for (int32_t a = 0; a < d->num_args; ++a)
        if (name == d->args[a].name)
          return d->args[a].dtype;
    }
    return ATTNC_DTYPE_F32;
  }
  static void copyWeights(const attnc_weights *from, attnc_weights *to) {
    for (int32_t i = 0; i < attnc_weights_count(from); ++i) {
      attnc_tensor t;
      check(attnc_weights_get(from, i, &t));
      check(attnc_weights_set(to, attnc_weights_name(from, i), &t));
    }
  }
  void replaceWeights(attnc_weights *w) {
    nb::gil_scoped_release unlocked;
    std::unique_lock<std::shared_mutex> write(state_->weightsLock);
    attnc_weights_release(state_->weights);
    state_->weights = w;
    state_->weightsVersion.fetch_add(1);
  }

  std::shared_ptr<ModuleState> state_;
  std::vector<std::shared_ptr<Entry>> entries_;
};

// ---------------------------------------------------------------------------
// GNN training (attnc.gnn.train): the trainer attn-train runs.

attnc::npy::Array toNpy(const std::string &key, const HostArray &a) {
  attnc::npy::Array out;
  const nb::dlpack::dtype t = a.dtype();
  if (t == nb::dtype<float>())
    out.descr = "<f4";
  else if (t == nb::dtype<double>())
    out.descr = "<f8";
  else if (t == nb::dtype<int32_t>())
    out.descr = "<i4";
  else if (t == nb::dtype<int64_t>())
    out.descr = "<i8";
  else if (t == nb::dtype<bool>())
    out.descr = "|b1";
  else if (t == nb::dtype<uint8_t>())
    out.descr = "|u1";
  else
    throw attnc::train::GraphInputError(
        "key '" + key +
        "': dtype is not one of float32, float64, int32, int64, bool, uint8");
  for (size_t d = 0; d < a.ndim(); ++d)
    out.shape.push_back(static_cast<int64_t>(a.shape(d)));
  const auto *p = static_cast<const unsigned char *>(a.data());
  out.data.assign(p, p + a.nbytes());
  return out;
}

nb::object metricsDict(const attnc::train::Metrics &m) {
  nb::dict d;
  d["accuracy"] = m.accuracy;
  d["loss"] = m.loss;
  d["count"] = m.count;
  return d;
}

nb::dict epochDict(const attnc::train::EpochStats &s) {
  nb::dict e;
  e["epoch"] = s.epoch;
  e["train_loss"] = s.train_loss;
  e["train_accuracy"] = s.train.accuracy;
  e["val_loss"] = s.val.loss;
  e["val_accuracy"] = s.val.accuracy;
  e["test_accuracy"] = s.test.accuracy;
  e["step_ms"] = s.step_ms;
  return e;
}

nb::dict trainGraph(nb::dict arrays, const std::string &source,
                    nb::dict graphOptions, nb::dict model, nb::dict train,
                    std::optional<nb::callable> onEpoch) {
  using namespace attnc::train;
  std::map<std::string, attnc::npy::Array> npys;
  for (auto [key, value] : arrays) {
    std::string k = nb::cast<std::string>(key);
    npys[k] = toNpy(k, nb::cast<HostArray>(convertHook(
                           value, "", source + ": key '" + k + "'")));
  }
  GraphInputOptions g;
  g.undirected = nb::cast<bool>(graphOptions["undirected"]);
  g.selfLoops = nb::cast<bool>(graphOptions["self_loops"]);
  g.normalizeFeatures = nb::cast<std::string>(graphOptions["normalize_features"]);
  g.splitColumn = nb::cast<int64_t>(graphOptions["split"]);
  g.splitRatio = nb::cast<std::string>(graphOptions["split_ratio"]);
  g.splitSeed = nb::cast<uint64_t>(graphOptions["split_seed"]);
  g.numClasses = nb::cast<int64_t>(graphOptions["num_classes"]);
  g.pythonSpelling = true;
  ModelChoice c;
  c.model = nb::cast<std::string>(model["model"]);
  c.recipe = nb::cast<std::string>(model["recipe"]);
  c.denseFeatures = nb::cast<bool>(model["dense_features"]);
  c.attnc = nb::cast<std::string>(model["attnc"]);
  c.cacheDir = nb::cast<std::string>(model["cache_dir"]);
  c.target = nb::cast<std::string>(model["target"]);
  c.module = nb::cast<std::string>(model["module"]);
  TrainOptions t;
  t.epochs = nb::cast<int64_t>(train["epochs"]);
  t.patience = nb::cast<int64_t>(train["patience"]);
  t.adam.lr = nb::cast<double>(train["lr"]);
  t.adam.weight_decay = nb::cast<double>(train["weight_decay"]);
  t.seed = nb::cast<uint64_t>(train["seed"]);

  nb::dict out;
  std::unique_ptr<Task> task;
  std::unique_ptr<PreparedModel> prepared;
  std::unique_ptr<attnc::Module> module;
  std::unique_ptr<Trainer> trainer;
  TrainResult r;
  {
    nb::gil_scoped_release unlocked;
    task = std::make_unique<Task>(buildGraphTask(source, std::move(npys), g));
    prepared = std::make_unique<PreparedModel>(prepareModel(*task, c));
    auto loaded = attnc::Module::load(prepared->modulePath);
    if (!loaded)
      raise(loaded.status().code(), loaded.status().message());
    module = std::make_unique<attnc::Module>(std::move(loaded.value()));
    trainer = std::make_unique<Trainer>(*module, prepared->entry, *task, t.seed);
    t = recipeOptions(*prepared, t);
    if (onEpoch)
      t.on_epoch = [&](const EpochStats &s) {
        nb::gil_scoped_acquire locked;
        nb::dict e = epochDict(s);
        e["best_epoch"] = s.best_epoch;
        (*onEpoch)(e);
        // Ctrl-C: stop at the end of this epoch.
        if (PyErr_CheckSignals() != 0)
          throw nb::python_error();
      };
    r = trainer->train(t);
    trainer->evaluate();
  }
  nb::list history;
  for (const EpochStats &s : r.history)
    history.append(epochDict(s));
  out["history"] = history;
  out["best_epoch"] = r.best_epoch;
  out["epochs_run"] = r.epochs_run;
  out["train"] = metricsDict(r.train);
  out["val"] = metricsDict(r.val);
  out["test"] = metricsDict(r.test);
  out["mean_epoch_ms"] = r.mean_step_ms;
  out["median_epoch_ms"] = r.median_step_ms;
  out["mean_inference_ms"] = r.mean_eval_ms;

  Output pred;
  pred.extents = {static_cast<size_t>(task->num_nodes)};
  pred.data = std::malloc(sizeof(int32_t) * (task->num_nodes + 1));
  std::vector<int32_t> p = trainer->predictions();
  std::memcpy(pred.data, p.data(), p.size() * sizeof(int32_t));
  out["predictions"] = toNumpy(pred, ATTNC_DTYPE_I32);

  nb::dict weights;
  for (const Parameter &param : trainer->parameters()) {
    Output w;
    for (int64_t e : param.shape)
      w.extents.push_back(static_cast<size_t>(e));
    w.data = std::malloc(sizeof(float) * (param.value.size() + 1));
    std::memcpy(w.data, param.value.data(), param.value.size() * sizeof(float));
    weights[param.name.c_str()] = toNumpy(w, ATTNC_DTYPE_F32);
  }
  out["weights"] = weights;

  nb::dict task_;
  task_["name"] = task->name;
  task_["source"] = task->source_path;
  task_["nodes"] = task->num_nodes;
  task_["edges"] = task->graph.numEdges();
  task_["features"] = task->num_features;
  task_["classes"] = task->num_classes;
  task_["train_nodes"] = attnc::graph::countMask(task->train);
  task_["val_nodes"] = attnc::graph::countMask(task->val);
  task_["test_nodes"] = attnc::graph::countMask(task->test);
  task_["split"] = task->split_text;
  task_["edges_text"] = task->edges_text;
  out["task"] = task_;
  out["recipe"] = prepared->recipe;
  out["model"] = prepared->label;
  out["module"] = prepared->modulePath;
  out["entry"] = prepared->entry;
  return out;
}

} // namespace

NB_MODULE(_core, m) {
  m.doc() = "attnc's native part: modules, entries, weights and the GNN "
            "trainer over the runtime's C API";

  baseError = nb::exception<AttncError>(m, "Error").inc_ref();
  struct Named {
    attnc_status status;
    const char *name;
  };
  const Named named[] = {
      {ATTNC_ERROR_INVALID_ARGUMENT, "InvalidArgumentError"},
      {ATTNC_ERROR_NOT_FOUND, "NotFoundError"},
      {ATTNC_ERROR_INVALID_MODULE, "InvalidModuleError"},
      {ATTNC_ERROR_ABI_MISMATCH, "AbiMismatchError"},
      {ATTNC_ERROR_UNSUPPORTED, "UnsupportedError"},
      {ATTNC_ERROR_VALIDATION, "ValidationError"},
      {ATTNC_ERROR_KERNEL, "KernelError"},
      {ATTNC_ERROR_OUT_OF_MEMORY, "OutOfMemoryError"},
      {ATTNC_ERROR_INTERNAL, "InternalError"},
  };
  nb::object type = nb::module_::import_("builtins").attr("type");
  for (const Named &n : named) {
    nb::object cls = type(n.name, nb::make_tuple(baseError), nb::dict());
    cls.attr("__module__") = "attnc";
    m.attr(n.name) = cls;
    errorClasses[n.status] = cls.release();
  }
  nb::register_exception_translator([](const std::exception_ptr &p, void *) {
    try {
      std::rethrow_exception(p);
    } catch (const AttncError &e) {
      nb::handle cls =
          errorClasses[e.status] ? errorClasses[e.status] : baseError;
      PyErr_SetString(cls.ptr(), e.what());
    } catch (const attnc::train::GraphInputError &e) {
      PyErr_SetString(errorClasses[ATTNC_ERROR_VALIDATION].ptr(), e.what());
    } catch (const std::invalid_argument &e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::bad_alloc &) {
      PyErr_SetString(errorClasses[ATTNC_ERROR_OUT_OF_MEMORY].ptr(),
                      "out of memory");
    } catch (const std::runtime_error &e) {
      // The trainer's and the compile step's one-line messages.
      PyErr_SetString(baseError.ptr(), e.what());
    }
  });

  m.def("_set_convert_hook",
        [](nb::callable f) { convertHook = f.release(); });
  m.def("_set_poison_outputs", [](bool on) { poisonOutputs = on; });
  m.def("dtype_names", [] {
    return std::vector<std::string>{"f32", "f64", "i32", "i64", "bool"};
  });

  nb::class_<Arg>(m, "Arg", "An argument of an entry, from the module's "
                            "descriptor")
      .def_prop_ro("name", &Arg::name)
      .def_prop_ro("kind", [](const Arg &a) {
        return a.isOutput() ? "output" : "input";
      })
      .def_prop_ro("dtype",
                   [](const Arg &a) { return attnc_dtype_name(a.desc().dtype); })
      .def_prop_ro("role",
                   [](const Arg &a) { return attnc_role_name(a.desc().role); })
      .def_prop_ro("init",
                   [](const Arg &a) { return attnc_init_name(a.desc().init); })
      .def_prop_ro("shape", &Arg::shape,
                   "extents outermost first: an int where static, the dim's "
                   "name (str) where dynamic, None where unnamed")
      .def_prop_ro("related", &Arg::related,
                   "the paired argument (CSR, key lengths, gradient of)")
      .def_prop_ro("is_parameter", [](const Arg &a) {
        return attnc_arg_is_parameter(&a.desc()) != 0;
      })
      .def("__repr__", &Arg::repr);

  nb::class_<PreparedCall>(m, "PreparedCall")
      .def("run", &PreparedCall::run)
      .def("data_pointer", &PreparedCall::dataPointer, "name"_a);

  nb::class_<Entry>(m, "Entry")
      .def_prop_ro("name", &Entry::name)
      .def_prop_ro("args", &Entry::args)
      .def_prop_ro("positional", &Entry::positionalNames,
                   "the inputs positional arguments fill, in order")
      .def_prop_ro("source",
                   [](const Entry &e) { return e.desc()->source_loc; })
      .def("__call__", &Entry::call)
      .def("prepare",
           [](std::shared_ptr<Entry> e, nb::args a, nb::kwargs k) {
             return std::make_unique<PreparedCall>(std::move(e), a, k);
           })
      .def("__repr__", [](const Entry &e) {
        return "<attnc.Entry '" + e.name() + "'>";
      });

  nb::class_<Module>(m, "Module")
      .def(nb::init<const std::string &, bool, bool>(), "path"_a,
           "check_cpu"_a = false, "check_finite"_a = false)
      .def_prop_ro("path", &Module::path)
      .def_prop_ro("target", [](const Module &mod) { return mod.desc().target; })
      .def_prop_ro("device", [](const Module &mod) { return mod.desc().device; })
      .def_prop_ro("cpu_variant", &Module::cpuVariant)
      .def_prop_ro("cpu_features",
                   [](const Module &mod) { return mod.desc().cpu_features; })
      .def_prop_ro("entry_list", &Module::entries)
      .def("load_weights", &Module::loadWeights, "path"_a)
      .def("set_weights", &Module::setWeights, "tensors"_a, "merge"_a)
      .def("init_weights", &Module::initWeights, "seed"_a)
      .def("save_weights", &Module::saveWeights, "path"_a)
      .def("check_weights", &Module::checkWeights, "strict"_a)
      .def_prop_ro("weights", &Module::weights);

  m.def(
      "save_weights",
      [](nb::dict tensors, const std::string &path, nb::dict metadata) {
        attnc_weights *w = nullptr;
        check(attnc_weights_create(&w));
        std::unique_ptr<attnc_weights, void (*)(attnc_weights *)> owned(
            w, attnc_weights_release);
        for (auto [key, value] : tensors) {
          std::string name = nb::cast<std::string>(key);
          HostArray h = nb::cast<HostArray>(
              convertHook(value, "", "tensor '" + name + "'"), false);
          int32_t dtype = -1;
          for (int32_t d : {ATTNC_DTYPE_F32, ATTNC_DTYPE_F64, ATTNC_DTYPE_I32,
                            ATTNC_DTYPE_I64, ATTNC_DTYPE_BOOL})
            if (h.dtype() == dlpackOf(d))
              dtype = d;
          if (dtype < 0)
            raise(ATTNC_ERROR_UNSUPPORTED,
                  path + ": tensor '" + name +
                      "': dtype is not one of f32, f64, i32, i64, bool");
          std::vector<int64_t> shape;
          for (size_t d = 0; d < h.ndim(); ++d)
            shape.push_back(static_cast<int64_t>(h.shape(d)));
          attnc_tensor t{dtype, static_cast<int32_t>(h.ndim()), shape.data(),
                         const_cast<void *>(h.data())};
          check(attnc_weights_set(w, name.c_str(), &t));
        }
        for (auto [key, value] : metadata)
          check(attnc_weights_set_metadata(
              w, nb::cast<std::string>(key).c_str(),
              nb::cast<std::string>(value).c_str()));
        check(attnc_weights_save_safetensors(w, path.c_str()));
      },
      "tensors"_a, "path"_a, "metadata"_a);

  m.def("train_graph", &trainGraph, "arrays"_a, "source"_a, "graph_options"_a,
        "model"_a, "train"_a, "on_epoch"_a.none());
}
