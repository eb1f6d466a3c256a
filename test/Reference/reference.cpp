// Float64 reference for the attn ops; see reference.h. Inner loops index
// flat arrays through small offset helpers (not Tensor::at) only so that the
// S = 2048 cases take a second, not a minute.
#include "test/Reference/reference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace attnc::ref {

Tensor::Tensor(std::vector<int64_t> s) : shape(std::move(s)) {
  data.assign(static_cast<size_t>(numel()), 0.0);
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

void require(bool ok, const std::string &what) {
  if (!ok)
    throw std::invalid_argument("reference: " + what);
}

int64_t offsetOf(const std::vector<int64_t> &shape,
                 const std::vector<int64_t> &index) {
  require(index.size() == shape.size(), "index rank");
  int64_t off = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    require(index[d] >= 0 && index[d] < shape[d], "index out of range");
    off = off * shape[d] + index[d];
  }
  return off;
}

// Offset of [a, b, c, 0] in a rank-4 tensor.
int64_t row4(const Tensor &t, int64_t a, int64_t b, int64_t c) {
  return ((a * t.shape[1] + b) * t.shape[2] + c) * t.shape[3];
}

// NumPy broadcasting of `t` against the logits [B, H, Sq, Sk]: align the
// trailing dims; a dim of extent 1 always reads index 0.
double broadcastAt(const Tensor &t, int64_t b, int64_t h, int64_t i,
                   int64_t j) {
  const int64_t full[4] = {b, h, i, j};
  int64_t r = t.rank();
  require(r <= 4, "mask/bias rank > 4");
  int64_t off = 0;
  for (int64_t d = 0; d < r; ++d) {
    int64_t idx = t.shape[d] == 1 ? 0 : full[4 - r + d];
    off = off * t.shape[d] + idx;
  }
  return t.data[off];
}

bool allowed(const Masks &m, int64_t b, int64_t h, int64_t i, int64_t j) {
  if (m.causal && j > i)
    return false;
  if (m.windowLeft && (j < i - *m.windowLeft || j > i + *m.windowRight))
    return false;
  if (m.keyLengths && j >= (*m.keyLengths)[b])
    return false;
  if (m.mask && broadcastAt(*m.mask, b, h, i, j) == 0.0)
    return false;
  return true;
}

// Softmax of logits `s` over the keys with `ok[j]`; all 0 when none is.
// Returns whether the row was empty.
bool softmaxRow(std::vector<double> &s, const std::vector<bool> &ok) {
  double m = -INFINITY;
  for (size_t j = 0; j < s.size(); ++j)
    if (ok[j])
      m = std::max(m, s[j]);
  if (m == -INFINITY) {
    s.assign(s.size(), 0.0);
    return true;
  }
  double sum = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    s[j] = ok[j] ? std::exp(s[j] - m) : 0.0;
    sum += s[j];
  }
  for (double &x : s)
    x /= sum;
  return false;
}

void checkLogits(const Tensor &logits, const Masks &m) {
  require(logits.rank() == 4, "logits rank");
  if (m.keyLengths)
    require(static_cast<int64_t>(m.keyLengths->size()) == logits.shape[0],
            "key_lengths size");
  for (const Tensor *t : {m.mask, m.bias}) {
    if (!t)
      continue;
    for (int64_t d = 0; d < t->rank(); ++d) {
      int64_t e = t->shape[t->rank() - 1 - d], full = logits.shape[3 - d];
      require(e == 1 || e == full, "mask/bias does not broadcast");
    }
  }
}

} // namespace

double &Tensor::at(const std::vector<int64_t> &index) {
  return data[offsetOf(shape, index)];
}
double Tensor::at(const std::vector<int64_t> &index) const {
  return data[offsetOf(shape, index)];
}

