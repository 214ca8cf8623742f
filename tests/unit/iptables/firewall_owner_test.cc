// Ownership between the firewall remediators (remediators/firewall/firewall_owner.h) on
// real `nft -j list ruleset` output holding an iptables-nft table, a native nft table and
// a firewalld table at once: nftables still evaluates everything, but reports and plans
// only the native table's stops; the iptables remediator takes the iptables-nft one.
#include "remediators/firewall/firewall_owner.h"

#include <gtest/gtest.h>

#include "remediators/firewall/iptables/iptables_remediator.h"
#include "remediators/firewall/nftables/nftables_remediator.h"
#include "tests/unit/iptables/ipt_test_support.h"
#include "tests/unit/nftables/nft_fake_runner.h"

namespace dcv {
namespace {

using ipt_test::IptFixture;

NftRuleset Ruleset(const std::string& name) {
  auto parsed = ParseNftJson(IptFixture(name));
  EXPECT_TRUE(parsed.has_value());
  return parsed ? *parsed : NftRuleset{};
}

const NftTable& Table(const NftRuleset& r, const std::string& family, const std::string& name) {
  for (const auto& t : r.tables) {
    if (t.family == family && t.name == name) return t;
  }
  ADD_FAILURE() << "no table " << family << " " << name;
  return r.tables.front();
}

TEST(FirewallOwnerTest, TablesByOwner) {
  const NftRuleset r = Ruleset("owner_mix.nft.json");
  const auto listed = IptablesNftChains(IptFixture("owner_mix.nft.v4.txt"), "");
  EXPECT_EQ(listed, (std::set<std::string>{"ip filter FORWARD", "ip filter INPUT", "ip filter OUTPUT"}));
  EXPECT_EQ(OwnerOfNftTable(Table(r, "ip", "filter"), r, listed), FirewallOwner::kIptablesNft);
  EXPECT_EQ(OwnerOfNftTable(Table(r, "inet", "native"), r, listed), FirewallOwner::kNftables);
  EXPECT_EQ(OwnerOfNftTable(Table(r, "inet", "firewalld"), r, listed), FirewallOwner::kFirewalld);
  // iptables-nft not installed: a table without xt expressions stays native ...
  EXPECT_EQ(OwnerOfNftTable(Table(r, "ip", "filter"), r, {}), FirewallOwner::kNftables);
  // ... but xt expressions (here `-m comment`) show iptables-nft wrote it
  const NftRuleset xt = Ruleset("nft_drop80.nft.json");
  EXPECT_EQ(OwnerOfNftTable(Table(xt, "ip", "filter"), xt, {}), FirewallOwner::kIptablesNft);
  EXPECT_EQ(OwnerName(FirewallOwner::kIptablesNft), "iptables-nft");
  // iptables-nft-save lists `*filter` with empty INPUT/FORWARD/OUTPUT for a native table
  // whose base chain is `input` ("contains incompatible base-chains"): that chain stays native
  NftChain native_input;
  native_input.family = "ip";
  native_input.table = "filter";
  native_input.name = "input";
  EXPECT_EQ(OwnerOfNftChain(native_input, listed), FirewallOwner::kNftables);
  EXPECT_TRUE(IsUfwChain("ufw6-user-input"));
  EXPECT_FALSE(IsUfwChain("INPUT"));
  EXPECT_TRUE(IsDockerChain("DOCKER-USER"));
}

class OwnershipSplitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runner_.Succeed({"nft", "-j", "list", "ruleset"}, IptFixture("owner_mix.nft.json"));
  }
  void WithIptablesNft() {
    runner_.Succeed({"iptables-nft-save"}, IptFixture("owner_mix.nft.v4.txt"));
    runner_.Succeed({"ip6tables-nft-save"}, "");
  }
  NftablesRemediator Nft() {
    NftablesRemediator::Options options;
    options.read_file = [](const std::string&) { return std::nullopt; };
    options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
    return NftablesRemediator(options);
  }
  Target Web() {
    Target t;
    t.domains = {"example.com"};
    t.token = "x.txt";
    return t;
  }

  nft_test::FakeRunner runner_;
  Host host_{runner_, {}, {}, "R1"};
};

TEST_F(OwnershipSplitTest, NftablesReportsAndPlansOnlyNativeStops) {
  WithIptablesNft();
  auto nft = Nft();
  ASSERT_TRUE(nft.Detect(host_).value());
  EXPECT_FALSE(nft.evaluation().Open(4, 80));  // the whole ruleset still decides
  EXPECT_TRUE(nft.native_evaluation().Open(4, 80));
  EXPECT_EQ(nft.foreign_chains().at("ip filter INPUT"), "iptables-nft");
  EXPECT_EQ(nft.foreign_chains().at("inet firewalld filter_INPUT"), "firewalld");
  Diagnosis d;
  nft.Diagnose(Web(), host_, d);
  ASSERT_EQ(d.findings.size(), 2u);  // tcp/443 in inet native, IPv4 and IPv6
  for (const auto& f : d.findings) EXPECT_EQ(f.source.rfind("nft inet native input", 0), 0u);
  Plan plan;
  ASSERT_TRUE(nft.PlanFix(Web(), host_, d, plan).has_value());
  ASSERT_EQ(plan.steps.size(), 1u);
  const Argv& argv = std::get<RunCommand>(plan.steps[0].action).argv;
  EXPECT_EQ(Argv(argv.begin(), argv.begin() + 6),
            (Argv{"nft", "insert", "rule", "inet", "native", "input"}));
}

TEST_F(OwnershipSplitTest, IptablesTakesTheIptablesNftTable) {
  WithIptablesNft();
  IptablesRemediator::Options options;
  options.read_file = [](const std::string&) { return std::nullopt; };
  options.file_exists = [](const std::string&) { return false; };
  options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
  options.default_stack = [] { return IptStack::kNft; };
  IptablesRemediator ipt(options);
  ASSERT_TRUE(ipt.Detect(host_).value());
  Diagnosis d;
  ipt.Diagnose(Web(), host_, d);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].source,
            "iptables-nft filter INPUT rule 1: -A INPUT -p tcp -m tcp --dport 80 -j DROP");
}

TEST_F(OwnershipSplitTest, WithoutIptablesNftEveryTableIsNative) {
  auto nft = Nft();
  ASSERT_TRUE(nft.Detect(host_).value());
  EXPECT_EQ(nft.foreign_chains().size(), 1u);  // firewalld's only
  Diagnosis d;
  nft.Diagnose(Web(), host_, d);
  bool saw_ip_filter = false;
  for (const auto& f : d.findings) saw_ip_filter |= f.source.rfind("nft ip filter INPUT", 0) == 0;
  EXPECT_TRUE(saw_ip_filter);
}

}  // namespace
}  // namespace dcv
