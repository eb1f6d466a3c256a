// The safetensors format (https://github.com/huggingface/safetensors):
//
//   u64 little-endian N | N bytes of JSON header | data section
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets":
// [begin, end]} (offsets relative to the data section) and may hold a
// "__metadata__" object of strings. The reader is strict, as the reference
// implementation is: valid UTF-8 JSON object, every key once, known fields
// only, offsets inside the data section, sizes matching shapes, and the
// tensors tiling the data section without overlap or gap.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "runtime/detail/weights_impl.h"
#include "support/Printable.h"

namespace attnc::detail {
namespace {

using nlohmann::json;

// The reference implementation refuses headers over 100 MB.
constexpr uint64_t kMaxHeader = 100u << 20;

struct DtypeName {
  const char *name;
  int32_t dtype;
};
constexpr DtypeName kDtypes[] = {{"F32", ATTNC_DTYPE_F32},
                                 {"F64", ATTNC_DTYPE_F64},
                                 {"I32", ATTNC_DTYPE_I32},
                                 {"I64", ATTNC_DTYPE_I64},
                                 {"BOOL", ATTNC_DTYPE_BOOL}};
// Known to safetensors but not to the runtime: refused by name.
constexpr const char *kUnsupported[] = {
    "F16",    "BF16", "I8",  "U8",  "I16", "U16", "U32",
    "U64",    "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3",
    "F6_E3M2", "C64"};

const char *safetensorsName(int32_t dtype) {
  for (const DtypeName &d : kDtypes)
    if (d.dtype == dtype)
      return d.name;
  return "?";
}

// A name from the header as messages show it: JSON strings may hold any
// character ("a\nb"); one line, at most 40 characters, quoted.
std::string inQuotes(const std::string &name) {
  return "'" + attnc::printable(name, 40) + "'";
}

struct Span {
  uint64_t begin, end;
  std::string name;
};

} // namespace

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    text += (d ? ", " : "") + std::to_string(shape[d]);
  return text + "]";
}

bool weightDtypeSupported(int32_t dtype) {
  for (const DtypeName &d : kDtypes)
    if (d.dtype == dtype)
      return true;
  return false;
}

bool byteCount(const std::vector<int64_t> &shape, size_t itemSize,
               uint64_t &out) {
  uint64_t n = itemSize;
  for (int64_t extent : shape) {
    if (extent < 0)
      return false;
    if (extent != 0 &&
        n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(extent))
      return false;
    n *= static_cast<uint64_t>(extent);
  }
  out = n;
  return true;
}

