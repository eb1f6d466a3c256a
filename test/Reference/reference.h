// A float64 reference for every attn op, written from the op descriptions in
// dialects/attn/IR/AttnOps.td and nothing else: plain loops over logical
// (outermost-first) indices, no tiling, no Halide, no compiler headers. It is
// deliberately naive so that it shares no structure, and so no bug, with the
// kernels it checks.
#ifndef ATTNC_TEST_REFERENCE_REFERENCE_H
#define ATTNC_TEST_REFERENCE_REFERENCE_H

#include <cstdint>
#include <optional>
#include <vector>

namespace attnc::ref {

// A dense C-order tensor of doubles; integer and boolean tensors are held as
// doubles too (exact for every value the tests use).
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> shape);
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t numel() const;
  // Element at a full index, outermost first.
  double &at(const std::vector<int64_t> &index);
  double at(const std::vector<int64_t> &index) const;
};

// An op's result plus, per element, whether it must be exactly 0 because its
// softmax row had no allowed key (masked query, isolated node).
struct Output {
  Tensor value;
  std::vector<bool> empty;
};

// The masks of attn.attention / attn.softmax. Pointers are borrowed.
struct Masks {
  bool causal = false;
  std::optional<int64_t> windowLeft, windowRight; // both or neither
  const std::vector<int64_t> *keyLengths = nullptr;
  const Tensor *mask = nullptr; // nonzero = allowed; broadcasts to logits
  const Tensor *bias = nullptr; // broadcasts to logits
};

// q [B,Hq,Sq,D], k [B,Hkv,Sk,D], v [B,Hkv,Sk,Dv] -> [B,Hq,Sq,Dv].
Output attention(const Tensor &q, const Tensor &k, const Tensor &v,
                 double scale, const Masks &masks);

// The decomposed ops.
Tensor score(const Tensor &q, const Tensor &k, double scale);
Output softmax(const Tensor &logits, const Masks &masks);
Tensor weightedSum(const Tensor &probs, const Tensor &v);

// CSR graph: neighbours of i are cols[rows[i] .. rows[i+1]).
struct Csr {
  std::vector<int64_t> rows, cols;
};

// q, k [N,H,D], v [N,H,Dv] -> [N,H,Dv], dot-product scores times `scale`.
Output graphAttentionDot(const Tensor &q, const Tensor &k, const Tensor &v,
                         const Csr &g, double scale);
// GAT additive scores: LeakyReLU(a_dst . q_i + a_src . k_j); a_* are [H,D].
Output graphAttentionAdditive(const Tensor &q, const Tensor &k,
                              const Tensor &v, const Csr &g,
                              const Tensor &aSrc, const Tensor &aDst,
                              double negativeSlope);

// x [..., In], w [Out, In], optional b [Out] -> [..., Out].
Tensor linear(const Tensor &x, const Tensor &w, const Tensor *b);
// [B,S,H*D] -> [B,H,S,D].
Tensor splitHeads(const Tensor &x, int64_t heads);
// [B,H,S,D] -> [B,S,H*D].
Tensor mergeHeads(const Tensor &x);
// [B,H,S,D] -> [B,S,D] or [N,H,D] -> [N,D]: mean over heads.
Tensor meanHeads(const Tensor &x);

// The layers around attention; each written from its op description.
Tensor embedding(const Tensor &table, const std::vector<int64_t> &ids,
                 const std::vector<int64_t> &idShape);
Tensor positionalSinusoidal(const Tensor &x);           // x [B, S, E]
Tensor positionalLearned(const Tensor &x, const Tensor &table);
Tensor add(const Tensor &lhs, const Tensor &rhs);        // rhs broadcasts
Tensor layerNorm(const Tensor &x, const Tensor &gamma, const Tensor &beta,
                 double epsilon);
/// Gelu is the tanh approximation, GeluErf the exact x Phi(x).
enum class Activation { Relu, Gelu, Elu, GeluErf };
Tensor activation(const Tensor &x, Activation kind);
Tensor logSoftmax(const Tensor &x);
/// [B, S, D] -> [B, D]: the mean over the first lengths[b] positions
/// (clamped to [0, S]; all S when `lengths` is empty), 0 for length 0.
Tensor meanPool(const Tensor &x, const std::vector<int64_t> &lengths);
// attn.pool: x [B,S,D], mask [B,S] or null (nonzero keeps) -> [B,D]; mean
// or max over the kept positions (0 when none), or x[b, 0, :].
enum class Pool { Mean, First, Max };
Tensor pool(const Tensor &x, Pool kind, const Tensor *mask);
// attn.l2_normalize: x / max(||x|| over the last dim, eps).
Tensor l2Normalize(const Tensor &x, double eps);

// Training (docs/training.md).

// attnc's counter-based dropout mask, with 32-bit unsigned arithmetic:
// fmix is murmur3's finaliser, key = fmix(lo32(seed) ^ fmix(hi32(seed) ^
// fmix(lo32(salt) + 0x9E3779B9))), u = fmix(key + n * 0x9E3779B9) for
// counter n, and element n is kept iff (u >> 8) * 2^-24 >= rate.
uint32_t dropoutFmix(uint32_t h);
uint32_t dropoutKey(int64_t seed, int64_t salt);
bool dropoutKeep(uint32_t key, double rate, uint32_t counter);
// attn.dropout with a seed: element n (row-major) kept and scaled by
// 1 / (1 - rate), else 0.
Tensor dropout(const Tensor &x, double rate, int64_t seed, int64_t salt);

// GAT (as graphAttentionAdditive) with attention dropout: the coefficient
// p[i,h,j] of CSR edge e is kept like dropout element e * H + h and scaled
// by 1 / (1 - rate); the softmax's normalisation is of the undropped p.
// rate 0 is no dropout.
Output graphAttentionAdditiveTrain(const Tensor &q, const Tensor &k,
                                   const Tensor &v, const Csr &g,
                                   const Tensor &aSrc, const Tensor &aDst,
                                   double negativeSlope, double rate,
                                   int64_t seed, int64_t salt);

// Mean negative log-likelihood over the rows with mask[n]; 0 when none.
// logp [N, C]; labels of rows masked out are never read.
double nllLoss(const Tensor &logp, const std::vector<int64_t> &labels,
               const std::vector<bool> &mask);

} // namespace attnc::ref

#endif // ATTNC_TEST_REFERENCE_REFERENCE_H
