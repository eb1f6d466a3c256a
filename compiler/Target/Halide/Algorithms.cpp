//===- Algorithms.cpp - attn ops as Halide algorithms ---------------------===//
#include "compiler/Target/Halide/Algorithms.h"

#include <cctype>
#include <cfloat>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

using namespace Halide;

namespace attnc::halide {

Type halideType(kg::DType t) {
  switch (t) {
  case kg::DType::F32: return Float(32);
  case kg::DType::F64: return Float(64);
  case kg::DType::I32: return Int(32);
  case kg::DType::I64: return Int(64);
  case kg::DType::Bool: return UInt(8);
  }
  return Float(32);
}

namespace {

// The counter-based RNG of docs/training.md: murmur3's 32-bit finaliser
// over a Weyl sequence.
constexpr uint32_t kGolden = 0x9E3779B9u;

uint32_t fmixHost(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

Expr u32(uint64_t v) { return Internal::make_const(UInt(32), v); }

Expr fmix(Expr h) {
  h = h ^ (h >> u32(16));
  h = h * u32(0x85ebca6bu);
  h = h ^ (h >> u32(13));
  h = h * u32(0xc2b2ae35u);
  return h ^ (h >> u32(16));
}

} // namespace

Expr dropoutKey(Expr seed, int64_t salt) {
  // Casts to uint32 keep the low 32 bits. (No 64-bit mask constant:
  // Halide 14's OpenCL backend prints 0xffffffff as 0.)
  Expr s = cast(Int(64), seed);
  Expr lo = cast(UInt(32), s);
  Expr hi = cast(UInt(32), s >> Internal::make_const(Int(64), int64_t(32)));
  uint32_t saltMix = fmixHost(static_cast<uint32_t>(salt) + kGolden);
  return fmix(lo ^ fmix(hi ^ u32(saltMix)));
}

Expr dropoutKeep(Expr key, double rate, Expr counter) {
  Expr n = cast(UInt(32), counter);
  Expr u = fmix(key + n * u32(kGolden));
  // uniform = (u >> 8) 2^-24 >= rate, exactly: rate 2^24 is exact in double.
  auto threshold = static_cast<uint64_t>(std::ceil(rate * 16777216.0));
  return (u >> u32(8)) >= u32(threshold);
}

namespace {

[[noreturn]] void fail(const kg::Node &node, const std::string &what) {
  throw CompileError(node.loc + ": " + what);
}

std::vector<Var> makeVars(size_t n, const std::string &prefix) {
  std::vector<Var> vars;
  for (size_t k = 0; k < n; ++k)
    vars.emplace_back(prefix + std::to_string(k));
  return vars;
}

/// A Halide name for an argument. Halide reserves '.' as its separator, but
/// parameters are named `<layer>.<param>` (`enc.q_proj.weight`); such names
/// become `<layer>_<param>` with the argument's position prefixed, so two
/// names differing only in punctuation stay distinct. The module descriptor
/// keeps the argument's own name: only the generated code sees this one.
std::string halideName(const std::string &name, const char *kind, size_t index) {
  std::string out = name;
  bool changed = false;
  for (char &c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      c = '_', changed = true;
  return changed ? kind + std::to_string(index) + "_" + out : out;
}

std::vector<Expr> asExprs(const std::vector<Var> &vars) {
  return std::vector<Expr>(vars.begin(), vars.end());
}

/// Indexes a tensor that broadcasts (NumPy rules) against the logits, given
/// the Halide coordinates (j, i, h, b) of a logit.
Expr broadcastAt(const HValue &t, const std::vector<Expr> &logitCoords,
                 const std::vector<int64_t> &logicalShape) {
  size_t rank = logicalShape.size();
  std::vector<Expr> idx;
  for (size_t k = 0; k < rank; ++k) {
    int64_t static_extent = logicalShape[rank - 1 - k];
    if (static_extent == 1)
      idx.push_back(0);
    else if (static_extent > 0)
      idx.push_back(logitCoords[k]);
    else
      idx.push_back(select(t.extents[k] == 1, 0, logitCoords[k]));
  }
  return t.func(idx);
}

class Builder {
public:
  Builder(const kg::Function &fn, std::vector<ImageParam> &inputs,
          const AlgorithmOptions &options)
      : rowBlock(options.rowBlock), onlineTiles(options.onlineTiles),
        edgeParallelGraph(options.edgeParallelGraph), fn(fn), inputs(inputs),
        values(fn.values.size()) {}

  PipelineStages build() {
    for (size_t i = 0; i < fn.inputs.size(); ++i)
      bindInput(fn.inputs[i], halideName(fn.inputs[i].name, "in", i));
    findFusedValues();
    for (const kg::Node &node : fn.nodes)
      lower(node);
    for (size_t i = 0; i < fn.outputs.size(); ++i) {
      const kg::Argument &arg = fn.outputs[i];
      HValue &v = values[arg.value];
      if (!v.func.defined())
        throw CompileError(fn.loc + ": result '" + arg.name +
                           "' is not computed by any attn op");
      // Outputs are wrapped so that an input returned directly, or one value
      // returned twice, is still a distinct Func the pipeline can write.
      Func out(halideName(arg.name, "out", i));
      std::vector<Var> vars = makeVars(v.extents.size(), "o");
      out(asExprs(vars)) = v.func(asExprs(vars));
      // Static extents are promises the runtime checks; telling Halide lets
      // it unroll and vectorise over them.
      const std::vector<int64_t> &shape = fn.values[arg.value].shape;
      int rank = static_cast<int>(shape.size());
      for (int k = 0; k < rank; ++k) {
        out.output_buffer().dim(k).set_min(0);
        if (shape[rank - 1 - k] >= 0)
          out.output_buffer().dim(k).set_extent(
              static_cast<int>(shape[rank - 1 - k]));
      }
      if (rank > 0)
        out.output_buffer().dim(0).set_stride(1);
      for (int k = 1; k < rank; ++k)
        out.output_buffer().dim(k).set_stride(
            out.output_buffer().dim(k - 1).stride() *
            out.output_buffer().dim(k - 1).extent());
      stages.outputs.push_back(out);
    }
    return stages;
  }

private:
  static bool isElementwise(kg::OpKind kind) {
    return kind == kg::OpKind::Add || kind == kg::OpKind::Activation ||
           kind == kg::OpKind::Dropout || kind == kg::OpKind::ActivationGrad;
  }
  /// Dropout at inference passes its operand through (lowerDropout): not a
  /// stage of its own, so nothing may be fused into it.
  bool isComputedElementwise(const kg::Node &node) const {
    bool identity = node.kind == kg::OpKind::Dropout &&
                    (node.operands.size() < 2 || node.operands[1] < 0 ||
                     node.rate <= 0.0);
    return isElementwise(node.kind) && !identity;
  }

  /// Elementwise results read once, by another elementwise op, are inlined
  /// into it: a chain like bias add -> ELU -> dropout is then one pass over
  /// memory instead of three, and nothing is recomputed.
  void findFusedValues() {
    std::vector<int> uses(fn.values.size(), 0), reader(fn.values.size(), -1);
    for (size_t j = 0; j < fn.nodes.size(); ++j)
      for (int v : fn.nodes[j].operands)
        if (v >= 0)
          ++uses[v], reader[v] = static_cast<int>(j);
    for (const kg::Argument &out : fn.outputs)
      uses[out.value] += 2; // computed where the caller reads it
    for (const kg::Node &node : fn.nodes)
      if (isElementwise(node.kind) && uses[node.result] == 1 &&
          isComputedElementwise(fn.nodes[reader[node.result]]))
        fused.insert(node.result);
  }

  void bindInput(const kg::Argument &arg, const std::string &name) {
    const kg::Value &val = fn.values[arg.value];
    int rank = static_cast<int>(val.shape.size());
    ImageParam p(halideType(val.dtype), rank, name);
    for (int k = 0; k < rank; ++k) {
      int64_t extent = val.shape[rank - 1 - k];
      p.dim(k).set_min(0);
      if (extent >= 0)
        p.dim(k).set_extent(static_cast<int>(extent));
    }
    // Dense row-major storage (the runtime only passes such buffers): with
    // every stride known, gathers along outer dims become vector loads.
    if (rank > 0)
      p.dim(0).set_stride(1);
    for (int k = 1; k < rank; ++k)
      p.dim(k).set_stride(p.dim(k - 1).stride() * p.dim(k - 1).extent());
    inputs.push_back(p);
    HValue &v = values[arg.value];
    std::vector<Var> vars = makeVars(rank, "x");
    v.func = Func(name + "_in");
    v.func(asExprs(vars)) = p(asExprs(vars));
    v.type = p.type();
    for (int k = 0; k < rank; ++k) {
      int64_t extent = val.shape[rank - 1 - k];
      v.extents.push_back(extent >= 0 ? Expr(static_cast<int>(extent))
                                      : p.dim(k).extent());
    }
  }

  const HValue &operand(const kg::Node &node, size_t k) {
    if (k >= node.operands.size() || node.operands[k] < 0)
      fail(node, "missing operand " + std::to_string(k));
    return values[node.operands[k]];
  }
  bool has(const kg::Node &node, size_t k) {
    return k < node.operands.size() && node.operands[k] >= 0;
  }
  const std::vector<int64_t> &shapeOf(const kg::Node &node, size_t k) {
    return fn.values[node.operands[k]].shape;
  }

  void lower(const kg::Node &node) {
    switch (node.kind) {
    case kg::OpKind::Attention: return lowerAttention(node);
    case kg::OpKind::GraphAttention: return lowerGraphAttention(node);
    case kg::OpKind::Score: return lowerScore(node);
    case kg::OpKind::Softmax: return lowerSoftmax(node);
    case kg::OpKind::WeightedSum: return lowerWeightedSum(node);
    case kg::OpKind::Linear: return lowerLinear(node);
    case kg::OpKind::SparseLinear: return lowerSparseLinear(node);
    case kg::OpKind::SparseLinearGradWeight:
      return lowerSparseLinearGradWeight(node);
    case kg::OpKind::SplitHeads: return lowerSplitHeads(node);
    case kg::OpKind::MergeHeads: return lowerMergeHeads(node);
    case kg::OpKind::Embedding: return lowerEmbedding(node);
    case kg::OpKind::PositionalEncoding: return lowerPositional(node);
    case kg::OpKind::Add: return lowerAdd(node);
    case kg::OpKind::LayerNorm: return lowerLayerNorm(node);
    case kg::OpKind::Activation: return lowerActivation(node);
    case kg::OpKind::Dropout: return lowerDropout(node);
    case kg::OpKind::LogSoftmax: return lowerLogSoftmax(node);
    case kg::OpKind::NllLoss: return lowerNllLoss(node);
    case kg::OpKind::NllLossGrad: return lowerNllLossGrad(node);
    case kg::OpKind::LogSoftmaxGrad: return lowerLogSoftmaxGrad(node);
    case kg::OpKind::ActivationGrad: return lowerActivationGrad(node);
    case kg::OpKind::LinearGradInput: return lowerLinearGradInput(node);
    case kg::OpKind::LinearGradWeight: return lowerLinearGradWeight(node);
    case kg::OpKind::ReduceTo: return lowerReduceTo(node);
    case kg::OpKind::MeanHeadsGrad: return lowerMeanHeadsGrad(node);
    case kg::OpKind::GraphAttentionGrad: return lowerGraphAttentionGrad(node);
    }
  }

  /// The predicate "query i may attend key j" from the positional masks; the
  /// boolean mask tensor is applied separately (it is not a loop bound).
  Expr positionalAllowed(const kg::Node &node, Expr i, Expr j, Expr b,
                         int lengthsOperand) {
    Expr ok = Internal::const_true();
    if (node.causal)
      ok = ok && j <= i;
    if (node.hasWindow) {
      ok = ok && j >= i - static_cast<int>(node.windowLeft);
      ok = ok && j <= i + static_cast<int>(node.windowRight);
    }
    if (has(node, lengthsOperand))
      ok = ok && j < cast<int>(operand(node, lengthsOperand).func(b));
    return ok;
  }

  Expr scaleOf(const kg::Node &node, Type t, Expr headDim) {
    if (node.scaleFromHeadDim)
      return cast(t, 1.0f / sqrt(cast<float>(headDim)));
    return cast(t, Expr(node.scale));
  }

  /// The boolean mask tensor at logit (j, i, h, b); true when absent.
  Expr maskAt(const kg::Node &node, int maskOperand, Expr j, Expr i, Expr h,
              Expr b) {
    if (!has(node, maskOperand))
      return Internal::const_true();
    return broadcastAt(operand(node, maskOperand), {j, i, h, b},
                       shapeOf(node, maskOperand)) != 0;
  }

  /// `logit` plus the bias tensor at (j, i, h, b), if there is one.
  Expr withBias(const kg::Node &node, int biasOperand, Expr logit, Expr j,
                Expr i, Expr h, Expr b) {
    if (!has(node, biasOperand))
      return logit;
    return logit + cast(logit.type(),
                        broadcastAt(operand(node, biasOperand), {j, i, h, b},
                                    shapeOf(node, biasOperand)));
  }

  struct SparseRows {
    std::function<Expr(Expr)> start, column;
    Expr rows, stored;
    Expr length(Expr row) const { return start(row + 1) - start(row); }
    /// The k-th stored entry of `row`, clamped into the stored range.
    Expr entry(Expr row, Expr k) const {
      return clamp(start(row) + k, 0, stored - 1);
    }
  };
  /// The entries of row `row`: an RDom over the stored count, trimmed by
  /// the row's length.
  static RDom rowEntries(const SparseRows &m, Expr row, const char *name) {
    RDom r(0, m.stored, name);
    r.where(r.x < m.length(row));
    return r;
  }

  /// `rowCount` defaults to the offsets' extent - 1; graph ops pass their
  /// node count (equal once validated), which their loops are bounded by.
  SparseRows sparseRows(const HValue &offsets, const HValue &cols,
                        Expr columns, Expr rowCount = Expr()) {
    SparseRows m;
    Expr N = rowCount.defined() ? rowCount : offsets.extents[0] - 1,
         E = cols.extents[0];
    m.rows = N;
    m.stored = E;
    Func o = offsets.func, c = cols.func;
    m.start = [=](Expr row) { return cast<int>(o(clamp(row, 0, N))); };
    m.column = [=](Expr entry) {
      return clamp(cast<int>(c(clamp(entry, 0, E - 1))), 0, columns - 1);
    };
    return m;
  }

  /// Trims `r`, whose iteration covers keys [keyLo, keyHi], to the keys
  /// that queries [qFirst, qLast] of batch `b` may attend: the causal
  /// triangle, the window band, the batch's key length. Per-query masking
  /// stays in the body; these only bound the loops.
  void restrictToBand(const kg::Node &node, RDom &r, Expr keyLo, Expr keyHi,
                      Expr qFirst, Expr qLast, Expr b) {
    if (node.causal)
      r.where(keyLo <= qLast);
    if (node.hasWindow) {
      r.where(keyHi >= qFirst - static_cast<int>(node.windowLeft));
      r.where(keyLo <= qLast + static_cast<int>(node.windowRight));
    }
    if (has(node, 5))
      r.where(keyLo < cast<int>(operand(node, 5).func(b)));
  }

  void lowerAttention(const kg::Node &node) {
    if (onlineTiles)
      return lowerOnlineAttention(node);
    const HValue &q = operand(node, 0), &k = operand(node, 1),
                 &v = operand(node, 2);
    DenseAttentionStages s;
    Type t = q.type;
    Expr D = q.extents[0], Sq = q.extents[1], Hq = q.extents[2];
    Expr Sk = k.extents[1], Hkv = k.extents[2];
    Expr group = Hq / Hkv;
    Var &e = s.e, &i = s.i, &j = s.j, &h = s.h, &b = s.b;
    Var d("d");
    Expr hk = h / group;

    s.qScaled = Func(unique("q_scaled"));
    // Query tiles may run past Sq (the tail is computed, not stored), so
    // query reads are clamped.
    s.qScaled(i, d, h, b) =
        q.func(d, clamp(i, 0, Sq - 1), h, b) * scaleOf(node, t, D);

    RDom rd(0, D, "rd");
    s.rd = rd.x;
    s.dot = Func(unique("qk"));
    s.dot(i, j, h, b) = cast(t, 0);
    // Key blocks may also run past Sk (rounded up to the micro-kernel).
    s.dot(i, j, h, b) +=
        s.qScaled(i, rd, h, b) * k.func(rd, clamp(j, 0, Sk - 1), hk, b);

    s.hasMaskTensor = has(node, 3);
    s.headDim = shapeOf(node, 0)[3];
    s.valueDim = shapeOf(node, 2)[3];
    s.logits = Func(unique("logits"));
    // The bias is read over the same rounded-up query and key ranges as the
    // dot, so both of its coordinates are clamped too.
    Expr ic = clamp(i, 0, Sq - 1), jc = clamp(j, 0, Sk - 1);
    s.logits(i, j, h, b) = withBias(node, 4, s.dot(i, j, h, b), jc, ic, h, b);

    // Three reductions over the keys of the band. Loops are bounded by the
    // band widened to whole blocks of `rowBlock` queries (uniform across a
    // vector of queries, so Halide trims the loops even when queries are
    // vectorised); the exact per-query mask is a select in the body.
    auto keys = [&](const char *name) {
      RDom r(0, Sk, name);
      Expr first = (i / rowBlock) * rowBlock;
      restrictToBand(node, r, r.x, r.x, first, first + rowBlock - 1, b);
      return r;
    };
    auto allowedAt = [&](Expr j) {
      return positionalAllowed(node, i, j, b, 5) && maskAt(node, 3, j, ic, h, b);
    };
    Expr lowest = cast(t, -FLT_MAX);
    RDom rm = keys("rj_max");
    s.rjMax = rm.x;
    s.rowMax = Func(unique("row_max"));
    s.rowMax(i, h, b) = lowest;
    s.rowMax(i, h, b) = max(s.rowMax(i, h, b),
                            select(allowedAt(rm.x), s.logits(i, rm.x, h, b),
                                   lowest));

    // Zero outside the band, so the sums below may run over whole blocks.
    s.probs = Func(unique("probs"));
    Expr p = exp(s.logits(i, j, h, b) - s.rowMax(i, h, b));
    s.probs(i, j, h, b) = select(allowedAt(j), p, cast(t, 0));

    RDom rs = keys("rj_sum");
    s.rjSum = rs.x;
    s.rowSum = Func(unique("row_sum"));
    s.rowSum(i, h, b) = cast(t, 0);
    s.rowSum(i, h, b) += s.probs(i, rs.x, h, b);

    RDom ra = keys("rj_acc");
    s.rjAcc = ra.x;
    s.acc = Func(unique("pv"));
    s.acc(e, i, h, b) = cast(t, 0);
    s.acc(e, i, h, b) += s.probs(i, ra.x, h, b) * v.func(e, ra.x, hk, b);

    // A query with no allowed key has a zero row sum: its output is 0.
    s.out = Func(unique("attention"));
    Expr l = s.rowSum(i, h, b);
    s.out(e, i, h, b) =
        select(l > 0, s.acc(e, i, h, b) / select(l > 0, l, 1), cast(t, 0));

    setValue(node.result, s.out, t, {v.extents[0], Sq, Hq, q.extents[3]});
    stages.dense.push_back(s);
  }

  void lowerOnlineAttention(const kg::Node &node) {
    const HValue &q = operand(node, 0), &k = operand(node, 1),
                 &v = operand(node, 2);
    OnlineAttentionStages s;
    s.headDim = shapeOf(node, 0)[3];
    s.valueDim = shapeOf(node, 2)[3];
    OnlineTiles tiles = onlineTiles(s.headDim, s.valueDim);
    const int TQ = tiles.queryTile, KT = tiles.keyTile;
    s.queryTile = TQ;
    s.keyTile = KT;
    s.stageValues = tiles.stageValues;
    Type t = q.type;
    Expr D = q.extents[0], Sq = q.extents[1], Hq = q.extents[2];
    Expr Sk = k.extents[1], Hkv = k.extents[2];
    Expr hk = s.h / (Hq / Hkv);
    Var &e = s.e, &i = s.i, &h = s.h, &b = s.b, &ii = s.ii, &it = s.it,
        &jj = s.jj, &kt = s.t;
    Var d("d");

    // The last query tile may run past Sq and the last key tile past Sk:
    // every read is clamped, keys past Sk are masked.
    s.qScaled = Func(unique("q_scaled"));
    s.qScaled(i, d, h, b) =
        q.func(d, clamp(i, 0, Sq - 1), h, b) * scaleOf(node, t, D);
    Expr qi = it * TQ + ii, kj = kt * KT + jj;
    Expr qc = clamp(qi, 0, Sq - 1), kc = clamp(kj, 0, Sk - 1);

    RDom rd(0, D, "rd");
    s.rd = rd.x;
    s.dot = Func(unique("qk"));
    s.dot(jj, ii, kt, it, h, b) = cast(t, 0);
    s.dot(jj, ii, kt, it, h, b) +=
        s.qScaled(qi, rd, h, b) * k.func(rd, kc, hk, b);

    // Masked keys get the lowest float; so do keys whose bias is -inf.
    // Probabilities are taken only above it, so a tile (or a row) with no
    // allowed key contributes nothing, and a row with none at all ends with
    // l = 0 and outputs 0.
    Expr lowest = cast(t, -FLT_MAX);
    Expr allowed = kj < Sk && positionalAllowed(node, qi, kj, b, 5) &&
                   maskAt(node, 3, kc, qc, h, b);
    s.logits = Func(unique("logits"));
    s.logits(jj, ii, kt, it, h, b) = select(
        allowed,
        max(withBias(node, 4, s.dot(jj, ii, kt, it, h, b), kc, qc, h, b),
            lowest),
        lowest);

    RDom rj(0, KT, "rj");
    s.rj = rj.x;
    s.tileMax = Func(unique("tile_max"));
    s.tileMax(ii, kt, it, h, b) = lowest;
    s.tileMax(ii, kt, it, h, b) =
        max(s.tileMax(ii, kt, it, h, b), s.logits(rj, ii, kt, it, h, b));
    s.probs = Func(unique("probs"));
    Expr logit = s.logits(jj, ii, kt, it, h, b);
    s.probs(jj, ii, kt, it, h, b) =
        select(logit > lowest, exp(logit - s.tileMax(ii, kt, it, h, b)),
               cast(t, 0));
    s.tileSum = Func(unique("tile_sum"));
    s.tileSum(ii, kt, it, h, b) = cast(t, 0);
    s.tileSum(ii, kt, it, h, b) += s.probs(rj, ii, kt, it, h, b);
    s.tileAcc = Func(unique("tile_pv"));
    s.tileAcc(e, ii, kt, it, h, b) = cast(t, 0);
    s.tileAcc(e, ii, kt, it, h, b) +=
        s.probs(rj, ii, kt, it, h, b) *
        v.func(e, clamp(kt * KT + rj, 0, Sk - 1), hk, b);

    // The scan over key tiles, trimmed to the tiles the query tile's band
    // and the batch's key length reach (tiles are skipped, not masked).
    RDom rt(0, (Sk + KT - 1) / KT, "rt");
    restrictToBand(node, rt, rt.x * KT, rt.x * KT + KT - 1, it * TQ,
                   it * TQ + TQ - 1, b);
    s.rt = rt.x;
    s.state = Func(unique("online_state"));
    s.state(e, ii, it, h, b) = {lowest, cast(t, 0), cast(t, 0)};
    Expr mOld = s.state(e, ii, it, h, b)[0];
    Expr tileMax = s.tileMax(ii, rt, it, h, b);
    Expr mNew = max(mOld, tileMax);
    Expr keep = exp(mOld - mNew), take = exp(tileMax - mNew);
    s.state(e, ii, it, h, b) = {
        mNew, s.state(e, ii, it, h, b)[1] * keep + s.tileSum(ii, rt, it, h, b) * take,
        s.state(e, ii, it, h, b)[2] * keep +
            s.tileAcc(e, ii, rt, it, h, b) * take};

    s.out = Func(unique("attention"));
    Expr l = s.state(e, i % TQ, i / TQ, h, b)[1];
    s.out(e, i, h, b) =
        select(l > 0, s.state(e, i % TQ, i / TQ, h, b)[2] / select(l > 0, l, 1),
               cast(t, 0));

    setValue(node.result, s.out, t, {v.extents[0], Sq, Hq, q.extents[3]});
    stages.denseOnline.push_back(s);
  }

  void lowerGraphAttention(const kg::Node &node) {
    const HValue &q = operand(node, 0), &k = operand(node, 1),
                 &rows = operand(node, 3), &cols = operand(node, 4);
    GraphAttentionStages s;
    Type t = q.type;
    Var &h = s.h, &n = s.n, &x = s.x;
    Expr D = q.extents[0], N = q.extents[2];
    Expr E = cols.extents[0];
    s.additive = node.score == kg::ScoreKind::Additive;
    s.heads = shapeOf(node, 0)[1];
    s.valueDim = shapeOf(node, 2)[2];

    // Node and edge indices are clamped (SparseRows): tail iterations of
    // node-chunked loops evaluate their edge ranges before the guard that
    // discards them, and the runtime has already rejected out-of-range CSR.
    SparseRows m = sparseRows(rows, cols, N, N);
    auto row = m.start;
    auto col = m.column;
    auto edges = [&](const char *name) { return rowEntries(m, n, name); };
    auto edgeOf = [&](const RDom &r) { return m.entry(n, r.x); };
    Expr slope = cast(t, Expr(node.negativeSlope));
    auto leaky = [&](Expr z) { return select(z > 0, z, z * slope); };
    RDom rd(0, D, "rd");
    RDom rm = edges("edge_max");
    s.edgeMax = rm.x;
    s.rowMax = Func(unique("node_max"));
    s.rowMax(h, n) = cast(t, -FLT_MAX);
    if (edgeParallelGraph) {
      s.edgeParallel = true;
      s.edgeDst = edgeDestinations(m, x, s.searchStep);
      // Clamped so that Halide can bound the nodes an edge reads.
      Expr dst = clamp(s.edgeDst(x), 0, N - 1);
      s.edgeScore = Func(unique("edge_score"));
      if (s.additive) {
        gatNodeTerms(node, s, rd);
        s.edgeScore(h, x) = leaky(s.left(h, dst) + s.right(h, col(x)));
      } else {
        s.edgeScore(h, x) = cast(t, 0);
        s.edgeScore(h, x) += q.func(rd, h, dst) * k.func(rd, h, col(x)) *
                             scaleOf(node, t, D);
      }
      s.rowMax(h, n) = max(s.rowMax(h, n), s.edgeScore(h, edgeOf(rm)));
      s.edgeExp = Func(unique("edge_exp"));
      s.edgeExp(h, x) = exp(s.edgeScore(h, x) - s.rowMax(h, dst));
      finishGraphAttention(node, s, m);
      return;
    }
    // Edges are walked node by node (the CSR rows), so each edge's
    // destination is the loop's node and only its source is gathered.
    RDom scatter(0, E, 0, N, unique("scatter"));
    scatter.where(scatter.x < row(scatter.y + 1) - row(scatter.y));
    s.scatterNode = scatter.y;
    Expr scatterEdge = clamp(row(scatter.y) + scatter.x, 0, E - 1);
    s.edgeExp = Func(unique("edge_exp"));
    s.edgeExp(h, x) = undef(t);
    if (s.additive) {
      gatNodeTerms(node, s, rd);
      s.rowMax(h, n) = max(s.rowMax(h, n),
                           leaky(s.left(h, n) + s.right(h, col(edgeOf(rm)))));
      Expr z = leaky(s.left(h, scatter.y) + s.right(h, col(scatterEdge)));
      s.edgeExp(h, scatterEdge) = exp(z - s.rowMax(h, scatter.y));
    } else {
      // Dot scores are computed once per edge, node by node, and stored.
      s.edgeScore = Func(unique("edge_score"));
      s.edgeScore(h, x) = undef(t);
      s.edgeScore(h, scatterEdge) = cast(t, 0);
      Expr scale = scaleOf(node, t, D);
      s.dotNode = scatterEdgeDot(
          s.edgeScore, h, row, N, E, D, [&](Expr d, Expr dst, Expr edge) {
            return q.func(d, h, dst) * k.func(d, h, col(edge)) * scale;
          });
      s.rowMax(h, n) = max(s.rowMax(h, n), s.edgeScore(h, edgeOf(rm)));
      s.edgeExp(h, scatterEdge) =
          exp(s.edgeScore(h, scatterEdge) - s.rowMax(h, scatter.y));
    }
    finishGraphAttention(node, s, m);
  }

  /// The destination of each edge x of `m`: the last row whose range
  /// starts at or before x (ranges of empty rows start where the next one
  /// does), found bit by bit from the highest: ceil(log2(rows)) + 1 steps
  /// (the one extra absorbs the rounding of the float log), at most bits
  /// 30..0, which reach every int32 row. `step` receives the search loop.
  Func edgeDestinations(const SparseRows &m, const Var &x, RVar &step) {
    Func dst(unique("edge_dst"));
    dst(x) = 0;
    Expr bits = min(
        cast<int>(ceil(log(cast<float>(max(m.rows, 1))) / float(M_LN2))) + 1,
        31);
    RDom r(0, bits, unique("search"));
    step = r.x;
    Expr candidate = dst(x) + (1 << (bits - 1 - r.x));
    dst(x) = select(candidate < m.rows && m.start(candidate) <= x, candidate,
                    dst(x));
    return dst;
  }

  /// CPU scatter form of a per-edge dot product: for every edge of every
  /// node, node by node into the node's CSR range, f(h, edge) += the sum
  /// over d < depth of term(d, node, edge). One reduction domain per
  /// update: d innermost, then edges, nodes (returned: the node loop).
  RVar scatterEdgeDot(Func &f, const Var &h,
                      const std::function<Expr(Expr)> &row, Expr N, Expr E,
                      Expr depth,
                      const std::function<Expr(Expr, Expr, Expr)> &term) {
    RDom dot(0, depth, 0, E, 0, N, unique("dot"));
    dot.where(dot.y < row(dot.z + 1) - row(dot.z));
    Expr edge = clamp(row(dot.z) + dot.y, 0, E - 1);
    f(h, edge) += term(dot.x, dot.z, edge);
    return dot.z;
  }

  /// GAT: the score splits into a per-destination and a per-source term,
  /// a_dst . q and a_src . k per (head, node): {left, right}.
  std::pair<Func, Func> gatNodeTerms(const HValue &q, const HValue &k,
                                     const HValue &aSrc, const HValue &aDst,
                                     const Var &h, const Var &n,
                                     const RDom &rd, const std::string &prefix) {
    Func left(unique(prefix + "score_dst")), right(unique(prefix + "score_src"));
    left(h, n) = cast(q.type, 0);
    left(h, n) += aDst.func(rd, h) * q.func(rd, h, n);
    right(h, n) = cast(q.type, 0);
    right(h, n) += aSrc.func(rd, h) * k.func(rd, h, n);
    return {left, right};
  }
  void gatNodeTerms(const kg::Node &node, GraphAttentionStages &s,
                    const RDom &rd) {
    std::tie(s.left, s.right) =
        gatNodeTerms(operand(node, 0), operand(node, 1), operand(node, 5),
                     operand(node, 6), s.h, s.n, rd, "");
  }

  /// Graph attention from the per-edge exponentials on: node sums, the
  /// weighted sum, normalisation.
  void finishGraphAttention(const kg::Node &node, GraphAttentionStages &s,
                            const SparseRows &m) {
    const HValue &q = operand(node, 0), &v = operand(node, 2);
    Type t = q.type;
    Var &e = s.e, &h = s.h, &n = s.n;
    Expr H = q.extents[1], N = q.extents[2];
    auto edges = [&](const char *name) { return rowEntries(m, n, name); };
    auto edgeOf = [&](const RDom &r) { return m.entry(n, r.x); };
    auto col = m.column;

    RDom rs = edges("edge_sum");
    s.edgeSum = rs.x;
    s.rowSum = Func(unique("node_sum"));
    s.rowSum(h, n) = cast(t, 0);
    s.rowSum(h, n) += s.edgeExp(h, edgeOf(rs));

    // Unnormalised weighted sum per node, divided once at the end. Nodes
    // without neighbours never enter the loop and get 0.
    RDom ra = edges("edge_acc");
    s.edgeAcc = ra.x;
    s.acc = Func(unique("node_acc"));
    s.acc(e, h, n) = cast(t, 0);
    Expr edge = edgeOf(ra);
    // Attention dropout scales the coefficients after normalisation; the
    // row sum stays that of the undropped exponentials.
    auto keep = dropoutFactor(node, 7, t);
    s.acc(e, h, n) +=
        s.edgeExp(h, edge) * keep(edge * H + h) * v.func(e, h, col(edge));
    Expr l = s.rowSum(h, n);
    s.out = Func(unique("graph_attention"));
    s.out(e, h, n) =
        select(l > 0, s.acc(e, h, n) / select(l > 0, l, 1), cast(t, 0));

    setValue(node.result, s.out, t, {v.extents[0], H, N});
    stages.graph.push_back(s);
  }

  void lowerScore(const kg::Node &node) {
    const HValue &q = operand(node, 0), &k = operand(node, 1);
    Var j("j"), i("i"), h("h"), b("b");
    RDom rd(0, q.extents[0], "rd");
    Expr hk = h / (q.extents[2] / k.extents[2]);
    Func f(unique("score"));
    f(j, i, h, b) = cast(q.type, 0);
    f(j, i, h, b) += q.func(rd, i, h, b) * k.func(rd, j, hk, b);
    Func out(unique("scaled_score"));
    out(j, i, h, b) = f(j, i, h, b) * scaleOf(node, q.type, q.extents[0]);
    setGeneric(node, out, q.type,
               {k.extents[1], q.extents[1], q.extents[2], q.extents[3]});
  }

  void lowerSoftmax(const kg::Node &node) {
    const HValue &s = operand(node, 0);
    Var j("j"), i("i"), h("h"), b("b");
    Type t = s.type;
    Func logit(unique("softmax_logit"));
    logit(j, i, h, b) = withBias(node, 2, s.func(j, i, h, b), j, i, h, b);
    Func ok(unique("softmax_allowed"));
    ok(j, i, h, b) = positionalAllowed(node, i, j, b, 3) &&
                     maskAt(node, 1, j, i, h, b);
    RDom r(0, s.extents[0], "rj");
    Func mx(unique("softmax_max"));
    mx(i, h, b) = maximum(select(ok(r, i, h, b), logit(r, i, h, b),
                                 cast(t, -FLT_MAX)));
    Func p(unique("softmax_exp"));
    p(j, i, h, b) = select(ok(j, i, h, b),
                           exp(logit(j, i, h, b) - mx(i, h, b)), cast(t, 0));
    Func l(unique("softmax_sum"));
    l(i, h, b) = sum(p(r, i, h, b));
    Func out(unique("softmax"));
    Expr sumAt = l(i, h, b);
    out(j, i, h, b) = select(sumAt > 0, p(j, i, h, b) / select(sumAt > 0, sumAt, 1),
                             cast(t, 0));
    stages.generic.push_back(mx);
    stages.generic.push_back(l);
    setGeneric(node, out, t, s.extents);
  }

  void lowerWeightedSum(const kg::Node &node) {
    const HValue &p = operand(node, 0), &v = operand(node, 1);
    Var e("e"), i("i"), h("h"), b("b");
    RDom r(0, p.extents[0], "rj");
    Expr hk = h / (p.extents[2] / v.extents[2]);
    Func out(unique("weighted_sum"));
    out(e, i, h, b) = cast(p.type, 0);
    out(e, i, h, b) += p.func(r, i, h, b) * v.func(e, r, hk, b);
    setGeneric(node, out, p.type,
               {v.extents[0], p.extents[1], p.extents[2], p.extents[3]});
  }

  /// out(o, rest...) = sum_c x(c, rest...) * weightT(o, c) (+ bias[o]): the
  /// GEMM of attn.linear (weightT = W^T) and of linear_grad_input
  /// (weightT = W). Output features and rows are clamped so a schedule may
  /// compute whole register blocks past the edges (rounded up) and store
  /// only the inside.
  void lowerGemm(const kg::Node &node, const HValue &x, Expr outFeatures,
                 const std::function<Expr(Expr o, Expr c)> &weightAt,
                 int biasOperand, const char *weightName, const char *dotName,
                 const char *outName) {
    LinearStages s;
    s.outFeatures = fn.values[node.result].shape.back();
    Var c("c");
    s.rest = makeVars(x.extents.size() - 1, "n");
    std::vector<Expr> restE = asExprs(s.rest);
    s.weightT = Func(unique(weightName));
    s.weightT(s.o, c) = weightAt(clamp(s.o, 0, outFeatures - 1), c);
    RDom rc(0, x.extents[0], "rc");
    s.rc = rc.x;
    std::vector<Expr> outArgs = {s.o}, xArgs = {rc.x};
    outArgs.insert(outArgs.end(), restE.begin(), restE.end());
    xArgs.insert(xArgs.end(), restE.begin(), restE.end());
    if (xArgs.size() > 1)
      xArgs[1] = clamp(xArgs[1], 0, x.extents[1] - 1);
    s.dot = Func(unique(dotName));
    s.dot(outArgs) = cast(x.type, 0);
    s.dot(outArgs) += x.func(xArgs) * s.weightT(s.o, rc.x);
    s.out = Func(unique(outName));
    Expr biasAt = biasOperand >= 0 && has(node, biasOperand)
                      ? operand(node, biasOperand)
                            .func(clamp(s.o, 0, outFeatures - 1))
                      : cast(x.type, 0);
    s.out(outArgs) = s.dot(outArgs) + biasAt;
    std::vector<Expr> extents = x.extents;
    extents[0] = outFeatures;
    setValue(node.result, s.out, x.type, extents);
    stages.linear.push_back(s);
  }

  void lowerLinear(const kg::Node &node) {
    const HValue &x = operand(node, 0), &w = operand(node, 1);
    Func weight = w.func;
    lowerGemm(
        node, x, w.extents[1],
        [&](Expr o, Expr c) { return weight(c, o); }, /*biasOperand=*/2,
        "weight_t", "linear_dot", "linear");
  }

  /// The CSR of a sparse matrix: row starts and clamped column indices.
  void lowerSparseLinear(const kg::Node &node) {
    const HValue &offsets = operand(node, 0), &cols = operand(node, 1),
                 &vals = operand(node, 2), &w = operand(node, 3);
    SparseLinearStages s;
    s.outFeatures = fn.values[node.result].shape[1];
    Type t = vals.type;
    Expr In = w.extents[0], Out = w.extents[1];
    SparseRows m = sparseRows(offsets, cols, In);
    Var c("c");
    Func weight = w.func;
    s.weightT = Func(unique("sparse_weight_t"));
    s.weightT(s.o, c) = weight(c, clamp(s.o, 0, Out - 1));
    RDom r(0, m.stored, unique("entries"));
    r.where(r.x < m.length(s.n));
    s.entries = r.x;
    Expr entry = m.entry(s.n, r.x);
    Expr col = m.column(entry);
    // The counter of the dense [N, In] tensor's element: the same masks as
    // attn.dropout on the dense features.
    auto keep = dropoutFactor(node, 5, t);
    s.acc = Func(unique("sparse_linear_acc"));
    s.acc(s.o, s.n) = cast(t, 0);
    s.acc(s.o, s.n) += vals.func(entry) * keep(s.n * In + col) *
                       s.weightT(s.o, col);
    Expr bias = has(node, 4) ? operand(node, 4).func(clamp(s.o, 0, Out - 1))
                             : cast(t, 0);
    s.out = Func(unique("sparse_linear"));
    s.out(s.o, s.n) = s.acc(s.o, s.n) + bias;
    setValue(node.result, s.out, t, {Out, m.rows});
    stages.sparseLinear.push_back(s);
  }

  void lowerSparseLinearGradWeight(const kg::Node &node) {
    const HValue &dy = operand(node, 0), &offsets = operand(node, 1),
                 &cols = operand(node, 2), &vals = operand(node, 3);
    SparseLinearGradWeightStages s;
    const kg::Value &result = fn.values[node.result];
    s.outFeatures = result.shape[0];
    Type t = dy.type;
    Expr Out = dy.extents[0];
    // Static by the op's verifier: no input carries the column count.
    Expr In = static_cast<int>(result.shape[1]);
    SparseRows m = sparseRows(offsets, cols, In);
    RDom r(0, m.stored, 0, m.rows, unique("entries"));
    r.where(r.x < m.length(r.y));
    s.entries = r.x;
    s.rows = r.y;
    Expr entry = m.entry(r.y, r.x);
    Expr col = m.column(entry);
    auto keep = dropoutFactor(node, 4, t);
    s.dwT = Func(unique("sparse_linear_grad_weight_t"));
    s.dwT(s.o, s.c) = cast(t, 0);
    s.dwT(s.o, col) += dy.func(clamp(s.o, 0, Out - 1), r.y) *
                       vals.func(entry) * keep(r.y * In + col);
    s.out = Func(unique("sparse_linear_grad_weight"));
    s.out(s.c, s.o) = s.dwT(s.o, s.c);
    setValue(node.result, s.out, t, {In, Out});
    stages.sparseLinearGradWeight.push_back(s);
  }

  void lowerSplitHeads(const kg::Node &node) {
    const HValue &x = operand(node, 0);
    Expr H = static_cast<int>(node.heads);
    Expr D = x.extents[0] / H;
    Func out(unique("split_heads"));
    if (x.extents.size() == 3) { // (c, s, b) -> (d, s, h, b)
      Var d("d"), s("s"), h("h"), b("b");
      out(d, s, h, b) = x.func(h * D + d, s, b);
      setGeneric(node, out, x.type, {D, x.extents[1], H, x.extents[2]});
    } else { // (c, n) -> (d, h, n)
      Var d("d"), h("h"), n("n");
      out(d, h, n) = x.func(h * D + d, n);
      setGeneric(node, out, x.type, {D, H, x.extents[1]});
    }
  }

  void lowerMergeHeads(const kg::Node &node) {
    const HValue &x = operand(node, 0);
    bool seq = x.extents.size() == 4; // (d, s, h, b) or (d, h, n)
    Expr D = x.extents[0];
    Expr H = seq ? x.extents[2] : x.extents[1];
    Func out(unique(node.mean ? "mean_heads" : "merge_heads"));
    Var c("c"), s("s"), b("b"), n("n");
    if (node.mean) {
      RDom rh(0, H, "rh");
      if (seq) {
        out(c, s, b) = sum(x.func(c, s, rh, b)) / cast(x.type, H);
        setGeneric(node, out, x.type, {D, x.extents[1], x.extents[3]});
      } else {
        out(c, n) = sum(x.func(c, rh, n)) / cast(x.type, H);
        setGeneric(node, out, x.type, {D, x.extents[2]});
      }
      return;
    }
    if (seq) {
      out(c, s, b) = x.func(c % D, s, c / D, b);
      setGeneric(node, out, x.type, {D * H, x.extents[1], x.extents[3]});
    } else {
      out(c, n) = x.func(c % D, c / D, n);
      setGeneric(node, out, x.type, {D * H, x.extents[2]});
    }
  }

  void lowerEmbedding(const kg::Node &node) {
    const HValue &table = operand(node, 0), &ids = operand(node, 1);
    std::vector<Var> vars = makeVars(ids.extents.size() + 1, "x");
    std::vector<Expr> idArgs(vars.begin() + 1, vars.end());
    Expr row = clamp(cast<int>(ids.func(idArgs)), 0, table.extents[1] - 1);
    Func out(unique("embedding"));
    out(asExprs(vars)) = table.func(vars[0], row);
    std::vector<Expr> extents = {table.extents[0]};
    extents.insert(extents.end(), ids.extents.begin(), ids.extents.end());
    setGeneric(node, out, table.type, extents);
  }

  void lowerPositional(const kg::Node &node) {
    const HValue &x = operand(node, 0);
    Var e("e"), p("p"), b("b");
    Func out(unique("positional"));
    Expr code;
    if (node.learnedPositions) {
      code = operand(node, 1).func(e, p);
    } else {
      // pe[p, 2k] = sin(p / 10000^(2k/E)), pe[p, 2k+1] = cos(...). In
      // double: at position 1000 an fp32 angle is already off by 6e-5.
      Expr k2 = cast<double>((e / 2) * 2);
      Expr angle = cast<double>(p) *
                   exp(-k2 / cast<double>(x.extents[0]) * Expr(std::log(10000.0)));
      code = cast(x.type, select(e % 2 == 0, sin(angle), cos(angle)));
    }
    out(e, p, b) = x.func(e, p, b) + code;
    setGeneric(node, out, x.type, x.extents);
  }

  void lowerAdd(const kg::Node &node) {
    const HValue &a = operand(node, 0), &c = operand(node, 1);
    std::vector<Var> vars = makeVars(a.extents.size(), "x");
    // rhs broadcasts (NumPy rules): its dims are the innermost of lhs's.
    const std::vector<int64_t> &rhsShape = shapeOf(node, 1);
    std::vector<Expr> rhsAt;
    for (size_t k = 0; k < rhsShape.size(); ++k) {
      int64_t extent = rhsShape[rhsShape.size() - 1 - k];
      rhsAt.push_back(extent == 1 ? Expr(0)
                      : extent > 0 ? Expr(vars[k])
                                   : select(c.extents[k] == 1, 0, vars[k]));
    }
    Func out(unique("add"));
    out(asExprs(vars)) = a.func(asExprs(vars)) + c.func(rhsAt);
    setGeneric(node, out, a.type, a.extents);
  }

  void lowerLayerNorm(const kg::Node &node) {
    const HValue &x = operand(node, 0), &g = operand(node, 1),
                 &bt = operand(node, 2);
    std::vector<Var> vars = makeVars(x.extents.size(), "x");
    std::vector<Expr> rest(vars.begin() + 1, vars.end());
    RDom r(0, x.extents[0], "re");
    std::vector<Expr> at = {r.x};
    at.insert(at.end(), rest.begin(), rest.end());
    Expr n = cast(x.type, x.extents[0]);
    Func mean(unique("ln_mean")), var(unique("ln_var"));
    mean(rest) = sum(x.func(at)) / n;
    Expr centred = x.func(at) - mean(rest);
    var(rest) = sum(centred * centred) / n;
    Func out(unique("layer_norm"));
    out(asExprs(vars)) =
        (x.func(asExprs(vars)) - mean(rest)) /
            sqrt(var(rest) + cast(x.type, Expr(node.epsilon))) *
            g.func(vars[0]) +
        bt.func(vars[0]);
    stages.generic.push_back(mean);
    stages.generic.push_back(var);
    setGeneric(node, out, x.type, x.extents);
  }

  void lowerActivation(const kg::Node &node) {
    const HValue &x = operand(node, 0);
    std::vector<Var> vars = makeVars(x.extents.size(), "x");
    Expr v = x.func(asExprs(vars));
    Expr zero = cast(x.type, 0), one = cast(x.type, 1);
    Expr y;
    switch (node.activation) {
    case kg::ActivationKind::Relu:
      y = max(v, zero);
      break;
    case kg::ActivationKind::Gelu: {
      Expr c = cast(x.type, Expr(std::sqrt(2.0 / M_PI)));
      y = cast(x.type, 0.5f) * v *
          (one + tanh(c * (v + cast(x.type, 0.044715f) * v * v * v)));
      break;
    }
    case kg::ActivationKind::Elu:
      // exp of the clamped value: the positive branch must not overflow.
      y = select(v > zero, v, exp(min(v, zero)) - one);
      break;
    }
    Func out(unique("activation"));
    out(asExprs(vars)) = y;
    setGeneric(node, out, x.type, x.extents);
  }

  /// The factor of dropout element `counter` of the node's seeded stream:
  /// 1 / (1 - rate) when kept, else 0; constantly 1 without a seed or at
  /// rate 0. The stream's key is computed once per node.
  std::function<Expr(Expr)> dropoutFactor(const kg::Node &node,
                                          size_t seedOperand, Type t) {
    if (!has(node, seedOperand) || node.rate <= 0.0)
      return [t](Expr) { return cast(t, 1); };
    Func key(unique("dropout_key"));
    key() = dropoutKey(operand(node, seedOperand).func(0), node.salt);
    stages.scalars.push_back(key);
    double rate = node.rate;
    Expr scale = cast(t, Expr(1.0 / (1.0 - rate)));
    return [key, rate, scale, t](Expr counter) {
      return select(dropoutKeep(key(), rate, counter), scale, cast(t, 0));
    };
  }

  void lowerDropout(const kg::Node &node) {
    if (!has(node, 1) || node.rate <= 0.0) {
      // Inference (or nothing to drop): the identity, passed through.
      values[node.result] = operand(node, 0);
      return;
    }
    const HValue &x = operand(node, 0);
    std::vector<Var> vars = makeVars(x.extents.size(), "x");
    // The counter is the row-major flat index.
    Expr flat = 0;
    for (size_t k = vars.size(); k-- > 0;)
      flat = flat * x.extents[k] + vars[k];
    auto keep = dropoutFactor(node, 1, x.type);
    Func out(unique("dropout"));
    out(asExprs(vars)) = x.func(asExprs(vars)) * keep(flat);
    setGeneric(node, out, x.type, x.extents);
  }

  //===--- Training ---------------------------------------------------===//

  /// Rows with mask[n] set, as an int32 scalar Func.
  Func maskedCount(const HValue &mask, Expr rows) {
    RDom r(0, rows, "rn");
    Func count(unique("nll_count"));
    count() = 0;
    count() += select(mask.func(r) != 0, 1, 0);
    stages.scalars.push_back(count);
    return count;
  }

  void lowerNllLoss(const kg::Node &node) {
    const HValue &logp = operand(node, 0), &labels = operand(node, 1),
                 &mask = operand(node, 2);
    Expr C = logp.extents[0], N = logp.extents[1];
    Func count = maskedCount(mask, N);
    // Accumulated in double: one scalar over every row.
    RDom r(0, N, "rn");
    Func total(unique("nll_sum"));
    total() = cast<double>(0);
    Expr label = clamp(cast<int>(labels.func(r)), 0, C - 1);
    total() += select(mask.func(r) != 0, cast<double>(logp.func(label, r)),
                      cast<double>(0));
    stages.scalars.push_back(total);
    Var i("i");
    Func out(unique("nll_loss"));
    out(i) = cast(logp.type,
                  select(count() > 0,
                         -total() / cast<double>(max(count(), 1)),
                         cast<double>(0)));
    setGeneric(node, out, logp.type, {Expr(1)});
  }

  void lowerNllLossGrad(const kg::Node &node) {
    const HValue &logp = operand(node, 0), &labels = operand(node, 1),
                 &mask = operand(node, 2);
    Expr C = logp.extents[0], N = logp.extents[1];
    Func count = maskedCount(mask, N);
    Var c("c"), n("n");
    Type t = logp.type;
    Expr g = cast(t, -1) / cast(t, max(count(), 1));
    Func out(unique("nll_loss_grad"));
    out(c, n) = select(mask.func(n) != 0 && c == cast<int>(labels.func(n)), g,
                       cast(t, 0));
    setGeneric(node, out, t, logp.extents);
  }

  void lowerLogSoftmaxGrad(const kg::Node &node) {
    const HValue &y = operand(node, 0), &dy = operand(node, 1);
    std::vector<Var> vars = makeVars(y.extents.size(), "x");
    std::vector<Expr> rest(vars.begin() + 1, vars.end());
    RDom r(0, y.extents[0], "rc");
    std::vector<Expr> at = {r.x};
    at.insert(at.end(), rest.begin(), rest.end());
    Func total(unique("lsm_grad_sum"));
    total(rest) = sum(dy.func(at));
    Func out(unique("log_softmax_grad"));
    out(asExprs(vars)) = dy.func(asExprs(vars)) -
                         exp(y.func(asExprs(vars))) * total(rest);
    stages.generic.push_back(total);
    setGeneric(node, out, y.type, y.extents);
  }

  void lowerActivationGrad(const kg::Node &node) {
    const HValue &x = operand(node, 0), &dy = operand(node, 1);
    std::vector<Var> vars = makeVars(x.extents.size(), "x");
    Expr v = x.func(asExprs(vars)), g = dy.func(asExprs(vars));
    Type t = x.type;
    Expr zero = cast(t, 0), one = cast(t, 1);
    Expr dx;
    switch (node.activation) {
    case kg::ActivationKind::Relu:
      dx = select(v > zero, g, zero);
      break;
    case kg::ActivationKind::Elu:
      dx = select(v > zero, g, g * exp(min(v, zero)));
      break;
    case kg::ActivationKind::Gelu: {
      // d/dx 0.5 x (1 + tanh(u)), u = c (x + a x^3):
      // 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) c (1 + 3 a x^2).
      Expr c = cast(t, Expr(std::sqrt(2.0 / M_PI)));
      Expr a = cast(t, 0.044715f);
      Expr th = tanh(c * (v + a * v * v * v));
      Expr half = cast(t, 0.5f);
      dx = g * (half * (one + th) +
                half * v * (one - th * th) * c *
                    (one + cast(t, 3) * a * v * v));
      break;
    }
    }
    Func out(unique("activation_grad"));
    out(asExprs(vars)) = dx;
    setGeneric(node, out, t, x.extents);
  }

  /// dy W: the forward linear's GEMM with W itself in place of W^T.
  void lowerLinearGradInput(const kg::Node &node) {
    const HValue &dy = operand(node, 0), &w = operand(node, 1);
    Func weight = w.func;
    // dx = dy W: the forward GEMM with W itself as the transposed weight.
    lowerGemm(
        node, dy, w.extents[0],
        [&](Expr o, Expr c) { return weight(o, c); }, /*biasOperand=*/-1,
        "weight_copy", "linear_grad_input_dot", "linear_grad_input");
  }

  void lowerLinearGradWeight(const kg::Node &node) {
    const HValue &dy = operand(node, 0), &x = operand(node, 1);
    LinearGradWeightStages s;
    s.outFeatures = fn.values[node.result].shape[0];
    Type t = dy.type;
    Expr Out = dy.extents[0], In = x.extents[0];
    Expr oc = clamp(s.o, 0, Out - 1), cc = clamp(s.c, 0, In - 1);
    s.dot = Func(unique("linear_grad_weight_dot"));
    s.out = Func(unique("linear_grad_weight"));
    if (dy.extents.size() == 1) {
      s.dot(s.c, s.o) = dy.func(oc) * x.func(cc);
    } else {
      Region region;
      for (size_t k = 1; k < dy.extents.size(); ++k)
        region.emplace_back(0, dy.extents[k]);
      RDom r(region, "rrow");
      std::vector<Expr> dyAt = {oc}, xAt = {cc};
      for (int k = 0; k < r.dimensions(); ++k) {
        dyAt.push_back(r[k]);
        xAt.push_back(r[k]);
        s.rows.push_back(r[k]);
      }
      s.dot(s.c, s.o) = cast(t, 0);
      s.dot(s.c, s.o) += dy.func(dyAt) * x.func(xAt);
    }
    s.out(s.c, s.o) = s.dot(s.c, s.o);
    setValue(node.result, s.out, t, {In, Out});
    stages.linearGradWeight.push_back(s);
  }

  void lowerReduceTo(const kg::Node &node) {
    const HValue &x = operand(node, 0);
    const std::vector<int64_t> &inShape = shapeOf(node, 0);
    const std::vector<int64_t> &outShape = fn.values[node.result].shape;
    size_t inRank = inShape.size(), outRank = outShape.size();
    std::vector<Var> vars = makeVars(outRank, "x");
    // Halide dim k of the input is logical dim inRank-1-k; the result has
    // it (as its Halide dim k) when k < outRank. A dim is summed when the
    // result lacks it or has it as 1 where the input's is not 1.
    Region region;
    std::vector<int> summed;
    for (size_t k = 0; k < inRank; ++k) {
      bool inResult = k < outRank;
      int64_t outExtent = inResult ? outShape[outRank - 1 - k] : -1;
      if (!inResult || (outExtent == 1 && inShape[inRank - 1 - k] != 1)) {
        summed.push_back(static_cast<int>(k));
        region.emplace_back(0, x.extents[k]);
      }
    }
    std::vector<Expr> outExtents;
    for (size_t k = 0; k < outRank; ++k)
      outExtents.push_back(outShape[outRank - 1 - k] == 1 ? Expr(1)
                                                          : x.extents[k]);
    Func out(unique("reduce_to"));
    if (region.empty()) {
      out(asExprs(vars)) = x.func(asExprs(vars));
    } else {
      RDom r(region, "rsum");
      std::vector<Expr> at;
      for (size_t k = 0, next = 0; k < inRank; ++k) {
        if (next < summed.size() && summed[next] == static_cast<int>(k))
          at.push_back(r[static_cast<int>(next++)]);
        else
          at.push_back(vars[k]);
      }
      out(asExprs(vars)) = cast(x.type, 0);
      out(asExprs(vars)) += x.func(at);
      setValue(node.result, out, x.type, std::move(outExtents));
      stages.reductions.push_back({out, vars, r});
      return;
    }
    setGeneric(node, out, x.type, outExtents);
  }

  void lowerMeanHeadsGrad(const kg::Node &node) {
    const HValue &dy = operand(node, 0);
    Var d("d"), h("h"), n("n");
    Expr H = static_cast<int>(node.heads);
    Func out(unique("mean_heads_grad"));
    out(d, h, n) = dy.func(d, n) / cast(dy.type, H);
    setGeneric(node, out, dy.type, {dy.extents[0], H, dy.extents[1]});
  }

  void lowerGraphAttentionGrad(const kg::Node &node) {
    const HValue &q = operand(node, 0), &k = operand(node, 1),
                 &v = operand(node, 2), &rows = operand(node, 3),
                 &cols = operand(node, 4), &tOff = operand(node, 5),
                 &tDst = operand(node, 6), &tEdge = operand(node, 7),
                 &aSrc = operand(node, 8), &aDst = operand(node, 9),
                 &dy = operand(node, 10);
    if (node.extraResults.size() != 4)
      fail(node, "graph_attention_grad has five results");
    GraphAttentionGradStages s;
    Type t = q.type;
    Var &d = s.d, &e = s.e, &h = s.h, &n = s.n, &x = s.x;
    Expr D = q.extents[0], H = q.extents[1], N = q.extents[2];
    Expr Dv = v.extents[0], E = cols.extents[0];
    s.heads = shapeOf(node, 0)[1];
    s.headDim = shapeOf(node, 0)[2];
    s.valueDim = shapeOf(node, 2)[2];

    // Indices are clamped as in the forward: node-chunked loops evaluate
    // tail ranges before their guard, and every access stays in bounds.
    auto row = [&](Expr i) { return cast<int>(rows.func(clamp(i, 0, N))); };
    auto tRow = [&](Expr i) { return cast<int>(tOff.func(clamp(i, 0, N))); };
    auto col = [&](Expr edge) {
      return clamp(cast<int>(cols.func(clamp(edge, 0, E - 1))), 0, N - 1);
    };
    auto tDest = [&](Expr pos) {
      return clamp(cast<int>(tDst.func(clamp(pos, 0, E - 1))), 0, N - 1);
    };
    auto tEdgeId = [&](Expr pos) {
      return clamp(cast<int>(tEdge.func(clamp(pos, 0, E - 1))), 0, E - 1);
    };
    auto keep = dropoutFactor(node, 11, t);
    auto keepAt = [&](Expr edge) { return keep(edge * H + h); };
    Expr slope = cast(t, Expr(node.negativeSlope));
    auto leaky = [&](Expr z) { return select(z > 0, z, z * slope); };

    RDom rd(0, D, "rd");
    std::tie(s.left, s.right) =
        gatNodeTerms(q, k, aSrc, aDst, h, n, rd, "grad_");
    auto zAt = [&](Expr dst, Expr edge) {
      return s.left(h, dst) + s.right(h, col(edge));
    };

    // Out-edges of n (CSR) and in-edges of n (CSC positions).
    auto outEdges = [&](const char *name) {
      RDom r(0, E, name);
      r.where(r.x < row(n + 1) - row(n));
      return r;
    };
    auto outEdge = [&](const RDom &r) { return clamp(row(n) + r.x, 0, E - 1); };
    auto inEdges = [&](const char *name) {
      RDom r(0, E, name);
      r.where(r.x < tRow(n + 1) - tRow(n));
      return r;
    };
    auto inPos = [&](const RDom &r) { return clamp(tRow(n) + r.x, 0, E - 1); };

    // The forward's softmax statistics, recomputed.
    RDom rm = outEdges("edge_max");
    s.nodeMax = Func(unique("grad_node_max"));
    s.nodeMax(h, n) = cast(t, -FLT_MAX);
    s.nodeMax(h, n) = max(s.nodeMax(h, n), leaky(zAt(n, outEdge(rm))));
    RDom rs = outEdges("edge_sum");
    s.nodeSum = Func(unique("grad_node_sum"));
    s.nodeSum(h, n) = cast(t, 0);
    s.nodeSum(h, n) += exp(leaky(zAt(n, outEdge(rs))) - s.nodeMax(h, n));

    // Per-edge values: on CPUs written node by node into each node's CSR
    // range (`se` of node `sn`); on GPUs pure functions of the edge (`x`
    // of its destination, as in the forward).
    s.edgeP = Func(unique("grad_edge_p"));
    s.edgeDp = Func(unique("grad_edge_dp"));
    Expr se = x, sn;
    if (edgeParallelGraph) {
      s.edgeParallel = true;
      s.edgeDst = edgeDestinations(sparseRows(rows, cols, N, N), x,
                                   s.searchStep);
      sn = clamp(s.edgeDst(x), 0, N - 1);
      s.edgeP(h, x) =
          exp(leaky(zAt(sn, x)) - s.nodeMax(h, sn)) / s.nodeSum(h, sn);
      RDom rv(0, Dv, "rv");
      s.edgeDp(h, x) = cast(t, 0);
      s.edgeDp(h, x) += dy.func(rv, h, sn) * v.func(rv, h, col(x));
    } else {
      RDom scatter(0, E, 0, N, unique("scatter"));
      scatter.where(scatter.x < row(scatter.y + 1) - row(scatter.y));
      s.scatterNode = scatter.y;
      se = clamp(row(scatter.y) + scatter.x, 0, E - 1);
      sn = scatter.y;
      s.edgeP(h, x) = undef(t);
      s.edgeP(h, se) =
          exp(leaky(zAt(sn, se)) - s.nodeMax(h, sn)) / s.nodeSum(h, sn);

      // dp'[x] = dy[dst] . v[src]: value dim innermost, then edges, nodes.
      s.edgeDp(h, x) = undef(t);
      s.edgeDp(h, se) = cast(t, 0);
      s.dotNode = scatterEdgeDot(
          s.edgeDp, h, row, N, E, Dv, [&](Expr d, Expr dst, Expr edge) {
            return dy.func(d, h, dst) * v.func(d, h, col(edge));
          });
    }

    // sum_j p dp = sum_j p' dp' (dp = dp' * keep / (1 - rate)).
    RDom rp = outEdges("edge_pdp");
    s.nodeDot = Func(unique("grad_node_dot"));
    s.nodeDot(h, n) = cast(t, 0);
    Expr pe = outEdge(rp);
    s.nodeDot(h, n) += s.edgeP(h, pe) * keepAt(pe) * s.edgeDp(h, pe);

    // dz = p (dp - sum_j' p dp) LeakyReLU'(z).
    s.edgeDz = Func(unique("grad_edge_dz"));
    if (!s.edgeParallel)
      s.edgeDz(h, x) = undef(t);
    Expr z = zAt(sn, se);
    s.edgeDz(h, se) = s.edgeP(h, se) *
                      (keepAt(se) * s.edgeDp(h, se) - s.nodeDot(h, sn)) *
                      select(z > 0, cast(t, 1), slope);

    // Per node: the sum of dz over its out-edges (the a_dst . q side) and,
    // through the transposed graph, over its in-edges (the a_src . k side).
    RDom rz = outEdges("edge_dz");
    s.rowDz = Func(unique("grad_row_dz"));
    s.rowDz(h, n) = cast(t, 0);
    s.rowDz(h, n) += s.edgeDz(h, outEdge(rz));
    RDom cz = inEdges("in_dz");
    s.colDz = Func(unique("grad_col_dz"));
    s.colDz(h, n) = cast(t, 0);
    s.colDz(h, n) += s.edgeDz(h, tEdgeId(inPos(cz)));

    s.dq = Func(unique("grad_q"));
    s.dq(d, h, n) = s.rowDz(h, n) * aDst.func(d, h);
    s.dk = Func(unique("grad_k"));
    s.dk(d, h, n) = s.colDz(h, n) * aSrc.func(d, h);
    RDom rnDst(0, N, "rn_dst"), rnSrc(0, N, "rn_src");
    s.dDstNodes = rnDst.x;
    s.dSrcNodes = rnSrc.x;
    s.dDst = Func(unique("grad_a_dst"));
    s.dDst(d, h) = cast(t, 0);
    s.dDst(d, h) += s.rowDz(h, rnDst) * q.func(d, h, rnDst);
    s.dSrc = Func(unique("grad_a_src"));
    s.dSrc(d, h) = cast(t, 0);
    s.dSrc(d, h) += s.colDz(h, rnSrc) * k.func(d, h, rnSrc);

    // dv[j] = sum over the nodes i attending j of p'[i, j] dy[i].
    RDom rv = inEdges("in_v");
    s.dvPos = rv.x;
    Expr pos = inPos(rv), edge = tEdgeId(pos);
    s.dvAcc = Func(unique("grad_v_acc"));
    s.dvAcc(e, h, n) = cast(t, 0);
    s.dvAcc(e, h, n) +=
        s.edgeP(h, edge) * keepAt(edge) * dy.func(e, h, tDest(pos));
    s.dv = Func(unique("grad_v"));
    s.dv(e, h, n) = s.dvAcc(e, h, n);

    setValue(node.result, s.dq, t, q.extents);
    setValue(node.extraResults[0], s.dk, t, k.extents);
    setValue(node.extraResults[1], s.dv, t, v.extents);
    setValue(node.extraResults[2], s.dSrc, t, aSrc.extents);
    setValue(node.extraResults[3], s.dDst, t, aDst.extents);
    stages.graphGrad.push_back(s);
  }

  void lowerLogSoftmax(const kg::Node &node) {
    const HValue &x = operand(node, 0);
    std::vector<Var> vars = makeVars(x.extents.size(), "x");
    std::vector<Expr> rest(vars.begin() + 1, vars.end());
    RDom r(0, x.extents[0], "rc");
    std::vector<Expr> at = {r.x};
    at.insert(at.end(), rest.begin(), rest.end());
    Func mx(unique("lsm_max")), lse(unique("lsm_lse"));
    mx(rest) = maximum(x.func(at));
    lse(rest) = log(sum(exp(x.func(at) - mx(rest))));
    Func out(unique("log_softmax"));
    out(asExprs(vars)) = x.func(asExprs(vars)) - mx(rest) - lse(rest);
    stages.generic.push_back(mx);
    stages.generic.push_back(lse);
    setGeneric(node, out, x.type, x.extents);
  }

  void setValue(int id, Func f, Type t, std::vector<Expr> extents) {
    HValue &r = values[id];
    r.func = f;
    r.type = t;
    r.extents = std::move(extents);
  }

  void setGeneric(const kg::Node &node, Func f, Type t,
                  std::vector<Expr> extents) {
    setValue(node.result, f, t, std::move(extents));
    if (!fused.count(node.result))
      stages.generic.push_back(f);
  }

  std::set<int> fused; // value ids inlined into their elementwise reader

  /// Halide needs distinct Func names within a pipeline.
  std::string unique(const std::string &base) {
    return base + "_" + std::to_string(counter++);
  }

  int counter = 0;
  int rowBlock;
  std::function<OnlineTiles(int64_t, int64_t)> onlineTiles;
  bool edgeParallelGraph;
  const kg::Function &fn;
  std::vector<ImageParam> &inputs;
  std::vector<HValue> values;
  PipelineStages stages;
};

} // namespace

PipelineStages buildAlgorithm(const kg::Function &fn,
                              std::vector<ImageParam> &inputs,
                              const AlgorithmOptions &options) {
  return Builder(fn, inputs, options).build();
}

} // namespace attnc::halide
