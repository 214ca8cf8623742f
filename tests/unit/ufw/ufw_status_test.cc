// The ufw status parser and evaluator on real `ufw status verbose` / `numbered` output
// (tests/fixtures/ufw/, captured by capture.sh in a test world): rows, families, ports,
// interfaces, sources, the default policy, and the verdict per family and port.
#include "remediators/firewall/ufw/ufw_evaluate.h"
#include "remediators/firewall/ufw/ufw_status.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace dcv {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/ufw/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

UfwStatus Parse(const std::string& name) {
  auto parsed = ParseUfwStatus(Fixture(name));
  EXPECT_TRUE(parsed.has_value()) << name;
  return parsed ? *parsed : UfwStatus{};
}

// "open" or the deciding rule's text / "policy" for (version, port).
std::string Verdict(const UfwStatus& status, int version, int port,
                    std::vector<std::string> interfaces = {"lo", "eth0"}) {
  UfwEvaluateOptions options;
  options.interfaces = std::move(interfaces);
  for (const auto& v : EvaluateUfw(status, options).verdicts) {
    if (v.ip_version != version || v.port != port) continue;
    if (v.open) return "open";
    return v.rule ? status.rules[*v.rule].text : "policy";
  }
  return "none";
}

TEST(UfwStatusTest, InactiveAndGarbage) {
  UfwStatus s = Parse("inactive.txt");
  EXPECT_FALSE(s.active);
  EXPECT_TRUE(s.rules.empty());
  EXPECT_TRUE(EvaluateUfw(s, {}).verdicts.empty());
  EXPECT_FALSE(ParseUfwStatus("ERROR: You need to be root to run this script\n").has_value());
}

TEST(UfwStatusTest, DefaultDenyWithoutRules) {
  UfwStatus s = Parse("default_deny.txt");
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.default_incoming, "deny");
  EXPECT_TRUE(s.rules.empty());
  for (int v : {4, 6}) {
    for (int p : {80, 443}) EXPECT_EQ(Verdict(s, v, p), "policy") << v << " " << p;
  }
}

TEST(UfwStatusTest, RowsWithFamiliesAndPorts) {
  UfwStatus s = Parse("after_fix.txt");
  ASSERT_EQ(s.rules.size(), 6u);
  EXPECT_EQ(s.rules[1].text, "80/tcp ALLOW IN Anywhere");
  EXPECT_EQ(s.rules[1].ip_version, 4);
  EXPECT_EQ(s.rules[4].text, "80/tcp (v6) ALLOW IN Anywhere (v6)");
  EXPECT_EQ(s.rules[4].ip_version, 6);
  EXPECT_EQ(s.rules[4].protocol, "tcp");
  EXPECT_TRUE(s.rules[4].IsPlainTcpPort(80));
  EXPECT_EQ(s.rules[4].direction, "IN");
  for (int v : {4, 6}) {
    for (int p : {80, 443}) EXPECT_EQ(Verdict(s, v, p), "open");
  }
  EXPECT_EQ(Verdict(Parse("ssh_only.txt"), 6, 443), "policy");
}

TEST(UfwStatusTest, NumberedOutputParsesTheSameRules) {
  UfwStatus s = Parse("after_fix.numbered.txt");
  ASSERT_EQ(s.rules.size(), 6u);
  EXPECT_EQ(s.rules[5].number, 6);
  EXPECT_EQ(s.rules[5].text, "443/tcp (v6) ALLOW IN Anywhere (v6)");
  EXPECT_EQ(s.default_incoming, "");  // numbered output has no Default: line
}

TEST(UfwStatusTest, MultiportAndRanges) {
  UfwStatus s = Parse("multiport.txt");
  ASSERT_EQ(s.rules.size(), 4u);
  ASSERT_EQ(s.rules[1].ports.size(), 2u);
  EXPECT_FALSE(s.rules[1].IsPlainTcpPort(80));
  EXPECT_EQ(Verdict(s, 4, 443), "open");
  EXPECT_EQ(Verdict(s, 6, 80), "open");
  UfwStatus r = Parse("allow_default_deny_rules.txt");
  EXPECT_EQ(r.default_incoming, "allow");
  ASSERT_EQ(r.rules.size(), 6u);
  EXPECT_EQ(r.rules[2].ports[0].first, 8080);
  EXPECT_EQ(r.rules[2].ports[0].last, 8090);
  EXPECT_EQ(Verdict(r, 4, 80), "80/tcp DENY IN Anywhere");
  EXPECT_EQ(Verdict(r, 6, 443), "443 (v6) REJECT IN Anywhere (v6)");  // no protocol: tcp too
}

