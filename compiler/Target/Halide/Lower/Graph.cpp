//===- Graph.cpp - attention along a graph's edges, and its backward ------===//
//
// attn.graph_attention (dot scores or GAT's additive scores) and the GAT
// backward attn.graph_attention_grad. On CPUs per-edge values are written
// node by node into each node's own CSR range (race-free scatters); with
// AlgorithmOptions::edgeParallelGraph (GPUs) they are pure functions of the
// edge, whose destination is found by binary search over the row offsets.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/Lowering.h"

#include "dialects/attn/IR/AttnOps.h"

#include <cfloat>
#include <cmath>
#include <tuple>

using namespace Halide;
namespace attn = mlir::attn;

namespace attnc::halide {

namespace {

/// The destination of each edge x of `m`: the last row whose range starts
/// at or before x (ranges of empty rows start where the next one does),
/// found bit by bit from the highest: ceil(log2(rows)) + 1 steps (the one
/// extra absorbs the rounding of the float log), at most bits 30..0, which
/// reach every int32 row. `step` receives the search loop.
Func edgeDestinations(LoweringContext &cx, const SparseRows &m, const Var &x,
                      RVar &step) {
  Func dst(cx.unique("edge_dst"));
  dst(x) = 0;
  Expr bits = min(
      cast<int>(ceil(log(cast<float>(max(m.rows, 1))) / float(M_LN2))) + 1, 31);
  RDom r(0, bits, cx.unique("search"));
  step = r.x;
  Expr candidate = dst(x) + (1 << (bits - 1 - r.x));
  dst(x) = select(candidate < m.rows && m.start(candidate) <= x, candidate,
                  dst(x));
  return dst;
}

/// CPU scatter form of a per-edge dot product: for every edge of every
/// node, node by node into the node's CSR range, f(h, edge) += the sum over
/// d < depth of term(d, node, edge). One reduction domain per update: d
/// innermost, then edges, nodes (returned: the node loop).
RVar scatterEdgeDot(LoweringContext &cx, Func &f, const Var &h,
                    const std::function<Expr(Expr)> &row, Expr N, Expr E,
                    Expr depth,
                    const std::function<Expr(Expr, Expr, Expr)> &term) {
  RDom dot(0, depth, 0, E, 0, N, cx.unique("dot"));
  dot.where(dot.y < row(dot.z + 1) - row(dot.z));
  Expr edge = clamp(row(dot.z) + dot.y, 0, E - 1);
  f(h, edge) += term(dot.x, dot.z, edge);
  return dot.z;
}

/// GAT: the score splits into a per-destination and a per-source term,
/// a_dst . q and a_src . k per (head, node): {left, right}.
std::pair<Func, Func> gatNodeTerms(LoweringContext &cx, const HValue &q,
                                   const HValue &k, const HValue &aSrc,
                                   const HValue &aDst, const Var &h,
                                   const Var &n, const RDom &rd,
                                   const std::string &prefix) {
  Func left(cx.unique(prefix + "score_dst")),
      right(cx.unique(prefix + "score_src"));
  left(h, n) = cast(q.type, 0);
  left(h, n) += aDst.func(rd, h) * q.func(rd, h, n);
  right(h, n) = cast(q.type, 0);
  right(h, n) += aSrc.func(rd, h) * k.func(rd, h, n);
  return {left, right};
}

/// Graph attention from the per-edge exponentials on: node sums, the
/// weighted sum, normalisation.
void finishGraphAttention(attn::GraphAttentionOp op, LoweringContext &cx,
                          GraphAttentionStages &s, const SparseRows &m) {
  const HValue &q = cx[op.getQuery()], &v = cx[op.getValue()];
  Type t = q.type;
  Var &e = s.e, &h = s.h, &n = s.n;
  Expr H = q.extents[1], N = q.extents[2];
  auto edges = [&](const char *name) { return rowEntries(m, n, name); };
  auto edgeOf = [&](const RDom &r) { return m.entry(n, r.x); };
  auto col = m.column;

  RDom rs = edges("edge_sum");
  s.edgeSum = rs.x;
  s.rowSum = Func(cx.unique("node_sum"));
  s.rowSum(h, n) = cast(t, 0);
  s.rowSum(h, n) += s.edgeExp(h, edgeOf(rs));

  // Unnormalised weighted sum per node, divided once at the end. Nodes
  // without neighbours never enter the loop and get 0.
  RDom ra = edges("edge_acc");
  s.edgeAcc = ra.x;
  s.acc = Func(cx.unique("node_acc"));
  s.acc(e, h, n) = cast(t, 0);
  Expr edge = edgeOf(ra);
  // Attention dropout scales the coefficients after normalisation; the row
  // sum stays that of the undropped exponentials.
  auto keep = cx.dropoutFactor(op.getSeed(), rateOf(op.getAttentionDropout()),
                               op.getSalt(), t);
  s.acc(e, h, n) +=
      s.edgeExp(h, edge) * keep(edge * H + h) * v.func(e, h, col(edge));
  Expr l = s.rowSum(h, n);
  s.out = Func(cx.unique("graph_attention"));
  s.out(e, h, n) =
      select(l > 0, s.acc(e, h, n) / select(l > 0, l, 1), cast(t, 0));

  cx.set(op.getResult(), s.out, t, {v.extents[0], H, N});
  cx.addStage(s);
}

void lowerGraphAttention(attn::GraphAttentionOp op, LoweringContext &cx) {
  const HValue &q = cx[op.getQuery()], &k = cx[op.getKey()],
               &rows = cx[op.getRowOffsets()], &cols = cx[op.getColIndices()];
  GraphAttentionStages s;
  Type t = q.type;
  Var &h = s.h, &n = s.n, &x = s.x;
  Expr D = q.extents[0], N = q.extents[2];
  Expr E = cols.extents[0];
  s.additive = op.getScore() == attn::ScoreKind::additive;
  s.heads = LoweringContext::shape(op.getQuery())[1];
  s.valueDim = LoweringContext::shape(op.getValue())[2];
  std::optional<double> scale = op.getEffectiveScale();
  auto scaleExpr = [&] {
    return scale ? cast(t, Expr(*scale))
                 : cast(t, 1.0f / sqrt(cast<float>(D)));
  };
  auto nodeTerms = [&](const RDom &rd) {
    std::tie(s.left, s.right) =
        gatNodeTerms(cx, q, k, cx[op.getAttnSrc()], cx[op.getAttnDst()], s.h,
                     s.n, rd, "");
  };

  // Node and edge indices are clamped (SparseRows): tail iterations of
  // node-chunked loops evaluate their edge ranges before the guard that
  // discards them, and the runtime has already rejected out-of-range CSR.
  SparseRows m = sparseRows(rows, cols, N, N);
  auto row = m.start;
  auto col = m.column;
  auto edges = [&](const char *name) { return rowEntries(m, n, name); };
  auto edgeOf = [&](const RDom &r) { return m.entry(n, r.x); };
  Expr slope = cast(
      t, Expr(op.getNegativeSlope() ? op.getNegativeSlope()->convertToDouble()
                                    : 0.2));
  auto leaky = [&](Expr z) { return select(z > 0, z, z * slope); };
  RDom rd(0, D, "rd");
  RDom rm = edges("edge_max");
  s.edgeMax = rm.x;
  s.rowMax = Func(cx.unique("node_max"));
  s.rowMax(h, n) = cast(t, -FLT_MAX);
  if (cx.options.edgeParallelGraph) {
    s.edgeParallel = true;
    s.edgeDst = edgeDestinations(cx, m, x, s.searchStep);
    // Clamped so that Halide can bound the nodes an edge reads.
    Expr dst = clamp(s.edgeDst(x), 0, N - 1);
    s.edgeScore = Func(cx.unique("edge_score"));
    if (s.additive) {
      nodeTerms(rd);
      s.edgeScore(h, x) = leaky(s.left(h, dst) + s.right(h, col(x)));
    } else {
      s.edgeScore(h, x) = cast(t, 0);
      s.edgeScore(h, x) +=
          q.func(rd, h, dst) * k.func(rd, h, col(x)) * scaleExpr();
    }
    s.rowMax(h, n) = max(s.rowMax(h, n), s.edgeScore(h, edgeOf(rm)));
    s.edgeExp = Func(cx.unique("edge_exp"));
    s.edgeExp(h, x) = exp(s.edgeScore(h, x) - s.rowMax(h, dst));
    finishGraphAttention(op, cx, s, m);
    return;
  }
  // Edges are walked node by node (the CSR rows), so each edge's
  // destination is the loop's node and only its source is gathered.
  RDom scatter(0, E, 0, N, cx.unique("scatter"));
  scatter.where(scatter.x < row(scatter.y + 1) - row(scatter.y));
  s.scatterNode = scatter.y;
  Expr scatterEdge = clamp(row(scatter.y) + scatter.x, 0, E - 1);
  s.edgeExp = Func(cx.unique("edge_exp"));
  s.edgeExp(h, x) = undef(t);
  if (s.additive) {
    nodeTerms(rd);
    s.rowMax(h, n) = max(s.rowMax(h, n),
                         leaky(s.left(h, n) + s.right(h, col(edgeOf(rm)))));
    Expr z = leaky(s.left(h, scatter.y) + s.right(h, col(scatterEdge)));
    s.edgeExp(h, scatterEdge) = exp(z - s.rowMax(h, scatter.y));
  } else {
    // Dot scores are computed once per edge, node by node, and stored.
    s.edgeScore = Func(cx.unique("edge_score"));
    s.edgeScore(h, x) = undef(t);
    s.edgeScore(h, scatterEdge) = cast(t, 0);
    Expr sc = scaleExpr();
    s.dotNode = scatterEdgeDot(
        cx, s.edgeScore, h, row, N, E, D, [&](Expr d, Expr dst, Expr edge) {
          return q.func(d, h, dst) * k.func(d, h, col(edge)) * sc;
        });
    s.rowMax(h, n) = max(s.rowMax(h, n), s.edgeScore(h, edgeOf(rm)));
    s.edgeExp(h, scatterEdge) =
        exp(s.edgeScore(h, scatterEdge) - s.rowMax(h, scatter.y));
  }
  finishGraphAttention(op, cx, s, m);
}

void lowerGraphAttentionGrad(attn::GraphAttentionGradOp op,
                             LoweringContext &cx) {
  const HValue &q = cx[op.getQuery()], &k = cx[op.getKey()],
               &v = cx[op.getValue()], &rows = cx[op.getRowOffsets()],
               &cols = cx[op.getColIndices()], &tOff = cx[op.getTOffsets()],
               &tDst = cx[op.getTDestinations()], &tEdge = cx[op.getTEdges()],
               &aSrc = cx[op.getAttnSrc()], &aDst = cx[op.getAttnDst()],
               &dy = cx[op.getGrad()];
  GraphAttentionGradStages s;
  Type t = q.type;
  Var &d = s.d, &e = s.e, &h = s.h, &n = s.n, &x = s.x;
  Expr D = q.extents[0], H = q.extents[1], N = q.extents[2];
  Expr Dv = v.extents[0], E = cols.extents[0];
  s.heads = LoweringContext::shape(op.getQuery())[1];
  s.headDim = LoweringContext::shape(op.getQuery())[2];
  s.valueDim = LoweringContext::shape(op.getValue())[2];

  // Indices are clamped as in the forward: node-chunked loops evaluate tail
  // ranges before their guard, and every access stays in bounds.
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
  auto keep = cx.dropoutFactor(op.getSeed(), rateOf(op.getAttentionDropout()),
                               op.getSalt(), t);
  auto keepAt = [&](Expr edge) { return keep(edge * H + h); };
  Expr slope = cast(t, Expr(op.getNegativeSlope().convertToDouble()));
  auto leaky = [&](Expr z) { return select(z > 0, z, z * slope); };

  RDom rd(0, D, "rd");
  std::tie(s.left, s.right) =
      gatNodeTerms(cx, q, k, aSrc, aDst, h, n, rd, "grad_");
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
  s.nodeMax = Func(cx.unique("grad_node_max"));
  s.nodeMax(h, n) = cast(t, -FLT_MAX);
  s.nodeMax(h, n) = max(s.nodeMax(h, n), leaky(zAt(n, outEdge(rm))));
  RDom rs = outEdges("edge_sum");
  s.nodeSum = Func(cx.unique("grad_node_sum"));
  s.nodeSum(h, n) = cast(t, 0);
  s.nodeSum(h, n) += exp(leaky(zAt(n, outEdge(rs))) - s.nodeMax(h, n));

  // Per-edge values: on CPUs written node by node into each node's CSR
  // range (`se` of node `sn`); on GPUs pure functions of the edge (`x` of
  // its destination, as in the forward).
  s.edgeP = Func(cx.unique("grad_edge_p"));
  s.edgeDp = Func(cx.unique("grad_edge_dp"));
  Expr se = x, sn;
  if (cx.options.edgeParallelGraph) {
    s.edgeParallel = true;
    s.edgeDst = edgeDestinations(cx, sparseRows(rows, cols, N, N), x,
                                 s.searchStep);
    sn = clamp(s.edgeDst(x), 0, N - 1);
    s.edgeP(h, x) =
        exp(leaky(zAt(sn, x)) - s.nodeMax(h, sn)) / s.nodeSum(h, sn);
    RDom rv(0, Dv, "rv");
    s.edgeDp(h, x) = cast(t, 0);
    s.edgeDp(h, x) += dy.func(rv, h, sn) * v.func(rv, h, col(x));
  } else {
    RDom scatter(0, E, 0, N, cx.unique("scatter"));
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
        cx, s.edgeDp, h, row, N, E, Dv, [&](Expr d, Expr dst, Expr edge) {
          return dy.func(d, h, dst) * v.func(d, h, col(edge));
        });
  }

