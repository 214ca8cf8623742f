// The plan against the real nft, inside a throwaway network namespace (never the root
// one: every command goes through `ip netns exec`). For each fixture: load it, let the
// remediator detect and plan, run the planned commands, check the ruleset now evaluates
// as open, run each undo (lookup + pattern + delete) and check `nft list ruleset` is
// byte-identical to before; then reload only the persisted /etc/nftables.conf edit after
// a flush (a simulated reboot) and check it is still open. With --allow-from and
// --temporary: the opening admits those networks and no other, nothing is persisted, and
// cleanup deletes it (its undo re-inserts it in place). Fails unless root with nft.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include <gtest/gtest.h>

#include "support/netns_process_runner.h"

#include "remediators/firewall/nftables/nftables_remediator.h"
#include "tests/unit/nftables/nft_test_support.h"

namespace dcv {
namespace {

using NetnsRunner = testing::NetnsProcessRunner;
using testing::MustRun;

class NftNetnsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || !std::filesystem::exists("/usr/sbin/nft") || getenv("DCV_NO_NETNS")) {
      GTEST_FAIL() << "needs root, /usr/sbin/nft and network namespaces";
    }
    netns_.emplace("dcvut");
    ASSERT_TRUE(netns_->created()) << "ip netns add " << netns_->name();
    ns_ = netns_->name();
    dir_ = netns_->dir();
  }
  void TearDown() override { netns_.reset(); }
  std::optional<testing::ScopedNetns> netns_;
  std::string ns_;
  std::filesystem::path dir_;
};


TEST_P(NftNetnsTest, FixOpensUndoRestoresPersistenceSurvivesReload) {
  const std::string name = GetParam();
  const std::string source = std::string(DCV_FIXTURES) + "/nft/" + name + ".nft";
  NetnsRunner runner(ns_);
  MustRun(runner, {"nft", "-f", source});
  const std::string before = MustRun(runner, {"nft", "list", "ruleset"}).out;

  NftablesRemediator::Options options;
  options.read_file = [&](const std::string&) { return nft_test::NftFixture(name + ".nft"); };
  options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0", "eth1"}; };
  NftablesRemediator nft(options);
  Host host{runner, {}, {}, "netns-" + name};
  ASSERT_TRUE(nft.Detect(host).value());
  ASSERT_FALSE(nft.evaluation().AllOpen());
  Plan plan;
  ASSERT_TRUE(nft.PlanFix({}, host, {}, plan).has_value());

  std::vector<UndoCommand> undos;
  std::optional<EditFile> edit;
  for (const auto& step : plan.steps) {
    if (const auto* run = std::get_if<RunCommand>(&step.action)) {
      MustRun(runner, run->argv);
      undos.push_back(*run->undo);
    } else if (const auto* e = std::get_if<EditFile>(&step.action)) {
      edit = *e;
    }
  }
  ASSERT_TRUE(nft.Detect(host).value());
  EXPECT_TRUE(nft.evaluation().AllOpen()) << name << " is still blocked after the fix";

  for (auto it = undos.rbegin(); it != undos.rend(); ++it) {
    const std::string listing = MustRun(runner, *it->lookup).out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(listing, m, std::regex(it->pattern))) << listing;
    Argv argv = it->argv;
    for (auto& a : argv) a = std::regex_replace(a, std::regex(R"(\{1\})"), m.str(1));
    MustRun(runner, argv);
  }
  EXPECT_EQ(MustRun(runner, {"nft", "list", "ruleset"}).out, before);

  ASSERT_TRUE(edit.has_value()) << "nothing persisted for " << name;
  const auto persisted = dir_ / "nftables.conf";
  std::ofstream(persisted) << edit->content;
  MustRun(runner, {"nft", "flush", "ruleset"});
  MustRun(runner, {"nft", "-f", persisted.string()});
  ASSERT_TRUE(nft.Detect(host).value());
  EXPECT_TRUE(nft.evaluation().AllOpen()) << name << " is blocked after reloading the file";
}

Target AllowFromTemporary() {
  Target target;
  target.allow_from = {ParseCidr("203.0.113.0/24").value(), ParseCidr("2001:db8:1::/48").value()};
  target.temporary = true;
  return target;
}

bool OpenFrom(const NftRuleset& ruleset, const std::vector<std::string>& sources) {
  NftEvaluateOptions options{{80, 443}, {"eth0", "eth1"}, {}};
  for (const auto& s : sources) options.allow_from.push_back(ParseCidr(s).value());
  return EvaluateInbound(ruleset, options).AllOpen();
}

