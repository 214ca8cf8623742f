// Referral reading, per-server classification (on captured answers) and the findings a
// survey yields.
#include "agent/dns/txt_check.h"

#include <gtest/gtest.h>

#include "agent/dns/root_hints.h"
#include "unit/dns/dns_test_support.h"

namespace dcv {
namespace {

using testing::Capture;

DnsExchange Answered(const std::string& capture, const std::string& ns, const std::string& ip) {
  DnsExchange exchange;
  exchange.server = {ns, boost::asio::ip::make_address(ip), 53};
  exchange.response = Capture(capture);
  exchange.rtt = std::chrono::milliseconds(3);
  return exchange;
}

TEST(Referral, FromTheRootToExampleTestWithGlue) {
  Result<DnsMessage> m = ParseMessage(Capture("root_referral_example.bin"));
  ASSERT_TRUE(m);
  std::optional<Referral> r = ReadReferral(*m, "_dnsauth.example.test.", ".");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->zone, "example.test.");
  EXPECT_EQ(r->ns_names, (std::vector<std::string>{"ns1.example.test.", "ns2.example.test."}));
  std::vector<std::string> glue;
  for (const DnsServer& s : r->glue) glue.push_back(s.name + " " + s.address.to_string());
  EXPECT_EQ(glue, (std::vector<std::string>{"ns1.example.test. 10.98.0.11", "ns1.example.test. fd98::11",
                                            "ns2.example.test. 10.98.0.12", "ns2.example.test. fd98::12"}));
  EXPECT_FALSE(ReadReferral(*m, "_dnsauth.example.test.", "example.test.")) << "not a referral below its own zone";
  EXPECT_FALSE(ReadReferral(*m, "other.test.", ".")) << "does not contain the name";
}

TEST(Referral, AnAuthoritativeAnswerIsNotOne) {
  Result<DnsMessage> m = ParseMessage(Capture("ns1_dnsauth_new.bin"));
  ASSERT_TRUE(m);
  EXPECT_FALSE(ReadReferral(*m, "_dnsauth.example.test.", "example.test."));
}

TEST(RootHints, ReadsAPrivateRootAndRejectsJunk) {
  Result<std::vector<DnsServer>> roots = ReadRootHints(std::string(DCV_FIXTURES) + "/dns/root.hints");
  ASSERT_TRUE(roots) << roots.error().message;
  ASSERT_EQ(roots->size(), 2u);
  EXPECT_EQ((*roots)[0].Label(), "ns.nic.test. (10.98.0.1)");
  EXPECT_EQ((*roots)[1].address.to_string(), "fd98::1");
  Result<std::vector<DnsServer>> junk = ReadRootHints(std::string(DCV_FIXTURES) + "/dns/capture.sh");
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().message.find("capture.sh:"), std::string::npos) << junk.error().message;
  EXPECT_EQ(BuiltInRootServers().size(), 26u);
}

TEST(ClassifyTxt, EachKindOfServerAnswer) {
  const std::string name = "_dnsauth.example.test";
  ServerAnswer fresh = ClassifyTxtAnswer(Answered("ns1_dnsauth_new.bin", "ns1.", "10.98.0.11"), name, "dv-token-NEW-2024");
  EXPECT_EQ(fresh.state, ServerState::kHasValue);
  EXPECT_TRUE(fresh.aa);
  ServerAnswer stale = ClassifyTxtAnswer(Answered("ns2_dnsauth_old.bin", "ns2.", "10.98.0.12"), name, "dv-token-NEW-2024");
  EXPECT_EQ(stale.state, ServerState::kOtherValue);
  EXPECT_EQ(stale.values, (std::vector<std::string>{"dv-token-OLD-2023"}));
  ServerAnswer missing = ClassifyTxtAnswer(Answered("ns2_acme_nxdomain.bin", "ns2.", "10.98.0.12"),
                                           "_acme-challenge.example.test", "x");
  EXPECT_EQ(missing.state, ServerState::kMissing);
  EXPECT_FALSE(missing.negative_without_soa);
  ServerAnswer lame = ClassifyTxtAnswer(Answered("ns2_broken_refused.bin", "ns2.", "10.98.0.12"),
                                        "_dnsauth.broken.test", "x");
  EXPECT_EQ(lame.state, ServerState::kLame);
  EXPECT_EQ(RcodeName(lame.rcode), "REFUSED");
  ServerAnswer alias = ClassifyTxtAnswer(Answered("ns1_www_cname.bin", "ns1.", "10.98.0.11"), "www.example.test", "x");
  EXPECT_EQ(alias.state, ServerState::kCname);
  EXPECT_EQ(alias.cname, "web.example.test.");
  DnsExchange silent;
  silent.server = {"ns.dead.test.", boost::asio::ip::make_address("10.98.0.13"), 53};
  silent.timed_out = true;
  EXPECT_EQ(ClassifyTxtAnswer(silent, name, "x").state, ServerState::kTimeout);
}