  // sum_j p dp = sum_j p' dp' (dp = dp' * keep / (1 - rate)).
  RDom rp = outEdges("edge_pdp");
  s.nodeDot = Func(cx.unique("grad_node_dot"));
  s.nodeDot(h, n) = cast(t, 0);
  Expr pe = outEdge(rp);
  s.nodeDot(h, n) += s.edgeP(h, pe) * keepAt(pe) * s.edgeDp(h, pe);

  // dz = p (dp - sum_j' p dp) LeakyReLU'(z).
  s.edgeDz = Func(cx.unique("grad_edge_dz"));
  if (!s.edgeParallel)
    s.edgeDz(h, x) = undef(t);
  Expr z = zAt(sn, se);
  s.edgeDz(h, se) = s.edgeP(h, se) *
                    (keepAt(se) * s.edgeDp(h, se) - s.nodeDot(h, sn)) *
                    select(z > 0, cast(t, 1), slope);

  // Per node: the sum of dz over its out-edges (the a_dst . q side) and,
  // through the transposed graph, over its in-edges (the a_src . k side).
  RDom rz = outEdges("edge_dz");
  s.rowDz = Func(cx.unique("grad_row_dz"));
  s.rowDz(h, n) = cast(t, 0);
  s.rowDz(h, n) += s.edgeDz(h, outEdge(rz));
  RDom cz = inEdges("in_dz");
  s.colDz = Func(cx.unique("grad_col_dz"));
  s.colDz(h, n) = cast(t, 0);
  s.colDz(h, n) += s.edgeDz(h, tEdgeId(inPos(cz)));