Tensor score(const Tensor &q, const Tensor &k, double scale) {
  require(q.rank() == 4 && k.rank() == 4, "score ranks");
  int64_t B = q.shape[0], Hq = q.shape[1], Sq = q.shape[2], D = q.shape[3];
  int64_t Hkv = k.shape[1], Sk = k.shape[2];
  require(k.shape[0] == B && k.shape[3] == D && Hq % Hkv == 0, "score shapes");
  Tensor s({B, Hq, Sq, Sk});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      int64_t hk = h / (Hq / Hkv);
      for (int64_t i = 0; i < Sq; ++i)
        for (int64_t j = 0; j < Sk; ++j) {
          const double *qi = &q.data[row4(q, b, h, i)];
          const double *kj = &k.data[row4(k, b, hk, j)];
          double dot = 0;
          for (int64_t d = 0; d < D; ++d)
            dot += qi[d] * kj[d];
          s.data[row4(s, b, h, i) + j] = scale * dot;
        }
    }
  return s;
}

Output softmax(const Tensor &logits, const Masks &m) {
  checkLogits(logits, m);
  int64_t B = logits.shape[0], H = logits.shape[1], Sq = logits.shape[2],
          Sk = logits.shape[3];
  Output out{Tensor(logits.shape),
             std::vector<bool>(static_cast<size_t>(logits.numel()), false)};
  std::vector<double> row(Sk);
  std::vector<bool> ok(Sk);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < Sq; ++i) {
        int64_t base = row4(logits, b, h, i);
        for (int64_t j = 0; j < Sk; ++j) {
          row[j] = logits.data[base + j] +
                   (m.bias ? broadcastAt(*m.bias, b, h, i, j) : 0.0);
          ok[j] = allowed(m, b, h, i, j);
        }
        bool empty = softmaxRow(row, ok);
        for (int64_t j = 0; j < Sk; ++j) {
          out.value.data[base + j] = row[j];
          // Masked entries of any row are exactly 0 too.
          out.empty[base + j] = empty || !ok[j];
        }
      }
  return out;
}

Tensor weightedSum(const Tensor &p, const Tensor &v) {
  require(p.rank() == 4 && v.rank() == 4, "weighted_sum ranks");
  int64_t B = p.shape[0], Hq = p.shape[1], Sq = p.shape[2], Sk = p.shape[3];
  int64_t Hkv = v.shape[1], Dv = v.shape[3];
  require(v.shape[0] == B && v.shape[2] == Sk && Hq % Hkv == 0,
          "weighted_sum shapes");
  Tensor out({B, Hq, Sq, Dv});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      int64_t hk = h / (Hq / Hkv);
      for (int64_t i = 0; i < Sq; ++i)
        for (int64_t j = 0; j < Sk; ++j) {
          double pj = p.data[row4(p, b, h, i) + j];
          for (int64_t e = 0; e < Dv; ++e)
            out.data[row4(out, b, h, i) + e] +=
                pj * v.data[row4(v, b, hk, j) + e];
        }
    }
  return out;
}

Output attention(const Tensor &q, const Tensor &k, const Tensor &v,
                 double scale, const Masks &masks) {
  require(v.rank() == 4 && v.shape[2] == k.shape[2] &&
              v.shape[1] == k.shape[1],
          "attention value shape");
  // Spelled out as the op's definition: logits, masked softmax, P V.
  Output p = softmax(score(q, k, scale), masks);
  Tensor o = weightedSum(p.value, v);
  int64_t B = o.shape[0], H = o.shape[1], Sq = o.shape[2], Dv = o.shape[3],
          Sk = k.shape[2];
  Output out{o, std::vector<bool>(static_cast<size_t>(o.numel()), false)};
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < Sq; ++i) {
        bool empty = true;
        for (int64_t j = 0; j < Sk; ++j)
          empty = empty && allowed(masks, b, h, i, j) == false;
        for (int64_t e = 0; e < Dv; ++e)
          out.empty[row4(o, b, h, i) + e] = empty;
      }
  return out;
}