TEST(UfwStatusTest, InterfaceAndSourceRestrictions) {
  UfwStatus s = Parse("iface_and_source.txt");
  ASSERT_EQ(s.rules.size(), 5u);
  EXPECT_EQ(s.rules[1].iface, "dcvs6c6d6ffd");
  EXPECT_EQ(s.rules[2].source, "10.0.0.0/8");
  EXPECT_EQ(s.rules[4].ip_version, 6);
  EXPECT_EQ(s.rules[4].iface, "dcvs6c6d6ffd");
  // the only outside interface is the rule's: it counts; with another interface it does not
  EXPECT_EQ(Verdict(s, 4, 80, {"lo", "dcvs6c6d6ffd"}), "open");
  EXPECT_EQ(Verdict(s, 4, 80, {"lo", "dcvs6c6d6ffd", "eth1"}), "policy");
  EXPECT_EQ(Verdict(s, 4, 443), "policy");  // allowed only from 10.0.0.0/8
  UfwEvaluateOptions options;
  options.interfaces = {"lo", "eth0"};
  const auto e = EvaluateUfw(s, options);
  ASSERT_EQ(e.verdicts.size(), 4u);
  ASSERT_EQ(e.verdicts[1].notes.size(), 1u);
  EXPECT_NE(e.verdicts[1].notes[0].find("only from 10.0.0.0/8"), std::string::npos);
}

TEST(UfwStatusTest, MixedRulesFirstMatchDecides) {
  UfwStatus s = Parse("mixed.txt");
  ASSERT_EQ(s.rules.size(), 8u);
  EXPECT_EQ(s.rules[0].source, "198.51.100.7");
  EXPECT_EQ(s.rules[1].destination, "10.99.0.1");
  EXPECT_EQ(s.rules[2].action, "LIMIT");
  EXPECT_TRUE(s.rules[4].ports.empty());  // "Anywhere DENY IN 192.0.2.0/24"
  EXPECT_EQ(s.rules[5].destination, "fd99::1");
  EXPECT_EQ(s.rules[5].ip_version, 6);
  EXPECT_EQ(Verdict(s, 4, 80), "open");   // "80 ALLOW IN Anywhere"
  EXPECT_EQ(Verdict(s, 4, 443), "open");  // default allow; the denies are source-specific
}

TEST(UfwStatusTest, OutgoingAndRoutedRulesDoNotDecide) {
  UfwStatus s = Parse("out_and_route.txt");
  ASSERT_EQ(s.rules.size(), 6u);
  EXPECT_EQ(s.rules[2].direction, "OUT");
  EXPECT_EQ(s.rules[4].direction, "FWD");
  EXPECT_EQ(Verdict(s, 4, 443), "open");  // default allow (incoming)
}

TEST(UfwStatusTest, RowVariants) {
  auto row = ParseUfwRuleRow("Nginx Full (v6)              ALLOW IN    Anywhere (v6)   # web");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->app, "Nginx Full");
  EXPECT_EQ(row->ip_version, 6);
  EXPECT_FALSE(row->CoversTcpPort(80));
  auto plain = ParseUfwRuleRow("80/tcp                     ALLOW       Anywhere");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->direction, "IN");
  auto udp = ParseUfwRuleRow("80/udp                     ALLOW IN    Anywhere");
  ASSERT_TRUE(udp.has_value());
  EXPECT_FALSE(udp->CoversTcpPort(80));
  EXPECT_FALSE(ParseUfwRuleRow("To                         Action      From").has_value());
}

TEST(UfwStatusTest, CommentsEndTheRowAndAreKept) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/ufw/temporary_openings.txt");
  std::stringstream text;
  text << in.rdbuf();
  const UfwStatus status = ParseUfwStatus(text.str()).value();
  ASSERT_EQ(status.rules.size(), 8u);
  EXPECT_EQ(status.rules[0].source, "203.0.113.0/24");
  EXPECT_EQ(status.rules[0].comment, "dcv-agent temporary R1");
  EXPECT_EQ(status.rules[0].text, "80/tcp ALLOW IN 203.0.113.0/24");
  EXPECT_EQ(status.rules[1].comment, "");
  EXPECT_EQ(status.rules[4].ip_version, 6);  // "80/tcp ... 2001:db8:1::/48": no "(v6)" on the row
  EXPECT_EQ(status.rules[4].source, "2001:db8:1::/48");
  EXPECT_EQ(status.rules[7].comment, "dcv-agent temporary R1");
}

TEST(UfwStatusTest, ApplicationProfilesWithTheirPorts) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/ufw/app_profiles.txt");
  std::stringstream text;
  text << in.rdbuf();
  const UfwStatus status = ParseUfwStatus(text.str()).value();
  ASSERT_EQ(status.rules.size(), 4u);
  EXPECT_EQ(status.rules[0].app, "Nginx Full");
  EXPECT_EQ(status.rules[0].ip_version, 4);
  EXPECT_TRUE(status.rules[0].CoversTcpPort(80));
  EXPECT_TRUE(status.rules[0].CoversTcpPort(443));
  EXPECT_EQ(status.rules[1].app, "Nginx HTTP");
  EXPECT_FALSE(status.rules[1].CoversTcpPort(443));
  EXPECT_EQ(status.rules[2].app, "Nginx Full");
  EXPECT_EQ(status.rules[2].ip_version, 6);
  EXPECT_TRUE(status.rules[2].CoversTcpPort(443));
  EXPECT_EQ(status.rules[3].app, "Nginx HTTP");
  EXPECT_EQ(status.rules[3].ip_version, 6);
  EXPECT_FALSE(status.rules[0].IsPlainTcpPort(80)) << "a profile rule is not `ufw allow 80/tcp`";
}

}  // namespace
}  // namespace dcv
