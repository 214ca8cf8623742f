// The remediator end to end on captured output, with a fake runner: what Detect runs and
// concludes, the findings Diagnose reports, and the steps PlanFix appends (argv, undo,
// /etc/nftables.conf edit with its diff), including idempotence and the runtime-only case.
#include "remediators/firewall/nftables/nftables_remediator.h"

#include <gtest/gtest.h>

#include "tests/unit/nftables/nft_fake_runner.h"
#include "tests/unit/nftables/nft_test_support.h"

namespace dcv {
namespace {

using nft_test::FakeRunner;
using nft_test::NftFixture;

const Argv kList{"nft", "-j", "list", "ruleset"};

class NftablesRemediatorTest : public ::testing::Test {
 protected:
  // A remediator whose /etc/nftables.conf is `conf` (nullopt: missing), on eth0.
  NftablesRemediator Make(std::optional<std::string> conf) {
    NftablesRemediator::Options options;
    options.read_file = [this, conf](const std::string& path) {
      read_paths_.push_back(path);
      return conf;
    };
    options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
    return NftablesRemediator(options);
  }
  // Loads a fixture as the live ruleset (JSON and the `nft -a list chain` listings).
  void Load(const std::string& fixture) {
    runner_.Succeed(kList, NftFixture(fixture + ".json"));
    const std::string listing = NftFixture(fixture + ".txt");
    for (const char* chain : {"input", "web", "INPUT"}) {
      for (const char* family : {"inet", "ip", "ip6"}) {
        runner_.Succeed({"nft", "-a", "list", "chain", family, "filter", chain}, listing);
      }
    }
  }
  Target Target_(Method method = Method::kFile) {
    Target t;
    t.domains = {"example.com"};
    t.method = method;
    t.token = "x.txt";
    return t;
  }

  FakeRunner runner_;
  Host host_{runner_, {}, {}, "R1"};
  std::vector<std::string> read_paths_;
};

TEST_F(NftablesRemediatorTest, DetectRunsNftJsonListRuleset) {
  Load("inet_drop80");
  auto nft = Make(std::nullopt);
  auto detected = nft.Detect(host_);
  ASSERT_TRUE(detected.has_value());
  EXPECT_TRUE(*detected);
  EXPECT_EQ(runner_.calls, std::vector<Argv>{kList});
  EXPECT_EQ(nft.id(), "firewall.nftables");
  EXPECT_EQ(nft.ruleset().chains.size(), 1u);
}

TEST_F(NftablesRemediatorTest, NotInUseWhenNftIsMissingOrTheRulesetEmpty) {
  auto nft = Make(std::nullopt);
  EXPECT_EQ(nft.Detect(host_).value(), false);  // the fake runner cannot start nft
  runner_.Succeed(kList, NftFixture("empty.json"));
  EXPECT_EQ(nft.Detect(host_).value(), false);
}

TEST_F(NftablesRemediatorTest, PermissionDeniedAndBadOutputAreErrors) {
  auto nft = Make(std::nullopt);
  runner_.Fail(kList, 1, "Error: Could not process rule: Operation not permitted\n");
  auto denied = nft.Detect(host_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_NE(denied.error().message.find("permission denied"), std::string::npos);
  runner_.Succeed(kList, "{\"nftables\": [");
  auto bad = nft.Detect(host_);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("not valid JSON"), std::string::npos);
}

TEST_F(NftablesRemediatorTest, DiagnoseNamesBackendFamilyChainAndRule) {
  Load("inet_drop80");
  auto nft = Make(std::nullopt);
  ASSERT_TRUE(nft.Detect(host_).value());
  Diagnosis d;
  nft.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 2u);  // IPv4 and IPv6 tcp/80; 443 is open
  for (const auto& f : d.findings) {
    EXPECT_EQ(f.code, FindingCode::kPortClosedFirewall);
    EXPECT_EQ(f.severity, Severity::kError);
    EXPECT_EQ(f.source, "nft inet filter input handle 4");
    EXPECT_NE(f.evidence.find("nftables"), std::string::npos);
    EXPECT_NE(f.evidence.find("`tcp dport 80 drop`"), std::string::npos);
    EXPECT_NE(f.evidence.find("chain inet filter input"), std::string::npos);
    EXPECT_TRUE(f.fixable);
  }
  EXPECT_NE(d.findings[0].evidence.find("IPv4 connection to tcp/80"), std::string::npos);
  EXPECT_NE(d.findings[1].evidence.find("IPv6 connection to tcp/80"), std::string::npos);
}

TEST_F(NftablesRemediatorTest, DiagnoseUserChainAndPolicy) {
  Load("jump_user_chain");
  auto nft = Make(std::nullopt);
  ASSERT_TRUE(nft.Detect(host_).value());
  Diagnosis d;
  nft.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 4u);
  EXPECT_NE(d.findings[0].evidence.find("`tcp dport 80 reject with tcp reset`"), std::string::npos);
  EXPECT_NE(d.findings[0].evidence.find("input -> web"), std::string::npos);
  runner_.Succeed(kList, NftFixture("policy_drop_ssh.json"));
  ASSERT_TRUE(nft.Detect(host_).value());
  Diagnosis p;
  nft.Diagnose(Target_(), host_, p);
  ASSERT_EQ(p.findings.size(), 4u);
  EXPECT_EQ(p.findings[0].source, "nft inet filter input policy drop");
  EXPECT_NE(p.findings[0].evidence.find("the policy drop of chain inet filter input"), std::string::npos);
}

