//===- ModelParser.h - YAML model descriptions to the AST ---------*- C++ -*-===//
#ifndef ATTNC_FRONTENDS_MODEL_MODELPARSER_H
#define ATTNC_FRONTENDS_MODEL_MODELPARSER_H

#include "frontends/model/ModelDescription.h"

#include <functional>
#include <string>

namespace attnc::model {

/// Receives the first error found: where, and a one-line message.
using ErrorSink = std::function<void(Loc, const std::string &)>;

/// Parses the YAML text of a description with yaml-cpp and checks its form:
/// known layer kinds, known fields (typos are rejected with the list of
/// accepted ones), values of the right type, required fields present,
/// unique names. Returns false after reporting one error to `error`; never
/// throws.
bool parseModel(const std::string &text, Model &model, const ErrorSink &error);

/// The layer kinds a description may use, for messages and documentation.
const std::vector<std::string> &layerKinds();

} // namespace attnc::model

#endif // ATTNC_FRONTENDS_MODEL_MODELPARSER_H
