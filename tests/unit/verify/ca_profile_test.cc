// The CA profile table: each row's rules as the verifier gets them, and the account of
// them the report carries.
#include "agent/verify/ca_profile.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

TEST(CaProfileTest, AcmeHttpIsBoulderWhateverTheProfile) {
  for (const CaProfile& profile : AllCaProfiles()) {
    const FetchRules rules = FetchRulesFor(profile, true);
    EXPECT_TRUE(rules.require_exact_200) << profile.name;
    EXPECT_EQ(rules.max_body_bytes, 128u) << profile.name;
    EXPECT_FALSE(rules.allow_303) << profile.name;
    EXPECT_EQ(rules.max_redirects, 10) << profile.name;
    EXPECT_EQ(rules.allowed_ports, (std::vector<int>{80, 443})) << profile.name;
  }
}

TEST(CaProfileTest, FileMethodRowsDiffer) {
  EXPECT_FALSE(FetchRulesFor(CaProfileFor("generic"), false).require_exact_200) << "BR: any 2xx";
  EXPECT_TRUE(FetchRulesFor(CaProfileFor("digicert"), false).require_exact_200);
  EXPECT_GT(FetchRulesFor(CaProfileFor("sectigo"), false).max_body_bytes, 64u * 1024);
  EXPECT_EQ(CaProfileFor("no-such-ca").name, "generic");
  EXPECT_EQ(AllCaProfiles().front().name, "generic");
}

TEST(CaProfileTest, ReportSaysWhichRulesApplied) {
  const nlohmann::json acme = CaRulesJson(CaProfileFor("letsencrypt"), true);
  EXPECT_EQ(acme["profile"], "letsencrypt");
  EXPECT_EQ(acme["schemes"], nlohmann::json::array({"http"}));
  EXPECT_EQ(acme["status"], "exactly 200");
  EXPECT_EQ(acme["max_body_bytes"], 128);
  EXPECT_EQ(acme["redirects"]["codes"], nlohmann::json::array({301, 302, 307, 308}));
  EXPECT_EQ(acme["caa_identifier"], "letsencrypt.org");
  const nlohmann::json file = CaRulesJson(CaProfileFor("globalsign"), false);
  EXPECT_EQ(file["schemes"], nlohmann::json::array({"http", "https"}));
  EXPECT_EQ(file["status"], "any 2xx");
  EXPECT_EQ(file["token_lifetime_days"], 30);
  EXPECT_EQ(file["redirects"]["same_base_domain"], false);
  const nlohmann::json digicert = CaRulesJson(CaProfileFor("digicert"), false);
  EXPECT_EQ(digicert["redirects"]["codes"], nlohmann::json::array({301, 302, 307}));
  EXPECT_EQ(digicert["redirects"]["same_base_domain"], true);
  EXPECT_EQ(CaRulesJson(CaProfileFor("digicert"), true)["redirects"]["same_base_domain"], false)
      << "ACME http-01 is Boulder's whatever the profile";
}

}  // namespace
}  // namespace dcv