TEST_F(NftablesRemediatorTest, DnsMethodNeedsNoOpenPorts) {
  Load("policy_drop_ssh");
  auto nft = Make(NftFixture("policy_drop_ssh.nft"));
  ASSERT_TRUE(nft.Detect(host_).value());
  Diagnosis d;
  Plan plan;
  nft.Diagnose(Target_(Method::kDns), host_, d);
  EXPECT_TRUE(nft.PlanFix(Target_(Method::kDns), host_, d, plan).has_value());
  EXPECT_TRUE(d.findings.empty());
  EXPECT_TRUE(plan.empty());
}

TEST_F(NftablesRemediatorTest, PlanFixRunsInsertAndEditsNftablesConf) {
  Load("inet_drop80");
  const std::string conf = NftFixture("inet_drop80.nft");
  auto nft = Make(conf);
  ASSERT_TRUE(nft.Detect(host_).value());
  Diagnosis d;
  nft.Diagnose(Target_(), host_, d);
  Plan plan;
  ASSERT_TRUE(nft.PlanFix(Target_(), host_, d, plan).has_value());
  ASSERT_EQ(plan.steps.size(), 2u);
  const Step& run = plan.steps[0];
  EXPECT_EQ(run.id, "nftables.accept.inet-filter-input");
  EXPECT_EQ(run.remediator, "firewall.nftables");
  ASSERT_TRUE(std::holds_alternative<RunCommand>(run.action));
  const auto& cmd = std::get<RunCommand>(run.action);
  EXPECT_EQ(cmd.argv, (Argv{"nft", "insert", "rule", "inet", "filter", "input", "position", "4",
                            "tcp dport 80 accept comment \"dcv-agent R1\""}));
  ASSERT_TRUE(cmd.undo.has_value());
  EXPECT_EQ(cmd.undo->argv.back(), "{1}");
  EXPECT_NE(run.description.find("before `tcp dport 80 drop`"), std::string::npos);
  const auto& edit = std::get<EditFile>(plan.steps[1].action);
  EXPECT_EQ(edit.path, "/etc/nftables.conf");
  EXPECT_EQ(edit.expected_before, conf);
  EXPECT_NE(edit.content.find("\t\ttcp dport 80 accept comment \"dcv-agent R1\"\n\t\ttcp dport 80 drop"),
            std::string::npos);
  EXPECT_EQ(edit.diff,
            "--- /etc/nftables.conf\n+++ /etc/nftables.conf\n@@ -6,6 +6,7 @@\n"
            " \t\ttype filter hook input priority 0; policy accept;\n"
            " \t\tct state established,related accept\n \t\tiif lo accept\n"
            "+\t\ttcp dport 80 accept comment \"dcv-agent R1\"\n \t\ttcp dport 80 drop\n \t}\n }\n");
  EXPECT_EQ(read_paths_, std::vector<std::string>{"/etc/nftables.conf"});
}

TEST_F(NftablesRemediatorTest, IdempotentWhenNothingIsBlocked) {
  Load("debian_default");
  auto nft = Make(NftFixture("debian_default.nft"));
  ASSERT_TRUE(nft.Detect(host_).value());
  Diagnosis d;
  nft.Diagnose(Target_(), host_, d);
  Plan plan;
  ASSERT_TRUE(nft.PlanFix(Target_(), host_, d, plan).has_value());
  EXPECT_TRUE(d.findings.empty());
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(nft.PlanCleanup(Target_(), host_, plan).has_value());
  EXPECT_TRUE(plan.empty());
}

TEST_F(NftablesRemediatorTest, RuntimeOnlyWhenTheConfIsMissingOrLacksTheTable) {
  Load("ip_only_drop");
  auto missing = Make(std::nullopt);
  ASSERT_TRUE(missing.Detect(host_).value());
  Plan plan;
  ASSERT_TRUE(missing.PlanFix(Target_(), host_, {}, plan).has_value());
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_NE(plan.steps[0].description.find("runtime only: /etc/nftables.conf does not exist"),
            std::string::npos);
  auto debian = Make(NftFixture("debian_default.nft"));
  ASSERT_TRUE(debian.Detect(host_).value());
  Plan plan2;
  ASSERT_TRUE(debian.PlanFix(Target_(), host_, {}, plan2).has_value());
  ASSERT_EQ(plan2.steps.size(), 1u);
  EXPECT_NE(plan2.steps[0].description.find("does not define table ip filter"), std::string::npos);
}

TEST_F(NftablesRemediatorTest, CustomConfPath) {
  Load("policy_drop_ssh");
  NftablesRemediator::Options options;
  options.conf_path = "/srv/fw/rules.nft";
  options.read_file = [](const std::string& path) -> std::optional<std::string> {
    return path == "/srv/fw/rules.nft" ? std::optional(NftFixture("policy_drop_ssh.nft")) : std::nullopt;
  };
  options.list_interfaces = [] { return std::vector<std::string>{"eth0"}; };
  NftablesRemediator nft(options);
  ASSERT_TRUE(nft.Detect(host_).value());
  Plan plan;
  ASSERT_TRUE(nft.PlanFix(Target_(), host_, {}, plan).has_value());
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(std::get<EditFile>(plan.steps[1].action).path, "/srv/fw/rules.nft");
}

}  // namespace
}  // namespace dcv
