// The training entry (`attnc --train`, attn-build-training-step) of whole
// models, checked against finite differences of a float64 loss: for
// examples/gat-cora.yaml and small descriptions in Inputs/ (an MLP, a GAT
// with F = 16, and that GAT with feature_dropout or with its features
// passed sparse, `layout: csr`), each compiled by attnc at build time
// (test/Integration/CMakeLists.txt), `<f>_train` is run at a fixed dropout
// seed on small random graphs, and
//
//   - its loss must match a float64 forward composed from test/Reference
//     that applies the same dropout masks (docs/training.md: the masks are a
//     pure function of seed, salt and counter; the pass gives the salts in
//     forward op order from 1), and
//   - every gradient entry it returns (or, for gat-cora's 64 x 1433 first
//     weight, a random sample) must match the central difference
//     (L(p + eps) - L(p - eps)) / (2 eps) of that float64 loss.
//
// The masks depend only on (seed, salt, counter), never on the parameters,
// so the loss at a fixed seed is a deterministic, piecewise smooth function
// of the parameters and its finite differences are the gradient the
// training step must compute. Dropout rate 0.6 everywhere (features, hidden
// layer, attention coefficients, projected values), so the masks are part
// of what is checked.
//
// The reference never sees the IR: it is written from the model
// descriptions and docs/model-format.md / docs/training.md alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <HalideRuntime.h>

#include "runtime/attnc.hpp"
#include "test/Reference/reference.h"

