#include "apps/attn-train/ModelText.h"

#include <stdexcept>

namespace attnc::train {

// Defined in the generated Templates.cpp (from examples/*-node.yaml.in).
extern const char *const kGatTemplate;
extern const char *const kMlpTemplate;

std::string builtinTemplate(const std::string &name) {
  if (name == "gat")
    return kGatTemplate;
  if (name == "mlp")
    return kMlpTemplate;
  return {};
}

std::string fillTemplate(const std::string &text,
                         const std::map<std::string, std::string> &values) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("${", pos);
    if (open == std::string::npos)
      break;
    size_t close = text.find('}', open);
    if (close == std::string::npos)
      throw std::invalid_argument("unterminated placeholder '" +
                                  text.substr(open, 16) + "'");
    std::string key = text.substr(open + 2, close - open - 2);
    auto it = values.find(key);
    if (it == values.end()) {
      std::string known;
      for (const auto &[name, value] : values)
        known += (known.empty() ? "" : ", ") + name;
      throw std::invalid_argument("unknown placeholder '${" + key +
                                  "}' (known: " + known + ")");
    }
    out += text.substr(pos, open - pos) + it->second;
    pos = close + 1;
  }
  return out + text.substr(pos);
}

} // namespace attnc::train
