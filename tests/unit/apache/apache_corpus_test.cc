// Predictions against ground truth: every Apache case of the corpus is instantiated, the
// validation file placed where its SOURCE.md says, and for every recorded validation URL
// (http/https x apex/www x IPv4/IPv6) the predicted status and Location are compared with
// what the real Apache 2.4 answered. The agreement rate is printed; known mismatches are
// listed below with their reason and must stay exactly those.
#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include "tests/unit/apache/corpus_case.h"

namespace dcv::apache {
namespace {

using testing::AllCases;
using testing::CorpusCase;

// "case url family" of rows the model is known to get wrong, with the reason.
const std::set<std::string> kExpectedMismatches = {};
const std::set<std::string> kExpectedAllUrlMismatches = {};

TEST(ApacheCorpus, ValidationUrlPredictionsAgreeWithTheRealServer) {
  int rows = 0, agree = 0;
  std::set<std::string> mismatched;
  for (const std::string& name : AllCases()) {
    CorpusCase c(name);
    c.PlaceValidationFile("oracle-token-123");
    Result<Config> config = LoadConfig(c.Options());
    ASSERT_TRUE(config) << name << ": " << config.error().message;
    for (const testing::Observed& row : c.ObservedRows(true)) {
      testing::RowPrediction p = testing::PredictRow(*config, row.url, row.family == "ipv6");
      std::string location = p.location;
      if (location.find(c.dir()) != std::string::npos) location = "?";
      ++rows;
      bool same = p.status == row.status && location == row.location;
      if (same) {
        ++agree;
        continue;
      }
      std::string key = name + " " + row.url + " " + row.family;
      mismatched.insert(key);
      std::cout << "MISMATCH " << key << ": predicted " << p.status << " " << location << " ("
                << DescribeAnswer(p.answer) << " at " << p.answer.source << "), observed "
                << row.status << " " << row.location << "\n";
    }
  }
  std::cout << "apache corpus: validation URL predictions agree on " << agree << "/" << rows
            << " rows\n";
  EXPECT_EQ(rows, 104);
  EXPECT_EQ(mismatched, kExpectedMismatches);
}

// Every recorded URL (the validation URL and /, /index.html, /some/app/path): the rate
// is printed; rows answered by the fake application count as agreeing when the model
// predicts the upstream.
TEST(ApacheCorpus, AllUrlPredictionsAgreeWithTheRealServer) {
  int rows = 0, agree = 0;
  std::set<std::string> mismatched;
  for (const std::string& name : AllCases()) {
    CorpusCase c(name);
    c.PlaceValidationFile("oracle-token-123");
    Result<Config> config = LoadConfig(c.Options());
    ASSERT_TRUE(config) << name << ": " << config.error().message;
    c.PlaceIndexFiles(*config);
    for (const testing::Observed& row : c.ObservedRows(false)) {
      testing::RowPrediction p = testing::PredictRow(*config, row.url, row.family == "ipv6");
      std::string observed = row.body.rfind("upstream:", 0) == 0 ? "upstream" : row.status;
      ++rows;
      if (p.status == observed && p.location == row.location) {
        ++agree;
        continue;
      }
      std::string key = name + " " + row.url + " " + row.family;
      mismatched.insert(key);
      std::cout << "MISMATCH " << key << ": predicted " << p.status << " " << p.location << " ("
                << DescribeAnswer(p.answer) << " at " << p.answer.source << "), observed "
                << observed << " " << row.location << "\n";
    }
  }
  std::cout << "apache corpus: all URL predictions agree on " << agree << "/" << rows << " rows\n";
  EXPECT_EQ(rows, 416);
  EXPECT_EQ(mismatched, kExpectedAllUrlMismatches);
}

}  // namespace
}  // namespace dcv::apache