ServerAnswer Make(const std::string& ns, ServerState state, std::vector<std::string> values = {}) {
  ServerAnswer a;
  a.server = {ns, boost::asio::ip::make_address("192.0.2.1"), 53};
  a.state = state;
  a.values = std::move(values);
  return a;
}

TEST(TxtFindings, NoneWhenEveryServerHasTheValue) {
  TxtSurvey s{"_dnsauth.example.com.", "example.com.",
              {Make("a.", ServerState::kHasValue, {"v"}), Make("b.", ServerState::kHasValue, {"v", "w"})}, {}, {}, {}};
  EXPECT_TRUE(TxtFindings("example.com", "v", s).empty());
}

TEST(TxtFindings, MismatchShowsExpectedAndFound) {
  TxtSurvey s{"_dnsauth.example.com.", "example.com.", {Make("a.", ServerState::kOtherValue, {"old"})}, {}, {}, {}};
  auto f = TxtFindings("example.com", "new", s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, FindingCode::kTxtMismatch);
  EXPECT_NE(f[0].evidence.find("expected \"new\", found \"old\""), std::string::npos) << f[0].evidence;
  EXPECT_NE(f[0].remedy.find("_dnsauth.example.com. 300 IN TXT \"new\""), std::string::npos) << f[0].remedy;
  EXPECT_NE(f[0].remedy.find("nsupdate -k KEYFILE <<'EOF'\nzone example.com.\nupdate delete _dnsauth.example.com. TXT\n"
                             "update add _dnsauth.example.com. 300 IN TXT \"new\"\nsend\nEOF"),
            std::string::npos)
      << f[0].remedy;
}

TEST(TxtFindings, MissingWhenNoServerHasAnyValue) {
  TxtSurvey s{"_dnsauth.example.com.", "example.com.",
              {Make("a.", ServerState::kMissing), Make("b.", ServerState::kTimeout)}, {}, {}, {}};
  auto f = TxtFindings("example.com", "new", s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, FindingCode::kTxtMissing);
  s.primary = "ns1.example.com.";
  f = TxtFindings("example.com", "new", s);
  EXPECT_NE(f[0].remedy.find("server ns1.example.com.\nzone example.com.\nupdate add _dnsauth.example.com. 300 IN TXT"),
            std::string::npos)
      << f[0].remedy;
  EXPECT_EQ(f[0].remedy.find("update delete"), std::string::npos) << "nothing to replace";
}

TEST(TxtFindings, NotOnAllNamesTheStaleLameAndSilentServers) {
  TxtSurvey s{"_dnsauth.example.com.", "example.com.",
              {Make("good.", ServerState::kHasValue, {"v"}), Make("old.", ServerState::kOtherValue, {"x"}),
               Make("lame.", ServerState::kLame), Make("dead.", ServerState::kTimeout)}, {}, {}, {}};
  auto f = TxtFindings("example.com", "v", s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, FindingCode::kTxtNotOnAllNs);
  for (const char* word : {"1 of 4", "old.", "stale", "lame.", "dead.", "timed out"}) {
    EXPECT_NE(f[0].evidence.find(word), std::string::npos) << word << " in " << f[0].evidence;
  }
  EXPECT_EQ(f[0].evidence.find("good. (192"), std::string::npos);
}

TEST(TxtFindings, NoRouteFromHereIsNotTheServersFault) {
  ServerAnswer v6 = Make("a.", ServerState::kUnreachable);
  v6.error = "Network is unreachable";
  TxtSurvey s{"_dnsauth.example.com.", "example.com.", {Make("a.", ServerState::kHasValue, {"v"}), v6}, {}, {}, {}};
  EXPECT_TRUE(TxtFindings("example.com", "v", s).empty());
}

}  // namespace
}  // namespace dcv