namespace attnc::train_step_tests {
namespace {

// The kernel's loss against the float64 reference's, relative.
constexpr double kLossTolerance = 1e-5;
// Each parameter's gradient against the central differences, normwise:
// max |g - fd| / max |fd| over the checked entries. The kernels run in fp32
// (errors of order 1e-6 relative through two layers); the float64 central
// difference with eps = 1e-6 has a truncation error of order eps^2 and a
// rounding error of order 1e-16 / eps = 1e-10, both far below.
constexpr double kGradTolerance = 1e-4;
constexpr double kEps = 1e-6;
constexpr double kRate = 0.6;
// A parameter with more entries than this that the loss depends on is
// checked on a random sample of kSample of them.
constexpr int64_t kFullLimit = 8192;
constexpr int64_t kSample = 400;

using Shape = std::vector<int64_t>;
using Rng = std::mt19937_64;

int64_t numel(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

uint64_t seedFor(const std::string &what) {
  return std::hash<std::string>{}(what) ^ 0x7a1457e9ULL;
}

ref::Tensor reshape(ref::Tensor t, Shape shape) {
  EXPECT_EQ(numel(shape), t.numel());
  t.shape = std::move(shape);
  return t;
}

// ---- The models ------------------------------------------------------------

enum class Kind { Mlp, Gat };
// The random features: dense U(-1, 1); Cora-like bag of words (dense, 98%
// zeros); or a few U(-1, 1) entries per row passed as a `layout: csr` input
// (features.row_offsets, .col_indices, .values).
enum class Features { Uniform, BagOfWords, Csr };

// What the reference needs of a description. GAT: drop_in, gat1 (heads1 x
// hidden1, concat, ELU), drop_hidden, gat2 (heads2 x classes, mean). MLP:
// drop_in, fc1 (hidden1, bias), ELU, drop_hidden, fc2 (classes, bias). The
// dropout salts count the dropout sites in forward order from 1; a GAT
// layer's are its value dropout (if featureDropout), then its attention
// dropout.
struct Model {
  const char *entry; // the `_train` entry
  const char *module;
  Kind kind;
  int64_t features, classes;
  int64_t heads1, hidden1, heads2;
  Features input;
  std::map<std::string, float> gain;
  bool featureDropout = false; // `feature_dropout` in both GAT layers

  std::string first() const { return kind == Kind::Gat ? "gat1" : "fc1"; }
};

// gat-cora: as in ModelTests, the first weight is scaled up so that on
// row-normalised features the projections are of order 1 and the attention
// logits differ between neighbours.
const Model kGatCora{"gat_cora_train",
                     ATTNC_TRAIN_GAT_CORA,
                     Kind::Gat,
                     1433,
                     7,
                     8,
                     8,
                     1,
                     Features::BagOfWords,
                     {{"gat1.weight", 256.0f},
                      {"gat2.weight", 4.0f},
                      {"gat1.att_src", 2.0f},
                      {"gat1.att_dst", 2.0f},
                      {"gat2.att_src", 2.0f},
                      {"gat2.att_dst", 2.0f}}};
const Model kGatSmall{"gat_small_train",
                      ATTNC_TRAIN_GAT_SMALL,
                      Kind::Gat,
                      16,
                      5,
                      2,
                      4,
                      3,
                      Features::Uniform,
                      {{"gat1.weight", 2.0f},
                       {"gat2.weight", 2.0f},
                       {"gat1.att_src", 2.0f},
                       {"gat1.att_dst", 2.0f},
                       {"gat2.att_src", 2.0f},
                       {"gat2.att_dst", 2.0f}}};
const Model kMlp{"mlp_small_train",
                 ATTNC_TRAIN_MLP,
                 Kind::Mlp,
                 16,
                 5,
                 1,
                 12,
                 1,
                 Features::Uniform,
                 {{"fc1.weight", 2.0f}, {"fc2.weight", 2.0f}}};
// gat-small's variants: feature_dropout 0.6 in both layers; the features
// passed sparse.
const Model kGatSmallFd = [] {
  Model m = kGatSmall;
  m.entry = "gat_small_fd_train";
  m.module = ATTNC_TRAIN_GAT_SMALL_FD;
  m.featureDropout = true;
  return m;
}();
const Model kGatSmallCsr = [] {
  Model m = kGatSmall;
  m.entry = "gat_small_csr_train";
  m.module = ATTNC_TRAIN_GAT_SMALL_CSR;
  m.input = Features::Csr;
  return m;
}();

// ---- Inputs ----------------------------------------------------------------

struct Case {
  std::string what;
  int64_t N = 0;
  std::vector<float> x;       // [N, F], unless Features::Csr
  ref::Csr xCsr;              // Features::Csr: [N, F], with
  std::vector<float> xValues; // its stored values
  ref::Csr csr;               // GAT only
  std::vector<int32_t> labels;
  std::vector<uint8_t> mask; // bool
  int64_t seed = 0;

  std::vector<int64_t> labels64() const {
    return std::vector<int64_t>(labels.begin(), labels.end());
  }
  std::vector<bool> maskBits() const {
    return std::vector<bool>(mask.begin(), mask.end());
  }
};

int64_t uniformInt(Rng &rng, int64_t lo, int64_t hi) { // inclusive
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// A seeded random graph of N nodes, destination-grouped CSR: about one node
// in eight isolated (no edge in or out; the last node always), the others
// with a self-loop with probability 1/2 (node 0 always) and up to 6 other
// distinct neighbours among the non-isolated nodes.
ref::Csr randomGraph(Rng &rng, int64_t N) {
  std::vector<bool> isolated(N);
  std::vector<int64_t> live;
  for (int64_t n = 0; n < N; ++n) {
    isolated[n] = n == N - 1 || (n != 0 && uniformInt(rng, 0, 7) == 0);
    if (!isolated[n])
      live.push_back(n);
  }
  ref::Csr g;
  g.rows.push_back(0);
  for (int64_t i = 0; i < N; ++i) {
    std::vector<int64_t> row;
    if (!isolated[i]) {
      if (i == 0 || uniformInt(rng, 0, 1) == 0)
        row.push_back(i);
      int64_t others = std::min<int64_t>(uniformInt(rng, 0, 6),
                                         static_cast<int64_t>(live.size()) - 1);
      size_t target = row.size() + static_cast<size_t>(others);
      while (row.size() < target) {
        int64_t j = live[uniformInt(rng, 0, live.size() - 1)];
        if (j != i && std::find(row.begin(), row.end(), j) == row.end())
          row.push_back(j);
      }
      std::sort(row.begin(), row.end());
    }
    g.cols.insert(g.cols.end(), row.begin(), row.end());
    g.rows.push_back(static_cast<int64_t>(g.cols.size()));
  }
  return g;
}

Case randomCase(const Model &m, int64_t N) {
  Case c;
  uint64_t s = seedFor(std::string(m.entry) + " N=" + std::to_string(N));
  c.what = std::string(m.entry) + " N=" + std::to_string(N) + " seed " +
           std::to_string(s);
  Rng rng(s);
  c.N = N;
  if (m.input == Features::Csr) {
    // Rows of 1 to 5 entries in random column order, some empty (row 1
    // always); row 0 stores a column twice, which must add up. Nothing
    // says a row's columns are sorted or distinct.
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    c.xCsr.rows.push_back(0);
    for (int64_t n = 0; n < N; ++n) {
      int64_t count = n == 1 || (n != 0 && uniformInt(rng, 0, 3) == 0)
                          ? 0
                          : uniformInt(rng, 1, 5);
      for (int64_t k = 0; k < count; ++k) {
        c.xCsr.cols.push_back(uniformInt(rng, 0, m.features - 1));
        c.xValues.push_back(u(rng));
      }
      if (n == 0) {
        c.xCsr.cols.push_back(c.xCsr.cols.front());
        c.xValues.push_back(u(rng));
      }
      c.xCsr.rows.push_back(static_cast<int64_t>(c.xCsr.cols.size()));
    }
  } else {
    c.x.assign(static_cast<size_t>(N * m.features), 0.0f);
  }
  if (m.input == Features::BagOfWords) {
    // Each entry 1 with probability 18/1433, rows scaled to sum 1.
    std::bernoulli_distribution word(18.0 / 1433.0);
    for (int64_t n = 0; n < N; ++n) {
      float *row = c.x.data() + n * m.features;
      int64_t count = 0;
      for (int64_t f = 0; f < m.features; ++f)
        count += (row[f] = word(rng) ? 1.0f : 0.0f) != 0.0f;
      for (int64_t f = 0; f < m.features && count; ++f)
        row[f] /= static_cast<float>(count);
    }
  } else if (m.input == Features::Uniform) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (float &v : c.x)
      v = u(rng);
  }
  if (m.kind == Kind::Gat) {
    c.csr = randomGraph(rng, N);
    int64_t empty = 0, loops = 0;
    for (int64_t i = 0; i < N; ++i) {
      empty += c.csr.rows[i] == c.csr.rows[i + 1];
      for (int64_t e = c.csr.rows[i]; e < c.csr.rows[i + 1]; ++e)
        loops += c.csr.cols[e] == i;
    }
    EXPECT_GT(empty, 0);
    EXPECT_GT(loops, 0);
  }
  // About 60% of the nodes in the training set, at least one in and one
  // out. The labels of the others are never read (attn.nll_loss): -1 or
  // out of range.
  c.labels.resize(N);
  c.mask.resize(N);
  for (int64_t n = 0; n < N; ++n) {
    c.mask[n] = n == 0 || (n != 1 && uniformInt(rng, 0, 9) < 6);
    c.labels[n] = c.mask[n] ? static_cast<int32_t>(
                                  uniformInt(rng, 0, m.classes - 1))
                  : n % 2 ? -1
                          : static_cast<int32_t>(m.classes + 3);
  }
  // Both 32-bit halves of the seed matter (docs/training.md).
  c.seed = static_cast<int64_t>(0x1234abcd00000000ULL ^ (s & 0xffffffffULL));
  return c;
}

// ---- Parameters ------------------------------------------------------------

struct Param {
  Shape shape;
  std::vector<float> values;
};
using Params = std::map<std::string, Param>;
using RefParams = std::map<std::string, ref::Tensor>;

// Biases U(±0.5 g), matrices U(±g / sqrt(fan_in)) (torch.nn.Linear's default
// amplitude times the model's gain); attention vectors [H, D] count D.
Params randomParams(const Model &m, const attnc_entry_desc &entry) {
  Params p;
  Rng rng(seedFor(std::string(m.entry) + " parameters"));
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (arg.kind != ATTNC_ARG_INPUT || !attnc_arg_is_parameter(&arg))
      continue;
    std::string name = arg.name;
    EXPECT_EQ(arg.dtype, ATTNC_DTYPE_F32) << name;
    Param t{Shape(arg.dims, arg.dims + arg.rank), {}};
    float g = m.gain.count(name) ? m.gain.at(name) : 1.0f;
    bool bias = name.size() > 5 && name.substr(name.size() - 5) == ".bias";
    float a0 = bias ? 0.5f * g
                    : g / std::sqrt(static_cast<float>(t.shape.back()));
    std::uniform_real_distribution<float> u(-a0, a0);
    t.values.resize(static_cast<size_t>(numel(t.shape)));
    for (float &v : t.values)
      v = u(rng);
    p.emplace(name, std::move(t));
  }
  return p;
}

RefParams toRef(const Params &p) {
  RefParams r;
  for (const auto &[name, t] : p) {
    ref::Tensor v(t.shape);
    std::copy(t.values.begin(), t.values.end(), v.data.begin());
    r.emplace(name, std::move(v));
  }
  return r;
}

// ---- The float64 reference -------------------------------------------------

// The features as the dense [N, F] tensor they stand for; stored entries of
// a CSR row that share a column add up.
ref::Tensor denseFeatures(const Model &m, const Case &c) {
  ref::Tensor x({c.N, m.features});
  if (m.input != Features::Csr) {
    std::copy(c.x.begin(), c.x.end(), x.data.begin());
    return x;
  }
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t e = c.xCsr.rows[n]; e < c.xCsr.rows[n + 1]; ++e)
      x.data[n * m.features + c.xCsr.cols[e]] += c.xValues[e];
  return x;
}

// The loss in two stages, so that the finite differences need not redo the
// widest product for every entry: s1 = dropout(x) W1ᵀ (no bias), then the
// rest. A perturbation of W1[o, f] by d changes s1[:, o] by d * xd[:, f]
// (linearity of the product) and nothing else. A CSR input's fused dropout
// draws the dense tensor's masks (counter n * F + c), so it is this one.
class Reference {
public:
  Reference(const Model &m, const Case &c) : m_(m), c_(c) {
    xd_ = ref::dropout(denseFeatures(m, c), kRate, c.seed, 1);
    labels_ = c.labels64();
    mask_ = c.maskBits();
  }
  const ref::Tensor &droppedFeatures() const { return xd_; }

