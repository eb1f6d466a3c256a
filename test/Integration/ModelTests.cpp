// The three example models of examples/ end to end: each description is
// compiled by attnc at build time (test/Integration/CMakeLists.txt), run
// through the runtime with its parameters bound from a Weights set (the
// runtime's seeded init, or random tensors written to a .safetensors file
// and loaded back), and compared with a float64 evaluation of the whole
// model that composes test/Reference's functions layer by layer, as
// docs/model-format.md defines each layer. The reference never sees the IR:
// it is written from the description and the format document alone, so a
// frontend that builds the wrong graph fails here even when every op is
// right.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "graphdata/Datasets.h"
#include "runtime/attnc.hpp"
#include "test/Reference/reference.h"

namespace attnc::model_tests {
namespace {

// Normwise, max |out - ref| / max |ref|, as in test/Numerics: each model's
// output is either layer-normalised (|ref| ~ 1) or log-probabilities, and
// the measured errors of these one- and two-layer fp32 models stay below
// 5e-7 (each case prints its "normwise error"), so the ops' tolerance holds
// for the whole model without loosening.
constexpr double kTolerance = 1e-5;

using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

std::string str(const Shape &s) {
  std::string out = "[";
  for (size_t k = 0; k < s.size(); ++k)
    out += (k ? ", " : "") + std::to_string(s[k]);
  return out + "]";
}

// A host tensor in the element type the module takes.
template <typename T> struct Host {
  Shape shape;
  std::vector<T> data;

  Host() = default;
  explicit Host(Shape s, T fill = T())
      : shape(std::move(s)), data(static_cast<size_t>(numel(shape)), fill) {}

  ref::Tensor toRef() const {
    ref::Tensor t(shape);
    for (size_t k = 0; k < data.size(); ++k)
      t.data[k] = static_cast<double>(data[k]);
    return t;
  }
};
using F32 = Host<float>;

// A deterministic seed per case, printed with it so a failure replays.
uint64_t seedFor(const std::string &what) {
  return std::hash<std::string>{}(what) ^ 0x30de15eedULL;
}

using Rng = std::mt19937_64;

float uniform(Rng &rng, float lo, float hi) {
  return std::uniform_real_distribution<float>(lo, hi)(rng);
}
int64_t uniformInt(Rng &rng, int64_t lo, int64_t hi) { // inclusive
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// ---- Modules and calls ----------------------------------------------------

const Module &moduleAt(const char *path) {
  static std::map<std::string, std::unique_ptr<Module>> cache;
  auto it = cache.find(path);
  if (it == cache.end()) {
    auto m = Module::load(path);
    if (!m) {
      ADD_FAILURE() << "cannot load " << path << ": " << m.status().message();
      std::abort();
    }
    it = cache.emplace(path, std::make_unique<Module>(std::move(m).value()))
             .first;
  }
  return *it->second;
}

// The model's parameters twice: the runtime's set, bound to the call, and
// the same values in float64 for the reference.
struct Params {
  std::optional<Weights> bound;
  std::map<std::string, ref::Tensor> values;

  const ref::Tensor &operator[](const std::string &name) const {
    auto it = values.find(name);
    if (it == values.end())
      throw std::out_of_range("no parameter '" + name + "'");
    return it->second;
  }
};

// Every parameter from the runtime's seeded init (Glorot weights, zero
// biases, unit norm scales); the reference reads the values back.
Params seededParams(const attnc_entry_desc &entry, uint64_t seed) {
  Params p;
  auto w = Weights::create();
  EXPECT_TRUE(w.ok()) << w.status().message();
  auto added = w->init(entry, seed);
  EXPECT_TRUE(added.ok()) << added.status().message();
  for (const std::string &name : w->names()) {
    auto t = w->tensor(name);
    auto v = w->values<float>(name);
    EXPECT_TRUE(t.ok() && v.ok()) << name;
    if (!t.ok() || !v.ok())
      continue;
    ref::Tensor r(Shape(t->shape, t->shape + t->rank));
    std::copy(v->begin(), v->end(), r.data.begin());
    p.values.emplace(name, std::move(r));
  }
  p.bound.emplace(std::move(w).value());
  return p;
}

// The amplitude of a random parameter: biases ±0.5, norm scales 1 ± 0.5,
// matrices U(±1/sqrt(fan_in)) as torch.nn.Linear's default init, times the
// model's `gain` for that parameter (1 unless given).
struct Draw {
  float lo, hi;
};
Draw drawFor(const attnc_arg_desc &arg,
             const std::map<std::string, float> &gain) {
  std::string name = arg.name;
  float g = gain.count(name) ? gain.at(name) : 1.0f;
  bool isBias =
      name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
  if (isBias)
    return {-0.5f * g, 0.5f * g};
  if (arg.rank == 1)
    return {1.0f - 0.5f * g, 1.0f + 0.5f * g};
  float a = g / std::sqrt(static_cast<float>(arg.dims[1]));
  return {-a, a};
}

// Every parameter from seeded random tensors written to a .safetensors file
// with the runtime's writer and loaded back with its reader; the reference
// uses the values as generated, so the file round trip is checked too.
class TempDir {
public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "attnc-model-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()))
      path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty())
      std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

Params safetensorsParams(const attnc_entry_desc &entry, uint64_t seed,
                         const std::map<std::string, float> &gain = {}) {
  Params p;
  Rng rng(seed);
  auto written = Weights::create();
  EXPECT_TRUE(written.ok()) << written.status().message();
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (arg.kind != ATTNC_ARG_INPUT || !attnc_arg_is_parameter(&arg))
      continue;
    EXPECT_EQ(arg.dtype, ATTNC_DTYPE_F32) << arg.name;
    Shape shape(arg.dims, arg.dims + arg.rank);
    for (int64_t d : shape)
      EXPECT_GE(d, 0) << arg.name << " has a dynamic extent";
    Draw draw = drawFor(arg, gain);
    std::vector<float> values(static_cast<size_t>(numel(shape)));
    for (float &v : values)
      v = uniform(rng, draw.lo, draw.hi);
    Status s = written->set<float>(arg.name, shape, values.data());
    EXPECT_TRUE(s.ok()) << s.message();
    ref::Tensor r(shape);
    std::copy(values.begin(), values.end(), r.data.begin());
    p.values.emplace(arg.name, std::move(r));
  }
  TempDir dir;
  EXPECT_FALSE(dir.path().empty()) << "mkdtemp failed";
  std::string file = dir.path() + "/" + entry.name + ".safetensors";
  Status saved = written->save(file);
  EXPECT_TRUE(saved.ok()) << saved.message();
  auto loaded = Weights::load(file);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  if (loaded.ok()) {
    EXPECT_EQ(loaded->names(), written->names());
    p.bound.emplace(std::move(loaded).value());
  }
  return p;
}

enum class Source { Seed, Safetensors };

const char *sourceName(Source s) {
  return s == Source::Seed ? "seeded init" : "safetensors";
}

// One prepared call of an example's entry with its parameters bound, re-run
// at many sizes.
class ModelCall {
public:
  ModelCall(const char *module, const std::string &entry, Source source,
            uint64_t seed, const std::map<std::string, float> &gain = {})
      : call_(Call::create(moduleAt(module), entry)) {
    if (!call_) {
      ADD_FAILURE() << entry << ": " << call_.status().message();
      return;
    }
    params_ = source == Source::Seed
                  ? seededParams(call_->entry(), seed)
                  : safetensorsParams(call_->entry(), seed, gain);
    if (!params_.bound)
      return;
    auto bound = call_->bindWeights(*params_.bound);
    EXPECT_TRUE(bound.ok()) << bound.status().message();
    // Every parameter bound, none left for the data inputs to supply.
    if (bound.ok()) {
      EXPECT_EQ(static_cast<size_t>(*bound), params_.values.size());
    }
    ok_ = bound.ok();
  }
  bool ok() const { return ok_; }
  const Params &params() const { return params_; }

