// loadDataset by name, and where the data root comes from.
#include "frontends/graph/LoaderSupport.h"

#include <cstdlib>
#include <stdexcept>

namespace attnc::graph {

const std::vector<std::string> &datasetNames() {
  static const std::vector<std::string> names = {
      "cora",  "citeseer", "pubmed",   "email-eu-core", "facebook",
      "karate", "mutag",   "proteins", "nci1",          "ptc_mr"};
  return names;
}

namespace {

[[noreturn]] void unknownName(const std::string &name) {
  std::string known;
  for (const std::string &n : datasetNames())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown dataset '" + name + "' (known: " +
                              known + ")");
}

} // namespace

std::string datasetSubdirectory(const std::string &name) {
  if (name == "facebook")
    return "facebook-musae";
  for (const std::string &n : datasetNames())
    if (n == name)
      return name;
  unknownName(name);
}

Dataset loadDataset(const std::string &name, const std::string &dataRoot,
                    const LoadOptions &options) {
  const std::string dir = joinPath(dataRoot, datasetSubdirectory(name));
  Dataset d;
  if (name == "cora")
    d = loadCora(dir, options);
  else if (name == "citeseer")
    d = loadCiteseer(dir, options);
  else if (name == "pubmed")
    d = loadPubmed(dir, options);
  else if (name == "email-eu-core")
    d = loadEmailEuCore(dir, options);
  else if (name == "facebook")
    d = loadMusaeFacebook(dir, options);
  else if (name == "karate")
    d = loadKarate(dir, options);
  else if (name == "mutag")
    d = loadTUDataset(dir, "MUTAG", options);
  else if (name == "proteins")
    d = loadTUDataset(dir, "PROTEINS", options);
  else if (name == "nci1")
    d = loadTUDataset(dir, "NCI1", options);
  else if (name == "ptc_mr")
    d = loadTUDataset(dir, "PTC_MR", options);
  else
    unknownName(name);
  d.name = name;
  return d;
}

std::string dataRootFromEnvironment(const std::string &fallback) {
  const char *env = std::getenv("ATTNC_DATA_DIR");
  if (env && *env)
    return env;
  return fallback;
}

} // namespace attnc::graph