namespace {

// Shared by both graph scores: softmax over each node's edges (duplicates
// count once per occurrence), then the weighted sum of v.
template <typename ScoreFn>
Output graphAttention(const Tensor &v, const Csr &g, int64_t N, int64_t H,
                      ScoreFn scoreOf) {
  require(v.rank() == 3 && v.shape[0] == N && v.shape[1] == H, "v shape");
  require(static_cast<int64_t>(g.rows.size()) == N + 1, "row_offsets size");
  int64_t Dv = v.shape[2];
  Tensor out({N, H, Dv});
  Output result{out, std::vector<bool>(static_cast<size_t>(out.numel()))};
  for (int64_t i = 0; i < N; ++i)
    for (int64_t h = 0; h < H; ++h) {
      int64_t begin = g.rows[i], end = g.rows[i + 1];
      std::vector<double> s;
      for (int64_t x = begin; x < end; ++x)
        s.push_back(scoreOf(i, h, g.cols[x]));
      std::vector<bool> ok(s.size(), true);
      bool empty = softmaxRow(s, ok);
      for (int64_t e = 0; e < Dv; ++e) {
        double acc = 0;
        for (int64_t x = begin; x < end; ++x)
          acc += s[x - begin] * v.at({g.cols[x], h, e});
        result.value.at({i, h, e}) = acc;
        result.empty[offsetOf(out.shape, {i, h, e})] = empty;
      }
    }
  return result;
}

double dotRow(const Tensor &a, int64_t n, int64_t h, const Tensor &b,
              int64_t m, int64_t hb) {
  double s = 0;
  for (int64_t d = 0; d < a.shape.back(); ++d)
    s += a.at({n, h, d}) * b.at({m, hb, d});
  return s;
}

} // namespace

Output graphAttentionDot(const Tensor &q, const Tensor &k, const Tensor &v,
                         const Csr &g, double scale) {
  require(q.rank() == 3 && q.shape == k.shape, "q/k shapes");
  return graphAttention(v, g, q.shape[0], q.shape[1],
                        [&](int64_t i, int64_t h, int64_t j) {
                          return scale * dotRow(q, i, h, k, j, h);
                        });
}

Output graphAttentionAdditive(const Tensor &q, const Tensor &k,
                              const Tensor &v, const Csr &g,
                              const Tensor &aSrc, const Tensor &aDst,
                              double negativeSlope) {
  require(q.rank() == 3 && q.shape == k.shape, "q/k shapes");
  int64_t H = q.shape[1], D = q.shape[2];
  require(aSrc.shape == std::vector<int64_t>{H, D} && aDst.shape == aSrc.shape,
          "attention vector shapes");
  return graphAttention(v, g, q.shape[0], H,
                        [&](int64_t i, int64_t h, int64_t j) {
                          double z = 0;
                          for (int64_t d = 0; d < D; ++d)
                            z += aDst.at({h, d}) * q.at({i, h, d}) +
                                 aSrc.at({h, d}) * k.at({j, h, d});
                          return z > 0 ? z : negativeSlope * z;
                        });
}

Tensor linear(const Tensor &x, const Tensor &w, const Tensor *b) {
  int64_t In = x.shape.back(), Out = w.shape[0];
  require(w.rank() == 2 && w.shape[1] == In, "linear weight shape");
  std::vector<int64_t> shape = x.shape;
  shape.back() = Out;
  Tensor y(shape);
  int64_t rows = x.numel() / In;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < Out; ++o) {
      double s = b ? b->data[o] : 0.0;
      for (int64_t c = 0; c < In; ++c)
        s += x.data[r * In + c] * w.data[o * In + c];
      y.data[r * Out + o] = s;
    }
  return y;
}

Tensor splitHeads(const Tensor &x, int64_t heads) {
  require(x.rank() == 3 && x.shape[2] % heads == 0, "split_heads shape");
  int64_t B = x.shape[0], S = x.shape[1], D = x.shape[2] / heads;
  Tensor y({B, heads, S, D});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t s = 0; s < S; ++s)
        for (int64_t d = 0; d < D; ++d)
          y.at({b, h, s, d}) = x.at({b, s, h * D + d});
  return y;
}

