// The plan against the real iptables binaries (nft and legacy), inside a throwaway network
// namespace per case (never the root one: every command goes through `ip netns exec`;
// legacy tables stay registered until the namespace dies). For each case: build the
// rules, let the remediator detect and plan, run the planned commands, check every stack
// now lets the CA through, run each undo (lookup + pattern + -D) and check the save output
// of every stack is byte-identical to before (minus the `#` timestamp lines); then flush
// and restore only the persisted rules file (a simulated reboot) and check it is still
// open. With --allow-from and --temporary: open for those networks only, nothing
// persisted, and cleanup's deletions (and their undo) restore the save output exactly.
// Fails unless root with iptables.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "support/netns_process_runner.h"

#include "remediators/firewall/iptables/iptables_remediator.h"

namespace dcv {
namespace {

using NetnsRunner = testing::NetnsProcessRunner;
using testing::MustRun;

struct Case {
  const char* name;
  IptStack boot;                  // the default stack (restores the rules files)
  std::vector<Argv> setup;        // run inside the namespace
};

std::vector<Argv> Both(const std::string& stack, const Argv& rule) {
  Argv v4{"iptables-" + stack}, v6{"ip6tables-" + stack};
  v4.insert(v4.end(), rule.begin(), rule.end());
  v6.insert(v6.end(), rule.begin(), rule.end());
  return {v4, v6};
}

std::vector<Argv> Concat(std::initializer_list<std::vector<Argv>> parts) {
  std::vector<Argv> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<Case> Cases() {
  const Argv drop80{"-A", "INPUT", "-p", "tcp", "--dport", "80", "-j", "DROP"};
  return {
      {"legacy_drop80", IptStack::kLegacy, Both("legacy", drop80)},
      {"legacy_policy_drop", IptStack::kLegacy,
       Concat({Both("legacy", {"-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"}),
               Both("legacy", {"-P", "INPUT", "DROP"})})},
      {"nft_user_chain", IptStack::kNft,
       Concat({Both("nft", {"-N", "web-in"}), Both("nft", {"-A", "INPUT", "-p", "tcp", "-j", "web-in"}),
               Both("nft", {"-A", "web-in", "-p", "tcp", "--dport", "443", "-j", "REJECT"}),
               Both("nft", drop80)})},
      {"mixed_legacy_drop_nft_accept", IptStack::kLegacy,
       Concat({Both("legacy", drop80),
               Both("nft", {"-A", "INPUT", "-p", "tcp", "--dport", "80", "-j", "ACCEPT"})})},
  };
}

// Every stack's save output without its `#` lines (timestamps).
std::string Snapshot(ProcessRunner& runner) {
  std::string all;
  for (const char* cmd : {"iptables-nft-save", "ip6tables-nft-save", "iptables-legacy-save",
                          "ip6tables-legacy-save"}) {
    std::istringstream in(runner.Run({cmd}).out);
    all += std::string("== ") + cmd + "\n";
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] != '#') all += line + "\n";
    }
  }
  return all;
}

class IptNetnsTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || !std::filesystem::exists("/usr/sbin/iptables-legacy") ||
        getenv("DCV_NO_NETNS")) {
      GTEST_FAIL() << "needs root, iptables and network namespaces";
    }
    netns_.emplace("dcvipt");
    ASSERT_TRUE(netns_->created()) << "ip netns add " << netns_->name();
    ns_ = netns_->name();
    dir_ = netns_->dir();
  }
  void TearDown() override { netns_.reset(); }
  std::optional<testing::ScopedNetns> netns_;
  std::string ns_;
  std::filesystem::path dir_;
};


IptablesRemediator MakeRemediator(NetnsRunner& runner, IptStack boot) {
  IptablesRemediator::Options options;
  options.read_file = [&runner](const std::string& path) -> std::optional<std::string> {
    if (path.rfind("/proc/", 0) != 0) return std::nullopt;  // no rules files yet
    const ProcessResult r = runner.Run({"cat", path});       // this namespace's /proc/net
    return r.ok() ? std::optional<std::string>(r.out) : std::nullopt;
  };
  options.file_exists = [](const std::string&) { return false; };
  options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
  options.default_stack = [boot] { return boot; };
  return IptablesRemediator(options);
}

void Undo(ProcessRunner& runner, const UndoCommand& undo) {
  const std::string listing = MustRun(runner, *undo.lookup).out;
  ASSERT_TRUE(std::regex_search(listing, std::regex(undo.pattern))) << listing;
  MustRun(runner, undo.argv);
}