  ref::Tensor firstProduct(const RefParams &p) const {
    return ref::linear(xd_, p.at(m_.first() + ".weight"), nullptr);
  }

  double rest(const RefParams &p, const ref::Tensor &s1) const {
    int64_t N = c_.N;
    int64_t salt = 2; // drop_in's is 1
    if (m_.kind == Kind::Mlp) {
      ref::Tensor h = ref::activation(ref::add(s1, p.at("fc1.bias")),
                                      ref::Activation::Elu);
      ref::Tensor hd = ref::dropout(h, kRate, c_.seed, salt);
      ref::Tensor z = ref::linear(hd, p.at("fc2.weight"), &p.at("fc2.bias"));
      return ref::nllLoss(ref::logSoftmax(z), labels_, mask_);
    }
    int64_t H1 = m_.heads1, D1 = m_.hidden1, H2 = m_.heads2, C = m_.classes;
    ref::Tensor o1 = aggregate(p, "gat1", s1, H1, D1, salt);
    ref::Tensor h =
        ref::activation(ref::add(reshape(std::move(o1), {N, H1 * D1}),
                                 p.at("gat1.bias")),
                        ref::Activation::Elu);
    ref::Tensor hd = ref::dropout(h, kRate, c_.seed, salt++);
    ref::Tensor o2 = aggregate(
        p, "gat2", ref::linear(hd, p.at("gat2.weight"), nullptr), H2, C, salt);
    ref::Tensor z = ref::add(ref::meanHeads(o2), p.at("gat2.bias"));
    return ref::nllLoss(ref::logSoftmax(z), labels_, mask_);
  }