Tensor mergeHeads(const Tensor &x) {
  require(x.rank() == 4, "merge_heads rank");
  int64_t B = x.shape[0], H = x.shape[1], S = x.shape[2], D = x.shape[3];
  Tensor y({B, S, H * D});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t s = 0; s < S; ++s)
        for (int64_t d = 0; d < D; ++d)
          y.at({b, s, h * D + d}) = x.at({b, h, s, d});
  return y;
}

Tensor meanHeads(const Tensor &x) {
  if (x.rank() == 3) { // [N, H, D]
    int64_t N = x.shape[0], H = x.shape[1], D = x.shape[2];
    Tensor y({N, D});
    for (int64_t n = 0; n < N; ++n)
      for (int64_t d = 0; d < D; ++d) {
        for (int64_t h = 0; h < H; ++h)
          y.at({n, d}) += x.at({n, h, d});
        y.at({n, d}) /= static_cast<double>(H);
      }
    return y;
  }
  require(x.rank() == 4, "merge_heads mean rank");
  int64_t B = x.shape[0], H = x.shape[1], S = x.shape[2], D = x.shape[3];
  Tensor y({B, S, D});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t d = 0; d < D; ++d) {
        for (int64_t h = 0; h < H; ++h)
          y.at({b, s, d}) += x.at({b, h, s, d});
        y.at({b, s, d}) /= static_cast<double>(H);
      }
  return y;
}

Tensor embedding(const Tensor &table, const std::vector<int64_t> &ids,
                 const std::vector<int64_t> &idShape) {
  int64_t E = table.shape[1];
  std::vector<int64_t> shape = idShape;
  shape.push_back(E);
  Tensor out(shape);
  for (size_t n = 0; n < ids.size(); ++n)
    for (int64_t e = 0; e < E; ++e)
      out.data[n * E + e] = table.data[ids[n] * E + e];
  return out;
}

Tensor positionalSinusoidal(const Tensor &x) {
  int64_t B = x.shape[0], S = x.shape[1], E = x.shape[2];
  Tensor out = x;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t e = 0; e < E; ++e) {
        double freq = std::pow(10000.0, -double(e - e % 2) / double(E));
        double angle = double(s) * freq;
        out.at({b, s, e}) += e % 2 == 0 ? std::sin(angle) : std::cos(angle);
      }
  return out;
}

Tensor positionalLearned(const Tensor &x, const Tensor &table) {
  Tensor out = x;
  for (int64_t b = 0; b < x.shape[0]; ++b)
    for (int64_t s = 0; s < x.shape[1]; ++s)
      for (int64_t e = 0; e < x.shape[2]; ++e)
        out.at({b, s, e}) += table.at({s, e});
  return out;
}

Tensor add(const Tensor &lhs, const Tensor &rhs) {
  Tensor out = lhs;
  std::vector<int64_t> idx(lhs.shape.size(), 0), ridx(rhs.shape.size());
  size_t offset = lhs.shape.size() - rhs.shape.size();
  for (int64_t n = 0; n < lhs.numel(); ++n) {
    int64_t rest = n;
    for (size_t d = lhs.shape.size(); d-- > 0;) {
      idx[d] = rest % lhs.shape[d];
      rest /= lhs.shape[d];
    }
    for (size_t d = 0; d < rhs.shape.size(); ++d)
      ridx[d] = rhs.shape[d] == 1 ? 0 : idx[d + offset];
    out.data[n] += rhs.at(ridx);
  }
  return out;
}

Tensor layerNorm(const Tensor &x, const Tensor &gamma, const Tensor &beta,
                 double epsilon) {
  int64_t E = x.shape.back(), rows = x.numel() / E;
  Tensor out = x;
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = x.data.data() + r * E;
    double mean = 0, var = 0;
    for (int64_t e = 0; e < E; ++e)
      mean += row[e];
    mean /= double(E);
    for (int64_t e = 0; e < E; ++e)
      var += (row[e] - mean) * (row[e] - mean);
    var /= double(E);
    for (int64_t e = 0; e < E; ++e)
      out.data[r * E + e] = (row[e] - mean) / std::sqrt(var + epsilon) *
                                gamma.data[e] +
                            beta.data[e];
  }
  return out;
}

