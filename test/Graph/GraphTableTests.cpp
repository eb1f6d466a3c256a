// The one dataset table (graphdata/Datasets.h): every by-name function
// reads it, so its rows are the names, folders and stand-in sizes.
#include "GraphTestSupport.h"

#include <set>
#include <stdexcept>

using namespace attnc::graph;

TEST(GraphTable, NamesAreTheTableRowsInOrder) {
  std::vector<std::string> rows;
  for (const DatasetInfo &d : datasets())
    rows.push_back(d.name);
  EXPECT_EQ(rows, datasetNames());
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "cora", "citeseer", "pubmed", "email-eu-core", "facebook",
                      "karate", "mutag", "proteins", "nci1", "ptc_mr"}));
  EXPECT_EQ(std::set<std::string>(rows.begin(), rows.end()).size(),
            rows.size());
}

TEST(GraphTable, EveryRowHasAFolderALoaderAndDescribesItsTask) {
  for (const DatasetInfo &d : datasets()) {
    SCOPED_TRACE(d.name);
    EXPECT_FALSE(d.subdirectory.empty());
    EXPECT_NE(d.load, nullptr);
    EXPECT_EQ(datasetSubdirectory(d.name), d.subdirectory);
    if (d.task == TaskKind::Citation) {
      EXPECT_FALSE(d.features.empty());
    }
    if (d.task == TaskKind::Social) {
      EXPECT_FALSE(d.classes.empty());
    }
  }
  EXPECT_EQ(datasetSubdirectory("facebook"), "facebook-musae");
  EXPECT_EQ(datasetInfo("mutag").task, TaskKind::Molecules);
  EXPECT_EQ(datasetInfo("pubmed").task, TaskKind::None);
}

TEST(GraphTable, StandInSizesComeFromTheTable) {
  for (const DatasetInfo &d : datasets())
    EXPECT_EQ(syntheticOptionsLike(d.name).num_nodes, d.standIn.num_nodes)
        << d.name;
  EXPECT_EQ(datasetInfo("pubmed").standIn.num_nodes, 19717);
}

TEST(GraphTable, UnknownNameListsTheTable) {
  try {
    datasetInfo("ppi");
    FAIL() << "no exception";
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "unknown dataset 'ppi' (known: cora, citeseer, "
                           "pubmed, email-eu-core, facebook, karate, mutag, "
                           "proteins, nci1, ptc_mr)");
  }
}
