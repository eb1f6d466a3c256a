//===- random_inputs.cpp - seeded inputs for trying a module --------------===//
#include "runtime/tools/attn-run/random_inputs.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace attnc::run {

namespace {

const char *descrOf(int32_t dtype) {
  switch (dtype) {
  case ATTNC_DTYPE_F32: return "<f4";
  case ATTNC_DTYPE_F64: return "<f8";
  case ATTNC_DTYPE_I32: return "<i4";
  case ATTNC_DTYPE_I64: return "<i8";
  case ATTNC_DTYPE_BOOL: return "|b1";
  default: return nullptr;
  }
}

template <typename T> void put(npy::Array &a, int64_t i, T value) {
  std::memcpy(a.data.data() + i * sizeof(T), &value, sizeof(T));
}

void putInt(npy::Array &a, int32_t dtype, int64_t i, int64_t value) {
  if (dtype == ATTNC_DTYPE_I64)
    put<int64_t>(a, i, value);
  else
    put<int32_t>(a, i, static_cast<int32_t>(value));
}

/// The extent of dim `d` of `arg`: static, else from `dims` by name.
bool extentOf(const attnc_entry_desc &entry, const attnc_arg_desc &arg, int d,
              const std::map<std::string, int64_t> &dims, int64_t &extent,
              std::string &error) {
  if (arg.dims[d] >= 0) {
    extent = arg.dims[d];
    return true;
  }
  const char *name = arg.dim_names ? arg.dim_names[d] : nullptr;
  auto it = name ? dims.find(name) : dims.end();
  if (it == dims.end()) {
    error = std::string("entry '") + entry.name + "', input '" + arg.name +
            "': dim " + std::to_string(d) + (name ? " '" + std::string(name) + "'" : "") +
            " is dynamic: give its size with --dim " +
            (name ? name : "NAME") + "=N";
    return false;
  }
  extent = it->second;
  // Row offsets are named after the node count but hold one more entry.
  if (arg.role == ATTNC_ROLE_CSR_ROW_OFFSETS ||
      arg.role == ATTNC_ROLE_T_OFFSETS)
    ++extent;
  return true;
}

/// Uniform column indices of a sparse matrix (its row offsets only count
/// them): bounded by the column count its descriptor names.
bool fillColumns(const attnc_entry_desc &entry, const attnc_arg_desc &arg,
                 const std::map<std::string, int64_t> &dims,
                 std::mt19937_64 &gen, npy::Array &out, std::string &error) {
  int64_t columns = 1;
  if (arg.related_arg < 0)
    return true; // no column count: zeros, which every matrix has
  if (!extentOf(entry, entry.args[arg.related_arg], arg.related_dim, dims,
                columns, error))
    return false;
  std::uniform_int_distribution<int64_t> column(
      0, std::max<int64_t>(columns - 1, 0));
  for (int64_t i = 0; i < out.elementCount(); ++i)
    putInt(out, arg.dtype, i, column(gen));
  return true;
}

} // namespace