Tensor activation(const Tensor &x, Activation kind) {
  Tensor out = x;
  for (double &v : out.data) {
    switch (kind) {
    case Activation::Relu:
      v = v > 0 ? v : 0;
      break;
    case Activation::Gelu:
      v = 0.5 * v *
          (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
      break;
    case Activation::Elu:
      v = v > 0 ? v : std::expm1(v);
      break;
    case Activation::GeluErf:
      v = 0.5 * v * std::erfc(-v / std::sqrt(2.0));
      break;
    }
  }
  return out;
}

Tensor meanPool(const Tensor &x, const std::vector<int64_t> &lengths) {
  int64_t B = x.shape[0], S = x.shape[1], D = x.shape[2];
  Tensor out;
  out.shape = {B, D};
  out.data.assign(static_cast<size_t>(B * D), 0.0);
  for (int64_t b = 0; b < B; ++b) {
    int64_t L = lengths.empty() ? S : std::clamp<int64_t>(lengths[b], 0, S);
    for (int64_t s = 0; s < L; ++s)
      for (int64_t d = 0; d < D; ++d)
        out.data[b * D + d] += x.data[(b * S + s) * D + d];
    for (int64_t d = 0; L > 0 && d < D; ++d)
      out.data[b * D + d] /= static_cast<double>(L);
  }
  return out;
}

Tensor pool(const Tensor &x, Pool kind, const Tensor *mask) {
  int64_t B = x.shape[0], S = x.shape[1], D = x.shape[2];
  Tensor out({B, D});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t d = 0; d < D; ++d) {
      if (kind == Pool::First) {
        out.at({b, d}) = x.at({b, 0, d});
        continue;
      }
      double acc = kind == Pool::Mean ? 0.0 : -INFINITY;
      int64_t kept = 0;
      for (int64_t s = 0; s < S; ++s) {
        if (mask && mask->at({b, s}) == 0)
          continue;
        ++kept;
        double v = x.at({b, s, d});
        acc = kind == Pool::Mean ? acc + v : std::max(acc, v);
      }
      out.at({b, d}) = kept == 0 ? 0.0
                       : kind == Pool::Mean ? acc / static_cast<double>(kept)
                                            : acc;
    }
  return out;
}

Tensor l2Normalize(const Tensor &x, double eps) {
  int64_t D = x.shape.back(), rows = x.numel() / D;
  Tensor out = x;
  for (int64_t r = 0; r < rows; ++r) {
    double sq = 0;
    for (int64_t d = 0; d < D; ++d)
      sq += x.data[r * D + d] * x.data[r * D + d];
    double norm = std::max(std::sqrt(sq), eps);
    for (int64_t d = 0; d < D; ++d)
      out.data[r * D + d] = x.data[r * D + d] / norm;
  }
  return out;
}

Tensor logSoftmax(const Tensor &x) {
  int64_t C = x.shape.back(), rows = x.numel() / C;
  Tensor out = x;
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = x.data.data() + r * C;
    double m = *std::max_element(row, row + C), sum = 0;
    for (int64_t c = 0; c < C; ++c)
      sum += std::exp(row[c] - m);
    for (int64_t c = 0; c < C; ++c)
      out.data[r * C + c] = row[c] - m - std::log(sum);
  }
  return out;
}

uint32_t dropoutFmix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

uint32_t dropoutKey(int64_t seed, int64_t salt) {
  auto bits = static_cast<uint64_t>(seed);
  auto lo = static_cast<uint32_t>(bits), hi = static_cast<uint32_t>(bits >> 32);
  uint32_t saltMix =
      dropoutFmix(static_cast<uint32_t>(static_cast<uint64_t>(salt)) +
                  0x9E3779B9u);
  return dropoutFmix(lo ^ dropoutFmix(hi ^ saltMix));
}

