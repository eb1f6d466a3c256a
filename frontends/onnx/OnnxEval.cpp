//===- OnnxEval.cpp - evaluate the static parts of an ONNX graph ----------===//
#include "frontends/onnx/OnnxEval.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <set>

namespace attnc::onnx {

namespace {

[[noreturn]] void fail(const Node *n, const std::string &message) {
  throw EvalError{n ? n->index : -1, message};
}

/// The values of a shape evaluation stay small: larger ones (or shapes
/// whose element count overflows) are refused before any is allocated.
constexpr int64_t kMaxElements = int64_t(1) << 24;

int64_t elementsOf(const Tensor &t, const Node *n) {
  int64_t count = t.count();
  if (count > kMaxElements)
    fail(n, count == INT64_MAX
                ? std::string("a value's shape has a negative extent or more "
                              "elements than 2^63")
                : "a value of " + std::to_string(count) +
                      " elements is too large to evaluate");
  return count;
}

double readElem(const std::string &raw, size_t i, int type) {
  auto get = [&](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, raw.data() + i * sizeof(v), sizeof(v));
    return v;
  };
  switch (type) {
  case kFloat: return get(float());
  case kDouble: return get(double());
  case kInt64: return static_cast<double>(get(int64_t()));
  case kInt32: return get(int32_t());
  case kInt16: return get(int16_t());
  case kInt8: return get(int8_t());
  case kUint8: case kBool: return get(uint8_t());
  case kUint32: return get(uint32_t());
  case kUint64: return static_cast<double>(get(uint64_t()));
  case kFloat16: {
    uint16_t h = get(uint16_t());
    int e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0    ? std::ldexp(m, -24)
               : e == 31 ? (m ? NAN : INFINITY)
                         : std::ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
  }
  case kBfloat16: {
    uint32_t bits = static_cast<uint32_t>(get(uint16_t())) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  default: return 0;
  }
}

bool isInt(int type) { return !isFloatType(type) && type != kBool; }

/// Casts `v` to ONNX type `type`, as a double.
double castTo(double v, int type) {
  if (type == kBool)
    return v != 0 ? 1 : 0;
  if (type == kFloat || type == kFloat16 || type == kBfloat16)
    return static_cast<float>(v);
  if (isInt(type))
    return std::isfinite(v) ? std::trunc(v) : 0;
  return v;
}

/// Steps a row-major multi-index through `shape` (the last dim fastest).
void nextIndex(std::vector<int64_t> &idx, const std::vector<int64_t> &shape) {
  for (size_t d = idx.size(); d-- > 0;) {
    if (++idx[d] < shape[d])
      return;
    idx[d] = 0;
  }
}

std::vector<int64_t> strides(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    s[i - 1] = s[i] * shape[i];
  return s;
}

int64_t normAxis(const Node &n, int64_t axis, size_t rank) {
  int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= std::max<int64_t>(r, 1))
    fail(&n, "axis " + std::to_string(axis) + " is out of range for rank " +
                 std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

std::vector<int64_t> broadcastShapes(const Node &n,
                                     const std::vector<const Tensor *> &ts) {
  size_t rank = 0;
  for (const Tensor *t : ts)
    rank = std::max(rank, t->shape.size());
  std::vector<int64_t> out(rank, 1);
  for (const Tensor *t : ts)
    for (size_t i = 0; i < t->shape.size(); ++i) {
      int64_t &o = out[rank - t->shape.size() + i];
      int64_t d = t->shape[i];
      if (d == o || d == 1)
        continue;
      if (o != 1)
        fail(&n, "shapes do not broadcast");
      o = d;
    }
  return out;
}

/// The flat index into `t` of the broadcast position `idx` of `out`.
int64_t sourceIndex(const Tensor &t, const std::vector<int64_t> &outShape,
                    const std::vector<int64_t> &idx) {
  size_t offset = outShape.size() - t.shape.size();
  int64_t flat = 0;
  for (size_t i = 0; i < t.shape.size(); ++i)
    flat = flat * t.shape[i] + (t.shape[i] == 1 ? 0 : idx[offset + i]);
  return flat;
}

/// out = f(a, b, ...) elementwise with NumPy broadcasting.
template <typename F>
Tensor mapN(const Node &n, const std::vector<const Tensor *> &ts, int type,
            F f) {
  Tensor out;
  out.type = type;
  out.shape = broadcastShapes(n, ts);
  int64_t count = elementsOf(out, &n);
  out.v.resize(count);
  std::vector<int64_t> idx(out.shape.size(), 0);
  std::vector<double> args(ts.size());
  for (int64_t k = 0; k < count; ++k) {
    for (size_t a = 0; a < ts.size(); ++a)
      args[a] = ts[a]->v[sourceIndex(*ts[a], out.shape, idx)];
    out.v[k] = f(args);
    nextIndex(idx, out.shape);
  }
  return out;
}

/// Doubles to int64, saturating: INT64_MAX (an "until the end" Slice
/// bound) is 2^63 as a double, which does not convert.
int64_t toInt(double v) {
  if (!(v < 9.2e18))
    return std::numeric_limits<int64_t>::max();
  if (!(v > -9.2e18))
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::vector<int64_t> asInts(const Tensor &t) {
  std::vector<int64_t> out;
  for (double v : t.v)
    out.push_back(toInt(v));
  return out;
}

Tensor scalarInts(const std::vector<int64_t> &values, bool vector = true) {
  Tensor t;
  t.type = kInt64;
  if (vector)
    t.shape = {static_cast<int64_t>(values.size())};
  for (int64_t v : values)
    t.v.push_back(static_cast<double>(v));
  return t;
}

Tensor transpose(const Tensor &x, const std::vector<int64_t> &perm) {
  Tensor out;
  out.type = x.type;
  for (int64_t p : perm)
    out.shape.push_back(x.shape[p]);
  std::vector<int64_t> inStrides = strides(x.shape);
  int64_t count = out.count(); // x's, which was evaluated within limits
  out.v.resize(count);
  std::vector<int64_t> idx(out.shape.size(), 0);
  for (int64_t k = 0; k < count; ++k) {
    int64_t src = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      src += idx[d] * inStrides[perm[d]];
    out.v[k] = x.v[src];
    nextIndex(idx, out.shape);
  }
  return out;
}

/// Reduces `x` over `axes` (all when empty and not `noop`).
template <typename F>
Tensor reduce(const Node &n, const Tensor &x, std::vector<int64_t> axes,
              bool keepdims, double init, F f, bool mean = false) {
  std::vector<bool> reduced(x.shape.size(), axes.empty());
  for (int64_t a : axes)
    reduced[normAxis(n, a, x.shape.size())] = true;
  Tensor out;
  out.type = x.type;
  std::vector<int64_t> keptShape;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    keptShape.push_back(reduced[d] ? 1 : x.shape[d]);
    if (!reduced[d] || keepdims)
      out.shape.push_back(reduced[d] ? 1 : x.shape[d]);
  }
  Tensor kept;
  kept.shape = keptShape;
  int64_t outCount = elementsOf(kept, &n);
  out.v.assign(outCount, init);
  std::vector<double> counts(outCount, 0);
  std::vector<int64_t> idx(x.shape.size(), 0);
  for (int64_t k = 0; k < x.count(); ++k) {
    int64_t o = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      o = o * keptShape[d] + (reduced[d] ? 0 : idx[d]);
    out.v[o] = f(out.v[o], x.v[k]);
    counts[o] += 1;
    nextIndex(idx, x.shape);
  }
  if (mean)
    for (int64_t o = 0; o < outCount; ++o)
      out.v[o] /= std::max(counts[o], 1.0);
  return out;
}

} // namespace

Tensor toTensor(const Initializer &init) {
  Tensor t;
  t.type = init.type;
  t.shape = init.shape;
  int64_t count = t.count();
  t.v.resize(count);
  for (int64_t i = 0; i < count; ++i)
    t.v[i] = readElem(init.raw, static_cast<size_t>(i), init.type);
  return t;
}

Evaluator::Evaluator(const Graph &graph, ShapeFn dynamicShape)
    : graph(graph), dynamicShape(std::move(dynamicShape)) {
  for (const Node &n : graph.nodes)
    for (const std::string &o : n.outputs)
      producers[o] = &n;
}

const Node *Evaluator::producer(const std::string &name) const {
  auto it = producers.find(name);
  return it == producers.end() ? nullptr : it->second;
}

Tensor Evaluator::initializer(const std::string &name) const {
  return toTensor(graph.initializers.at(name));
}

const Tensor &Evaluator::eval(const std::string &name, Probe &probe) {
  if (auto it = probe.cache.find(name); it != probe.cache.end())
    return it->second;
  if (auto it = probe.values.find(name); it != probe.values.end())
    return probe.cache[name] = it->second;
  if (auto it = graph.initializers.find(name); it != graph.initializers.end()) {
    if (it->second.raw.size() > (size_t(1) << 26))
      fail(nullptr, "initializer '" + name + "' is too large to evaluate");
    return probe.cache[name] = toTensor(it->second);
  }
  const Node *n = producer(name);
  if (!n)
    fail(nullptr, "value '" + name + "' depends on the model input '" + name +
                      "'");
  // Recursion over producers; a chain this deep is no shape computation.
  struct Depth {
    int &d;
    explicit Depth(int &d) : d(++d) {}
    ~Depth() { --d; }
  } guard(depth);
  if (depth > 1024)
    fail(n, "the graph is nested too deeply to evaluate");
  Tensor t = evalNode(*n, name, probe);
  elementsOf(t, n);
  return probe.cache[name] = std::move(t);
}

Tensor Evaluator::evalNode(const Node &n, const std::string &output,
                           Probe &probe) {
  const std::string &op = n.op;
  if (!n.domain.empty() && n.domain != "ai.onnx")
    fail(&n, "operator domain '" + n.domain + "' is not supported");
  auto in = [&](size_t i) -> const Tensor & {
    if (i >= n.inputs.size() || n.inputs[i].empty())
      fail(&n, "input " + std::to_string(i) + " is missing");
    return eval(n.inputs[i], probe);
  };
  auto has = [&](size_t i) {
    return i < n.inputs.size() && !n.inputs[i].empty();
  };
  auto intsAttrOrInput = [&](const char *attr, size_t input,
                             std::vector<int64_t> &out) {
    if (has(input)) {
      out = asInts(in(input));
      return true;
    }
    if (const Attribute *a = n.attr(attr)) {
      out = a->ints;
      return true;
    }
    return false;
  };
  if (output != n.outputs[0] && op != "Dropout")
    fail(&n, "only the first output of " + op + " is evaluated");

  if (op == "Shape" || op == "Size") {
    std::vector<int64_t> shape;
    if (auto s = dynamicShape(n.inputs[0], probe))
      shape = *s;
    else
      shape = in(0).shape;
    if (op == "Size") {
      int64_t c = 1;
      for (int64_t d : shape)
        c *= d;
      return scalarInts({c}, false);
    }
    int64_t r = static_cast<int64_t>(shape.size());
    int64_t start = n.getInt("start", 0), end = n.getInt("end", r);
    start = std::clamp(start < 0 ? start + r : start, int64_t(0), r);
    end = std::clamp(end < 0 ? end + r : end, int64_t(0), r);
    return scalarInts(std::vector<int64_t>(shape.begin() + start,
                                           shape.begin() + std::max(start, end)));
  }
  if (op == "Constant") {
    if (const Attribute *a = n.attr("value"))
      return toTensor(a->t);
    if (const Attribute *a = n.attr("value_float")) {
      Tensor t;
      t.v = {a->f};
      return t;
    }
    if (const Attribute *a = n.attr("value_floats")) {
      Tensor t;
      t.shape = {static_cast<int64_t>(a->floats.size())};
      t.v = a->floats;
      return t;
    }
    if (const Attribute *a = n.attr("value_int"))
      return scalarInts({a->i}, false);
    if (const Attribute *a = n.attr("value_ints"))
      return scalarInts(a->ints);
    fail(&n, "Constant without a supported value attribute");
  }
  if (op == "Identity" || op == "Dropout")
    return in(0);
  if (op == "ConstantOfShape") {
    Tensor t;
    t.shape = asInts(in(0));
    for (int64_t d : t.shape)
      if (d < 0 || d > (int64_t(1) << 24))
        fail(&n, "bad shape");
    double value = 0;
    if (const Attribute *a = n.attr("value")) {
      Tensor v = toTensor(a->t);
      t.type = v.type;
      value = v.v.empty() ? 0 : v.v[0];
    }
    t.v.assign(elementsOf(t, &n), value);
    return t;
  }
  if (op == "Cast" || op == "CastLike") {
    int type = op == "Cast" ? static_cast<int>(n.getInt("to", kFloat))
                            : in(1).type;
    Tensor t = in(0);
    t.type = type;
    for (double &v : t.v)
      v = castTo(v, type);
    return t;
  }
  if (op == "Reshape") {
    const Tensor &x = in(0);
    std::vector<int64_t> shape = asInts(in(1));
    bool allowZero = n.getInt("allowzero", 0) != 0;
    int64_t known = 1, infer = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allowZero) {
        if (i >= x.shape.size())
          fail(&n, "a 0 in the target shape has no input dim to copy");
        shape[i] = x.shape[i];
      }
      if (shape[i] == -1) {
        if (infer >= 0)
          fail(&n, "two -1 dims in the target shape");
        infer = static_cast<int64_t>(i);
      } else {
        known *= shape[i];
      }
    }
    if (infer >= 0)
      shape[infer] = known ? x.count() / known : 0;
    Tensor t = x;
    t.shape = shape;
    if (t.count() != x.count())
      fail(&n, "reshape changes the element count");
    return t;
  }
  if (op == "Flatten") {
    const Tensor &x = in(0);
    int64_t axis = n.getInt("axis", 1);
    if (axis < 0)
      axis += static_cast<int64_t>(x.shape.size());
    int64_t a = 1, b = 1;
    for (size_t i = 0; i < x.shape.size(); ++i)
      (static_cast<int64_t>(i) < axis ? a : b) *= x.shape[i];
    Tensor t = x;
    t.shape = {a, b};
    return t;
  }
  if (op == "Squeeze" || op == "Unsqueeze") {
    Tensor t = in(0);
    std::vector<int64_t> axes;
    bool given = intsAttrOrInput("axes", 1, axes);
    if (op == "Squeeze") {
      std::vector<int64_t> shape;
      std::vector<bool> drop(t.shape.size(), false);
      for (int64_t a : axes)
        drop[normAxis(n, a, t.shape.size())] = true;
      for (size_t i = 0; i < t.shape.size(); ++i)
        if (!(given ? drop[i] : t.shape[i] == 1))
          shape.push_back(t.shape[i]);
      t.shape = shape;
      return t;
    }
    size_t rank = t.shape.size() + axes.size();
    std::vector<bool> added(rank, false);
    for (int64_t a : axes)
      added[normAxis(n, a, rank)] = true;
    std::vector<int64_t> shape;
    for (size_t i = 0, j = 0; i < rank; ++i)
      shape.push_back(added[i] ? 1 : t.shape[j++]);
    t.shape = shape;
    return t;
  }
  if (op == "Concat") {
    std::vector<const Tensor *> ts;
    for (size_t i = 0; i < n.inputs.size(); ++i)
      ts.push_back(&in(i));
    int64_t axis = normAxis(n, n.getInt("axis", 0), ts[0]->shape.size());
    Tensor out;
    out.type = ts[0]->type;
    out.shape = ts[0]->shape;
    out.shape[axis] = 0;
    for (const Tensor *t : ts) {
      if (t->shape.size() != out.shape.size())
        fail(&n, "Concat of tensors of different ranks");
      out.shape[axis] += t->shape[axis];
    }
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= out.shape[d];
    for (int64_t o = 0; o < outer; ++o)
      for (const Tensor *t : ts) {
        int64_t chunk = t->count() / std::max<int64_t>(outer, 1);
        out.v.insert(out.v.end(), t->v.begin() + o * chunk,
                     t->v.begin() + (o + 1) * chunk);
      }
    return out;
  }
  if (op == "Gather") {
    const Tensor &x = in(0), &ind = in(1);
    int64_t axis = normAxis(n, n.getInt("axis", 0), x.shape.size());
    Tensor out;
    out.type = x.type;
    out.shape.assign(x.shape.begin(), x.shape.begin() + axis);
    out.shape.insert(out.shape.end(), ind.shape.begin(), ind.shape.end());
    out.shape.insert(out.shape.end(), x.shape.begin() + axis + 1, x.shape.end());
    int64_t outer = 1, inner = 1, dim = x.shape[axis];
    for (int64_t d = 0; d < axis; ++d)
      outer *= x.shape[d];
    for (size_t d = axis + 1; d < x.shape.size(); ++d)
      inner *= x.shape[d];
    for (int64_t o = 0; o < outer; ++o)
      for (double iv : ind.v) {
        int64_t i = toInt(iv);
        if (i < 0)
          i += dim;
        if (i < 0 || i >= dim)
          fail(&n, "index " + std::to_string(toInt(iv)) +
                       " is out of range [0, " + std::to_string(dim) + ")");
        auto from = x.v.begin() + (o * dim + i) * inner;
        out.v.insert(out.v.end(), from, from + inner);
      }
    return out;
  }
  if (op == "GatherElements") {
    const Tensor &x = in(0), &ind = in(1);
    int64_t axis = normAxis(n, n.getInt("axis", 0), x.shape.size());
    if (ind.shape.size() != x.shape.size())
      fail(&n, "GatherElements indices of another rank than the data");
    Tensor out;
    out.type = x.type;
    out.shape = ind.shape;
    std::vector<int64_t> xs = strides(x.shape), idx(ind.shape.size(), 0);
    for (int64_t k = 0; k < ind.count(); ++k) {
      int64_t src = 0;
      for (size_t d = 0; d < idx.size(); ++d) {
        int64_t i = idx[d];
        if (static_cast<int64_t>(d) == axis) {
          i = toInt(ind.v[k]);
          if (i < 0)
            i += x.shape[d];
        }
        if (i < 0 || i >= x.shape[d])
          fail(&n, "index out of range");
        src += i * xs[d];
      }
      out.v.push_back(x.v[src]);
      nextIndex(idx, ind.shape);
    }
    return out;
  }
  if (op == "GatherND") {
    const Tensor &x = in(0), &ind = in(1);
    if (n.getInt("batch_dims", 0) != 0 || ind.shape.empty())
      fail(&n, "GatherND with batch_dims is not supported");
    int64_t k = ind.shape.back();
    if (k > static_cast<int64_t>(x.shape.size()))
      fail(&n, "GatherND index depth exceeds the data rank");
    Tensor out;
    out.type = x.type;
    out.shape.assign(ind.shape.begin(), ind.shape.end() - 1);
    out.shape.insert(out.shape.end(), x.shape.begin() + k, x.shape.end());
    std::vector<int64_t> xs = strides(x.shape);
    int64_t inner = 1;
    for (size_t d = k; d < x.shape.size(); ++d)
      inner *= x.shape[d];
    for (int64_t r = 0; r < ind.count() / std::max<int64_t>(k, 1); ++r) {
      int64_t flat = 0;
      for (int64_t j = 0; j < k; ++j) {
        int64_t i = toInt(ind.v[r * k + j]);
        if (i < 0)
          i += x.shape[j];
        if (i < 0 || i >= x.shape[j])
          fail(&n, "index out of range");
        flat += i * xs[j];
      }
      out.v.insert(out.v.end(), x.v.begin() + flat,
                   x.v.begin() + flat + inner);
    }
    return out;
  }
  if (op == "Slice") {
    const Tensor &x = in(0);
    std::vector<int64_t> starts, ends, axes, steps;
    if (n.attr("starts")) { // opset < 10
      starts = n.attr("starts")->ints, ends = n.attr("ends")->ints;
      if (n.attr("axes"))
        axes = n.attr("axes")->ints;
    } else {
      starts = asInts(in(1)), ends = asInts(in(2));
      if (has(3))
        axes = asInts(in(3));
      if (has(4))
        steps = asInts(in(4));
    }
    size_t rank = x.shape.size();
    std::vector<int64_t> b(rank, 0), e(x.shape), s(rank, 1);
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t a = axes.empty() ? static_cast<int64_t>(i)
                               : normAxis(n, axes[i], rank);
      int64_t dim = x.shape[a], st = steps.empty() ? 1 : steps[i];
      if (st == 0)
        fail(&n, "Slice step 0");
      auto fix = [&](int64_t v, bool isEnd) {
        if (v < 0)
          v += dim;
        return st > 0 ? std::clamp(v, int64_t(0), dim)
                      : std::clamp(v, int64_t(-1), dim - 1 + (isEnd ? 0 : 0));
      };
      b[a] = fix(starts[i], false), e[a] = fix(ends[i], true), s[a] = st;
    }
    Tensor out;
    out.type = x.type;
    for (size_t d = 0; d < rank; ++d) {
      int64_t len = s[d] > 0 ? (e[d] - b[d] + s[d] - 1) / s[d]
                             : (b[d] - e[d] - s[d] - 1) / -s[d];
      out.shape.push_back(std::max<int64_t>(len, 0));
    }
    std::vector<int64_t> xs = strides(x.shape);
    std::vector<int64_t> idx(rank, 0);
    for (int64_t k = 0; k < out.count(); ++k) {
      int64_t src = 0;
      for (size_t d = 0; d < rank; ++d)
        src += (b[d] + idx[d] * s[d]) * xs[d];
      out.v.push_back(x.v[src]);
      nextIndex(idx, out.shape);
    }
    return out;
  }
  if (op == "Range") {
    double start = in(0).v.at(0), limit = in(1).v.at(0), delta = in(2).v.at(0);
    if (delta == 0)
      fail(&n, "Range with delta 0");
    Tensor out;
    out.type = in(0).type;
    int64_t count = std::max<int64_t>(
        static_cast<int64_t>(std::ceil((limit - start) / delta)), 0);
    if (count > (int64_t(1) << 24))
      fail(&n, "Range too long");
    for (int64_t i = 0; i < count; ++i)
      out.v.push_back(start + static_cast<double>(i) * delta);
    out.shape = {count};
    return out;
  }
  if (op == "Expand") {
    const Tensor &x = in(0);
    Tensor target;
    target.shape = asInts(in(1));
    target.v.assign(elementsOf(target, &n), 0);
    return mapN(n, {&x, &target}, x.type,
                [](const std::vector<double> &a) { return a[0]; });
  }
  if (op == "Tile") {
    const Tensor &x = in(0);
    std::vector<int64_t> reps = asInts(in(1));
    Tensor out;
    out.type = x.type;
    for (size_t d = 0; d < x.shape.size(); ++d)
      out.shape.push_back(x.shape[d] * reps.at(d));
    std::vector<int64_t> xs = strides(x.shape), idx(out.shape.size(), 0);
    for (int64_t k = 0; k < out.count(); ++k) {
      int64_t src = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        src += (idx[d] % x.shape[d]) * xs[d];
      out.v.push_back(x.v[src]);
      nextIndex(idx, out.shape);
    }
    return out;
  }
  if (op == "Transpose") {
    const Tensor &x = in(0);
    std::vector<int64_t> perm;
    if (const Attribute *a = n.attr("perm"))
      perm = a->ints;
    else
      for (size_t i = x.shape.size(); i-- > 0;)
        perm.push_back(static_cast<int64_t>(i));
    return transpose(x, perm);
  }
  if (op == "Where") {
    const Tensor &c = in(0), &a = in(1), &b = in(2);
    return mapN(n, {&c, &a, &b}, a.type, [](const std::vector<double> &v) {
      return v[0] != 0 ? v[1] : v[2];
    });
  }
  if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax" ||
      op == "ReduceMin" || op == "ReduceProd" || op == "ReduceL2") {
    std::vector<int64_t> axes;
    bool given = intsAttrOrInput("axes", 1, axes);
    const Tensor &x = in(0);
    if (!given && n.getInt("noop_with_empty_axes", 0))
      return x;
    bool keep = n.getInt("keepdims", 1) != 0;
    if (op == "ReduceSum")
      return reduce(n, x, axes, keep, 0, [](double a, double b) { return a + b; });
    if (op == "ReduceMean")
      return reduce(n, x, axes, keep, 0,
                    [](double a, double b) { return a + b; }, true);
    if (op == "ReduceMax")
      return reduce(n, x, axes, keep, -INFINITY,
                    [](double a, double b) { return std::max(a, b); });
    if (op == "ReduceMin")
      return reduce(n, x, axes, keep, INFINITY,
                    [](double a, double b) { return std::min(a, b); });
    if (op == "ReduceProd")
      return reduce(n, x, axes, keep, 1, [](double a, double b) { return a * b; });
    Tensor t = reduce(n, x, axes, keep, 0,
                      [](double a, double b) { return a + b * b; });
    for (double &v : t.v)
      v = std::sqrt(v);
    return t;
  }

  // Elementwise.
  static const std::map<std::string, double (*)(double)> unary = {
      {"Neg", [](double x) { return -x; }},
      {"Abs", [](double x) { return std::fabs(x); }},
      {"Sqrt", [](double x) { return std::sqrt(x); }},
      {"Exp", [](double x) { return std::exp(x); }},
      {"Log", [](double x) { return std::log(x); }},
      {"Erf", [](double x) { return std::erf(x); }},
      {"Tanh", [](double x) { return std::tanh(x); }},
      {"Sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); }},
      {"Relu", [](double x) { return std::max(x, 0.0); }},
      {"Reciprocal", [](double x) { return 1 / x; }},
      {"Floor", [](double x) { return std::floor(x); }},
      {"Ceil", [](double x) { return std::ceil(x); }},
      {"Sign", [](double x) { return double((x > 0) - (x < 0)); }},
      {"Not", [](double x) { return x == 0 ? 1.0 : 0.0; }},
      {"IsNaN", [](double x) { return std::isnan(x) ? 1.0 : 0.0; }},
      {"Softplus", [](double x) { return std::log1p(std::exp(x)); }},
  };
  if (auto it = unary.find(op); it != unary.end()) {
    const Tensor &x = in(0);
    auto f = it->second;
    int type = op == "Not" || op == "IsNaN" ? kBool : x.type;
    return mapN(n, {&x}, type,
                [&](const std::vector<double> &a) { return f(a[0]); });
  }
  if (op == "Gelu") {
    const Tensor &x = in(0);
    bool tanhForm = n.attr("approximate") && n.attr("approximate")->s == "tanh";
    return mapN(n, {&x}, x.type, [&](const std::vector<double> &a) {
      double v = a[0];
      if (tanhForm)
        return 0.5 * v *
               (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
      return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
    });
  }
  if (op == "Clip") {
    const Tensor &x = in(0);
    double lo = -INFINITY, hi = INFINITY;
    if (n.attr("min"))
      lo = n.getFloat("min", lo);
    if (n.attr("max"))
      hi = n.getFloat("max", hi);
    if (has(1))
      lo = in(1).v.at(0);
    if (has(2))
      hi = in(2).v.at(0);
    return mapN(n, {&x}, x.type, [&](const std::vector<double> &a) {
      return std::min(std::max(a[0], lo), hi);
    });
  }
  if (op == "Min" || op == "Max" || op == "Sum" || op == "Mean") {
    std::vector<const Tensor *> ts;
    for (size_t i = 0; i < n.inputs.size(); ++i)
      ts.push_back(&in(i));
    return mapN(n, ts, ts[0]->type, [&](const std::vector<double> &a) {
      double r = a[0];
      for (size_t i = 1; i < a.size(); ++i)
        r = op == "Min"   ? std::min(r, a[i])
            : op == "Max" ? std::max(r, a[i])
                          : r + a[i];
      return op == "Mean" ? r / static_cast<double>(a.size()) : r;
    });
  }
  static const std::set<std::string> binary = {
      "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less",
      "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Xor",
      "BitwiseAnd", "BitwiseOr"};
  if (binary.count(op)) {
    const Tensor &a = in(0), &b = in(1);
    bool compare = op == "Equal" || op == "Less" || op == "LessOrEqual" ||
                   op == "Greater" || op == "GreaterOrEqual" || op == "And" ||
                   op == "Or" || op == "Xor";
    bool integer = isInt(a.type);
    bool fmodAttr = n.getInt("fmod", 0) != 0;
    return mapN(n, {&a, &b}, compare ? kBool : a.type,
                [&](const std::vector<double> &v) -> double {
                  double x = v[0], y = v[1];
                  if (op == "Add") return castTo(x + y, a.type);
                  if (op == "Sub") return castTo(x - y, a.type);
                  if (op == "Mul") return castTo(x * y, a.type);
                  if (op == "Div") {
                    if (integer) {
                      if (y == 0)
                        fail(&n, "integer division by zero");
                      return std::trunc(x / y);
                    }
                    return x / y;
                  }
                  if (op == "Pow") return std::pow(x, y);
                  if (op == "Mod") {
                    if (y == 0)
                      fail(&n, "Mod by zero");
                    double r = std::fmod(x, y);
                    if (!fmodAttr && r != 0 && ((r < 0) != (y < 0)))
                      r += y;
                    return r;
                  }
                  if (op == "Equal") return x == y;
                  if (op == "Less") return x < y;
                  if (op == "LessOrEqual") return x <= y;
                  if (op == "Greater") return x > y;
                  if (op == "GreaterOrEqual") return x >= y;
                  if (op == "And") return (x != 0) && (y != 0);
                  if (op == "Or") return (x != 0) || (y != 0);
                  if (op == "Xor") return (x != 0) != (y != 0);
                  if (op == "BitwiseAnd")
                    return static_cast<double>(static_cast<int64_t>(x) &
                                               static_cast<int64_t>(y));
                  return static_cast<double>(static_cast<int64_t>(x) |
                                             static_cast<int64_t>(y));
                });
  }
  fail(&n, "operator " + op + " is not supported where it is used");
}

} // namespace attnc::onnx
