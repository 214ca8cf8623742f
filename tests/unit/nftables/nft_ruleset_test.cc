// Parsing real `nft -j list ruleset` output (captured in network namespaces by
// tests/fixtures/nft/capture.sh) and finding rule text in real `nft -a list` output.
#include "remediators/firewall/nftables/nft_ruleset.h"

#include <gtest/gtest.h>

#include "tests/unit/nftables/nft_test_support.h"

namespace dcv {
namespace {

using nft_test::NftFixture;
using nft_test::NftFixtureRuleset;

TEST(NftRulesetTest, EmptyRulesetHasNoTables) {
  const NftRuleset rs = NftFixtureRuleset("empty");
  EXPECT_EQ(rs.nft_version, "1.0.6");
  EXPECT_TRUE(rs.tables.empty());
  EXPECT_TRUE(rs.chains.empty());
}

TEST(NftRulesetTest, DebianDefaultHasThreeBaseChainsWithAcceptPolicy) {
  const NftRuleset rs = NftFixtureRuleset("debian_default");
  ASSERT_EQ(rs.tables.size(), 1u);
  EXPECT_EQ(rs.tables[0].family, "inet");
  EXPECT_EQ(rs.tables[0].name, "filter");
  ASSERT_EQ(rs.chains.size(), 3u);
  for (const auto& chain : rs.chains) {
    ASSERT_TRUE(chain.base.has_value()) << chain.name;
    EXPECT_EQ(chain.base->policy, "accept");
    EXPECT_EQ(chain.base->priority, 0);
    EXPECT_TRUE(chain.rules.empty());
  }
  EXPECT_EQ(rs.chains[0].base->hook, "input");
}

TEST(NftRulesetTest, RulesBelongToTheirChainsInOrder) {
  const NftRuleset rs = NftFixtureRuleset("jump_user_chain");
  const NftChain* web = rs.FindChain("inet", "filter", "web");
  const NftChain* input = rs.FindChain("inet", "filter", "input");
  ASSERT_NE(web, nullptr);
  ASSERT_NE(input, nullptr);
  EXPECT_FALSE(web->base.has_value());
  ASSERT_EQ(web->rules.size(), 3u);
  EXPECT_EQ(web->rules[0].handle, 3u);
  EXPECT_EQ(web->rules[2].handle, 5u);
  ASSERT_EQ(input->rules.size(), 3u);
  EXPECT_EQ(input->rules[1].expr[1]["jump"]["target"], "web");
  EXPECT_EQ(rs.RuleCount(), 6u);
}

TEST(NftRulesetTest, NegativePriorityAndNamedSets) {
  const NftRuleset other = NftFixtureRuleset("other_table_accept");
  ASSERT_NE(other.FindChain("inet", "early", "input"), nullptr);
  EXPECT_EQ(other.FindChain("inet", "early", "input")->base->priority, -10);
  const NftRuleset named = NftFixtureRuleset("named_set_saddr");
  const NftSet* ports = named.FindSet("inet", "filter", "web_ports");
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ(ports->elements, nlohmann::json::parse("[80, 443]"));
  EXPECT_EQ(named.FindSet("inet", "filter", "nope"), nullptr);
}

TEST(NftRulesetTest, EveryFixtureParses) {
  for (const char* name : {"ct_established_drop", "iifname_eth0", "inet_drop80", "ip_only_drop",
                           "iptables_nft_style", "policy_drop_ssh", "port_set_policy_drop",
                           "prerouting_vmap", "reject_icmpx", "two_tables_drop"}) {
    const NftRuleset rs = NftFixtureRuleset(name);
    EXPECT_FALSE(rs.chains.empty()) << name;
  }
}

TEST(NftRulesetTest, CommentsAreKept) {
  auto rs = ParseNftJson(R"({"nftables": [
    {"table": {"family": "inet", "name": "t", "handle": 1}},
    {"chain": {"family": "inet", "table": "t", "name": "c", "handle": 1}},
    {"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 2, "comment": "dcv-agent r1",
              "expr": [{"accept": null}]}}]})");
  ASSERT_TRUE(rs.has_value());
  EXPECT_EQ(rs->chains[0].rules[0].comment, "dcv-agent r1");
}

TEST(NftRulesetTest, BadInputIsAnErrorNotACrash) {
  EXPECT_FALSE(ParseNftJson("").has_value());
  EXPECT_FALSE(ParseNftJson("{\"nftables\": [").has_value());
  EXPECT_FALSE(ParseNftJson("[1, 2]").has_value());
  EXPECT_FALSE(ParseNftJson(R"({"nftables": 3})").has_value());
  EXPECT_FALSE(ParseNftJson(R"({"nftables": [42]})").has_value());
  EXPECT_FALSE(ParseNftJson(R"({"nftables": [{"chain": {"family": "inet"}}]})").has_value());
  auto orphan = ParseNftJson(R"({"nftables": [{"rule": {"family": "inet", "table": "t",
      "chain": "missing", "handle": 1, "expr": []}}]})");
  ASSERT_FALSE(orphan.has_value());
  EXPECT_NE(orphan.error().message.find("not listed"), std::string::npos);
  EXPECT_FALSE(ParseNftJson(R"({"nftables": [
    {"chain": {"family": "inet", "table": "t", "name": "c"}},
    {"rule": {"family": "inet", "table": "t", "chain": "c", "expr": 5}}]})").has_value());
}

TEST(NftRulesetTest, UnknownObjectKindsAreSkipped) {
  auto rs = ParseNftJson(R"({"nftables": [{"flowtable": {"family": "inet", "name": "f"}},
                                           {"counter": {"family": "inet", "name": "c"}}]})");
  ASSERT_TRUE(rs.has_value());
  EXPECT_TRUE(rs->chains.empty());
}

TEST(NftRulesetTest, FindRuleTextInRealListings) {
  const std::string listing = NftFixture("jump_user_chain.txt");
  EXPECT_EQ(FindRuleText(listing, "inet", "filter", "web", 3), "tcp dport 443 log prefix \"web443 \" drop");
  EXPECT_EQ(FindRuleText(listing, "inet", "filter", "input", 6), "iif \"lo\" accept");
  EXPECT_EQ(FindRuleText(listing, "inet", "filter", "input", 3), "");  // handle 3 is in web
  EXPECT_EQ(FindRuleText(listing, "ip", "filter", "web", 3), "");
  const std::string iptables = NftFixture("iptables_nft_style.txt");
  EXPECT_EQ(FindRuleText(iptables, "ip6", "filter", "INPUT", 2),
            "tcp dport 80 counter packets 0 bytes 0 reject");
  EXPECT_EQ(FindRuleText(NftFixture("reject_icmpx.txt"), "inet", "filter", "input", 3),
            "tcp dport 1-1024 reject with icmpx admin-prohibited");
}

}  // namespace
}  // namespace dcv
