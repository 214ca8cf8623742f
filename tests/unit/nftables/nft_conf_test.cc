// Persisting openings in nftables.conf text: real files (Debian's default and the
// fixtures' sources), every placement rule, and the statements the scanner finds.
#include "remediators/firewall/nftables/nft_conf.h"

#include <gtest/gtest.h>

#include "tests/unit/nftables/nft_test_support.h"

namespace dcv {
namespace {

using nft_test::NftFixture;
using nft_test::NftFixtureRuleset;

// The request PlanOpenings + the remediator would make for a fixture, with the stopping
// rule's text as nft lists it.
std::vector<NftPersistRequest> Requests(const std::string& fixture) {
  const NftRuleset rs = NftFixtureRuleset(fixture);
  const std::string listing = NftFixture(fixture + ".txt");
  std::vector<NftPersistRequest> out;
  for (const auto& o : PlanOpenings(rs, {{80, 443}, {"eth0"}, {}}).openings) {
    const NftChain* chain = rs.FindChain(o.family, o.table, o.chain);
    out.push_back({o, o.before_handle ? FindRuleText(listing, o.family, o.table, o.chain,
                                                     *o.before_handle) : "",
                   chain->rules.size()});
  }
  return out;
}

TEST(NftConfTest, ScannerFindsTablesChainsAndStatements) {
  const NftConfScript s = ScanNftConf(NftFixture("named_set_saddr.nft"));
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_EQ(s.tables[0], (std::pair<std::string, std::string>{"inet", "filter"}));
  ASSERT_EQ(s.chains.size(), 2u);  // sets are not chains
  EXPECT_EQ(s.chains[0].name, "admin");
  const auto& input = s.chains[1].statements;
  ASSERT_EQ(input.size(), 7u);
  EXPECT_FALSE(input[0].is_rule);  // type filter hook input priority 0
  EXPECT_FALSE(input[1].is_rule);  // policy drop
  EXPECT_EQ(input[2].text, "ip saddr @admins4 goto admin");
  EXPECT_TRUE(input[2].is_rule);
  EXPECT_EQ(input[6].text, "tcp flags & (fin | syn | rst | ack) == syn tcp dport 8443 accept");
}

TEST(NftConfTest, ScannerHandlesOneLinersCommentsStringsAndIncludes) {
  const NftConfScript s = ScanNftConf(
      "include \"/etc/nft.d/*.nft\"\n"
      "table filter { chain input { type filter hook input priority 0; policy drop; "
      "tcp dport { 22,\n 2222 } accept # ssh; not a { brace\n"
      " iifname \"a;b{\" accept } }\n"
      "add table inet extra\n");
  EXPECT_EQ(s.includes, std::vector<std::string>{"/etc/nft.d/*.nft"});
  ASSERT_EQ(s.tables.size(), 2u);
  EXPECT_EQ(s.tables[0].first, "ip");
  EXPECT_EQ(s.tables[1], (std::pair<std::string, std::string>{"inet", "extra"}));
  ASSERT_EQ(s.chains.size(), 1u);
  const auto& st = s.chains[0].statements;
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st[2].text, "tcp dport { 22,\n 2222 } accept");
  EXPECT_EQ(st[3].text, "iifname \"a;b{\" accept");
}

TEST(NftConfTest, InsertsBeforeTheMatchingRuleLine) {
  const std::string conf = NftFixture("inet_drop80.nft");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("inet_drop80"), "R1");
  ASSERT_EQ(r.persisted, std::vector<bool>{true});
  EXPECT_NE(r.where[0].find("before `tcp dport 80 drop`"), std::string::npos);
  EXPECT_NE(r.content.find("\t\tiif lo accept\n"
                           "\t\ttcp dport 80 accept comment \"dcv-agent R1\"\n"
                           "\t\ttcp dport 80 drop\n"), std::string::npos);
  EXPECT_EQ(r.content.size(), conf.size() + std::string("\t\ttcp dport 80 accept comment \"dcv-agent R1\"\n").size());
}

TEST(NftConfTest, MatchesDespiteDifferentSpacingAndCounters) {
  const std::string conf = NftFixture("other_table_accept.nft");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("other_table_accept"), "R1");
  ASSERT_EQ(r.persisted, std::vector<bool>{true});
  EXPECT_NE(r.content.find("\t\ttcp dport { 80, 443 } accept comment \"dcv-agent R1\"\n"
                           "\t\ttcp dport { 80, 443 } counter drop\n"), std::string::npos);
}

