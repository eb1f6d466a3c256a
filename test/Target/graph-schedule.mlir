// The CPU schedule of graph attention: per-edge stages run edge-parallel in
// fixed chunks of edges whatever the degrees, and per-node reductions loop
// over the node's own edges only, rows[n+1] - rows[n].
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// Edge destinations are scattered node-parallel, each node over its degree.
// CHECK-LABEL: external func result0_par_for_edge_dst_{{[0-9]+}}_s1_scatter
// CHECK: scatter_{{[0-9]+}}$x.new_max.s = min(rows[min([[Y:edge_dst_[0-9]+.s1.scatter_[0-9]+\$y]] + 1, q.extent.2)] - rows[min([[Y]], q.extent.2)], cols.extent.0)
// Scores: chunks of 2048 edges, the D-long dot per edge, 4 heads in lanes.
// CHECK-LABEL: external func result0_par_for_edge_score_{{[0-9]+}}_s1_v3_xo
// CHECK: for (edge_score_{{[0-9]+}}.s1.v3.xi, 0, 2048)
// CHECK: for (edge_score_{{[0-9]+}}.s1.rd$x, 0, 16)
// CHECK-NEXT: edge_score_{{[0-9]+}}[ramp({{.*}}, 1, 4){{.*}}] = 
// Per-node max: a loop over exactly the node's edges.
// CHECK-LABEL: external func result0_par_for_node_max_{{[0-9]+}}_s1_v2_no
// CHECK: let [[MAX:node_max_[0-9]+.s1.edge_max\$x.new_max.s]] = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// CHECK: for (node_max_{{[0-9]+}}.s1.edge_max$x, 0,
// CHECK-LABEL: external func result0_par_for_edge_exp_{{[0-9]+}}_s0_v3_xo
// CHECK: for (edge_exp_{{[0-9]+}}.s0.v3.xi, 0, 2048)
// CHECK-LABEL: external func result0_par_for_node_sum_{{[0-9]+}}_s1_v2_no
// CHECK: edge_sum$x.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// Aggregation: per node, over its edges, heads x value dims in vectors.
// CHECK-LABEL: external func result0_par_for_graph_attention_{{[0-9]+}}_s0_v2_no
// CHECK: edge_acc$x.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// CHECK: for (node_acc_{{[0-9]+}}.s1.edge_acc$x, 0,
// CHECK: ramp({{.*}}, 1, 8)
// The per-edge stages are launched over edge chunks, the per-node ones over
// node chunks.
// CHECK: halide_do_par_for({{.*}}par_for_edge_score_{{[0-9]+}}_s0_v3_xo,
// CHECK: halide_do_par_for({{.*}}par_for_node_max_{{[0-9]+}}_s0_v2_no,
func.func @graph(%q: tensor<?x4x16xf32> {attn.name = "q"},
                 %k: tensor<?x4x16xf32> {attn.name = "k"},
                 %v: tensor<?x4x16xf32> {attn.name = "v"},
                 %rows: tensor<?xi32> {attn.name = "rows"},
                 %cols: tensor<?xi32> {attn.name = "cols"})
    -> tensor<?x4x16xf32> {
  %o = attn.graph_attention scaled_dot %q, %k, %v
      csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
      : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32> -> tensor<?x4x16xf32>
  return %o : tensor<?x4x16xf32>
}
