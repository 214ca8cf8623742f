// CAA rules (RFC 8659, 8657) on properties decoded from captured answers and on hand-made
// sets; the climb with a scripted lookup (no network).
#include "agent/dns/caa_check.h"

#include <map>

#include <gtest/gtest.h>

#include "unit/dns/dns_test_support.h"

namespace dcv {
namespace {

std::vector<CaaProperty> FromCapture(const std::string& file) {
  std::vector<CaaProperty> properties;
  Result<DnsMessage> m = ParseMessage(testing::Capture(file));
  if (!m) return properties;
  for (const DnsRecord& r : m->answer) {
    if (Result<CaaProperty> p = ParseCaa(r)) properties.push_back(*p);
  }
  return properties;
}

CaaProperty Prop(const std::string& tag, const std::string& value, std::uint8_t flags = 0) {
  return CaaProperty{flags, tag, value};
}

TEST(CaaRules, ExampleTestAllowsLetsEncryptOnlyAndNoWildcards) {
  const auto set = FromCapture("ns1_caa_example.bin");
  ASSERT_EQ(set.size(), 3u);
  EXPECT_TRUE(EvaluateCaa(set, "letsencrypt.org", false, "dns-01").permitted);
  CaaVerdict digicert = EvaluateCaa(set, "digicert.com", false, "");
  EXPECT_FALSE(digicert.permitted);
  EXPECT_NE(digicert.reason.find("no 'issue' property names digicert.com"), std::string::npos) << digicert.reason;
  EXPECT_FALSE(EvaluateCaa(set, "letsencrypt.org", true, "dns-01").permitted) << "issuewild \";\" forbids wildcards";
}

TEST(CaaRules, UnknownCriticalTagForbidsEveryone) {
  const auto set = FromCapture("ns1_caa_crit.bin");
  CaaVerdict v = EvaluateCaa(set, "letsencrypt.org", false, "");
  EXPECT_FALSE(v.permitted);
  EXPECT_NE(v.reason.find("critical"), std::string::npos);
  EXPECT_TRUE(EvaluateCaa({Prop("tbs", "x")}, "letsencrypt.org", false, "").permitted) << "not critical: ignored";
}

TEST(CaaRules, OnlyIodefMeansAnyCa) {
  EXPECT_TRUE(EvaluateCaa({Prop("iodef", "mailto:a@b")}, "sectigo.com", false, "").permitted);
}

TEST(CaaRules, WildcardFallsBackToIssueWithoutIssuewild) {
  EXPECT_TRUE(EvaluateCaa({Prop("issue", "sectigo.com")}, "sectigo.com", true, "").permitted);
  EXPECT_FALSE(EvaluateCaa({Prop("issue", "sectigo.com"), Prop("issuewild", "digicert.com")}, "sectigo.com", true, "")
                   .permitted);
}

TEST(CaaRules, Rfc8657Parameters) {
  const std::vector<CaaProperty> dns_only = {Prop("issue", "LetsEncrypt.org; validationmethods=dns-01")};
  EXPECT_TRUE(EvaluateCaa(dns_only, "letsencrypt.org", false, "dns-01").permitted);
  CaaVerdict http = EvaluateCaa(dns_only, "letsencrypt.org", false, "http-01");
  EXPECT_FALSE(http.permitted);
  EXPECT_NE(http.reason.find("not the method http-01"), std::string::npos) << http.reason;
  CaaVerdict account = EvaluateCaa({Prop("issue", "letsencrypt.org; accounturi=https://acme/acct/1")},
                                   "letsencrypt.org", false, "dns-01");
  EXPECT_TRUE(account.permitted);
  EXPECT_NE(account.reason.find("ACME account"), std::string::npos);
  EXPECT_FALSE(EvaluateCaa({Prop("issue", ";")}, "letsencrypt.org", false, "").permitted);
}

TEST(CaaClimb, ClimbsToTheFirstNonEmptySetAndFollowsAliases) {
  std::map<std::string, CaaRrset> zone = {
      {"example.test.", {{Prop("issue", "letsencrypt.org")}, {}}},
      {"alias.example.test.", {{Prop("issue", "pki.goog")}, {"caa-target.cdn.test."}}},
  };
  std::vector<std::string> asked;
  CaaLookup lookup = [&](const std::string& name) -> Result<CaaRrset> {
    asked.push_back(name);
    auto it = zone.find(name);
    return it == zone.end() ? CaaRrset{} : it->second;
  };
  Result<RelevantCaa> deep = FindRelevantCaa("deep.sub.example.test", lookup);
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->name, "example.test.");
  EXPECT_EQ(asked, (std::vector<std::string>{"deep.sub.example.test.", "sub.example.test.", "example.test."}));
  Result<RelevantCaa> alias = FindRelevantCaa("*.alias.example.test", lookup);
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->name, "alias.example.test.");
  EXPECT_EQ(alias->aliases, (std::vector<std::string>{"caa-target.cdn.test."}));
  Result<RelevantCaa> none = FindRelevantCaa("example.org", lookup);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->name.empty());
}

TEST(CaaClimb, AFailedLookupStopsTheClimb) {
  CaaLookup failing = [](const std::string& name) -> Result<CaaRrset> {
    if (name == "example.test.") return MakeError("SERVFAIL");
    return CaaRrset{};
  };
  Result<RelevantCaa> r = FindRelevantCaa("www.example.test", failing);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("example.test. failed: SERVFAIL"), std::string::npos) << r.error().message;
}

TEST(CaaFindings, NamesTheRecordTheCaAndWhatToAdd) {
  RelevantCaa relevant{"other.example.test.", {}, {Prop("issue", "digicert.com")}};
  auto f = CaaFindings("other.example.test", "letsencrypt", "dns-01", relevant);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, FindingCode::kCaaForbids);
  EXPECT_NE(f[0].evidence.find("0 issue \"digicert.com\""), std::string::npos) << f[0].evidence;
  EXPECT_NE(f[0].evidence.find("needs letsencrypt.org"), std::string::npos) << f[0].evidence;
  EXPECT_EQ(f[0].remedy, "add: other.example.test. 300 IN CAA 0 issue \"letsencrypt.org\"");
  EXPECT_TRUE(CaaFindings("other.example.test", "digicert", "", relevant).empty());
  EXPECT_TRUE(CaaFindings("other.example.test", "generic", "", relevant).empty());
  EXPECT_EQ(CaaIssuerFor("globalsign"), "globalsign.com");
  EXPECT_EQ(CaaIssuerFor("sectigo"), "sectigo.com");
}

TEST(CaaFindings, AnAliasSaysWhoseSetItIs) {
  RelevantCaa relevant{"alias.example.test.", {"caa-target.cdn.test."}, {Prop("issue", "pki.goog")}};
  auto f = CaaFindings("alias.example.test", "letsencrypt", "dns-01", relevant);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].evidence.find("alias.example.test. -> caa-target.cdn.test."), std::string::npos) << f[0].evidence;
  EXPECT_NE(f[0].remedy.find("is an alias"), std::string::npos) << f[0].remedy;
}

}  // namespace
}  // namespace dcv
