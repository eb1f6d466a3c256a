//===- Attention.cpp - dense attention and its decomposed ops -------------===//
//
// attn.attention (an online softmax over key chunks, each chunk's softmax
// terms reduced over a slab, for CPUs; over key tiles for GPUs:
// AlgorithmOptions::onlineTiles), and the
// decomposed attn.score, attn.softmax and attn.weighted_sum.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/Lowering.h"

#include "dialects/attn/IR/AttnOps.h"

#include <cfloat>
#include <functional>

using namespace Halide;
namespace attn = mlir::attn;

namespace attnc::halide {

namespace {

/// Which (query, key) pairs are allowed: the masking operands and
/// attributes attn.attention and attn.softmax share.
struct Masking {
  bool causal = false;
  bool hasWindow = false;
  int64_t windowLeft = 0, windowRight = 0;
  mlir::Value mask, bias, keyLengths;

  template <typename OpTy> static Masking of(OpTy op) {
    Masking m;
    m.causal = op.getCausal();
    if (attn::WindowAttr w = op.getWindowAttr()) {
      m.hasWindow = true;
      m.windowLeft = w.getLeft();
      m.windowRight = w.getRight();
    }
    m.mask = op.getMask();
    m.bias = op.getBias();
    m.keyLengths = op.getKeyLengths();
    return m;
  }
};

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

/// The predicate "query i may attend key j" from the positional masks; the
/// boolean mask tensor is applied separately (it is not a loop bound).
Expr positionalAllowed(const LoweringContext &cx, const Masking &m, Expr i,
                       Expr j, Expr b) {
  Expr ok = Internal::const_true();
  if (m.causal)
    ok = ok && j <= i;
  if (m.hasWindow) {
    ok = ok && j >= i - static_cast<int>(m.windowLeft);
    ok = ok && j <= i + static_cast<int>(m.windowRight);
  }
  if (m.keyLengths)
    ok = ok && j < cast<int>(cx[m.keyLengths].func(b));
  return ok;
}

/// The multiplier of the logits: `scale` when known, else 1/sqrt(head_dim).
Expr scaleOf(std::optional<double> scale, Type t, Expr headDim) {
  if (!scale)
    return cast(t, 1.0f / sqrt(cast<float>(headDim)));
  return cast(t, Expr(*scale));
}

/// The boolean mask tensor at logit (j, i, h, b); true when absent.
Expr maskAt(const LoweringContext &cx, const Masking &m, Expr j, Expr i,
            Expr h, Expr b) {
  if (!m.mask)
    return Internal::const_true();
  return broadcastAt(cx[m.mask], {j, i, h, b}, LoweringContext::shape(m.mask)) !=
         0;
}

/// `logit` plus the bias tensor at (j, i, h, b), if there is one.
Expr withBias(const LoweringContext &cx, const Masking &m, Expr logit, Expr j,
              Expr i, Expr h, Expr b) {
  if (!m.bias)
    return logit;
  return logit + cast(logit.type(), broadcastAt(cx[m.bias], {j, i, h, b},
                                                LoweringContext::shape(m.bias)));
}

/// Trims `r`, whose iteration covers keys [keyLo, keyHi], to the keys that
/// queries [qFirst, qLast] of batch `b` may attend: the causal triangle, the
/// window band, the batch's key length. Per-query masking stays in the
/// body; these only bound the loops.
void restrictToBand(const LoweringContext &cx, const Masking &m, RDom &r,
                    Expr keyLo, Expr keyHi, Expr qFirst, Expr qLast, Expr b) {
  if (m.causal)
    r.where(keyLo <= qLast);
  if (m.hasWindow) {
    r.where(keyHi >= qFirst - static_cast<int>(m.windowLeft));
    r.where(keyLo <= qLast + static_cast<int>(m.windowRight));
  }
  if (m.keyLengths)
    r.where(keyLo < cast<int>(cx[m.keyLengths].func(b)));
}

/// One key block's terms for the online softmax: its max logit, its sum
/// of exp(logit - max) and its exp-weighted values.
struct BlockTerms {
  Expr max, sum, acc;
};

/// The variables of an online-softmax state and output: value dim e, query
/// i = it * TQ + ii, head h, batch b.
struct OnlineVars {
  Var e, i, ii, it, h, b;
};

/// FlashAttention's recurrence: `state(e, ii, it, h, b)` = {m, l, acc},
/// updated for each block of `keys` keys that query tile `it`'s band
/// reaches with `termsAt(block)`, and `out(e, i, h, b)` = acc / l (0 for a
/// row with no allowed key, l = 0). The state is addressed by tile so that
/// the band, which bounds the scan, depends on a loop outside it. One of
/// exp(m - m') and exp(max - m') is exactly 1, so a step takes one exp.
/// Returns the scan's variable.
RVar onlineScan(LoweringContext &cx, const Masking &m, Func &state, Func &out,
                const OnlineVars &x, Expr Sk, int TQ, int keys, Expr lowest,
                const char *scanName, const char *stateName,
                const std::function<BlockTerms(Expr block)> &termsAt) {
  const Var &e = x.e, &i = x.i, &ii = x.ii, &it = x.it, &h = x.h, &b = x.b;
  Type t = lowest.type();
  RDom r(0, (Sk + keys - 1) / keys, scanName);
  restrictToBand(cx, m, r, r.x * keys, r.x * keys + keys - 1, it * TQ,
                 it * TQ + TQ - 1, b);
  state = Func(cx.unique(stateName));
  state(e, ii, it, h, b) = {lowest, cast(t, 0), cast(t, 0)};
  BlockTerms block = termsAt(r.x);
  Expr mOld = state(e, ii, it, h, b)[0];
  Expr gap = mOld - block.max;
  Expr scaled = exp(-abs(gap));
  Expr keep = select(gap >= 0, cast(t, 1), scaled);
  Expr take = select(gap >= 0, scaled, cast(t, 1));
  state(e, ii, it, h, b) = {max(mOld, block.max),
                            state(e, ii, it, h, b)[1] * keep + block.sum * take,
                            state(e, ii, it, h, b)[2] * keep + block.acc * take};

  out = Func(cx.unique("attention"));
  Expr l = state(e, i % TQ, i / TQ, h, b)[1];
  out(e, i, h, b) =
      select(l > 0, state(e, i % TQ, i / TQ, h, b)[2] / select(l > 0, l, 1),
             cast(t, 0));
  return r.x;
}

void lowerOnlineAttention(attn::AttentionOp op, LoweringContext &cx);

void lowerAttention(attn::AttentionOp op, LoweringContext &cx) {
  if (cx.options.onlineTiles)
    return lowerOnlineAttention(op, cx);
  const HValue &q = cx[op.getQuery()], &k = cx[op.getKey()],
               &v = cx[op.getValue()];
  Masking m = Masking::of(op);
  const int rowBlock = cx.options.rowBlock;
  DenseAttentionStages s;
  Type t = q.type;
  Expr D = q.extents[0], Sq = q.extents[1], Hq = q.extents[2];
  Expr Sk = k.extents[1], Hkv = k.extents[2];
  Expr group = Hq / Hkv;
  Var &e = s.e, &i = s.i, &j = s.j, &h = s.h, &b = s.b;
  Var d("d");
  Expr hk = h / group;

  s.qScaled = Func(cx.unique("q_scaled"));
  // Query tiles may run past Sq (the tail is computed, not stored), so
  // query reads are clamped.
  s.qScaled(i, d, h, b) = q.func(d, clamp(i, 0, Sq - 1), h, b) *
                          scaleOf(op.getEffectiveScale(), t, D);

  RDom rd(0, D, "rd");
  s.rd = rd.x;
  s.dot = Func(cx.unique("qk"));
  s.dot(i, j, h, b) = cast(t, 0);
  // Key blocks may also run past Sk (rounded up to the micro-kernel).
  s.dot(i, j, h, b) +=
      s.qScaled(i, rd, h, b) * k.func(rd, clamp(j, 0, Sk - 1), hk, b);

  s.hasMaskTensor = static_cast<bool>(m.mask);
  s.headDim = LoweringContext::shape(op.getQuery())[3];
  s.valueDim = LoweringContext::shape(op.getValue())[3];
  s.logits = Func(cx.unique("logits"));
  // The bias is read over the same rounded-up query and key ranges as the
  // dot, so both of its coordinates are clamped too.
  Expr ic = clamp(i, 0, Sq - 1), jc = clamp(j, 0, Sk - 1);
  s.logits(i, j, h, b) = withBias(cx, m, s.dot(i, j, h, b), jc, ic, h, b);

  // The keys are scanned in chunks of KC: per chunk, three reductions over
  // the chunk's keys in the band, then the running state is rescaled.
  // Loops are bounded by the band widened to whole blocks of `rowBlock`
  // queries (uniform across a vector of queries, so Halide trims the loops
  // even when queries are vectorised); the exact per-query mask is a select
  // in the body.
  const int KC = cx.options.keyChunk;
  s.keyChunk = KC;
  Var &c = s.c;
  auto chunkKeys = [&](const char *name) {
    RDom r(0, KC, name);
    Expr key = c * KC + r.x, first = (i / rowBlock) * rowBlock;
    r.where(key < Sk);
    restrictToBand(cx, m, r, key, key, first, first + rowBlock - 1, b);
    return r;
  };
  auto allowedAt = [&](Expr j) {
    return positionalAllowed(cx, m, i, j, b) && maskAt(cx, m, j, ic, h, b);
  };
  // Masked keys and -inf biases count as the lowest float, so no exp
  // argument below is ever positive and a chunk with no allowed key adds 0.
  Expr lowest = cast(t, -FLT_MAX);
  RDom rm = chunkKeys("rj_max");
  s.rjMax = rm.x;
  Expr km = c * KC + rm.x;
  s.chunkMax = Func(cx.unique("chunk_max"));
  s.chunkMax(i, c, h, b) = lowest;
  s.chunkMax(i, c, h, b) =
      max(s.chunkMax(i, c, h, b),
          select(allowedAt(km), max(s.logits(i, km, h, b), lowest), lowest));

  s.probs = Func(cx.unique("probs"));
  Expr p = exp(s.logits(i, j, h, b) - s.chunkMax(i, j / KC, h, b));
  s.probs(i, j, h, b) = select(allowedAt(j), p, cast(t, 0));

  RDom rs = chunkKeys("rj_sum");
  s.rjSum = rs.x;
  s.chunkSum = Func(cx.unique("chunk_sum"));
  s.chunkSum(i, c, h, b) = cast(t, 0);
  s.chunkSum(i, c, h, b) += s.probs(i, c * KC + rs.x, h, b);

  RDom ra = chunkKeys("rj_acc");
  s.rjAcc = ra.x;
  Expr ka = c * KC + ra.x;
  s.chunkAcc = Func(cx.unique("chunk_pv"));
  s.chunkAcc(e, i, c, h, b) = cast(t, 0);
  s.chunkAcc(e, i, c, h, b) += s.probs(i, ka, h, b) * v.func(e, ka, hk, b);

  // The scan over the chunks the query tile's band reaches.
  const int TQ = cx.options.queryTile;
  s.queryTile = TQ;
  Var &ii = s.ii, &it = s.it;
  s.rc = onlineScan(cx, m, s.state, s.out, {e, i, ii, it, h, b}, Sk, TQ, KC,
                    lowest, "rc", "attention_state", [&](Expr chunk) {
                      Expr qi = it * TQ + ii;
                      return BlockTerms{s.chunkMax(qi, chunk, h, b),
                                        s.chunkSum(qi, chunk, h, b),
                                        s.chunkAcc(e, qi, chunk, h, b)};
                    });

  cx.set(op.getResult(), s.out, t, {v.extents[0], Sq, Hq, q.extents[3]});
  cx.addStage(s);
}

void lowerOnlineAttention(attn::AttentionOp op, LoweringContext &cx) {
  const HValue &q = cx[op.getQuery()], &k = cx[op.getKey()],
               &v = cx[op.getValue()];
  Masking m = Masking::of(op);
  OnlineAttentionStages s;
  s.headDim = LoweringContext::shape(op.getQuery())[3];
  s.valueDim = LoweringContext::shape(op.getValue())[3];
  OnlineTiles tiles = cx.options.onlineTiles(s.headDim, s.valueDim);
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
  s.qScaled = Func(cx.unique("q_scaled"));
  s.qScaled(i, d, h, b) = q.func(d, clamp(i, 0, Sq - 1), h, b) *
                          scaleOf(op.getEffectiveScale(), t, D);
  Expr qi = it * TQ + ii, kj = kt * KT + jj;
  Expr qc = clamp(qi, 0, Sq - 1), kc = clamp(kj, 0, Sk - 1);

  RDom rd(0, D, "rd");
  s.rd = rd.x;
  s.dot = Func(cx.unique("qk"));
  s.dot(jj, ii, kt, it, h, b) = cast(t, 0);
  s.dot(jj, ii, kt, it, h, b) += s.qScaled(qi, rd, h, b) * k.func(rd, kc, hk, b);

  // Masked keys get the lowest float; so do keys whose bias is -inf.
  // Probabilities are taken only above it, so a tile (or a row) with no
  // allowed key contributes nothing, and a row with none at all ends with
  // l = 0 and outputs 0.
  Expr lowest = cast(t, -FLT_MAX);
  Expr allowed = kj < Sk && positionalAllowed(cx, m, qi, kj, b) &&
                 maskAt(cx, m, kc, qc, h, b);
  s.logits = Func(cx.unique("logits"));
  s.logits(jj, ii, kt, it, h, b) = select(
      allowed,
      max(withBias(cx, m, s.dot(jj, ii, kt, it, h, b), kc, qc, h, b), lowest),
      lowest);

  RDom rj(0, KT, "rj");
  s.rj = rj.x;
  s.tileMax = Func(cx.unique("tile_max"));
  s.tileMax(ii, kt, it, h, b) = lowest;
  s.tileMax(ii, kt, it, h, b) =
      max(s.tileMax(ii, kt, it, h, b), s.logits(rj, ii, kt, it, h, b));
  s.probs = Func(cx.unique("probs"));
  Expr logit = s.logits(jj, ii, kt, it, h, b);
  s.probs(jj, ii, kt, it, h, b) = select(
      logit > lowest, exp(logit - s.tileMax(ii, kt, it, h, b)), cast(t, 0));
  s.tileSum = Func(cx.unique("tile_sum"));
  s.tileSum(ii, kt, it, h, b) = cast(t, 0);
  s.tileSum(ii, kt, it, h, b) += s.probs(rj, ii, kt, it, h, b);
  s.tileAcc = Func(cx.unique("tile_pv"));
  s.tileAcc(e, ii, kt, it, h, b) = cast(t, 0);
  s.tileAcc(e, ii, kt, it, h, b) +=
      s.probs(rj, ii, kt, it, h, b) *
      v.func(e, clamp(kt * KT + rj, 0, Sk - 1), hk, b);

  // The scan over key tiles, trimmed to the tiles the query tile's band
  // and the batch's key length reach (tiles are skipped, not masked).
  s.rt = onlineScan(cx, m, s.state, s.out, {e, i, ii, it, h, b}, Sk, TQ, KT,
                    lowest, "rt", "online_state", [&](Expr tile) {
                      return BlockTerms{s.tileMax(ii, tile, it, h, b),
                                        s.tileSum(ii, tile, it, h, b),
                                        s.tileAcc(e, ii, tile, it, h, b)};
                    });

  cx.set(op.getResult(), s.out, t, {v.extents[0], Sq, Hq, q.extents[3]});
  cx.addStage(s);
}

void lowerScore(attn::ScoreOp op, LoweringContext &cx) {
  const HValue &q = cx[op.getQuery()], &k = cx[op.getKey()];
  Var j("j"), i("i"), h("h"), b("b");
  RDom rd(0, q.extents[0], "rd");
  Expr hk = h / (q.extents[2] / k.extents[2]);
  Func f(cx.unique("score"));
  f(j, i, h, b) = cast(q.type, 0);
  f(j, i, h, b) += q.func(rd, i, h, b) * k.func(rd, j, hk, b);
  Func out(cx.unique("scaled_score"));
  out(j, i, h, b) = f(j, i, h, b) * scaleOf(op.getScale().convertToDouble(),
                                            q.type, q.extents[0]);
  cx.setGeneric(op.getResult(), out, q.type,
                {k.extents[1], q.extents[1], q.extents[2], q.extents[3]});
}

void lowerSoftmax(attn::SoftmaxOp op, LoweringContext &cx) {
  const HValue &s = cx[op.getInput()];
  Masking m = Masking::of(op);
  Var j("j"), i("i"), h("h"), b("b");
  Type t = s.type;
  Func logit(cx.unique("softmax_logit"));
  logit(j, i, h, b) = withBias(cx, m, s.func(j, i, h, b), j, i, h, b);
  Func ok(cx.unique("softmax_allowed"));
  ok(j, i, h, b) =
      positionalAllowed(cx, m, i, j, b) && maskAt(cx, m, j, i, h, b);
  RDom r(0, s.extents[0], "rj");
  Func mx(cx.unique("softmax_max"));
  mx(i, h, b) =
      maximum(select(ok(r, i, h, b), logit(r, i, h, b), cast(t, -FLT_MAX)));
  Func p(cx.unique("softmax_exp"));
  p(j, i, h, b) = select(ok(j, i, h, b), exp(logit(j, i, h, b) - mx(i, h, b)),
                         cast(t, 0));
  Func l(cx.unique("softmax_sum"));
  l(i, h, b) = sum(p(r, i, h, b));
  Func out(cx.unique("softmax"));
  Expr sumAt = l(i, h, b);
  out(j, i, h, b) =
      select(sumAt > 0, p(j, i, h, b) / select(sumAt > 0, sumAt, 1), cast(t, 0));
  cx.addStage(GenericStage{mx});
  cx.addStage(GenericStage{l});
  cx.setGeneric(op.getResult(), out, t, s.extents);
}

void lowerWeightedSum(attn::WeightedSumOp op, LoweringContext &cx) {
  const HValue &p = cx[op.getProbs()], &v = cx[op.getValue()];
  Var e("e"), i("i"), h("h"), b("b");
  RDom r(0, p.extents[0], "rj");
  Expr hk = h / (p.extents[2] / v.extents[2]);
  Func out(cx.unique("weighted_sum"));
  out(e, i, h, b) = cast(p.type, 0);
  out(e, i, h, b) += p.func(r, i, h, b) * v.func(e, r, hk, b);
  cx.setGeneric(op.getResult(), out, p.type,
                {v.extents[0], p.extents[1], p.extents[2], p.extents[3]});
}

} // namespace

void registerAttentionLowerings(LoweringRegistry &registry) {
  registry.add(lowerAttention);
  registry.add(lowerScore);
  registry.add(lowerSoftmax);
  registry.add(lowerWeightedSum);
}

} // namespace attnc::halide
