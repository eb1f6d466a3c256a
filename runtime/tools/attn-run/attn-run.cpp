// attn-run: loads an attnc module, reads .npy inputs and model weights,
// runs one entry and writes .npy outputs. Every failure is one line on
// stderr naming the file or argument, and a non-zero exit; outputs (and
// saved weights) appear only after a run that succeeded, each renamed into
// place from a temporary file.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <tuple>
#include <string>
#include <vector>

#include "runtime/attnc.hpp"
#include "runtime/npy.h"
#include "runtime/tools/attn-run/random_inputs.h"

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

struct Failure {
  int code;
  std::string message;
};

const char *npyDescr(int32_t dtype) {
  switch (dtype) {
  case ATTNC_DTYPE_F32:
    return "<f4";
  case ATTNC_DTYPE_F64:
    return "<f8";
  case ATTNC_DTYPE_I32:
    return "<i4";
  case ATTNC_DTYPE_I64:
    return "<i8";
  case ATTNC_DTYPE_BOOL:
    return "|b1";
  case ATTNC_DTYPE_F16:
    return "<f2";
  }
  return "?";
}

// The attnc dtype a .npy descr stores; -1 if none. One-byte unsigned data
// is accepted for bool arguments, which are stored as bytes.
int32_t dtypeOfDescr(const std::string &descr) {
  for (int32_t d : {ATTNC_DTYPE_F32, ATTNC_DTYPE_F64, ATTNC_DTYPE_I32,
                    ATTNC_DTYPE_I64, ATTNC_DTYPE_BOOL, ATTNC_DTYPE_F16})
    if (descr == npyDescr(d))
      return d;
  return descr == "|u1" ? ATTNC_DTYPE_BOOL : -1;
}

std::string signature(const attnc_entry_desc &entry,
                      const attnc_arg_desc &arg) {
  std::string text = std::string(arg.name) + ": " +
                     attnc_dtype_name(arg.dtype) + "[";
  for (int32_t d = 0; d < arg.rank; ++d) {
    const char *name = arg.dim_names ? arg.dim_names[d] : nullptr;
    std::string extent = arg.dims[d] >= 0 ? std::to_string(arg.dims[d])
                         : name           ? std::string(name)
                                          : "?";
    if ((arg.role == ATTNC_ROLE_CSR_ROW_OFFSETS ||
         arg.role == ATTNC_ROLE_T_OFFSETS) &&
        arg.dims[d] < 0 && name)
      extent += "+1";
    text += (d ? ", " : "") + extent;
  }
  text += "] (" + std::string(attnc_role_name(arg.role));
  const char *related =
      arg.related_arg >= 0 ? entry.args[arg.related_arg].name : "";
  switch (arg.role) {
  case ATTNC_ROLE_PARAMETER:
    text += std::string(", init ") + attnc_init_name(arg.init);
    break;
  case ATTNC_ROLE_GRADIENT:
    text += std::string(" of '") + related + "'";
    break;
  case ATTNC_ROLE_T_OFFSETS:
  case ATTNC_ROLE_T_DESTINATIONS:
  case ATTNC_ROLE_T_EDGES:
    text += std::string(" of '") + related + "', computed by the runtime";
    break;
  }
  return text + ")";
}