  template <typename T> void in(const std::string &name, const Host<T> &t) {
    Status s = call_->setArg(name, t.shape, t.data.data());
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  }

  // Runs into a fresh output of `shape` filled with NaN, so an element the
  // module never writes fails the comparison.
  F32 run(const std::string &outName, const Shape &shape) {
    F32 out(shape, std::numeric_limits<float>::quiet_NaN());
    Status s = call_->setArg(outName, out.shape, out.data.data());
    EXPECT_TRUE(s.ok()) << outName << ": " << s.message();
    if (s.ok()) {
      s = call_->execute();
      EXPECT_TRUE(s.ok()) << s.message();
    }
    return out;
  }

private:
  Result<Call> call_;
  Params params_;
  bool ok_ = false;
};

::testing::AssertionResult matches(const F32 &out,
                                   const ref::Tensor &expected) {
  if (out.shape != expected.shape)
    return ::testing::AssertionFailure()
           << "shape " << str(out.shape) << " != " << str(expected.shape);
  double maxRef = 0, maxErr = 0;
  size_t worst = 0;
  for (size_t k = 0; k < out.data.size(); ++k) {
    double o = out.data[k], r = expected.data[k];
    if (!std::isfinite(o))
      return ::testing::AssertionFailure()
             << "element " << k << " is " << o << " (reference " << r << ")";
    maxRef = std::max(maxRef, std::abs(r));
    if (std::abs(o - r) > maxErr) {
      maxErr = std::abs(o - r);
      worst = k;
    }
  }
  double err = maxErr / std::max(maxRef, 1e-30);
  if (err > kTolerance)
    return ::testing::AssertionFailure()
           << "normwise error " << err << " > " << kTolerance
           << " (worst element " << worst << ": " << out.data[worst] << " vs "
           << expected.data[worst] << ", max |ref| " << maxRef << ")";
  return ::testing::AssertionSuccess() << "normwise error " << err;
}

// Checks and, on success, prints the measured error, so that the headroom
// against kTolerance is visible in the test log.
#define EXPECT_MATCHES(out, expected)                                          \
  do {                                                                         \
    ::testing::AssertionResult r_ = matches(out, expected);                    \
    EXPECT_TRUE(r_);                                                           \
    if (r_)                                                                    \
      std::printf("  %s\n", r_.message());                                     \
  } while (0)

// ---- The transformer examples -----------------------------------------------

// examples/transformer-{causal,window}.yaml: embedding (vocab 1000, dim 64),
// sinusoidal positions, multi-head attention (8 query heads, 2 kv heads,
// Dh = 64 / 8, scaled_dot: 1/sqrt(8)) with the given masks and a residual
// from the positions, layer norm, GELU feed-forward (hidden 256) with a
// residual from norm1, layer norm; epsilon 1e-5 both.
constexpr int64_t kVocab = 1000, kDim = 64, kHeads = 8, kKvHeads = 2;

ref::Tensor transformerReference(const Params &p, const Host<int32_t> &tokens,
                                 const ref::Masks &masks) {
  std::vector<int64_t> ids(tokens.data.begin(), tokens.data.end());
  ref::Tensor embed = ref::embedding(p["embed.weight"], ids, tokens.shape);
  ref::Tensor positions = ref::positionalSinusoidal(embed);

  auto project = [&](const std::string &proj, const ref::Tensor &x) {
    return ref::linear(x, p["attn." + proj + ".weight"],
                       &p["attn." + proj + ".bias"]);
  };
  ref::Tensor q = ref::splitHeads(project("q_proj", positions), kHeads);
  ref::Tensor k = ref::splitHeads(project("k_proj", positions), kKvHeads);
  ref::Tensor v = ref::splitHeads(project("v_proj", positions), kKvHeads);
  double scale = 1.0 / std::sqrt(double(kDim / kHeads));
  ref::Tensor o = ref::attention(q, k, v, scale, masks).value;
  ref::Tensor attn =
      ref::add(project("out_proj", ref::mergeHeads(o)), positions);

  ref::Tensor norm1 =
      ref::layerNorm(attn, p["norm1.weight"], p["norm1.bias"], 1e-5);
  ref::Tensor hidden = ref::activation(
      ref::linear(norm1, p["ffn.fc1.weight"], &p["ffn.fc1.bias"]),
      ref::Activation::Gelu);
  ref::Tensor ffn = ref::add(
      ref::linear(hidden, p["ffn.fc2.weight"], &p["ffn.fc2.bias"]), norm1);
  return ref::layerNorm(ffn, p["norm2.weight"], p["norm2.bias"], 1e-5);
}

// Token ids uniform over the vocabulary, with the first and last id present.
Host<int32_t> randomTokens(Rng &rng, int64_t B, int64_t S) {
  Host<int32_t> t({B, S});
  for (int32_t &id : t.data)
    id = static_cast<int32_t>(uniformInt(rng, 0, kVocab - 1));
  t.data.front() = 0;
  t.data.back() = kVocab - 1;
  return t;
}

struct SeqSize {
  int64_t B, S;
};

std::string describe(const std::string &model, Source source, SeqSize z) {
  return model + " (" + sourceName(source) + ") B=" + std::to_string(z.B) +
         " S=" + std::to_string(z.S);
}

void runCausal(Source source, const std::vector<SeqSize> &sizes) {
  ModelCall call(
      ATTNC_MODEL_TRANSFORMER_CAUSAL, "transformer_causal", source,
      seedFor(std::string("transformer_causal weights ") + sourceName(source)));
  ASSERT_TRUE(call.ok());
  for (SeqSize z : sizes) {
    std::string what = describe("transformer_causal", source, z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    Host<int32_t> tokens = randomTokens(rng, z.B, z.S);
    call.in("tokens", tokens);
    F32 out = call.run("norm2", {z.B, z.S, kDim});
    ref::Masks causal;
    causal.causal = true;
    EXPECT_MATCHES(out, transformerReference(call.params(), tokens, causal));
  }
}

TEST(ModelTransformerCausal, SeededWeights) {
  runCausal(Source::Seed, {{1, 1}, {2, 7}, {3, 129}});
}

TEST(ModelTransformerCausal, SafetensorsWeights) {
  runCausal(Source::Safetensors, {{1, 7}, {2, 129}});
}

// transformer-window: keys i-16 .. i of query i, and only those below the
// sequence's length. Batch 0 has no keys at all (length 0), batch 1 all of
// them (length S), the rest a random length, which with S > 17 also leaves
// queries whose whole window lies in the padding.
void runWindow(Source source, const std::vector<SeqSize> &sizes) {
  ModelCall call(
      ATTNC_MODEL_TRANSFORMER_WINDOW, "transformer_window", source,
      seedFor(std::string("transformer_window weights ") + sourceName(source)));
  ASSERT_TRUE(call.ok());
  for (SeqSize z : sizes) {
    std::string what = describe("transformer_window", source, z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    Host<int32_t> tokens = randomTokens(rng, z.B, z.S);
    Host<int32_t> lengths({z.B});
    std::vector<int64_t> keyLengths(z.B);
    for (int64_t b = 0; b < z.B; ++b) {
      keyLengths[b] = z.B == 1 || b == 1 ? z.S
                      : b == 0           ? 0
                                         : uniformInt(rng, 1, z.S - 1);
      lengths.data[b] = static_cast<int32_t>(keyLengths[b]);
    }
    call.in("tokens", tokens);
    call.in("lengths", lengths);
    F32 out = call.run("norm2", {z.B, z.S, kDim});
    ref::Masks masks;
    masks.windowLeft = 16;
    masks.windowRight = 0;
    masks.keyLengths = &keyLengths;
    EXPECT_MATCHES(out, transformerReference(call.params(), tokens, masks));
  }
}

TEST(ModelTransformerWindow, SafetensorsWeights) {
  runWindow(Source::Safetensors, {{1, 1}, {2, 7}, {3, 129}, {4, 40}});
}

TEST(ModelTransformerWindow, SeededWeights) {
  runWindow(Source::Seed, {{1, 129}, {3, 40}});
}

// ---- The GAT example
// ----------------------------------------------------------

// examples/gat-cora.yaml: dropout (identity), GATConv(1433 -> 8 heads x 8,
// concat, ELU), dropout (identity), GATConv(64 -> 1 head x 7, mean),
// log-softmax. Each GATConv as PyG's: x' = x Wᵀ (no bias), split into
// heads, e_ij = LeakyReLU_0.2(a_dst · x'_i + a_src · x'_j) over the
// neighbours j of i, softmax, weighted sum of x'_j, concat or mean over
// heads, + bias, activation.
constexpr int64_t kFeatures = 1433, kClasses = 7;

ref::Tensor reshape(ref::Tensor t, Shape shape) {
  EXPECT_EQ(numel(shape), t.numel());
  t.shape = std::move(shape);
  return t;
}

ref::Tensor gatConv(const Params &p, const std::string &layer,
                    const ref::Tensor &x, const ref::Csr &g, int64_t heads,
                    int64_t hidden, bool concat,
                    std::optional<ref::Activation> act) {
  int64_t N = x.shape[0];
  ref::Tensor xp = reshape(ref::linear(x, p[layer + ".weight"], nullptr),
                           {N, heads, hidden});
  ref::Tensor o =
      ref::graphAttentionAdditive(xp, xp, xp, g, p[layer + ".att_src"],
                                  p[layer + ".att_dst"], 0.2)
          .value;
  ref::Tensor merged =
      concat ? reshape(std::move(o), {N, heads * hidden}) : ref::meanHeads(o);
  ref::Tensor y = ref::add(merged, p[layer + ".bias"]);
  return act ? ref::activation(y, *act) : y;
}

ref::Tensor gatReference(const Params &p, const F32 &features,
                         const ref::Csr &g) {
  ref::Tensor h =
      gatConv(p, "gat1", features.toRef(), g, 8, 8, true, ref::Activation::Elu);
  return ref::logSoftmax(
      gatConv(p, "gat2", h, g, 1, kClasses, false, std::nullopt));
}

struct GraphInput {
  std::string what;
  F32 features;
  ref::Csr csr;
};

// Bag-of-words-like features as Cora's: each entry 1 with probability
// 18/1433, rows scaled to sum 1 (a row with no word stays zero).
F32 randomFeatures(Rng &rng, int64_t N) {
  F32 x({N, kFeatures});
  std::bernoulli_distribution word(18.0 / double(kFeatures));
  for (int64_t n = 0; n < N; ++n) {
    float *row = x.data.data() + n * kFeatures;
    int64_t count = 0;
    for (int64_t f = 0; f < kFeatures; ++f)
      count += (row[f] = word(rng) ? 1.0f : 0.0f) != 0.0f;
    for (int64_t f = 0; f < kFeatures && count; ++f)
      row[f] /= static_cast<float>(count);
  }
  return x;
}

// A seeded random graph of N nodes: about one node in eight isolated (no
// edge in or out), every other node with a self-loop with probability 1/2
// and up to 8 distinct other neighbours among the non-isolated nodes.
// `isolatedAll` = -1 picks at random; 1 isolates every node, 0 none and
// gives each a self-loop (the N = 1 cases).
GraphInput randomGraph(const std::string &what, Rng &rng, int64_t N,
                       int isolatedAll = -1) {
  GraphInput in{what, randomFeatures(rng, N), {}};
  std::vector<bool> isolated(N);
  std::vector<int64_t> live;
  for (int64_t n = 0; n < N; ++n) {
    isolated[n] =
        isolatedAll >= 0 ? isolatedAll == 1 : uniformInt(rng, 0, 7) == 0;
    if (!isolated[n])
      live.push_back(n);
  }
  in.csr.rows.push_back(0);
  for (int64_t i = 0; i < N; ++i) {
    std::vector<int64_t> row;
    if (!isolated[i]) {
      if (isolatedAll == 0 || uniformInt(rng, 0, 1) == 0)
        row.push_back(i);
      int64_t others = std::min<int64_t>(uniformInt(rng, 0, 8),
                                         static_cast<int64_t>(live.size()) - 1);
      size_t target = row.size() + static_cast<size_t>(others);
      while (row.size() < target) {
        int64_t j = live[uniformInt(rng, 0, live.size() - 1)];
        if (j != i && std::find(row.begin(), row.end(), j) == row.end())
          row.push_back(j);
      }
      std::sort(row.begin(), row.end());
    }
    in.csr.cols.insert(in.csr.cols.end(), row.begin(), row.end());
    in.csr.rows.push_back(static_cast<int64_t>(in.csr.cols.size()));
  }
  return in;
}

// GAT weights: the random (safetensors) W of layer 1 is scaled up so that
// on row-normalised features x' is of order 1 and the attention logits
// differ between neighbours (with PyTorch's default amplitude the softmax
// would be nearly uniform and a wrong attention vector nearly invisible).
const std::map<std::string, float> kGatGain = {
    {"gat1.weight", 256.0f}, {"gat2.weight", 4.0f},  {"gat1.att_src", 2.0f},
    {"gat1.att_dst", 2.0f},  {"gat2.att_src", 2.0f}, {"gat2.att_dst", 2.0f}};

void runGat(Source source, const std::vector<GraphInput> &graphs) {
  ModelCall call(ATTNC_MODEL_GAT_CORA, "gat_cora", source,
                 seedFor(std::string("gat_cora weights ") + sourceName(source)),
                 kGatGain);
  ASSERT_TRUE(call.ok());
  for (const GraphInput &g : graphs) {
    int64_t N = g.features.shape[0];
    std::string what = g.what + " (" + sourceName(source) +
                       ") N=" + std::to_string(N) +
                       " E=" + std::to_string(g.csr.cols.size());
    SCOPED_TRACE(what);
    Host<int64_t> rows({N + 1}),
        cols({static_cast<int64_t>(g.csr.cols.size())});
    rows.data = g.csr.rows;
    cols.data = g.csr.cols;
    call.in("features", g.features);
    call.in("graph.row_offsets", rows);
    call.in("graph.col_indices", cols);
    F32 out = call.run("log_probs", {N, kClasses});
    EXPECT_MATCHES(out, gatReference(call.params(), g.features, g.csr));
  }
}

std::vector<GraphInput> randomGraphs(const std::vector<int64_t> &sizes) {
  std::vector<GraphInput> graphs;
  for (int64_t N : sizes) {
    std::string what = "random graph N=" + std::to_string(N);
    Rng rng(seedFor(what));
    graphs.push_back(
        randomGraph(what + " seed " + std::to_string(seedFor(what)), rng, N));
    if (N < 1000)
      continue;
    // The large graph has what the cases are about: isolated nodes (empty
    // rows: their output is the bias alone) and self-loops.
    const ref::Csr &g = graphs.back().csr;
    int64_t emptyRows = 0, selfLoops = 0;
    for (int64_t i = 0; i < N; ++i) {
      emptyRows += g.rows[i] == g.rows[i + 1];
      for (int64_t x = g.rows[i]; x < g.rows[i + 1]; ++x)
        selfLoops += g.cols[x] == i;
    }
    EXPECT_GT(emptyRows, 0);
    EXPECT_GT(selfLoops, 0);
  }
  // One node with only its self-loop, and one node with no edge at all.
  Rng rng(seedFor("single node"));
  graphs.push_back(randomGraph("one node, self-loop", rng, 1, 0));
  graphs.push_back(randomGraph("one node, no edge", rng, 1, 1));
  return graphs;
}

TEST(ModelGat, RandomGraphsSeededWeights) {
  runGat(Source::Seed, randomGraphs({7, 1000}));
}

TEST(ModelGat, RandomGraphsSafetensorsWeights) {
  runGat(Source::Safetensors, randomGraphs({7, 1000}));
}

// The real Cora graph (symmetrised, de-duplicated, plus a self-loop per
// node as PyG's GATConv adds them) with row-normalised features, from the
// shared data folder; skipped where that folder is absent.
TEST(ModelGat, Cora) {
  std::string root = graph::dataRootFromEnvironment(ATTNC_SHARED_DATA);
  std::string dir = root + "/" + graph::datasetSubdirectory("cora");
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << dir << " is absent (set ATTNC_DATA_DIR to where the "
                 << "datasets are)";
  graph::LoadOptions options;
  options.rowNormalise = true;
  options.graph.addSelfLoops = true;
  graph::Dataset cora;
  try {
    cora = graph::loadDataset("cora", root, options);
  } catch (const std::exception &e) {
    FAIL() << "loading cora from " << root << ": " << e.what();
  }
  ASSERT_EQ(cora.numNodes(), 2708);
  ASSERT_EQ(cora.num_features, kFeatures);
  ASSERT_EQ(cora.graph.numEdges(), 10556 + 2708);
  GraphInput g{"cora", F32({cora.numNodes(), kFeatures}), {}};
  g.features.data = cora.features;
  g.csr.rows = cora.graph.row_offsets;
  g.csr.cols = cora.graph.col_indices;
  std::vector<GraphInput> graphs;
  graphs.push_back(std::move(g));
  runGat(Source::Seed, graphs);
  runGat(Source::Safetensors, graphs);
}

} // namespace
} // namespace attnc::model_tests
