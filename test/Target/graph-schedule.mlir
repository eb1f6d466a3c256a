// The CPU schedule of graph attention: every stage walks the CSR rows node
// by node, each node over its own edges only, rows[n+1] - rows[n], in
// chunks of 64 nodes that threads take dynamically; per-edge values are
// written into each node's own CSR range (race-free scatters).
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// Dot scores: per node chunk, per edge of the node, the 16-long dot.
// CHECK-LABEL: external func graph_par_for_edge_score_{{[0-9]+}}_s2_dot_{{[0-9]+}}__z_so
// CHECK: for (edge_score_{{[0-9]+}}.s2.dot_{{[0-9]+}}$z.si, 0, 64)
// CHECK: dot_{{[0-9]+}}$y.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// CHECK: for (edge_score_{{[0-9]+}}.s2.dot_{{[0-9]+}}$x, 0, 16)
// Per-node max: a loop over exactly the node's edges.
// CHECK-LABEL: external func graph_par_for_node_max_{{[0-9]+}}_s1_v2_no
// CHECK: edge_max$x.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// CHECK: for (node_max_{{[0-9]+}}.s1.edge_max$x, 0,
// Exponentials: scattered node by node into the edges' slots.
// CHECK-LABEL: external func graph_par_for_edge_exp_{{[0-9]+}}_s1_scatter_{{[0-9]+}}__y_so
// CHECK: scatter_{{[0-9]+}}$x.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// CHECK-LABEL: external func graph_par_for_node_sum_{{[0-9]+}}_s1_v2_no
// CHECK: edge_sum$x.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// Aggregation: per node, over its edges, heads x value dims in vectors.
// CHECK-LABEL: external func graph_par_for_graph_attention_{{[0-9]+}}_s0_v2_no
// CHECK: edge_acc$x.new_max.s = let [[N:t[0-9]+]] = ({{.*}}) in min(rows[min([[N]] + 1, q.extent.2)] - rows[min([[N]], q.extent.2)], cols.extent.0)
// CHECK: for (node_acc_{{[0-9]+}}.s1.edge_acc$x, 0,
// CHECK: ramp({{.*}}, 1, 8)
// Every stage is launched over node chunks; nothing iterates nodes x edges.
// CHECK: halide_do_par_for({{.*}}par_for_edge_score_{{[0-9]+}}_s2_dot_{{[0-9]+}}__z_so,
// CHECK: halide_do_par_for({{.*}}par_for_node_max_{{[0-9]+}}_s1_v2_no,
// CHECK: halide_do_par_for({{.*}}par_for_edge_exp_{{[0-9]+}}_s1_scatter_{{[0-9]+}}__y_so,
// CHECK-NOT: for ({{.*}}, 0, cols.extent.0)
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
