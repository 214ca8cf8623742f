// The iptables remediator with a fake runner answering the save commands with captured
// output: detection of both stacks, findings naming backend, family and rule, the plan's
// exact argv and undo, persistence (created or edited in place), and deferral to ufw.
#include "remediators/firewall/iptables/iptables_remediator.h"

#include <map>

#include <gtest/gtest.h>

#include "tests/unit/iptables/ipt_test_support.h"
#include "tests/unit/nftables/nft_fake_runner.h"

namespace dcv {
namespace {

using ipt_test::IptFixture;

class IptablesRemediatorTest : public ::testing::Test {
 protected:
  // Answers the save commands of `stack` ("legacy" | "nft") with fixture `name`.
  void Load(const std::string& name, const std::string& stack) {
    runner_.Succeed({"iptables-" + stack + "-save"}, IptFixture(name + "." + stack + ".v4.txt"));
    runner_.Succeed({"ip6tables-" + stack + "-save"}, IptFixture(name + "." + stack + ".v6.txt"));
    if (stack == "legacy") {
      files_["/proc/net/ip_tables_names"] = "filter\n";
      files_["/proc/net/ip6_tables_names"] = "filter\n";
    }
  }
  IptablesRemediator Make(IptStack boot = IptStack::kLegacy) {
    IptablesRemediator::Options options;
    options.read_file = [this](const std::string& path) -> std::optional<std::string> {
      auto it = files_.find(path);
      return it == files_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    options.file_exists = [this](const std::string& path) { return files_.count(path) > 0; };
    options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
    options.default_stack = [boot] { return boot; };
    return IptablesRemediator(options);
  }
  Target Web() {
    Target t;
    t.domains = {"example.com"};
    t.token = "x.txt";
    return t;
  }
  std::vector<Finding> Findings(IptablesRemediator& ipt) {
    Diagnosis d;
    ipt.Diagnose(Web(), host_, d);
    return d.findings;
  }
  Plan PlanOf(IptablesRemediator& ipt) {
    Plan plan;
    EXPECT_TRUE(ipt.PlanFix(Web(), host_, {}, plan).has_value());
    return plan;
  }

  nft_test::FakeRunner runner_;
  std::map<std::string, std::string> files_;
  Host host_{runner_, {}, {}, "R1"};
};

TEST_F(IptablesRemediatorTest, NotInUseWithoutTables) {
  auto ipt = Make();
  EXPECT_FALSE(ipt.Detect(host_).value());  // nothing installed
  runner_.Succeed({"iptables-nft-save"}, "");
  runner_.Succeed({"ip6tables-nft-save"}, "");
  EXPECT_FALSE(ipt.Detect(host_).value());
  EXPECT_EQ(runner_.calls.back(), Argv{"ip6tables-nft-save"});  // legacy not asked: /proc empty
}

TEST_F(IptablesRemediatorTest, LegacyDropFindingNamesBackendFamilyAndRule) {
  Load("drop80", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  EXPECT_EQ(ipt.views().size(), 2u);
  const auto findings = Findings(ipt);
  ASSERT_EQ(findings.size(), 2u);  // IPv4 and IPv6, tcp/80
  EXPECT_EQ(findings[0].code, FindingCode::kPortClosedFirewall);
  EXPECT_EQ(findings[0].source,
            "iptables-legacy filter INPUT rule 1: -A INPUT -p tcp -m tcp --dport 80 -j DROP");
  EXPECT_NE(findings[0].evidence.find("iptables-legacy (IPv4)"), std::string::npos);
  EXPECT_EQ(findings[1].source.rfind("ip6tables-legacy filter INPUT rule 1:", 0), 0u);
  EXPECT_EQ(findings[0].severity, Severity::kError);
}

TEST_F(IptablesRemediatorTest, PlanInsertsBeforeTheDropAndCreatesRulesFiles) {
  Load("drop80", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  const Plan plan = PlanOf(ipt);
  ASSERT_EQ(plan.steps.size(), 4u);  // v4 + v6 insert, rules.v4 + rules.v6
  const auto& run = std::get<RunCommand>(plan.steps[0].action);
  EXPECT_EQ(run.argv, (Argv{"iptables-legacy", "-I", "INPUT", "1", "-p", "tcp", "-m", "multiport",
                            "--dports", "80", "-m", "comment", "--comment", "dcv-agent R1", "-j",
                            "ACCEPT"}));
  ASSERT_TRUE(run.undo.has_value());
  EXPECT_EQ(*run.undo->lookup, (Argv{"iptables-legacy-save", "-t", "filter"}));
  EXPECT_EQ(run.undo->argv[1], "-D");
  EXPECT_EQ(std::get<RunCommand>(plan.steps[1].action).argv[0], "ip6tables-legacy");
  const auto& write = std::get<WriteFile>(plan.steps[2].action);
  EXPECT_EQ(write.path, "/etc/iptables/rules.v4");
  EXPECT_NE(write.content.find("-A INPUT -p tcp -m multiport --dports 80 -m comment --comment "
                               "\"dcv-agent R1\" -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 80 -j DROP"),
            std::string::npos);
  EXPECT_NE(plan.steps[2].description.find("netfilter-persistent"), std::string::npos);
  EXPECT_EQ(std::get<WriteFile>(plan.steps[3].action).path, "/etc/iptables/rules.v6");
}

TEST_F(IptablesRemediatorTest, ExistingRulesFileIsEditedInPlace) {
  Load("policy_drop_ssh", "legacy");
  files_["/etc/iptables/rules.v4"] = IptFixture("policy_drop_ssh.legacy.v4.txt");
  files_["/usr/sbin/netfilter-persistent"] = "";
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  const Plan plan = PlanOf(ipt);
  const auto& run = std::get<RunCommand>(plan.steps[0].action);
  EXPECT_EQ(run.argv[3], "4");  // after the three accepts, before the policy
  EXPECT_EQ(run.argv[9], "80,443");
  const Step* persist = nullptr;
  for (const auto& s : plan.steps) {
    if (s.id == "iptables.persist.v4") persist = &s;
  }
  ASSERT_NE(persist, nullptr);
  const auto& edit = std::get<EditFile>(persist->action);
  EXPECT_NE(edit.content.find("--dport 22 -j ACCEPT\n-A INPUT -p tcp -m multiport --dports 80,443"),
            std::string::npos);
  EXPECT_NE(edit.diff.find("+-A INPUT -p tcp -m multiport"), std::string::npos);
  EXPECT_EQ(persist->description.find("netfilter-persistent"), std::string::npos);
}

TEST_F(IptablesRemediatorTest, MixedStacksLegacyDropWinsOverNftAccept) {
  Load("mixed", "legacy");
  Load("mixed", "nft");
  auto ipt = Make(IptStack::kNft);
  ASSERT_TRUE(ipt.Detect(host_).value());
  EXPECT_EQ(ipt.views().size(), 4u);
  const auto findings = Findings(ipt);
  ASSERT_EQ(findings.size(), 2u);
  for (const auto& f : findings) EXPECT_NE(f.source.find("tables-legacy"), std::string::npos);
  const Plan plan = PlanOf(ipt);
  ASSERT_EQ(plan.steps.size(), 2u);  // rules files are restored into iptables-nft: not persisted
  EXPECT_EQ(std::get<RunCommand>(plan.steps[0].action).argv[0], "iptables-legacy");
  EXPECT_NE(plan.steps[0].description.find("runtime only"), std::string::npos);
}

TEST_F(IptablesRemediatorTest, NftStackUserChainAndMultiport) {
  Load("nft_drop80", "nft");
  auto ipt = Make(IptStack::kNft);
  ASSERT_TRUE(ipt.Detect(host_).value());
  const Plan plan = PlanOf(ipt);
  const auto& run = std::get<RunCommand>(plan.steps[0].action);
  EXPECT_EQ(run.argv[0], "iptables-nft");
  EXPECT_EQ(run.argv[9], "80,443");  // one rule before the first of the two drops
}

TEST_F(IptablesRemediatorTest, UserChainGetsTheRule) {
  Load("user_chain", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  const Plan user = PlanOf(ipt);
  EXPECT_EQ(std::get<RunCommand>(user.steps[0].action).argv[2], "web-in");
  EXPECT_EQ(std::get<RunCommand>(user.steps[0].action).argv[3], "2");
}

TEST_F(IptablesRemediatorTest, DefersToUfw) {
  Load("ufw_like", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  EXPECT_TRUE(Findings(ipt).empty());
  EXPECT_TRUE(PlanOf(ipt).empty());
  EXPECT_TRUE(ipt.AllOpen());
}

TEST_F(IptablesRemediatorTest, NeverTouchesDockerChains) {
  Load("docker_like", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  EXPECT_TRUE(PlanOf(ipt).empty());
}

TEST_F(IptablesRemediatorTest, NothingWhenOpen) {
  Load("open", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  EXPECT_TRUE(Findings(ipt).empty());
  EXPECT_TRUE(PlanOf(ipt).empty());
}

TEST_F(IptablesRemediatorTest, NothingForTheDnsMethod) {
  Load("drop80", "legacy");
  auto ipt = Make();
  ASSERT_TRUE(ipt.Detect(host_).value());
  Target dns = Web();
  dns.method = Method::kDns;
  Diagnosis d;
  ipt.Diagnose(dns, host_, d);
  EXPECT_TRUE(d.findings.empty());
}

}  // namespace
}  // namespace dcv