TEST_P(NftNetnsTest, AllowFromTemporaryOpeningIsRemovedByCleanup) {
  const std::string name = GetParam();
  NetnsRunner runner(ns_);
  MustRun(runner, {"nft", "-f", std::string(DCV_FIXTURES) + "/nft/" + name + ".nft"});
  const std::string before = MustRun(runner, {"nft", "list", "ruleset"}).out;
  NftablesRemediator::Options options;
  options.read_file = [&](const std::string&) { return nft_test::NftFixture(name + ".nft"); };
  options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0", "eth1"}; };
  NftablesRemediator nft(options);
  Host host{runner, {}, {}, "netns-" + name};
  const Target target = AllowFromTemporary();
  ASSERT_TRUE(nft.Detect(host).value());
  Plan fix;
  ASSERT_TRUE(nft.PlanFix(target, host, {}, fix).has_value());
  ASSERT_FALSE(fix.steps.empty());
  for (const auto& step : fix.steps) {
    const auto* run = std::get_if<RunCommand>(&step.action);
    ASSERT_NE(run, nullptr) << "a temporary opening is not persisted: " << step.id;
    EXPECT_NE(run->argv.back().find("saddr"), std::string::npos) << run->argv.back();
    EXPECT_NE(run->argv.back().find("\"dcv-agent temporary netns-"), std::string::npos);
    MustRun(runner, run->argv);
  }
  ASSERT_TRUE(nft.Detect(host).value());
  EXPECT_TRUE(OpenFrom(nft.ruleset(), {"203.0.113.0/24", "2001:db8:1::/48"})) << name;
  EXPECT_TRUE(OpenFrom(nft.ruleset(), {"203.0.113.9"})) << name;
  EXPECT_FALSE(OpenFrom(nft.ruleset(), {"198.51.100.0/24", "2001:db8:2::/48"})) << name;
  EXPECT_FALSE(OpenFrom(nft.ruleset(), {})) << name << ": opened for every sender";
  const std::string fixed = MustRun(runner, {"nft", "list", "ruleset"}).out;

  Plan cleanup;
  ASSERT_TRUE(nft.PlanCleanup(target, host, cleanup).has_value());
  std::vector<UndoCommand> undos;
  for (const auto& step : cleanup.steps) {
    const auto& run = std::get<RunCommand>(step.action);
    MustRun(runner, run.argv);
    undos.push_back(*run.undo);
  }
  EXPECT_EQ(MustRun(runner, {"nft", "list", "ruleset"}).out, before) << name;
  for (auto it = undos.rbegin(); it != undos.rend(); ++it) MustRun(runner, it->argv);
  EXPECT_EQ(MustRun(runner, {"nft", "list", "ruleset"}).out, fixed) << "rollback of the cleanup";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NftNetnsTest,
                         ::testing::Values("inet_drop80", "policy_drop_ssh", "other_table_accept",
                                           "jump_user_chain", "ip_only_drop", "port_set_policy_drop",
                                           "reject_icmpx", "iifname_eth0", "ct_established_drop",
                                           "named_set_saddr", "prerouting_vmap",
                                           "iptables_nft_style", "two_tables_drop"));

// iptables-nft keeps `-m comment` as an xt match, not as the nft rule comment; whichever way a
// future iptables-nft stores it, cleanup must plan only the native rule.
TEST(NftOwnershipNetnsTest, CleanupLeavesMarkedIptablesNftRulesToTheirOwner) {
  ASSERT_TRUE(geteuid() == 0 && std::filesystem::exists("/usr/sbin/iptables-nft"))
      << "needs root, iptables-nft and network namespaces";
  testing::ScopedNetns netns("dcvown");
  ASSERT_TRUE(netns.created());
  NetnsRunner runner(netns.name());
  const std::string mark = "dcv-agent temporary R9";
  MustRun(runner, {"iptables-nft", "-A", "INPUT", "-p", "tcp", "--dport", "80", "-m", "comment",
                   "--comment", mark, "-j", "ACCEPT"});
  MustRun(runner, {"nft", "add table inet native; add chain inet native input { type filter hook input "
                          "priority 0; policy accept; }; add rule inet native input tcp dport 80 accept "
                          "comment \"" + mark + "\""});
  NftablesRemediator::Options options;
  options.read_file = [](const std::string&) { return std::nullopt; };
  options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
  NftablesRemediator nft(options);
  Host host{runner, {}, {}, "netns-own"};
  ASSERT_TRUE(nft.Detect(host).value());
  Plan cleanup;
  ASSERT_TRUE(nft.PlanCleanup({}, host, cleanup).has_value());
  ASSERT_EQ(cleanup.steps.size(), 1u) << "the iptables-nft rule is the iptables remediator's";
  const Argv& argv = std::get<RunCommand>(cleanup.steps[0].action).argv;
  EXPECT_EQ(Argv(argv.begin(), argv.begin() + 6), (Argv{"nft", "delete", "rule", "inet", "native", "input"}));
}

}  // namespace
}  // namespace dcv
