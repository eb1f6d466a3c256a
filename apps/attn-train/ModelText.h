// Model descriptions for a task: the templates of examples/*.yaml.in
// (compiled into the tool) or a user's file, with ${NAME}, ${FEATURES} and
// ${CLASSES} filled in.
#ifndef ATTNC_APPS_ATTN_TRAIN_MODELTEXT_H
#define ATTNC_APPS_ATTN_TRAIN_MODELTEXT_H

#include <cstdint>
#include <map>
#include <string>

namespace attnc::train {

/// The built-in template `gat` or `mlp` (examples/<name>-node.yaml.in);
/// empty for other names.
std::string builtinTemplate(const std::string &name);

/// Replaces each `${KEY}` of `text` by values[KEY]. Throws
/// std::invalid_argument naming the first placeholder it has no value for.
std::string fillTemplate(const std::string &text,
                         const std::map<std::string, std::string> &values);

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_MODELTEXT_H
