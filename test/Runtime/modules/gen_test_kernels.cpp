// Build-time generator of the kernels in the runtime's test modules: tiny
// Halide pipelines compiled ahead of time to objects, so that the runtime
// can be tested on real modules without the attnc compiler.
//
//   gen_test_kernels OUTDIR  writes OUTDIR/<name>.o for every kernel below.
//
// Logical shapes (outermost first) are in the comments; Halide's dimension
// 0 is the innermost, so a logical [S, E] tensor is accessed as t(e, s).
#include <Halide.h>

#include <cstdio>
#include <string>

using namespace Halide;

namespace {

// out[S, E] = a[S, E] + b[S, E]
void add(const std::string &dir, const std::string &name, const Target &t) {
  ImageParam a(Float(32), 2, "a"), b(Float(32), 2, "b");
  Var e("e"), s("s");
  Func out("out");
  /* algorithm */
  out(e, s) = a(e, s) + b(e, s);
  /* schedule */
  out.vectorize(e, 4, TailStrategy::GuardWithIf);
  out.compile_to_object(dir + "/" + name + ".o", {a, b}, name, t);
}

// out[N, F] = sum over j in [row_offsets[n], row_offsets[n+1]) of
//             feat[col_indices[j], F]
// Indices are clamped so that Halide's bounds inference has finite
// bounds; the runtime's CSR validation makes the clamps no-ops.
void csrSum(const std::string &dir, const Target &t) {
  ImageParam rowOffsets(Int(32), 1, "row_offsets");
  ImageParam colIndices(Int(32), 1, "col_indices");
  ImageParam feat(Float(32), 2, "feat");
  Var f("f"), n("n");
  Func out("out");
  Expr nnz = colIndices.dim(0).extent();
  Expr nodes = feat.dim(1).extent();
  /* algorithm */
  Expr begin = rowOffsets(n), end = rowOffsets(n + 1);
  RDom r(0, nnz);
  r.where(r >= begin && r < end);
  out(f, n) = 0.0f;
  out(f, n) += feat(f, clamp(colIndices(clamp(r, 0, nnz - 1)), 0, nodes - 1));
  /* schedule */
  out.compile_to_object(dir + "/csr_sum.o", {rowOffsets, colIndices, feat},
                        "csr_sum", t);
}

// out[B] = sum over k < lengths[b] of keys[b, k]
void maskedSum(const std::string &dir, const Target &t) {
  ImageParam keys(Float(32), 2, "keys");
  ImageParam lengths(Int(32), 1, "lengths");
  Var b("b");
  Func out("out");
  /* algorithm */
  RDom k(0, keys.dim(0).extent());
  k.where(k < lengths(b));
  out(b) = sum(keys(k, b));
  /* schedule */
  out.compile_to_object(dir + "/masked_sum.o", {keys, lengths}, "masked_sum",
                        t);
}

// out[N] = sqrt(a[N]), failing through halide_error on a negative input:
// the runtime must turn that into an error status, not an abort.
void checkedSqrt(const std::string &dir, const Target &t) {
  ImageParam a(Float(32), 1, "a");
  Var x("x");
  Func out("out");
  /* algorithm */
  out(x) = require(a(x) >= 0.0f, sqrt(a(x)),
                   "checked_sqrt: negative input", a(x));
  /* schedule */
  out.compile_to_object(dir + "/checked_sqrt.o", {a}, "checked_sqrt", t);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gen_test_kernels OUTDIR\n");
    return 2;
  }
  std::string dir = argv[1];
  try {
    // No host features: the portable kernels must run on any x86-64 CPU.
    Target portable("x86-64-linux-sse41");
    add(dir, "add", portable);
    csrSum(dir, portable);
    maskedSum(dir, portable);
    checkedSqrt(dir, portable);
    add(dir, "add_avx512",
        Target("x86-64-linux-sse41-avx-avx2-fma-f16c-avx512"));
  } catch (const Halide::Error &e) {
    std::fprintf(stderr, "gen_test_kernels: %s\n", e.what());
    return 1;
  }
  return 0;
}