void printSignatures(const attnc::Module &module, const std::string &path) {
  const attnc_module_desc &desc = module.descriptor();
  std::printf("module %s: abi %u, target %s, device %s, cpu features '%s'\n",
              path.c_str(), desc.abi_version, desc.target ? desc.target : "?",
              desc.device && *desc.device ? desc.device : "cpu",
              desc.cpu_features ? desc.cpu_features : "");
  if (const char *variant = attnc_module_cpu_variant(module.get()); *variant)
    std::printf("  kernels for this CPU: the %s variant\n", variant);
  for (const attnc_entry_desc *entry : module.entries()) {
    std::string ins, outs;
    for (int32_t a = 0; a < entry->num_args; ++a) {
      std::string &list = entry->args[a].kind == ATTNC_ARG_OUTPUT ? outs : ins;
      list += (list.empty() ? "" : ", ") + signature(*entry, entry->args[a]);
    }
    std::printf("  %s(%s) -> (%s)%s%s\n", entry->name, ins.c_str(),
                outs.c_str(), entry->source_loc ? "  at " : "",
                entry->source_loc ? entry->source_loc : "");
  }
  attnc::Status cpu = module.checkCpu();
  if (!cpu)
    std::printf("  note: %s\n", cpu.message().c_str());
  attnc::Status device = module.checkDevice();
  if (!device)
    std::printf("  note: %s\n", device.message().c_str());
}

// Parses NAME=FILE pairs; a name may appear once.
bool parsePairs(const std::vector<std::string> &items, const char *flag,
                std::map<std::string, std::string> &out, Failure &failure) {
  for (const std::string &item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      failure = {kExitUsage, std::string(flag) + " '" + item +
                                 "': expected NAME=FILE.npy"};
      return false;
    }
    if (!out.emplace(item.substr(0, eq), item.substr(eq + 1)).second) {
      failure = {kExitUsage, std::string(flag) + " '" + item.substr(0, eq) +
                                 "' is given twice"};
      return false;
    }
  }
  return true;
}

std::string argNames(const attnc_entry_desc &entry, int32_t kind) {
  std::string names;
  for (int32_t a = 0; a < entry.num_args; ++a)
    if (entry.args[a].kind == kind)
      names += (names.empty() ? "" : ", ") + std::string(entry.args[a].name);
  return names.empty() ? "none" : names;
}

struct Options {
  std::string module;
  std::string entry;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  int bench = 0;
  bool list = false;
  std::optional<uint64_t> randomSeed;
  bool summary = false;
  std::vector<std::string> dims;
  std::string weights;
  std::optional<uint64_t> initSeed;
  std::string saveWeights;
  bool allowExtraWeights = false;
  bool checkFinite = false;
};

// Parameters (inputs named `<layer>.<param>`) come from a weights set when
// any weights flag is given: the file or directory of --weights, then
// --input files for parameters (which override it), then --init-seed for
// the rest. The set is bound to the call before the data inputs; it must
// outlive the call's executes. Marks the arguments it bound in `bound`.
bool bindWeights(const Options &opts, attnc::Call &call,
                 const std::map<std::string, std::string> &inputFiles,
                 std::optional<attnc::Weights> &weights,
                 std::vector<bool> &bound, Failure &failure) {
  const attnc_entry_desc &entry = call.entry();
  auto set = opts.weights.empty() ? attnc::Weights::create()
                                  : attnc::Weights::load(opts.weights);
  if (!set) {
    failure = {kExitError, set.status().message()};
    return false;
  }
  weights.emplace(std::move(set.value()));
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    auto it = inputFiles.find(arg.name);
    if (!attnc_arg_is_parameter(&arg) || it == inputFiles.end())
      continue;
    attnc::npy::Array array;
    std::string error;
    if (!attnc::npy::read(it->second, array, error)) {
      failure = {kExitError, error};
      return false;
    }
    int32_t dtype = dtypeOfDescr(array.descr);
    if (dtype != arg.dtype) {
      failure = {kExitError, it->second + ": entry '" + entry.name +
                                 "', input '" + arg.name + "': dtype is '" +
                                 array.descr + "', expected '" +
                                 npyDescr(arg.dtype) + "' (" +
                                 attnc_dtype_name(arg.dtype) + ")"};
      return false;
    }
    attnc::Status s = weights->set(arg.name, static_cast<attnc_dtype>(dtype),
                                   array.shape, array.data.data());
    if (!s) {
      failure = {kExitError, it->second + ": " + s.message()};
      return false;
    }
  }
  if (opts.initSeed) {
    auto added = weights->init(entry, *opts.initSeed);
    if (!added) {
      failure = {kExitError, added.status().message()};
      return false;
    }
    if (*added > 0)
      weights->setMetadata("attnc.init_seed", std::to_string(*opts.initSeed));
  }
  std::vector<std::string> warnings;
  auto count = call.bindWeights(
      *weights, opts.allowExtraWeights ? ATTNC_BIND_ALLOW_EXTRA : 0u,
      &warnings);
  if (!count) {
    std::string message = count.status().message();
    if (message.find(" missing: ") != std::string::npos)
      message += " (give them with --weights, --input NAME=FILE.npy or "
                 "--init-seed N)";
    else if (message.find(" no input takes: ") != std::string::npos)
      message += " (a misspelt name? --allow-extra-weights ignores them)";
    failure = {kExitError, message};
    return false;
  }
  for (const std::string &w : warnings)
    std::fprintf(stderr, "attn-run: warning: %s\n", w.c_str());
  for (int32_t a = 0; a < entry.num_args; ++a)
    bound[a] = entry.args[a].kind == ATTNC_ARG_INPUT &&
               weights->contains(entry.args[a].name);
  return true;
}