  double loss(const RefParams &p) const { return rest(p, firstProduct(p)); }

private:
  // A GAT layer's attention over its projection x' [N, H*D] -> [N, H, D]:
  // the scores read x' itself, the values x' or, with feature_dropout, its
  // dropout (the layer's first salt, the attention dropout's the next).
  ref::Tensor aggregate(const RefParams &p, const std::string &layer,
                        const ref::Tensor &projected, int64_t H, int64_t D,
                        int64_t &salt) const {
    ref::Tensor q = reshape(projected, {c_.N, H, D});
    ref::Tensor v =
        m_.featureDropout
            ? reshape(ref::dropout(projected, kRate, c_.seed, salt++),
                      {c_.N, H, D})
            : q;
    return ref::graphAttentionAdditiveTrain(
               q, q, v, c_.csr, p.at(layer + ".att_src"),
               p.at(layer + ".att_dst"), 0.2, kRate, c_.seed, salt++)
        .value;
  }

  const Model &m_;
  const Case &c_;
  ref::Tensor xd_;
  std::vector<int64_t> labels_;
  std::vector<bool> mask_;
};

// ---- The kernel ------------------------------------------------------------

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

struct Step {
  float loss = std::numeric_limits<float>::quiet_NaN();
  std::map<std::string, std::vector<float>> grads;
};

// The transposed CSR the training entry takes: for source j, positions
// t_offsets[j] .. t_offsets[j+1] list the destinations i of the edges
// j -> i (ascending) and each edge's CSR position.
struct Transposed {
  std::vector<int64_t> offsets, destinations, edges;
};
Transposed transpose(const ref::Csr &g) {
  int64_t N = static_cast<int64_t>(g.rows.size()) - 1;
  int64_t E = static_cast<int64_t>(g.cols.size());
  Transposed t;
  t.offsets.assign(N + 1, 0);
  for (int64_t j : g.cols)
    ++t.offsets[j + 1];
  std::partial_sum(t.offsets.begin(), t.offsets.end(), t.offsets.begin());
  std::vector<int64_t> next(t.offsets.begin(), t.offsets.end() - 1);
  t.destinations.resize(E);
  t.edges.resize(E);
  for (int64_t i = 0; i < N; ++i)
    for (int64_t e = g.rows[i]; e < g.rows[i + 1]; ++e) {
      int64_t at = next[g.cols[e]]++;
      t.destinations[at] = i;
      t.edges[at] = e;
    }
  return t;
}

// The contents of input `name` as the call holds it (the transposed graph
// the runtime computed and bound, for instance), as int64.
std::vector<int64_t> boundInts(const Call &call, const std::string &name) {
  const attnc_entry_desc &entry = call.entry();
  for (int32_t a = 0; a < entry.num_args; ++a) {
    if (name != entry.args[a].name)
      continue;
    const halide_buffer_t *b = attnc_call_buffer(call.get(), a);
    if (!b) {
      ADD_FAILURE() << name << " is not bound";
      return {};
    }
    const int64_t *data = reinterpret_cast<const int64_t *>(b->host);
    return std::vector<int64_t>(data, data + b->dim[0].extent);
  }
  ADD_FAILURE() << "no argument " << name;
  return {};
}

// Binds every argument of the training entry but the transposed graph (the
// runtime computes it; setting it is refused); the outputs go to `step`.
// The call borrows `params`, `c` and `step`.
void bindStep(const Model &m, Params &params, Case &c, Call &call,
              Step &step) {
  auto check = [&](const std::string &name, Status s) {
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  };
  int64_t N = c.N, E = static_cast<int64_t>(c.csr.cols.size());
  if (m.input == Features::Csr) {
    int64_t nnz = static_cast<int64_t>(c.xCsr.cols.size());
    check("features.row_offsets",
          call.setArg("features.row_offsets", {N + 1}, c.xCsr.rows.data()));
    check("features.col_indices",
          call.setArg("features.col_indices", {nnz}, c.xCsr.cols.data()));
    check("features.values",
          call.setArg("features.values", {nnz}, c.xValues.data()));
  } else {
    check("features", call.setArg("features", {N, m.features}, c.x.data()));
  }
  for (auto &[name, p] : params)
    check(name, call.setArg(name, p.shape, p.values.data()));
  check("labels", call.setArg("labels", {N}, c.labels.data()));
  check("train_mask", call.setArg("train_mask", ATTNC_DTYPE_BOOL, {N},
                                   c.mask.data()));
  check("seed", call.setArg("seed", {1}, &c.seed));
  if (m.kind == Kind::Gat) {
    Transposed t = transpose(c.csr);
    check("graph.row_offsets",
          call.setArg("graph.row_offsets", {N + 1}, c.csr.rows.data()));
    check("graph.col_indices",
          call.setArg("graph.col_indices", {E}, c.csr.cols.data()));
    // The transposed graph is the runtime's to compute: a caller's is
    // refused, naming the forward graph.
    Status refused =
        call.setArg("graph.t_offsets", {N + 1}, t.offsets.data());
    EXPECT_EQ(refused.code(), ATTNC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(refused.message().find(
                  "the runtime computes this argument (part of the "
                  "transposed graph of input 'graph.row_offsets')"),
              std::string::npos)
        << refused.message();
  }
  check("loss", call.setArg("loss", {1}, &step.loss));
  for (auto &[name, p] : params) {
    auto &g = step.grads["grad." + name];
    g.assign(p.values.size(), std::numeric_limits<float>::quiet_NaN());
    check("grad." + name, call.setArg("grad." + name, p.shape, g.data()));
  }
  // Every argument of the entry is bound above, outputs included.
  const attnc_entry_desc &entry = call.entry();
  int32_t outputs = 0;
  for (int32_t a = 0; a < entry.num_args; ++a)
    outputs += entry.args[a].kind == ATTNC_ARG_OUTPUT;
  EXPECT_EQ(static_cast<size_t>(outputs), params.size() + 1);
}

// Runs the training entry once; every output starts as NaN so that an
// element it never writes fails.
Step runStep(const Model &m, Params &params, Case c) {
  Step step;
  auto call = Call::create(moduleAt(m.module), m.entry);
  if (!call) {
    ADD_FAILURE() << m.entry << ": " << call.status().message();
    return step;
  }
  bindStep(m, params, c, *call, step);
  Status s = call->execute();
  EXPECT_TRUE(s.ok()) << s.message();
  // The transposed graph the runtime computed and bound is the one the
  // training step used to take from its caller (this test's reference).
  if (m.kind == Kind::Gat) {
    Transposed t = transpose(c.csr);
    EXPECT_EQ(boundInts(*call, "graph.t_offsets"), t.offsets);
    EXPECT_EQ(boundInts(*call, "graph.t_destinations"), t.destinations);
    EXPECT_EQ(boundInts(*call, "graph.t_edges"), t.edges);
  }
  return step;
}

// ---- The checks ------------------------------------------------------------

// One parameter's gradient against central differences of the reference
// loss. The first layer's weight has, per column f whose dropped features
// xd[:, f] are all zero (most of gat-cora's 1433), an exactly constant loss:
// those entries' difference is exactly 0 without evaluating it, and the
// kernel's must be exactly 0 too. Of the others, all or a random sample.
//
// Kinks: ELU (alpha 1) is C^1, so a central difference across 0 is off by
// O(eps) only. LeakyReLU on the attention logits has a kink at 0, where a
// difference across it would be wrong; a logit lies within eps * |dz/dp| ~
// 1e-6 of 0 with probability ~1e-6 each, and the fp32 kernel could put one
// within ~1e-7 of 0 on the other side, so with ~1e4 logits per case no
// sample point is expected near a kink. The seeds are fixed, so a failure
// here is worth a look, not a retry.
struct Checked {
  std::string name;
  int64_t fd = 0, zeros = 0;
  bool sampled = false;
  double maxFd = 0, maxErr = 0;
  int64_t worst = -1;
  float worstKernel = 0;
  double worstFd = 0;
};

Checked checkGradient(const Model &m, const Case &c, const Reference &ref,
                      const RefParams &p, const ref::Tensor &s1,
                      const std::string &name, const std::vector<float> &g,
                      Rng &rng) {
  SCOPED_TRACE("grad." + name);
  const ref::Tensor &w = p.at(name);
  Checked r;
  r.name = name;
  if (static_cast<int64_t>(g.size()) != w.numel()) {
    ADD_FAILURE() << g.size() << " gradient entries for " << w.numel();
    return r;
  }
  bool first = name == m.first() + ".weight";
  int64_t F = m.features, O = first ? w.shape[0] : 0;
  std::vector<int64_t> live;
  int64_t zeros = 0;
  double maxFd = 0, maxErr = 0;
  int64_t worst = -1;
  double worstFd = 0;
  std::vector<bool> liveColumn(F, !first);
  if (first)
    for (int64_t n = 0; n < c.N; ++n)
      for (int64_t f = 0; f < F; ++f)
        liveColumn[f] = liveColumn[f] || ref.droppedFeatures().data[n * F + f];
  for (int64_t k = 0; k < w.numel(); ++k) {
    if (!std::isfinite(g[k])) {
      ADD_FAILURE() << "entry " << k << " is " << g[k];
      return r;
    }
    if (!first || liveColumn[k % F]) {
      live.push_back(k);
    } else {
      ++zeros;
      EXPECT_EQ(g[k], 0.0f) << "entry " << k << " (input column " << k % F
                            << " is all dropped or zero)";
      if (std::abs(g[k]) > maxErr) {
        maxErr = std::abs(g[k]);
        worst = k;
        worstFd = 0;
      }
    }
  }
  int64_t liveCount = static_cast<int64_t>(live.size());
  if (liveCount > kFullLimit) {
    std::shuffle(live.begin(), live.end(), rng);
    live.resize(kSample);
  }
  RefParams q = p;
  double *entry = q.at(name).data.data();
  bool crossChecked = false;
  for (int64_t k : live) {
    double lp, lm;
    if (first) {
      // s1[:, o] +- eps * xd[:, f]; once per case against the full product.
      int64_t o = k / F, f = k % F;
      auto shifted = [&](double d) {
        ref::Tensor s = s1;
        for (int64_t n = 0; n < c.N; ++n)
          s.data[n * O + o] += d * ref.droppedFeatures().data[n * F + f];
        return ref.rest(p, s);
      };
      lp = shifted(kEps);
      lm = shifted(-kEps);
      if (!crossChecked) {
        double saved = entry[k];
        entry[k] = saved + kEps;
        double full = ref.loss(q);
        entry[k] = saved;
        EXPECT_NEAR(full, lp, 1e-12 * std::max(1.0, std::abs(full)));
        crossChecked = true;
      }
    } else {
      double saved = entry[k];
      entry[k] = saved + kEps;
      lp = ref.rest(q, s1);
      entry[k] = saved - kEps;
      lm = ref.rest(q, s1);
      entry[k] = saved;
    }
    double fd = (lp - lm) / (2 * kEps);
    maxFd = std::max(maxFd, std::abs(fd));
    if (std::abs(g[k] - fd) > maxErr) {
      maxErr = std::abs(g[k] - fd);
      worst = k;
      worstFd = fd;
    }
  }
  r.fd = static_cast<int64_t>(live.size());
  r.sampled = r.fd < liveCount;
  r.zeros = zeros;
  r.maxFd = maxFd;
  r.maxErr = maxErr;
  r.worst = worst;
  r.worstKernel = worst >= 0 ? g[worst] : 0.0f;
  r.worstFd = worstFd;
  return r;
}

// Normwise per parameter, max |g - fd| / max |fd|, except that the
// denominator is at least kFloor times the largest |fd| of the whole
// model: a parameter whose true gradient is 0 at this point gets fp32
// rounding noise from the kernel (~1e-6), which is no error. That happens
// to gat-cora's gat2.att_dst (one head) on the N = 7 graph, where the loss
// is exactly constant in it: a_dst . x'_i is a per-row constant that the
// softmax cancels unless the row's logits straddle LeakyReLU's kink, and
// of the four training rows one is isolated, one has a single edge, one
// has all its logits negative, and the fourth, whose logits straddle the
// kink, has every coefficient dropped (attention dropout, salt 4).
constexpr double kFloor = 1e-2;

void judge(const std::vector<Checked> &all) {
  double scale = 0;
  for (const Checked &r : all)
    scale = std::max(scale, r.maxFd);
  ASSERT_GT(scale, 0) << "the loss depends on no parameter";
  for (const Checked &r : all) {
    double err = r.maxErr / std::max(r.maxFd, kFloor * scale);
    std::printf("  %-14s %6lld by finite differences%s (+%lld exact zeros), "
                "max |fd| %.3g, normwise error %.2e\n",
                r.name.c_str(), static_cast<long long>(r.fd),
                r.sampled ? " (sample)" : "", static_cast<long long>(r.zeros),
                r.maxFd, err);
    EXPECT_LE(err, kGradTolerance)
        << "grad." << r.name << ": worst entry " << r.worst << ": kernel "
        << r.worstKernel << " vs finite difference " << r.worstFd
        << ", max |fd| " << r.maxFd << " (model " << scale << ")";
  }
}

void checkModel(const Model &m, int64_t N) {
  Case c = randomCase(m, N);
  SCOPED_TRACE(c.what);
  std::printf("%s (E=%zu, %d of %lld nodes in the loss)\n", c.what.c_str(),
              c.csr.cols.size(),
              static_cast<int>(std::count(c.mask.begin(), c.mask.end(), 1)),
              static_cast<long long>(N));
  auto call = Call::create(moduleAt(m.module), m.entry);
  ASSERT_TRUE(call.ok()) << call.status().message();
  Params params = randomParams(m, call->entry());
  ASSERT_FALSE(params.empty());
  Step step = runStep(m, params, c);

  RefParams p = toRef(params);
  Reference ref(m, c);
  ref::Tensor s1 = ref.firstProduct(p);
  double loss = ref.rest(p, s1);
  ASSERT_TRUE(std::isfinite(step.loss));
  double lossErr = std::abs(step.loss - loss) / std::abs(loss);
  std::printf("  loss %.9g (reference %.12g), relative error %.2e\n",
              static_cast<double>(step.loss), loss, lossErr);
  EXPECT_LE(lossErr, kLossTolerance)
      << "kernel loss " << step.loss << " vs reference " << loss;

  Rng rng(seedFor(c.what + " sample"));
  std::vector<Checked> checked;
  for (const auto &[name, values] : params)
    checked.push_back(
        checkGradient(m, c, ref, p, s1, name, step.grads.at("grad." + name),
                      rng));
  judge(checked);
}

// No node in the loss: the loss is 0 (not 0/0) and so is every gradient.
void checkEmptyMask(const Model &m, int64_t N) {
  Case c = randomCase(m, N);
  std::fill(c.mask.begin(), c.mask.end(), 0);
  std::fill(c.labels.begin(), c.labels.end(), -1);
  SCOPED_TRACE(c.what + ", empty train_mask");
  auto call = Call::create(moduleAt(m.module), m.entry);
  ASSERT_TRUE(call.ok()) << call.status().message();
  Params params = randomParams(m, call->entry());
  Step step = runStep(m, params, c);
  EXPECT_EQ(step.loss, 0.0f);
  EXPECT_EQ(Reference(m, c).loss(toRef(params)), 0.0);
  for (const auto &[name, g] : step.grads) {
    int64_t bad = 0;
    for (float v : g)
      bad += !(v == 0.0f);
    EXPECT_EQ(bad, 0) << name << ": " << bad << " of " << g.size()
                      << " entries are not 0";
  }
}

TEST(TrainStepMlp, GradientsN7) { checkModel(kMlp, 7); }
TEST(TrainStepMlp, GradientsN129) { checkModel(kMlp, 129); }
TEST(TrainStepMlp, EmptyTrainMask) { checkEmptyMask(kMlp, 129); }

TEST(TrainStepGatSmall, GradientsN7) { checkModel(kGatSmall, 7); }
TEST(TrainStepGatSmall, GradientsN129) { checkModel(kGatSmall, 129); }
TEST(TrainStepGatSmall, EmptyTrainMask) { checkEmptyMask(kGatSmall, 129); }

TEST(TrainStepGatSmallFeatureDropout, GradientsN7) {
  checkModel(kGatSmallFd, 7);
}
TEST(TrainStepGatSmallFeatureDropout, GradientsN129) {
  checkModel(kGatSmallFd, 129);
}
TEST(TrainStepGatSmallFeatureDropout, EmptyTrainMask) {
  checkEmptyMask(kGatSmallFd, 129);
}

TEST(TrainStepGatSmallCsr, GradientsN7) { checkModel(kGatSmallCsr, 7); }
TEST(TrainStepGatSmallCsr, GradientsN129) { checkModel(kGatSmallCsr, 129); }
TEST(TrainStepGatSmallCsr, EmptyTrainMask) {
  checkEmptyMask(kGatSmallCsr, 129);
}

TEST(TrainStepGatCora, GradientsN7) { checkModel(kGatCora, 7); }
TEST(TrainStepGatCora, GradientsN129) { checkModel(kGatCora, 129); }
TEST(TrainStepGatCora, EmptyTrainMask) { checkEmptyMask(kGatCora, 129); }

// The seed reaches every mask: the loss at seeds that differ only in the
// low or only in the high 32 bits differs, and matches the reference at
// each.
TEST(TrainStepGatCora, LossFollowsTheSeed) {
  Case c = randomCase(kGatCora, 129);
  SCOPED_TRACE(c.what);
  auto call = Call::create(moduleAt(kGatCora.module), kGatCora.entry);
  ASSERT_TRUE(call.ok()) << call.status().message();
  Params params = randomParams(kGatCora, call->entry());
  RefParams p = toRef(params);
  std::vector<float> losses;
  int64_t base = c.seed;
  for (int64_t seed : {base, base ^ 1, base ^ (int64_t{1} << 40)}) {
    c.seed = seed;
    Step step = runStep(kGatCora, params, c);
    double loss = Reference(kGatCora, c).loss(p);
    EXPECT_LE(std::abs(step.loss - loss), kLossTolerance * std::abs(loss))
        << "seed " << seed << ": kernel " << step.loss << " vs reference "
        << loss;
    losses.push_back(step.loss);
  }
  EXPECT_NE(losses[0], losses[1]);
  EXPECT_NE(losses[0], losses[2]);
  EXPECT_NE(losses[1], losses[2]);
}

// The runtime computes the transposed graph again when, and only when, the
// graph was set again since the last call (a graph changed in place and not
// set again keeps the old transpose, as documented).
TEST(TrainStepGatSmall, TransposedGraphFollowsTheGraph) {
  Case c = randomCase(kGatSmall, 31);
  SCOPED_TRACE(c.what);
  auto call = Call::create(moduleAt(kGatSmall.module), kGatSmall.entry);
  ASSERT_TRUE(call.ok()) << call.status().message();
  Params params = randomParams(kGatSmall, call->entry());
  Step step;
  bindStep(kGatSmall, params, c, *call, step);
  ASSERT_TRUE(call->execute().ok());
  Transposed before = transpose(c.csr);
  EXPECT_EQ(boundInts(*call, "graph.t_edges"), before.edges);
  // Every edge gets another source (a permutation, N = 31 being prime): a
  // valid graph with another transpose.
  for (int64_t &j : c.csr.cols)
    j = (2 * j + 1) % c.N;
  Transposed after = transpose(c.csr);
  ASSERT_NE(before.edges, after.edges);
  ASSERT_TRUE(call->execute().ok());
  EXPECT_EQ(boundInts(*call, "graph.t_edges"), before.edges);
  int64_t E = static_cast<int64_t>(c.csr.cols.size());
  ASSERT_TRUE(call->setArg("graph.col_indices", {E}, c.csr.cols.data()).ok());
  ASSERT_TRUE(call->execute().ok());
  EXPECT_EQ(boundInts(*call, "graph.t_offsets"), after.offsets);
  EXPECT_EQ(boundInts(*call, "graph.t_destinations"), after.destinations);
  EXPECT_EQ(boundInts(*call, "graph.t_edges"), after.edges);
  // A graph the runtime cannot transpose is refused naming it.
  c.csr.cols[0] = c.N + 5;
  ASSERT_TRUE(call->setArg("graph.col_indices", {E}, c.csr.cols.data()).ok());
  Status bad = call->execute();
  EXPECT_EQ(bad.code(), ATTNC_ERROR_VALIDATION);
  EXPECT_NE(bad.message().find("input 'graph.row_offsets': cannot compute its "
                               "transposed graph: CSR column index at "
                               "position 0 is " +
                               std::to_string(c.N + 5)),
            std::string::npos)
      << bad.message();
}

} // namespace
} // namespace attnc::train_step_tests
