// The filter/INPUT evaluator on real captured rulesets: which rule (or policy) stops a new
// TCP SYN to 80/443 from outside, per family; and the three-valued matches behind it.
#include "remediators/firewall/iptables/ipt_evaluate.h"

#include <gtest/gtest.h>

#include "remediators/firewall/iptables/ipt_opening.h"
#include "tests/unit/iptables/ipt_test_support.h"

namespace dcv {
namespace {

using ipt_test::IptFixtureRuleset;

const std::vector<std::string> kIfaces{"lo", "eth0"};

// The verdict for `port` of fixture `name` (a single non-lo interface).
IptPathVerdict Verdict(const std::string& name, int version, int port) {
  auto paths = EvaluateIptInput(IptFixtureRuleset(name), version, {port}, kIfaces);
  EXPECT_EQ(paths.size(), 1u);
  return paths.empty() ? IptPathVerdict{} : paths[0];
}

TEST(IptEvaluateTest, DropOn80) {
  const auto v80 = Verdict("drop80.legacy.v4", 4, 80);
  ASSERT_FALSE(v80.open());
  EXPECT_EQ(v80.stop->chain, "INPUT");
  EXPECT_EQ(v80.stop->rule_index, 0u);
  EXPECT_EQ(v80.stop->verdict, "DROP");
  EXPECT_TRUE(v80.stop->certain);
  EXPECT_EQ(v80.stop->rule_text, "-A INPUT -p tcp -m tcp --dport 80 -j DROP");
  EXPECT_TRUE(Verdict("drop80.legacy.v4", 4, 443).open());
  EXPECT_FALSE(Verdict("drop80.legacy.v6", 6, 80).open());
}

TEST(IptEvaluateTest, PolicyDropWithSshAllowed) {
  for (int port : {80, 443}) {
    const auto v = Verdict("policy_drop_ssh.legacy.v4", 4, port);
    ASSERT_FALSE(v.open());
    EXPECT_TRUE(v.stop->is_policy());
    EXPECT_EQ(v.stop->verdict, "policy DROP");
    EXPECT_EQ(v.stop->rule_index, 3u);
  }
}

TEST(IptEvaluateTest, RejectPerFamily) {
  EXPECT_EQ(Verdict("reject.legacy.v4", 4, 443).stop->verdict, "REJECT --reject-with tcp-reset");
  EXPECT_EQ(Verdict("reject.legacy.v4", 4, 80).stop->verdict,
            "REJECT --reject-with icmp-port-unreachable");
  EXPECT_EQ(Verdict("reject.legacy.v6", 6, 80).stop->verdict,
            "REJECT --reject-with icmp6-adm-prohibited");
  EXPECT_TRUE(Verdict("reject.legacy.v6", 6, 443).open());
}

TEST(IptEvaluateTest, UserChainJumpAndReturn) {
  const auto v443 = Verdict("user_chain.legacy.v4", 4, 443);
  ASSERT_FALSE(v443.open());
  EXPECT_EQ(v443.stop->chain, "web-in");
  EXPECT_EQ(v443.stop->rule_index, 1u);
  EXPECT_EQ(v443.stop->via, (std::vector<std::string>{"INPUT", "web-in"}));
  EXPECT_EQ(Verdict("user_chain.legacy.v6", 6, 80).stop->rule_index, 2u);
}

TEST(IptEvaluateTest, MultiportConntrackAndSyn) {
  for (const char* name : {"multiport.legacy.v4", "conntrack.legacy.v4", "lo_accept.legacy.v4"}) {
    for (int port : {80, 443}) {
      const auto v = Verdict(name, 4, port);
      ASSERT_FALSE(v.open()) << name << " " << port;
      EXPECT_TRUE(v.stop->certain) << name;
    }
  }
  EXPECT_EQ(Verdict("conntrack.legacy.v4", 4, 80).stop->rule_index, 2u);  // not the INVALID drop
  EXPECT_EQ(Verdict("lo_accept.legacy.v6", 6, 443).stop->rule_index, 1u);  // -i lo does not apply
}

TEST(IptEvaluateTest, SourceAllowListIsNotReliedOn) {
  const auto v = Verdict("src_accept.legacy.v4", 4, 80);
  ASSERT_FALSE(v.open());
  EXPECT_TRUE(v.stop->is_policy());
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find("-s 10.0.0.0/8"), std::string::npos);
  EXPECT_FALSE(Verdict("src_accept.legacy.v6", 6, 443).open());
}

TEST(IptEvaluateTest, OpenAndEmpty) {
  EXPECT_TRUE(Verdict("open.legacy.v4", 4, 80).open());
  EXPECT_TRUE(EvaluateIptInput(IptRuleset{}, 4, {80, 443}, kIfaces)[1].open());
}

TEST(IptEvaluateTest, OwnersOfStops) {
  const auto ufw = Verdict("ufw_like.legacy.v4", 4, 80);
  ASSERT_FALSE(ufw.open());
  EXPECT_EQ(IptStopOwner(IptFixtureRuleset("ufw_like.legacy.v4"), *ufw.stop), "ufw");
  const auto docker = Verdict("docker_like.legacy.v4", 4, 80);
  ASSERT_FALSE(docker.open());
  EXPECT_EQ(docker.stop->chain, "DOCKER-USER");
  EXPECT_EQ(IptStopOwner(IptFixtureRuleset("docker_like.legacy.v4"), *docker.stop), "docker");
  EXPECT_EQ(IptStopOwner(IptFixtureRuleset("drop80.legacy.v4"),
                         *Verdict("drop80.legacy.v4", 4, 80).stop), "");
}

TEST(IptEvaluateTest, InterfacesAndUnknownMatches) {
  auto ruleset = ParseIptablesSave(
      "*filter\n:INPUT DROP [0:0]\n-A INPUT -i eth+ -j ACCEPT\n"
      "-A INPUT -m limit --limit 5/min -j DROP\nCOMMIT\n").value();
  EXPECT_TRUE(EvaluateIptInput(ruleset, 4, {80}, {"eth0"})[0].open());
  const auto other = EvaluateIptInput(ruleset, 4, {80}, {"ens3"})[0];
  ASSERT_FALSE(other.open());
  EXPECT_FALSE(other.stop->certain);  // the limit may or may not match
  EXPECT_EQ(other.stop->rule_index, 1u);
  const auto unknown = EvaluateIptInput(ruleset, 4, {80}, {})[0];  // no interface known
  ASSERT_FALSE(unknown.open());
  EXPECT_EQ(unknown.notes.size(), 1u);
  auto odd = ParseIptablesSave("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j NFQUEUE\nCOMMIT\n");
  const auto queued = EvaluateIptInput(odd.value(), 4, {443}, {"eth0"})[0];
  ASSERT_FALSE(queued.open());  // never "accepted" on a guess
  EXPECT_FALSE(queued.stop->certain);
}

}  // namespace
}  // namespace dcv