// The tensors bound from `weights`, for --save-weights.
bool usedWeights(const attnc_entry_desc &entry, const attnc::Weights &weights,
                 const std::vector<bool> &bound,
                 std::optional<attnc::Weights> &out, Failure &failure) {
  auto set = attnc::Weights::create();
  if (!set) {
    failure = {kExitError, set.status().message()};
    return false;
  }
  out.emplace(std::move(set.value()));
  for (const char *key : {"attnc.init_seed"})
    if (auto value = weights.metadata(key))
      out->setMetadata(key, *value);
  for (int32_t a = 0; a < entry.num_args; ++a) {
    if (!bound[a])
      continue;
    auto t = weights.tensor(entry.args[a].name);
    attnc::Status s =
        t ? out->set(entry.args[a].name, static_cast<attnc_dtype>(t->dtype),
                     std::vector<int64_t>(t->shape, t->shape + t->rank),
                     t->data)
          : t.status();
    if (!s) {
      failure = {kExitError, s.message()};
      return false;
    }
  }
  return true;
}

bool run(const Options &opts, Failure &failure) {
  auto loaded = attnc::Module::load(opts.module);
  if (!loaded) {
    failure = {kExitError, loaded.status().message()};
    return false;
  }
  attnc::Module &module = loaded.value();
  if (opts.list) {
    printSignatures(module, opts.module);
    return true;
  }

  std::string entryName = opts.entry;
  if (entryName.empty()) {
    auto entries = module.entries();
    if (entries.size() != 1) {
      std::string names;
      for (const attnc_entry_desc *e : entries)
        names += (names.empty() ? "" : ", ") + std::string(e->name);
      failure = {kExitUsage, opts.module + " has " +
                                 std::to_string(entries.size()) +
                                 " entries (" + names +
                                 "); choose one with --entry"};
      return false;
    }
    entryName = entries[0]->name;
  }
  auto created = attnc::Call::create(module, entryName);
  if (!created) {
    failure = {kExitError, created.status().message()};
    return false;
  }
  attnc::Call &call = created.value();
  const attnc_entry_desc &entry = call.entry();
  if (opts.checkFinite)
    if (attnc::Status s = call.checkFinite(); !s) {
      failure = {kExitError, s.message()};
      return false;
    }

  std::map<std::string, std::string> inputFiles, outputFiles;
  if (!parsePairs(opts.inputs, "--input", inputFiles, failure) ||
      !parsePairs(opts.outputs, "--output", outputFiles, failure))
    return false;
  for (auto [flag, files, kind] :
       {std::tuple{"--input", &inputFiles, ATTNC_ARG_INPUT},
        std::tuple{"--output", &outputFiles, ATTNC_ARG_OUTPUT}}) {
    for (const auto &[name, file] : *files) {
      bool known = false;
      for (int32_t a = 0; a < entry.num_args; ++a)
        known |= entry.args[a].kind == kind && name == entry.args[a].name;
      if (!known) {
        failure = {kExitUsage,
                   std::string(flag) + " " + name + "=" + file + ": entry '" +
                       entry.name + "' has no " +
                       (kind == ATTNC_ARG_INPUT ? "input" : "output") +
                       " named '" + name + "' (" +
                       (kind == ATTNC_ARG_INPUT ? "inputs" : "outputs") +
                       ": " + argNames(entry, kind) + ")"};
        return false;
      }
    }
  }

  // --output NAME=FILE, else NAME.npy.
  auto outputPath = [&](const std::string &name) {
    auto it = outputFiles.find(name);
    return it != outputFiles.end() ? it->second : name + ".npy";
  };

  // Two outputs to one file: one would silently replace the other. Paths
  // are compared resolved (./o.npy, o.npy and a symbolic link are one).
  std::map<std::string, std::string> outputOf; // resolved path -> output
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (arg.kind != ATTNC_ARG_OUTPUT)
      continue;
    std::string path = outputPath(arg.name);
    std::error_code ec;
    std::string resolved = std::filesystem::weakly_canonical(path, ec);
    auto [seen, fresh] =
        outputOf.emplace(ec ? path : resolved, std::string(arg.name));
    if (!fresh) {
      failure = {kExitUsage, "outputs '" + seen->second + "' and '" +
                                 arg.name + "' would both be written to '" +
                                 path + "'; give each its own --output"};
      return false;
    }
  }

  // Weights first: parameters from --weights, --input and --init-seed.
  std::optional<attnc::Weights> weights;
  std::vector<bool> fromWeights(entry.num_args, false);
  bool useWeights = !opts.weights.empty() || opts.initSeed ||
                    !opts.saveWeights.empty();
  if (useWeights &&
      !bindWeights(opts, call, inputFiles, weights, fromWeights, failure))
    return false;

  // Inputs: read, check the file's dtype, bind. The runtime checks shapes.
  std::vector<attnc::npy::Array> arrays(entry.num_args);
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (fromWeights[a]) {
      // Bound already; mark it given so --random leaves it alone.
      arrays[a].descr = npyDescr(arg.dtype);
      continue;
    }
    if (arg.kind == ATTNC_ARG_INPUT && inputFiles.count(arg.name)) {
      std::string error;
      if (!attnc::npy::read(inputFiles[arg.name], arrays[a], error)) {
        failure = {kExitError, error};
        return false;
      }
    }
  }
  if (opts.randomSeed) {
    std::map<std::string, int64_t> dimSizes;
    for (const std::string &item : opts.dims) {
      size_t eq = item.find('=');
      char *end = nullptr;
      long long value =
          eq == std::string::npos ? -1 : std::strtoll(item.c_str() + eq + 1, &end, 10);
      if (eq == std::string::npos || eq == 0 || value < 0 || !end || *end) {
        failure = {kExitUsage, "--dim '" + item + "': expected NAME=N with N >= 0"};
        return false;
      }
      dimSizes[item.substr(0, eq)] = value;
    }
    std::string error;
    if (!attnc::run::fillRandomInputs(entry, *opts.randomSeed, dimSizes,
                                      arrays, error)) {
      failure = {kExitUsage, error};
      return false;
    }
  }
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (arg.kind != ATTNC_ARG_INPUT || fromWeights[a])
      continue;
    auto it = inputFiles.find(arg.name);
    bool transposed = arg.role == ATTNC_ROLE_T_OFFSETS ||
                      arg.role == ATTNC_ROLE_T_DESTINATIONS ||
                      arg.role == ATTNC_ROLE_T_EDGES;
    if (transposed && it == inputFiles.end())
      continue; // the runtime computes it (an --input is refused below)
    std::string source = it != inputFiles.end() ? it->second : "--random";
    if (arrays[a].descr.empty()) {
      failure = {kExitUsage,
                 "entry '" + std::string(entry.name) + "': input '" +
                     arg.name + "' not given (use --input " + arg.name +
                     "=FILE.npy" +
                     (attnc_arg_is_parameter(&arg)
                          ? ", --weights FILE.safetensors, --init-seed N"
                          : "") +
                     ", or --random SEED)"};
      return false;
    }
    int32_t dtype = dtypeOfDescr(arrays[a].descr);
    if (dtype != arg.dtype) {
      failure = {kExitError, source + ": entry '" + entry.name +
                                 "', input '" + arg.name + "': dtype is '" +
                                 arrays[a].descr + "', expected '" +
                                 npyDescr(arg.dtype) + "' (" +
                                 attnc_dtype_name(arg.dtype) + ")"};
      return false;
    }
    attnc::Status s = call.setArg(arg.name, static_cast<attnc_dtype>(dtype),
                                  arrays[a].shape, arrays[a].data.data());
    if (!s) {
      failure = {kExitError, source + ": " + s.message()};
      return false;
    }
  }
  // Messages about an argument start with "entry 'E', input 'A'"; name the
  // file that argument came from too.
  auto withFile = [&](const std::string &message) {
    for (const auto &[name, path] : inputFiles)
      if (message.rfind("entry '" + std::string(entry.name) + "', input '" +
                            name + "'",
                        0) == 0)
        return path + ": " + message;
    return message;
  };
  // Every input is checked before any output memory is taken: output
  // shapes are deduced from the inputs, and a bad one (a 128-byte file
  // declaring 2^31 rows) must not cost gigabytes first.
  if (attnc::Status s = call.validateInputs(); !s) {
    failure = {kExitError, withFile(s.message())};
    return false;
  }
  // Outputs: shapes deduced from the inputs, memory allocated here.
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (arg.kind != ATTNC_ARG_OUTPUT)
      continue;
    auto shape = call.inferShape(a);
    if (!shape) {
      failure = {kExitError, shape.status().message()};
      return false;
    }
    attnc::npy::Array &out = arrays[a];
    out.descr = npyDescr(arg.dtype);
    out.shape = shape.value();
    out.data.assign(out.elementCount() * attnc_dtype_size(arg.dtype), 0);
    attnc::Status s = call.setArg(arg.name, static_cast<attnc_dtype>(arg.dtype),
                                  out.shape, out.data.data());
    if (!s) {
      failure = {kExitError, s.message()};
      return false;
    }
  }

  if (attnc::Status s = call.execute(); !s) {
    failure = {kExitError, withFile(s.message())};
    return false;
  }
  if (opts.bench > 0) {
    // The inputs do not change between runs: on a GPU they stay on the
    // device after the first, so the times are the kernels' plus copying
    // the outputs back.
    for (int32_t a = 0; a < entry.num_args; ++a)
      if (entry.args[a].kind == ATTNC_ARG_INPUT)
        call.keepOnDevice(a);
    std::vector<double> ms;
    for (int i = 0; i < opts.bench; ++i) {
      auto start = std::chrono::steady_clock::now();
      attnc::Status s = call.execute();
      auto stop = std::chrono::steady_clock::now();
      if (!s) {
        failure = {kExitError, s.message()};
        return false;
      }
      ms.push_back(std::chrono::duration<double, std::milli>(stop - start)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    double median = ms.size() % 2 ? ms[ms.size() / 2]
                                  : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    std::printf("%s: %d runs after 1 warm-up: median %.4f ms, min %.4f ms\n",
                entry.name, opts.bench, median, ms.front());
  }

  // Write every output to a temporary file first; rename only when all
  // were written, so that a failure leaves no partial set behind.
  std::vector<std::pair<std::string, std::string>> written; // temp, final
  auto discardAll = [&] {
    for (const auto &[temp, path] : written)
      attnc::npy::discard(temp);
  };
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (arg.kind != ATTNC_ARG_OUTPUT)
      continue;
    std::string path = outputPath(arg.name);
    std::string bytes, temp, error;
    if (!attnc::npy::encode(arrays[a], bytes, error) ||
        !attnc::npy::writeTemp(path, bytes, temp, error)) {
      discardAll();
      failure = {kExitError, path + ": " + error};
      return false;
    }
    written.emplace_back(temp, path);
    if (opts.summary)
      std::printf("%s -> %s: %s\n", arg.name, path.c_str(),
                  attnc::run::summarize(arrays[a]).c_str());
  }
  // Saved weights go into place before the outputs are committed; a
  // failure here leaves neither.
  if (!opts.saveWeights.empty()) {
    std::optional<attnc::Weights> used;
    if (!usedWeights(entry, *weights, fromWeights, used, failure)) {
      discardAll();
      return false;
    }
    if (attnc::Status s = used->save(opts.saveWeights); !s) {
      discardAll();
      failure = {kExitError, s.message()};
      return false;
    }
  }
  for (size_t i = 0; i < written.size(); ++i) {
    std::string error;
    if (!attnc::npy::commit(written[i].first, written[i].second, error)) {
      for (size_t j = i + 1; j < written.size(); ++j)
        attnc::npy::discard(written[j].first);
      failure = {kExitError, error};
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Runs an entry of an attnc module on .npy inputs.", "attn-run"};
  Options opts;
  app.add_option("module", opts.module, "the module (.so) to load")
      ->required();
  app.add_option("--entry", opts.entry,
                 "the entry to run (needed when the module has several)");
  app.add_option("--input", opts.inputs, "NAME=FILE.npy for each input");
  app.add_option("--output", opts.outputs,
                 "NAME=FILE.npy for an output (default: NAME.npy here)");
  app.add_option("--bench", opts.bench,
                 "run N more times after the first and print median and min "
                 "(GPU modules: inputs stay on the device after the first)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--list", opts.list,
               "print the entries and their signatures, with every "
               "argument's role");
  app.add_option("--random", opts.randomSeed,
                 "fill inputs not given with --input from this seed (CSR "
                 "graphs, key lengths and masks valid)");
  app.add_option("--dim", opts.dims,
                 "NAME=N: size of a dynamic dim for --random (names as in "
                 "--list, e.g. --dim Sq=128 --dim N=1000 --dim E=5000)");
  app.add_option("--weights", opts.weights,
                 "parameters by name: a .safetensors file, or a directory "
                 "of NAME.npy files");
  app.add_option("--init-seed", opts.initSeed,
                 "initialise every parameter not otherwise given from this "
                 "seed (Glorot weights, zero biases, unit norm scales)");
  app.add_option("--save-weights", opts.saveWeights,
                 "write the parameters used to this .safetensors file");
  app.add_flag("--allow-extra-weights", opts.allowExtraWeights,
               "warn about, rather than refuse, tensors in --weights that "
               "no input takes");
  app.add_flag("--check-finite", opts.checkFinite,
               "refuse NaN and Inf in any floating-point input (parameters "
               "included), naming the input and the flat index");
  app.add_flag("--summary", opts.summary,
               "print each output's shape, min, max, mean and NaN count");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::fprintf(stderr, "attn-run: %s\n", e.what());
    return kExitUsage;
  }

  Failure failure{0, ""};
  try {
    if (run(opts, failure))
      return 0;
  } catch (const std::exception &e) {
    failure = {kExitError, std::string("internal error: ") + e.what()};
  }
  std::fprintf(stderr, "attn-run: %s\n", failure.message.c_str());
  return failure.code;
}