attnc_status parseSafetensors(const std::string &path,
                              const unsigned char *bytes, size_t size,
                              std::map<std::string, WeightTensor> &tensors,
                              std::map<std::string, std::string> &metadata,
                              std::string &error) {
  auto bad = [&](const std::string &what) {
    error = path + ": " + what;
    return ATTNC_ERROR_VALIDATION;
  };
  if (size < 8)
    return bad("truncated: " + std::to_string(size) +
               " bytes, but a safetensors file starts with an 8-byte header "
               "length");
  uint64_t headerSize = 0;
  for (int i = 0; i < 8; ++i)
    headerSize |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  if (headerSize > size - 8)
    return bad("header length " + std::to_string(headerSize) +
               " exceeds the file (" + std::to_string(size) + " bytes)");
  if (headerSize > kMaxHeader)
    return bad("header length " + std::to_string(headerSize) +
               " exceeds the 100 MB limit");
  const char *header = reinterpret_cast<const char *>(bytes + 8);
  if (headerSize == 0 || header[0] != '{')
    return bad("header is not a JSON object");

  // nlohmann keeps the last of two equal keys; the callback sees them all.
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  auto callback = [&](int, json::parse_event_t event, json &parsed) {
    if (event == json::parse_event_t::object_start)
      open.emplace_back();
    else if (event == json::parse_event_t::object_end && !open.empty())
      open.pop_back();
    else if (event == json::parse_event_t::key && !open.empty() &&
             !open.back().insert(parsed.get<std::string>()).second &&
             duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  json root;
  try {
    root = json::parse(header, header + headerSize, callback);
  } catch (const json::exception &e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 9:
    // ..." -> keep what follows the bracketed id.
    std::string what = e.what();
    size_t close = what.find("] ");
    return bad("header is not valid JSON: " +
               (close == std::string::npos ? what : what.substr(close + 2)));
  }
  if (!duplicate.empty())
    return bad("header names " + inQuotes(duplicate) + " twice");
  if (!root.is_object())
    return bad("header is not a JSON object");

  const uint64_t dataSize = size - 8 - headerSize;
  const unsigned char *data = bytes + 8 + headerSize;
  std::map<std::string, WeightTensor> out;
  std::map<std::string, std::string> meta;
  std::vector<Span> spans;
  for (auto &[name, value] : root.items()) {
    if (name == "__metadata__") {
      if (!value.is_object())
        return bad("'__metadata__' is not an object of strings");
      for (auto &[key, text] : value.items()) {
        if (!text.is_string())
          return bad("'__metadata__' entry " + inQuotes(key) +
                     " is not a string");
        meta[key] = text.get<std::string>();
      }
      continue;
    }
    // A copy: lambdas cannot capture structured bindings before C++20.
    const std::string tensorName = name;
    auto badTensor = [&](const std::string &what) {
      return bad("tensor " + inQuotes(tensorName) + ": " + what);
    };
    if (name.empty())
      return bad("a tensor has an empty name");
    if (!value.is_object())
      return badTensor("entry is not an object");
    for (auto &[key, field] : value.items()) {
      (void)field;
      if (key != "dtype" && key != "shape" && key != "data_offsets")
        return badTensor("unexpected field " + inQuotes(key));
    }
    if (!value.contains("dtype") || !value.contains("shape") ||
        !value.contains("data_offsets"))
      return badTensor("needs 'dtype', 'shape' and 'data_offsets'");
    const json &dtypeField = value["dtype"];
    if (!dtypeField.is_string())
      return badTensor("'dtype' is not a string");
    std::string dtypeName = dtypeField.get<std::string>();
    WeightTensor t;
    t.dtype = -1;
    for (const DtypeName &d : kDtypes)
      if (dtypeName == d.name)
        t.dtype = d.dtype;
    if (t.dtype < 0) {
      bool known = std::any_of(
          std::begin(kUnsupported), std::end(kUnsupported),
          [&](const char *u) { return dtypeName == u; });
      error = path + ": tensor " + inQuotes(name) + ": dtype " + dtypeName +
              (known ? " is not supported" : " is unknown") +
              " (supported: F32, F64, I32, I64, BOOL)";
      return ATTNC_ERROR_UNSUPPORTED;
    }
    const json &shapeField = value["shape"];
    if (!shapeField.is_array())
      return badTensor("'shape' is not an array");
    for (const json &extent : shapeField) {
      if (!extent.is_number_unsigned() ||
          extent.get<uint64_t>() >
              static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return badTensor("'shape' holds " + extent.dump() +
                         ", not an extent");
      t.shape.push_back(static_cast<int64_t>(extent.get<uint64_t>()));
    }
    const json &offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 ||
        !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      return badTensor("'data_offsets' is not [begin, end]");
    uint64_t begin = offsets[0].get<uint64_t>(),
             end = offsets[1].get<uint64_t>();
    std::string range = "data_offsets [" + std::to_string(begin) + ", " +
                        std::to_string(end) + "]";
    if (begin > end)
      return badTensor(range + " end before they begin");
    if (end > dataSize)
      return badTensor(range + " lie outside the data section (" +
                       std::to_string(dataSize) + " bytes)");
    uint64_t expected = 0;
    if (!byteCount(t.shape, attnc_dtype_size(t.dtype), expected))
      return badTensor("shape " + shapeText(t.shape) + " is too large");
    if (end - begin != expected)
      return badTensor(range + " hold " + std::to_string(end - begin) +
                       " bytes, but " + dtypeName + " " +
                       shapeText(t.shape) + " needs " +
                       std::to_string(expected));
    t.resize(static_cast<size_t>(expected));
    if (expected)
      std::copy(data + begin, data + end,
                reinterpret_cast<unsigned char *>(t.data()));
    if (t.dtype == ATTNC_DTYPE_BOOL) {
      const auto *b = reinterpret_cast<const unsigned char *>(t.data());
      for (size_t i = 0; i < t.bytes; ++i)
        if (b[i] > 1)
          return badTensor("BOOL element " + std::to_string(i) + " is " +
                           std::to_string(b[i]) + ", not 0 or 1");
    }
    if (end > begin)
      spans.push_back({begin, end, name});
    out.emplace(name, std::move(t));
  }

  // Non-empty tensors must tile the data section exactly.
  std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  uint64_t covered = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (spans[i].begin < covered)
      return bad("tensors " + inQuotes(spans[i - 1].name) + " [" +
                 std::to_string(spans[i - 1].begin) + ", " +
                 std::to_string(spans[i - 1].end) + ") and " +
                 inQuotes(spans[i].name) + " [" +
                 std::to_string(spans[i].begin) + ", " +
                 std::to_string(spans[i].end) + ") overlap");
    if (spans[i].begin > covered)
      return bad("bytes [" + std::to_string(covered) + ", " +
                 std::to_string(spans[i].begin) +
                 ") of the data section belong to no tensor");
    covered = spans[i].end;
  }
  if (covered != dataSize)
    return bad("bytes [" + std::to_string(covered) + ", " +
               std::to_string(dataSize) +
               ") of the data section belong to no tensor");
  tensors = std::move(out);
  metadata = std::move(meta);
  return ATTNC_OK;
}

std::string encodeSafetensors(
    const std::map<std::string, WeightTensor> &tensors,
    const std::map<std::string, std::string> &metadata) {
  // Data in decreasing item size, then by name: with an 8-aligned data
  // section every tensor is aligned to its item size, with no padding.
  std::vector<const std::pair<const std::string, WeightTensor> *> order;
  for (const auto &entry : tensors)
    order.push_back(&entry);
  // Names are unique, so a plain sort with the name as tie-break is
  // deterministic (std::stable_sort's buffer trips clang's deprecation
  // warning in libstdc++ 12).
  std::sort(order.begin(), order.end(), [](auto *a, auto *b) {
    size_t sa = attnc_dtype_size(a->second.dtype);
    size_t sb = attnc_dtype_size(b->second.dtype);
    return sa != sb ? sa > sb : a->first < b->first;
  });
  json header = json::object(); // std::map: keys come out sorted
  uint64_t offset = 0;
  for (const auto *entry : order) {
    const WeightTensor &t = entry->second;
    header[entry->first] = {{"dtype", safetensorsName(t.dtype)},
                            {"shape", t.shape},
                            {"data_offsets", {offset, offset + t.bytes}}};
    offset += t.bytes;
  }
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string bytes;
  bytes.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i)
    bytes += static_cast<char>((static_cast<uint64_t>(text.size()) >> (8 * i)) & 0xff);
  bytes += text;
  for (const auto *entry : order)
    bytes.append(reinterpret_cast<const char *>(entry->second.data()),
                 entry->second.bytes);
  return bytes;
}

} // namespace attnc::detail
