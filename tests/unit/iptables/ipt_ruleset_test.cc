// The iptables-save parser on real captured output.
#include "remediators/firewall/iptables/ipt_ruleset.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "tests/unit/iptables/ipt_test_support.h"

namespace dcv {
namespace {

using ipt_test::IptFixture;
using ipt_test::IptFixtureRuleset;

TEST(IptRulesetTest, ParsesTablesPoliciesAndRules) {
  const IptRuleset r = IptFixtureRuleset("policy_drop_ssh.legacy.v4");
  ASSERT_EQ(r.tables.size(), 1u);
  const IptChain* input = r.FindTable("filter")->FindChain("INPUT");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->policy, "DROP");
  EXPECT_TRUE(input->builtin());
  ASSERT_EQ(input->rules.size(), 3u);
  EXPECT_EQ(input->rules[0].text, "-A INPUT -i lo -j ACCEPT");
  EXPECT_EQ(input->rules[1].options[1].name, "--ctstate");
  EXPECT_EQ(input->rules[1].options[1].module, "conntrack");
  EXPECT_EQ(input->rules[1].options[1].values, std::vector<std::string>{"RELATED,ESTABLISHED"});
  EXPECT_EQ(input->rules[2].target, "ACCEPT");
}

TEST(IptRulesetTest, UserChainsTargetsAndTargetArguments) {
  const IptRuleset r = IptFixtureRuleset("user_chain.legacy.v4");
  const IptTable& filter = *r.FindTable("filter");
  const IptChain* web = filter.FindChain("web-in");
  ASSERT_NE(web, nullptr);
  EXPECT_FALSE(web->builtin());
  ASSERT_EQ(web->rules.size(), 3u);
  EXPECT_EQ(web->rules[2].target, "REJECT");
  EXPECT_EQ(web->rules[2].target_args, (std::vector<std::string>{"--reject-with", "tcp-reset"}));
  EXPECT_EQ(filter.FindChain("INPUT")->rules[0].target, "web-in");
}

TEST(IptRulesetTest, QuotedWordsAndComments) {
  const IptRuleset r = IptFixtureRuleset("nft_drop80.nft.v4");
  const IptRule& rule = r.FindTable("filter")->FindChain("INPUT")->rules[1];
  EXPECT_EQ(rule.comment, "web tls");
  EXPECT_EQ(SplitSaveLine(R"(-A X -m comment --comment "a \"b\" c" -j LOG)")[5], "a \"b\" c");
  EXPECT_EQ(QuoteSaveWord("dcv-agent R1"), "\"dcv-agent R1\"");
  EXPECT_EQ(QuoteSaveWord("plain"), "plain");
  const IptRuleset logged = IptFixtureRuleset("src_accept.legacy.v4");
  EXPECT_EQ(logged.FindTable("filter")->FindChain("INPUT")->rules[1].target_args,
            (std::vector<std::string>{"--log-prefix", "in: "}));
}

TEST(IptRulesetTest, NegationCountersAndIncompatibleTables) {
  auto r = ParseIptablesSave(
      "*filter\n:INPUT DROP [5:300]\n[3:180] -A INPUT ! -s 10.0.0.0/8 -p tcp -j ACCEPT\nCOMMIT\n"
      "# Table `mangle' is incompatible, use 'nft' tool.\n");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const IptRule& rule = r->FindTable("filter")->FindChain("INPUT")->rules[0];
  EXPECT_TRUE(rule.options[0].negated);
  EXPECT_EQ(rule.options[0].name, "-s");
  EXPECT_FALSE(rule.options[1].negated);
  EXPECT_EQ(rule.text, "-A INPUT ! -s 10.0.0.0/8 -p tcp -j ACCEPT");
  EXPECT_EQ(r->incompatible.size(), 1u);
}

TEST(IptRulesetTest, EmptyOutputAndErrors) {
  EXPECT_TRUE(ParseIptablesSave("").value().empty());
  EXPECT_FALSE(ParseIptablesSave("*filter\n:INPUT ACCEPT [0:0]\n").has_value());  // no COMMIT
  EXPECT_FALSE(ParseIptablesSave("-A INPUT -j DROP\n").has_value());
  EXPECT_FALSE(ParseIptablesSave("*filter\nnonsense\nCOMMIT\n").has_value());
  EXPECT_EQ(ParseIptablesSave(IptFixture("mixed.nft.v6.txt")).value().tables.size(), 1u);
}

// Found while writing fuzz/iptables_save_fuzz, confirmed by libFuzzer + AddressSanitizer on
// an exact-size buffer (heap-buffer-overflow, one byte past the text): a line holding only counters ("[0:0] ") left nothing to look at. The text
// sits in a buffer of exactly its size, as the fuzzer gives it, so ASan sees such a read.
TEST(IptRulesetTest, CountersWithoutARuleAreAnError) {
  for (const std::string text : {"*filter\n[0:0] ", "*filter\n[] \nCOMMIT\n"}) {
    std::unique_ptr<char[]> exact(new char[text.size()]);
    std::memcpy(exact.get(), text.data(), text.size());
    Result<IptRuleset> parsed = ParseIptablesSave(std::string_view(exact.get(), text.size()));
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message, "line 2: counters without a rule") << text;
  }
}

}  // namespace
}  // namespace dcv