TEST_P(IptNetnsTest, FixOpensUndoRestoresPersistenceSurvivesRestore) {
  const Case& c = GetParam();
  NetnsRunner runner(ns_);
  for (const auto& argv : c.setup) MustRun(runner, argv);
  const std::string before = Snapshot(runner);

  IptablesRemediator ipt = MakeRemediator(runner, c.boot);
  Host host{runner, {}, {}, std::string("netns-") + c.name};
  ASSERT_TRUE(ipt.Detect(host).value());
  ASSERT_FALSE(ipt.AllOpen());
  std::set<int> families;
  for (const auto& view : ipt.views()) families.insert(view.ip_version);
  EXPECT_EQ(families, (std::set<int>{4, 6})) << "both iptables and ip6tables were read";
  Plan plan;
  ASSERT_TRUE(ipt.PlanFix({}, host, {}, plan).has_value());
  std::vector<UndoCommand> undos;
  std::vector<WriteFile> files;
  for (const auto& step : plan.steps) {
    if (const auto* run = std::get_if<RunCommand>(&step.action)) {
      MustRun(runner, run->argv);
      undos.push_back(*run->undo);
    } else if (const auto* w = std::get_if<WriteFile>(&step.action)) {
      files.push_back(*w);
    }
  }
  ASSERT_TRUE(ipt.Detect(host).value());
  EXPECT_TRUE(ipt.AllOpen()) << c.name << " is still blocked after the fix";

  for (auto it = undos.rbegin(); it != undos.rend(); ++it) Undo(runner, *it);
  EXPECT_EQ(Snapshot(runner), before);

  ASSERT_FALSE(files.empty()) << "nothing persisted for " << c.name;
  for (const auto& file : files) {
    const int version = file.path.back() == '6' ? 6 : 4;
    const auto local = dir_ / std::filesystem::path(file.path).filename();
    std::ofstream(local) << file.content;
    const std::string cmd = IptCommand(c.boot, version);
    MustRun(runner, {cmd, "-F"});
    MustRun(runner, {cmd, "-X"});
    MustRun(runner, {cmd + "-restore", local.string()});
  }
  ASSERT_TRUE(ipt.Detect(host).value());
  EXPECT_TRUE(ipt.AllOpen()) << c.name << " is blocked after restoring the rules files";
}

// Would every stack let connections from `sources` through (stops left to owners aside)?
bool OpenFrom(const IptablesRemediator& ipt, const std::vector<std::string>& sources) {
  std::vector<Cidr> allow;
  for (const auto& s : sources) allow.push_back(ParseCidr(s).value());
  for (const auto& view : ipt.views()) {
    for (const auto& path : EvaluateIptInput(view.ruleset, view.ip_version, {80, 443}, {"eth0"}, allow)) {
      if (!path.open() && IptStopOwner(view.ruleset, *path.stop).empty()) return false;
    }
  }
  return true;
}

TEST_P(IptNetnsTest, AllowFromTemporaryOpeningIsRemovedByCleanup) {
  const Case& c = GetParam();
  NetnsRunner runner(ns_);
  for (const auto& argv : c.setup) MustRun(runner, argv);
  const std::string before = Snapshot(runner);
  IptablesRemediator ipt = MakeRemediator(runner, c.boot);
  Host host{runner, {}, {}, std::string("netns-") + c.name};
  Target target;
  target.allow_from = {ParseCidr("203.0.113.0/24").value(), ParseCidr("198.51.100.7").value(),
                       ParseCidr("2001:db8:1::/48").value()};
  target.temporary = true;
  ASSERT_TRUE(ipt.Detect(host).value());
  Plan fix;
  ASSERT_TRUE(ipt.PlanFix(target, host, {}, fix).has_value());
  ASSERT_FALSE(fix.steps.empty());
  for (const auto& step : fix.steps) {
    const auto* run = std::get_if<RunCommand>(&step.action);
    ASSERT_NE(run, nullptr) << "a temporary opening is not persisted: " << step.id;
    EXPECT_EQ(run->argv[4], "-s") << step.description;
    MustRun(runner, run->argv);
  }
  ASSERT_TRUE(ipt.Detect(host).value());
  EXPECT_TRUE(OpenFrom(ipt, {"203.0.113.0/24", "198.51.100.7", "2001:db8:1::/48"})) << c.name;
  EXPECT_TRUE(OpenFrom(ipt, {"203.0.113.128/25"})) << c.name;
  EXPECT_FALSE(OpenFrom(ipt, {"198.51.100.0/24"})) << c.name << ": only .7 was allowed";
  EXPECT_FALSE(OpenFrom(ipt, {"2001:db8:2::/48"})) << c.name;
  const std::string fixed = Snapshot(runner);
  EXPECT_NE(fixed.find("\"dcv-agent temporary netns-"), std::string::npos) << fixed;

  Plan cleanup;
  ASSERT_TRUE(ipt.PlanCleanup(target, host, cleanup).has_value());
  std::vector<Argv> undos;
  for (const auto& step : cleanup.steps) {
    const auto& run = std::get<RunCommand>(step.action);
    MustRun(runner, run.argv);
    undos.push_back(run.undo->argv);
  }
  EXPECT_EQ(Snapshot(runner), before) << c.name;
  for (auto it = undos.rbegin(); it != undos.rend(); ++it) MustRun(runner, *it);
  EXPECT_EQ(Snapshot(runner), fixed) << "rollback of the cleanup";
}

INSTANTIATE_TEST_SUITE_P(Cases, IptNetnsTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dcv