TEST(NftConfTest, PolicyDropAppendsAtTheEndOfTheChainBlock) {
  const std::string conf = NftFixture("policy_drop_ssh.nft");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("policy_drop_ssh"), "R1");
  EXPECT_NE(r.content.find("\t\ttcp dport 22 accept\n"
                           "\t\ttcp dport { 80, 443 } accept comment \"dcv-agent R1\"\n"
                           "\t}\n\tchain forward"), std::string::npos);
}

TEST(NftConfTest, SamePositionWhenTheTextDiffersButTheCountMatches) {
  // The file writes `http` where nft lists `80`; the chain has the same number of rules.
  std::string conf = NftFixture("inet_drop80.nft");
  conf.replace(conf.find("tcp dport 80 drop"), 17, "tcp dport http drop");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("inet_drop80"), "R1");
  EXPECT_NE(r.where[0].find("same position as at runtime"), std::string::npos);
  EXPECT_NE(r.content.find("accept comment \"dcv-agent R1\"\n\t\ttcp dport http drop"), std::string::npos);
}

TEST(NftConfTest, TopOfChainWhenNothingCanBeMatched) {
  std::string conf = NftFixture("inet_drop80.nft");
  conf.replace(conf.find("tcp dport 80 drop"), 17, "tcp dport http drop\n\t\tcounter");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("inet_drop80"), "R1");
  EXPECT_NE(r.where[0].find("top of chain"), std::string::npos);
  EXPECT_NE(r.content.find("policy accept;\n\t\ttcp dport 80 accept"), std::string::npos);
}

TEST(NftConfTest, TwoTablesAreEditedInOnePass) {
  const std::string conf = NftFixture("iptables_nft_style.nft");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("iptables_nft_style"), "R1");
  ASSERT_EQ(r.persisted, (std::vector<bool>{true, true}));
  EXPECT_NE(r.content.find("counter accept\n\t\ttcp dport { 80, 443 } accept comment"), std::string::npos);
  EXPECT_NE(r.content.find("tcp dport 80 accept comment \"dcv-agent R1\"\n"
                           "\t\tmeta l4proto tcp tcp dport 80 counter reject"), std::string::npos);
}

TEST(NftConfTest, TableNotInTheFileIsRuntimeOnly) {
  const std::string conf = NftFixture("debian_default.nft");
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("ip_only_drop"), "R1");
  EXPECT_EQ(r.persisted, std::vector<bool>{false});
  EXPECT_EQ(r.content, conf);
  EXPECT_EQ(r.where[0], "runtime only: /etc/nftables.conf does not define table ip filter");
}

TEST(NftConfTest, ChainWithoutABlockGetsACommandAtTheEnd) {
  const std::string conf = "table inet filter {\n}\n"
                           "add chain inet filter input { type filter hook input priority 0; policy drop; }";
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("policy_drop_ssh"), "R1");
  ASSERT_EQ(r.persisted, std::vector<bool>{true});
  EXPECT_EQ(r.content, conf + "\n# dcv-agent: opens tcp ports for domain validation\n"
                       "add rule inet filter input tcp dport { 80, 443 } accept comment \"dcv-agent R1\"\n");
}

TEST(NftConfTest, OneLineChain) {
  const std::string conf =
      "table inet filter { chain input { type filter hook input priority 0; policy drop; } }\n";
  const NftPersistResult r = PersistOpenings("/etc/nftables.conf", conf, Requests("policy_drop_ssh"), "R1");
  EXPECT_EQ(r.content, "table inet filter { chain input { type filter hook input priority 0; "
                       "policy drop; tcp dport { 80, 443 } accept comment \"dcv-agent R1\"; } }\n");
}

TEST(NftConfTest, NormalizeRuleText) {
  EXPECT_EQ(NormalizeRuleText("tcp dport { 80, 443 } counter packets 12 bytes 720 drop # handle 4"),
            "tcp dport {80,443} counter drop");
  EXPECT_EQ(NormalizeRuleText("  tcp dport {80,443}   counter drop;"), "tcp dport {80,443} counter drop");
}

}  // namespace
}  // namespace dcv
