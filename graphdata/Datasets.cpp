// The table of known datasets, and loading by name.
#include "graphdata/Datasets.h"

#include "graphdata/LoaderSupport.h"

#include <cstdlib>
#include <stdexcept>

namespace attnc::graph {

namespace {

SyntheticOptions citeseerSizes() {
  SyntheticOptions o;
  o.num_nodes = 3327;
  o.num_edges = 4552;
  o.num_features = 3703;
  o.num_classes = 6;
  o.words_per_node = 32;
  o.homophily = 0.74;
  return o;
}

SyntheticOptions pubmedSizes() {
  SyntheticOptions o;
  o.num_nodes = 19717;
  o.num_edges = 44324;
  o.num_features = 500;
  o.num_classes = 3;
  o.words_per_node = 50;
  o.homophily = 0.80;
  return o;
}

// The TU molecule datasets share one loader, told their file prefix.
constexpr char kMutag[] = "MUTAG", kProteins[] = "PROTEINS", kNci1[] = "NCI1",
               kPtcMr[] = "PTC_MR";
template <const char *Prefix>
Dataset loadTU(const std::string &dir, const LoadOptions &options) {
  return loadTUDataset(dir, Prefix, options);
}

std::vector<DatasetInfo> makeTable() {
  const std::string bagOfWords = "binary bag of words";
  const SyntheticOptions cora; // the defaults are Cora's sizes
  return {
      {"cora", "cora", loadCora, TaskKind::Citation, "", bagOfWords, cora},
      {"citeseer", "citeseer", loadCiteseer, TaskKind::Citation, "", bagOfWords,
       citeseerSizes()},
      {"pubmed", "pubmed", loadPubmed, TaskKind::None, "",
       "TF-IDF over 500 words", pubmedSizes()},
      {"email-eu-core", "email-eu-core", loadEmailEuCore, TaskKind::Social,
       "department", "", cora},
      {"facebook", "facebook-musae", loadMusaeFacebook, TaskKind::Social,
       "page type", "binary page-description features", cora},
      {"karate", "karate", loadKarate, TaskKind::None, "", "", cora},
      {"mutag", "mutag", loadTU<kMutag>, TaskKind::Molecules, "", "", cora},
      {"proteins", "proteins", loadTU<kProteins>, TaskKind::Molecules, "", "",
       cora},
      {"nci1", "nci1", loadTU<kNci1>, TaskKind::Molecules, "", "", cora},
      {"ptc_mr", "ptc_mr", loadTU<kPtcMr>, TaskKind::Molecules, "", "", cora},
  };
}

} // namespace

const std::vector<DatasetInfo> &datasets() {
  static const std::vector<DatasetInfo> table = makeTable();
  return table;
}

const std::vector<std::string> &datasetNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const DatasetInfo &d : datasets())
      n.push_back(d.name);
    return n;
  }();
  return names;
}

const DatasetInfo &datasetInfo(const std::string &name) {
  for (const DatasetInfo &d : datasets())
    if (d.name == name)
      return d;
  std::string known;
  for (const std::string &n : datasetNames())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown dataset '" + name +
                              "' (known: " + known + ")");
}

std::string datasetSubdirectory(const std::string &name) {
  return datasetInfo(name).subdirectory;
}

Dataset loadDataset(const std::string &name, const std::string &dataRoot,
                    const LoadOptions &options) {
  const DatasetInfo &info = datasetInfo(name);
  Dataset d = info.load(joinPath(dataRoot, info.subdirectory), options);
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