  s.dq = Func(cx.unique("grad_q"));
  s.dq(d, h, n) = s.rowDz(h, n) * aDst.func(d, h);
  s.dk = Func(cx.unique("grad_k"));
  s.dk(d, h, n) = s.colDz(h, n) * aSrc.func(d, h);
  RDom rnDst(0, N, "rn_dst"), rnSrc(0, N, "rn_src");
  s.dDstNodes = rnDst.x;
  s.dSrcNodes = rnSrc.x;
  s.dDst = Func(cx.unique("grad_a_dst"));
  s.dDst(d, h) = cast(t, 0);
  s.dDst(d, h) += s.rowDz(h, rnDst) * q.func(d, h, rnDst);
  s.dSrc = Func(cx.unique("grad_a_src"));
  s.dSrc(d, h) = cast(t, 0);
  s.dSrc(d, h) += s.colDz(h, rnSrc) * k.func(d, h, rnSrc);

  // dv[j] = sum over the nodes i attending j of p'[i, j] dy[i].
  RDom rv = inEdges("in_v");
  s.dvPos = rv.x;
  Expr pos = inPos(rv), edge = tEdgeId(pos);
  s.dvAcc = Func(cx.unique("grad_v_acc"));
  s.dvAcc(e, h, n) = cast(t, 0);
  s.dvAcc(e, h, n) +=
      s.edgeP(h, edge) * keepAt(edge) * dy.func(e, h, tDest(pos));
  s.dv = Func(cx.unique("grad_v"));
  s.dv(e, h, n) = s.dvAcc(e, h, n);

  cx.set(op.getQueryGrad(), s.dq, t, q.extents);
  cx.set(op.getKeyGrad(), s.dk, t, k.extents);
  cx.set(op.getValueGrad(), s.dv, t, v.extents);
  cx.set(op.getSrcGrad(), s.dSrc, t, aSrc.extents);
  cx.set(op.getDstGrad(), s.dDst, t, aDst.extents);
  cx.addStage(s);
}

} // namespace

void registerGraphLowerings(LoweringRegistry &registry) {
  registry.add(lowerGraphAttention);
  registry.add(lowerGraphAttentionGrad);
}

} // namespace attnc::halide