bool fillRandomInputs(const attnc_entry_desc &entry, uint64_t seed,
                      const std::map<std::string, int64_t> &dims,
                      std::vector<npy::Array> &arrays, std::string &error) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    // Transposed graphs are the runtime's to compute.
    if (arg.kind != ATTNC_ARG_INPUT || !arrays[a].descr.empty() ||
        arg.role == ATTNC_ROLE_T_OFFSETS ||
        arg.role == ATTNC_ROLE_T_DESTINATIONS || arg.role == ATTNC_ROLE_T_EDGES)
      continue;
    const char *descr = descrOf(arg.dtype);
    if (!descr) {
      error = std::string("entry '") + entry.name + "', input '" + arg.name +
              "': no random data for this dtype";
      return false;
    }
    npy::Array &out = arrays[a];
    out.descr = descr;
    out.shape.clear();
    for (int d = 0; d < arg.rank; ++d) {
      int64_t extent;
      if (!extentOf(entry, arg, d, dims, extent, error))
        return false;
      out.shape.push_back(extent);
    }
    out.data.assign(out.elementCount() * out.itemSize(), 0);
    int64_t n = out.elementCount();
    switch (arg.role) {
    case ATTNC_ROLE_CSR_COL_INDICES:
      break; // filled with its row offsets below
    case ATTNC_ROLE_SPARSE_COL_INDICES:
      if (!fillColumns(entry, arg, dims, gen, out, error))
        return false;
      break;
    case ATTNC_ROLE_CSR_ROW_OFFSETS: {
      // Random destinations for E edges, counted into offsets; the paired
      // column indices get uniform random sources.
      const attnc_arg_desc &colArg = entry.args[arg.related_arg];
      npy::Array &cols = arrays[arg.related_arg];
      if (cols.descr.empty()) {
        cols.descr = descrOf(colArg.dtype);
        int64_t edges;
        if (!extentOf(entry, colArg, 0, dims, edges, error))
          return false;
        cols.shape = {edges};
        cols.data.assign(edges * cols.itemSize(), 0);
      }
      int64_t nodes = n - 1, edges = cols.elementCount();
      if (nodes <= 0 && edges > 0) {
        error = std::string("entry '") + entry.name + "': a graph with " +
                std::to_string(edges) + " edges needs at least one node";
        return false;
      }
      std::vector<int64_t> degree(nodes + 1, 0);
      std::uniform_int_distribution<int64_t> node(0, std::max<int64_t>(nodes - 1, 0));
      for (int64_t e = 0; e < edges; ++e)
        ++degree[node(gen) + 1];
      for (int64_t i = 0; i < nodes; ++i)
        degree[i + 1] += degree[i];
      for (int64_t i = 0; i <= nodes; ++i)
        putInt(out, arg.dtype, i, degree[i]);
      if (colArg.role == ATTNC_ROLE_SPARSE_COL_INDICES) {
        if (!fillColumns(entry, colArg, dims, gen, cols, error))
          return false;
      } else {
        for (int64_t e = 0; e < edges; ++e)
          putInt(cols, colArg.dtype, e, node(gen));
      }
      break;
    }
    case ATTNC_ROLE_KEY_LENGTHS: {
      int64_t keys = 1;
      if (arg.related_arg >= 0 &&
          !extentOf(entry, entry.args[arg.related_arg], arg.related_dim, dims,
                    keys, error))
        return false;
      std::uniform_int_distribution<int64_t> len(0, keys);
      for (int64_t i = 0; i < n; ++i)
        putInt(out, arg.dtype, i, len(gen));
      break;
    }
    default: {
      // Ids the entry checks against a table (embedding ids, token types)
      // are drawn below its size; other integers below 16.
      int64_t idBound = 16;
      for (int32_t c = 0; c < entry.num_checks; ++c) {
        const attnc_check_desc &check = entry.checks[c];
        if (check.kind != ATTNC_CHECK_INDEX_BELOW || check.subject.arg != a)
          continue;
        idBound = check.bound.value;
        if (check.bound.arg >= 0 &&
            !extentOf(entry, entry.args[check.bound.arg], check.bound.dim,
                      dims, idBound, error))
          return false;
      }
      for (int64_t i = 0; i < n; ++i) {
        switch (arg.dtype) {
        case ATTNC_DTYPE_F32: put<float>(out, i, float(normal(gen))); break;
        case ATTNC_DTYPE_F64: put<double>(out, i, normal(gen)); break;
        case ATTNC_DTYPE_BOOL: out.data[i] = (gen() % 10) != 0; break;
        default:
          putInt(out, arg.dtype, i,
                 idBound > 0 ? int64_t(gen() % uint64_t(idBound)) : 0);
          break;
        }
      }
    }
    }
  }
  return true;
}

std::string summarize(const npy::Array &array) {
  std::string text = "shape [";
  for (size_t d = 0; d < array.shape.size(); ++d)
    text += (d ? ", " : "") + std::to_string(array.shape[d]);
  text += "]";
  bool f32 = array.descr == "<f4", f64 = array.descr == "<f8";
  if (!f32 && !f64)
    return text;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  int64_t nans = 0, n = array.elementCount();
  for (int64_t i = 0; i < n; ++i) {
    double x;
    if (f32) {
      float f;
      std::memcpy(&f, array.data.data() + i * 4, 4);
      x = f;
    } else {
      std::memcpy(&x, array.data.data() + i * 8, 8);
    }
    if (std::isnan(x)) {
      ++nans;
      continue;
    }
    lo = std::min(lo, x), hi = std::max(hi, x), sum += x;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, ", min %.4g, max %.4g, mean %.4g, %lld NaN",
                lo, hi, n > nans ? sum / double(n - nans) : 0.0,
                static_cast<long long>(nans));
  return text + buf;
}

} // namespace attnc::run
