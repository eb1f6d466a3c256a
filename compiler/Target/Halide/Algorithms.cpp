//===- Algorithms.cpp - attn ops as Halide algorithms ---------------------===//
#include "compiler/Target/Halide/Algorithms.h"

#include <cctype>
#include <cfloat>
#include <cmath>
#include <stdexcept>

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
          int rowBlock)
      : rowBlock(rowBlock), fn(fn), inputs(inputs),
        values(fn.values.size()) {}

  PipelineStages build() {
    for (size_t i = 0; i < fn.inputs.size(); ++i)
      bindInput(fn.inputs[i], halideName(fn.inputs[i].name, "in", i));
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
    case kg::OpKind::SplitHeads: return lowerSplitHeads(node);
    case kg::OpKind::MergeHeads: return lowerMergeHeads(node);
    case kg::OpKind::Embedding: return lowerEmbedding(node);
    case kg::OpKind::PositionalEncoding: return lowerPositional(node);
    case kg::OpKind::Add: return lowerAdd(node);
    case kg::OpKind::LayerNorm: return lowerLayerNorm(node);
    case kg::OpKind::Activation: return lowerActivation(node);
    case kg::OpKind::Dropout: return lowerDropout(node);
    case kg::OpKind::LogSoftmax: return lowerLogSoftmax(node);
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

  void lowerAttention(const kg::Node &node) {
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
      Expr first = (i / rowBlock) * rowBlock, last = first + rowBlock - 1;
      if (node.causal)
        r.where(r.x <= last);
      if (node.hasWindow) {
        r.where(r.x >= first - static_cast<int>(node.windowLeft));
        r.where(r.x <= last + static_cast<int>(node.windowRight));
      }
      if (has(node, 5))
        r.where(r.x < cast<int>(operand(node, 5).func(b)));
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

    HValue &r = values[node.result];
    r.func = s.out;
    r.type = t;
    r.extents = {v.extents[0], Sq, Hq, q.extents[3]};
    stages.dense.push_back(s);
  }

  void lowerGraphAttention(const kg::Node &node) {
    const HValue &q = operand(node, 0), &k = operand(node, 1),
                 &v = operand(node, 2), &rows = operand(node, 3),
                 &cols = operand(node, 4);
    GraphAttentionStages s;
    Type t = q.type;
    Var &e = s.e, &h = s.h, &n = s.n, &x = s.x;
    Expr D = q.extents[0], H = q.extents[1], N = q.extents[2];
    Expr E = cols.extents[0];
    s.additive = node.score == kg::ScoreKind::Additive;
    s.heads = shapeOf(node, 0)[1];
    s.valueDim = shapeOf(node, 2)[2];

    // Node indices are clamped too: tail iterations of node-chunked loops
    // evaluate their edge ranges before the guard that discards them.
    auto row = [&](Expr node_) {
      return cast<int>(rows.func(clamp(node_, 0, N)));
    };
    // Indices come from the caller; clamping keeps every access in bounds
    // for Halide, and the runtime has already rejected out-of-range CSR.
    auto col = [&](Expr edge) {
      return clamp(cast<int>(cols.func(clamp(edge, 0, E - 1))), 0, N - 1);
    };

    auto edges = [&](const char *name) {
      RDom r(0, E, name);
      r.where(r.x < row(n + 1) - row(n));
      return r;
    };
    auto edgeOf = [&](const RDom &r) { return clamp(row(n) + r.x, 0, E - 1); };
    Expr slope = cast(t, Expr(node.negativeSlope));
    auto leaky = [&](Expr z) { return select(z > 0, z, z * slope); };
    RDom rd(0, D, "rd");
    RDom rm = edges("edge_max");
    s.edgeMax = rm.x;
    s.rowMax = Func(unique("node_max"));
    s.rowMax(h, n) = cast(t, -FLT_MAX);
    // Edges are walked node by node (the CSR rows), so each edge's
    // destination is the loop's node and only its source is gathered.
    RDom scatter(0, E, 0, N, unique("scatter"));
    scatter.where(scatter.x < row(scatter.y + 1) - row(scatter.y));
    s.scatterNode = scatter.y;
    Expr scatterEdge = clamp(row(scatter.y) + scatter.x, 0, E - 1);
    s.edgeExp = Func(unique("edge_exp"));
    s.edgeExp(h, x) = undef(t);
    if (s.additive) {
      // GAT: the score splits into a per-destination and a per-source term.
      const HValue &aSrc = operand(node, 5), &aDst = operand(node, 6);
      s.left = Func(unique("score_dst"));
      s.left(h, n) = cast(t, 0);
      s.left(h, n) += aDst.func(rd, h) * q.func(rd, h, n);
      s.right = Func(unique("score_src"));
      s.right(h, n) = cast(t, 0);
      s.right(h, n) += aSrc.func(rd, h) * k.func(rd, h, n);
      s.rowMax(h, n) = max(s.rowMax(h, n),
                           leaky(s.left(h, n) + s.right(h, col(edgeOf(rm)))));
      Expr z = leaky(s.left(h, scatter.y) + s.right(h, col(scatterEdge)));
      s.edgeExp(h, scatterEdge) = exp(z - s.rowMax(h, scatter.y));
    } else {
      // Dot scores are computed once per edge, node by node, and stored.
      s.edgeScore = Func(unique("edge_score"));
      s.edgeScore(h, x) = undef(t);
      s.edgeScore(h, scatterEdge) = cast(t, 0);
      // One reduction domain per update: head dim innermost, then edges.
      RDom dot(0, D, 0, E, 0, N, unique("dot"));
      dot.where(dot.y < row(dot.z + 1) - row(dot.z));
      s.dotNode = dot.z;
      Expr dotEdge = clamp(row(dot.z) + dot.y, 0, E - 1);
      s.edgeScore(h, dotEdge) += q.func(dot.x, h, dot.z) *
                                 k.func(dot.x, h, col(dotEdge)) *
                                 scaleOf(node, t, D);
      s.rowMax(h, n) = max(s.rowMax(h, n), s.edgeScore(h, edgeOf(rm)));
      s.edgeExp(h, scatterEdge) =
          exp(s.edgeScore(h, scatterEdge) - s.rowMax(h, scatter.y));
    }

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
    s.acc(e, h, n) += s.edgeExp(h, edge) * v.func(e, h, col(edge));
    Expr l = s.rowSum(h, n);
    s.out = Func(unique("graph_attention"));
    s.out(e, h, n) =
        select(l > 0, s.acc(e, h, n) / select(l > 0, l, 1), cast(t, 0));

    HValue &r = values[node.result];
    r.func = s.out;
    r.type = t;
    r.extents = {v.extents[0], H, N};
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

  void lowerLinear(const kg::Node &node) {
    const HValue &x = operand(node, 0), &w = operand(node, 1);
    LinearStages s;
    Var c("c");
    s.rest = makeVars(x.extents.size() - 1, "n");
    std::vector<Expr> restE = asExprs(s.rest);
    // Output features and rows are clamped so a schedule may compute whole
    // register blocks past the edges (rounded up) and store only the inside.
    Expr outFeatures = w.extents[1];
    s.weightT = Func(unique("weight_t"));
    s.weightT(s.o, c) = w.func(c, clamp(s.o, 0, outFeatures - 1));
    RDom rc(0, x.extents[0], "rc");
    s.rc = rc.x;
    std::vector<Expr> outArgs = {s.o}, xArgs = {rc.x};
    outArgs.insert(outArgs.end(), restE.begin(), restE.end());
    xArgs.insert(xArgs.end(), restE.begin(), restE.end());
    if (xArgs.size() > 1)
      xArgs[1] = clamp(xArgs[1], 0, x.extents[1] - 1);
    s.dot = Func(unique("linear_dot"));
    s.dot(outArgs) = cast(x.type, 0);
    s.dot(outArgs) += x.func(xArgs) * s.weightT(s.o, rc.x);
    s.out = Func(unique("linear"));
    Expr biasAt = has(node, 2)
                      ? operand(node, 2).func(clamp(s.o, 0, outFeatures - 1))
                      : cast(x.type, 0);
    s.out(outArgs) = s.dot(outArgs) + biasAt;
    HValue &r = values[node.result];
    r.func = s.out;
    r.type = x.type;
    r.extents = x.extents;
    r.extents[0] = w.extents[1];
    stages.linear.push_back(s);
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

  void lowerDropout(const kg::Node &node) {
    // Inference: the identity. The value is passed through, not copied.
    values[node.result] = operand(node, 0);
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

  void setGeneric(const kg::Node &node, Func f, Type t,
                  std::vector<Expr> extents) {
    HValue &r = values[node.result];
    r.func = f;
    r.type = t;
    r.extents = std::move(extents);
    stages.generic.push_back(f);
  }

  /// Halide needs distinct Func names within a pipeline.
  std::string unique(const std::string &base) {
    return base + "_" + std::to_string(counter++);
  }

  int counter = 0;
  int rowBlock;
  const kg::Function &fn;
  std::vector<ImageParam> &inputs;
  std::vector<HValue> values;
  PipelineStages stages;
};

} // namespace

PipelineStages buildAlgorithm(const kg::Function &fn,
                              std::vector<ImageParam> &inputs, int rowBlock) {
  return Builder(fn, inputs, rowBlock).build();
}

} // namespace attnc::halide
