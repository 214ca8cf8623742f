// Planning openings on real rulesets: which chain gets the accept rule, where, for which
// ports; the exact nft argv; and an undo that finds the rule by its comment in real
// `nft -a list chain` output and deletes it by handle.
#include "remediators/firewall/nftables/nft_opening.h"

#include <regex>

#include <gtest/gtest.h>

#include "tests/unit/nftables/nft_test_support.h"

namespace dcv {
namespace {

using nft_test::NftFixture;
using nft_test::NftFixtureRuleset;

NftOpeningPlan Plan(const std::string& fixture, std::vector<std::string> ifaces = {"eth0"}) {
  return PlanOpenings(NftFixtureRuleset(fixture), {{80, 443}, std::move(ifaces), {}});
}

TEST(NftPlanTest, NothingToOpen) {
  EXPECT_TRUE(Plan("debian_default").openings.empty());
  EXPECT_TRUE(Plan("empty").openings.empty());
  EXPECT_TRUE(Plan("iifname_eth0").openings.empty());
}

TEST(NftPlanTest, InsertBeforeTheDroppingRule) {
  const NftOpeningPlan plan = Plan("inet_drop80");
  ASSERT_EQ(plan.openings.size(), 1u);
  const NftOpening& o = plan.openings[0];
  EXPECT_EQ(o.before_handle, 4u);
  EXPECT_EQ(o.ports, std::vector<int>{80});
  EXPECT_TRUE(plan.opens_everything);
  EXPECT_EQ(OpeningArgv(o, "R1"),
            (Argv{"nft", "insert", "rule", "inet", "filter", "input", "position", "4",
                  "tcp dport 80 accept comment \"dcv-agent R1\""}));
}

TEST(NftPlanTest, AppendBeforeADroppingPolicy) {
  const NftOpeningPlan plan = Plan("policy_drop_ssh");
  ASSERT_EQ(plan.openings.size(), 1u);
  EXPECT_FALSE(plan.openings[0].before_handle.has_value());
  EXPECT_EQ(OpeningArgv(plan.openings[0], "R1"),
            (Argv{"nft", "add", "rule", "inet", "filter", "input",
                  "tcp dport { 80, 443 } accept comment \"dcv-agent R1\""}));
}

TEST(NftPlanTest, OnlyTheBlockedPortsAreOpened) {
  const NftOpeningPlan plan = Plan("port_set_policy_drop");
  ASSERT_EQ(plan.openings.size(), 1u);
  EXPECT_EQ(plan.openings[0].ports, std::vector<int>{80});
}

TEST(NftPlanTest, TheChainThatDropsNotTheOneThatAccepts) {
  const NftOpeningPlan plan = Plan("other_table_accept");
  ASSERT_EQ(plan.openings.size(), 1u);
  EXPECT_EQ(plan.openings[0].table, "filter");
  EXPECT_EQ(plan.openings[0].before_handle, 3u);
}

TEST(NftPlanTest, UserChainGetsOneRuleBeforeItsFirstStop) {
  const NftOpeningPlan plan = Plan("jump_user_chain");
  ASSERT_EQ(plan.openings.size(), 1u);
  EXPECT_EQ(plan.openings[0].chain, "web");
  EXPECT_EQ(plan.openings[0].before_handle, 3u);
  EXPECT_EQ(plan.openings[0].ports, (std::vector<int>{80, 443}));
}

TEST(NftPlanTest, IpAndIp6TablesGetOneRuleEach) {
  const NftOpeningPlan plan = Plan("iptables_nft_style");
  ASSERT_EQ(plan.openings.size(), 2u);
  EXPECT_EQ(plan.openings[0].family, "ip");
  EXPECT_FALSE(plan.openings[0].before_handle.has_value());
  EXPECT_EQ(plan.openings[0].ports, (std::vector<int>{80, 443}));
  EXPECT_EQ(plan.openings[1].family, "ip6");
  EXPECT_EQ(plan.openings[1].before_handle, 2u);
  EXPECT_EQ(plan.openings[1].ports, std::vector<int>{80});
  const NftOpeningPlan v4 = Plan("ip_only_drop");
  ASSERT_EQ(v4.openings.size(), 1u);
  EXPECT_EQ(v4.openings[0].family, "ip");
}

TEST(NftPlanTest, EverySecondDroppingBaseChainIsFoundBySimulation) {
  const NftOpeningPlan plan = Plan("two_tables_drop");
  ASSERT_EQ(plan.openings.size(), 2u);
  EXPECT_EQ(plan.openings[0].table, "early");
  EXPECT_EQ(plan.openings[0].ports, std::vector<int>{80});
  EXPECT_EQ(plan.openings[1].table, "filter");
  EXPECT_EQ(plan.openings[1].ports, (std::vector<int>{80, 443}));
  EXPECT_TRUE(plan.opens_everything);
}

TEST(NftPlanTest, OnlyTheBlockedInterfaceCountsButTheRuleCoversAll) {
  const NftOpeningPlan plan = Plan("iifname_eth0", {"eth0", "eth1"});
  ASSERT_EQ(plan.openings.size(), 1u);
  EXPECT_FALSE(plan.openings[0].before_handle.has_value());
}

TEST(NftPlanTest, PlannedRuleIsWhatNftListsForIt) {
  // What `nft -j` printed for `tcp dport { 80, 443 } accept` (see capture of inet_drop80 after
  // the fix) must be what the simulation inserts.
  NftOpening both;
  both.ports = {80, 443};
  EXPECT_EQ(OpeningRuleExpr(both), nlohmann::json::parse(R"([
    {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
               "right": {"set": [80, 443]}}}, {"accept": null}])"));
}

TEST(NftPlanTest, UndoFindsOurRuleInTheRealListingAfterTheFix) {
  const NftOpeningPlan plan = Plan("inet_drop80");
  ASSERT_EQ(plan.openings.size(), 1u);
  const UndoCommand undo = OpeningUndo(plan.openings[0], "20240501T120000Z-1a2b");
  EXPECT_EQ(*undo.lookup, (Argv{"nft", "-a", "list", "chain", "inet", "filter", "input"}));
  EXPECT_EQ(undo.argv, (Argv{"nft", "delete", "rule", "inet", "filter", "input", "handle", "{1}"}));
  // Real output of `nft -a list chain inet filter input` after running the planned argv.
  const std::string listing = NftFixture("inet_drop80.after_fix.txt");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(listing, m, std::regex(undo.pattern)));
  EXPECT_EQ(m.str(1), "5");
  // Another run's rule is not ours.
  const UndoCommand other = OpeningUndo(plan.openings[0], "other-run");
  EXPECT_FALSE(std::regex_search(listing, m, std::regex(other.pattern)));
}

TEST(NftPlanTest, RunIdIsSanitizedForNftAndRegex) {
  EXPECT_EQ(OpeningComment("a b\"c;d.e"), "dcv-agent a_b_c_d.e");
  NftOpening https;
  https.ports = {443};
  EXPECT_EQ(OpeningRuleText(https, "r.1"), "tcp dport 443 accept comment \"dcv-agent r.1\"");
  NftOpening o;
  o.family = "inet";
  o.table = "filter";
  o.chain = "input";
  EXPECT_EQ(OpeningUndo(o, "r.1").pattern, "comment \"dcv-agent r\\.1\" # handle ([0-9]+)");
}

}  // namespace
}  // namespace dcv