bool dropoutKeep(uint32_t key, double rate, uint32_t counter) {
  uint32_t u = dropoutFmix(key + counter * 0x9E3779B9u);
  double uniform = static_cast<double>(u >> 8) * 0x1p-24;
  return uniform >= rate;
}

Tensor dropout(const Tensor &x, double rate, int64_t seed, int64_t salt) {
  uint32_t key = dropoutKey(seed, salt);
  Tensor out = x;
  for (int64_t n = 0; n < x.numel(); ++n)
    out.data[n] = dropoutKeep(key, rate, static_cast<uint32_t>(n))
                      ? x.data[n] / (1.0 - rate)
                      : 0.0;
  return out;
}

Output graphAttentionAdditiveTrain(const Tensor &q, const Tensor &k,
                                   const Tensor &v, const Csr &g,
                                   const Tensor &aSrc, const Tensor &aDst,
                                   double negativeSlope, double rate,
                                   int64_t seed, int64_t salt) {
  // Flat indexing throughout: the gradient checks call this thousands of
  // times per case.
  require(q.rank() == 3 && q.shape == k.shape, "q/k shapes");
  int64_t N = q.shape[0], H = q.shape[1], D = q.shape[2];
  require(v.rank() == 3 && v.shape[0] == N && v.shape[1] == H, "v shape");
  require(aSrc.shape == std::vector<int64_t>{H, D} && aDst.shape == aSrc.shape,
          "attention vector shapes");
  require(static_cast<int64_t>(g.rows.size()) == N + 1, "row_offsets size");
  int64_t Dv = v.shape[2];
  uint32_t key = dropoutKey(seed, salt);
  std::vector<double> left(N * H), right(N * H);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t h = 0; h < H; ++h) {
      double l = 0, r = 0;
      for (int64_t d = 0; d < D; ++d) {
        l += aDst.data[h * D + d] * q.data[(n * H + h) * D + d];
        r += aSrc.data[h * D + d] * k.data[(n * H + h) * D + d];
      }
      left[n * H + h] = l;
      right[n * H + h] = r;
    }
  Output result{Tensor({N, H, Dv}),
                std::vector<bool>(static_cast<size_t>(N * H * Dv))};
  std::vector<double> s;
  for (int64_t i = 0; i < N; ++i)
    for (int64_t h = 0; h < H; ++h) {
      int64_t begin = g.rows[i], end = g.rows[i + 1];
      s.clear();
      double m = -INFINITY, sum = 0;
      for (int64_t x = begin; x < end; ++x) {
        double z = left[i * H + h] + right[g.cols[x] * H + h];
        s.push_back(z > 0 ? z : negativeSlope * z);
        m = std::max(m, s.back());
      }
      for (double &e : s)
        sum += (e = std::exp(e - m));
      for (int64_t x = begin; x < end; ++x) {
        double p = s[x - begin] / sum;
        if (rate > 0)
          p = dropoutKeep(key, rate, static_cast<uint32_t>(x * H + h))
                  ? p / (1.0 - rate)
                  : 0.0;
        for (int64_t e = 0; e < Dv; ++e)
          result.value.data[(i * H + h) * Dv + e] +=
              p * v.data[(g.cols[x] * H + h) * Dv + e];
      }
      for (int64_t e = 0; e < Dv; ++e)
        result.empty[(i * H + h) * Dv + e] = begin == end;
    }
  return result;
}

double nllLoss(const Tensor &logp, const std::vector<int64_t> &labels,
               const std::vector<bool> &mask) {
  require(logp.rank() == 2, "logp rank");
  int64_t N = logp.shape[0], C = logp.shape[1], M = 0;
  require(static_cast<int64_t>(labels.size()) == N &&
              static_cast<int64_t>(mask.size()) == N,
          "labels/mask size");
  double total = 0;
  for (int64_t n = 0; n < N; ++n)
    if (mask[n]) {
      require(labels[n] >= 0 && labels[n] < C, "label out of range");
      total += logp.data[n * C + labels[n]];
      ++M;
    }
  return M == 0 ? 0.0 : -total / static_cast<double>(M);
}

} // namespace attnc::ref
