// The ufw remediator on captured `ufw status verbose` output with a fake runner: what Detect
// runs and concludes, the findings Diagnose reports (backend, family, rule or policy), and
// the steps PlanFix appends (argv and exact undo), including idempotence.
#include "remediators/firewall/ufw/ufw_remediator.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/fake_process_runner.h"
#include "support/plan_argvs.h"

namespace dcv {
namespace {

using testing::FakeProcessRunner;

const Argv kStatus{"env", "LANGUAGE=C", "LC_ALL=C", "ufw", "status", "verbose"};

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/ufw/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class UfwRemediatorTest : public ::testing::Test {
 protected:
  UfwRemediator Make(std::string defaults = "IPV6=yes\n") {
    UfwRemediator::Options options;
    options.read_file = [defaults](const std::string& path) -> std::optional<std::string> {
      if (path == "/etc/default/ufw") return defaults;
      return std::nullopt;
    };
    options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0"}; };
    return UfwRemediator(options);
  }
  void Load(const std::string& fixture) { runner_.On(kStatus, FakeProcessRunner::Ok(Fixture(fixture))); }
  Target Target_(Method method = Method::kFile) {
    Target t;
    t.domains = {"example.com"};
    t.method = method;
    t.token = "x.txt";
    return t;
  }
  Plan PlanFor(UfwRemediator& ufw) {
    Plan plan;
    Diagnosis d;
    EXPECT_TRUE(ufw.PlanFix(Target_(), host_, d, plan).has_value());
    return plan;
  }

  FakeProcessRunner runner_;
  Host host_{runner_, {}, {}, "R1"};
};

TEST_F(UfwRemediatorTest, DetectRunsUfwStatusVerboseInTheCLocale) {
  Load("default_deny.txt");
  auto ufw = Make();
  EXPECT_EQ(ufw.id(), "firewall.ufw");
  EXPECT_TRUE(ufw.Detect(host_).value());
  EXPECT_EQ(runner_.calls, std::vector<Argv>{kStatus});
}

TEST_F(UfwRemediatorTest, NotInUseWhenMissingOrInactive) {
  auto ufw = Make();
  runner_.On(kStatus, {127, true, false, "", "env: 'ufw': No such file or directory\n"});
  EXPECT_FALSE(ufw.Detect(host_).value());
  Load("inactive.txt");
  EXPECT_FALSE(ufw.Detect(host_).value());
  runner_.On(kStatus, FakeProcessRunner::Fail(1, "ERROR: You need to be root to run this script\n"));
  auto denied = ufw.Detect(host_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_NE(denied.error().message.find("permission denied"), std::string::npos);
}

TEST_F(UfwRemediatorTest, DiagnoseNamesBackendFamilyAndPolicy) {
  Load("ssh_only.txt");
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Diagnosis d;
  ufw.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 4u);
  for (const auto& f : d.findings) {
    EXPECT_EQ(f.code, FindingCode::kPortClosedFirewall);
    EXPECT_EQ(f.source, "ufw default incoming policy deny");
    EXPECT_NE(f.evidence.find("ufw: a new IPv"), std::string::npos);
    EXPECT_NE(f.remedy.find("ufw allow"), std::string::npos);
  }
  EXPECT_NE(d.findings[0].evidence.find("IPv4 connection to tcp/80"), std::string::npos);
  EXPECT_NE(d.findings[3].evidence.find("IPv6 connection to tcp/443"), std::string::npos);
  Diagnosis dns;
  ufw.Diagnose(Target_(Method::kDns), host_, dns);
  EXPECT_TRUE(dns.findings.empty());
}

TEST_F(UfwRemediatorTest, DiagnoseNamesTheRule) {
  Load("allow_default_deny_rules.txt");
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Diagnosis d;
  ufw.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 4u);
  EXPECT_EQ(d.findings[0].source, "ufw rule `80/tcp DENY IN Anywhere`");
  EXPECT_EQ(d.findings[3].source, "ufw rule `443 (v6) REJECT IN Anywhere (v6)`");
}

TEST_F(UfwRemediatorTest, PolicyOnlyPlansUfwAllowWithDeleteUndo) {
  Load("ssh_only.txt");
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Plan plan = PlanFor(ufw);
  ASSERT_EQ(plan.steps.size(), 2u);
  const auto& run = std::get<RunCommand>(plan.steps[0].action);
  EXPECT_EQ(run.argv, (Argv{"ufw", "allow", "80/tcp"}));
  ASSERT_TRUE(run.undo.has_value());
  EXPECT_EQ(run.undo->argv, (Argv{"ufw", "delete", "allow", "80/tcp"}));
  EXPECT_FALSE(run.undo->lookup.has_value());
  EXPECT_EQ(std::get<RunCommand>(plan.steps[1].action).argv, (Argv{"ufw", "allow", "443/tcp"}));
  EXPECT_EQ(plan.steps[0].remediator, "firewall.ufw");
  EXPECT_NE(plan.steps[0].description.find("user.rules"), std::string::npos);
}

TEST_F(UfwRemediatorTest, PlainDenyRuleIsUpdatedInPlaceAndRestoredByUndo) {
  Load("allow_default_deny_rules.txt");
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Plan plan = PlanFor(ufw);
  ASSERT_EQ(plan.steps.size(), 2u);
  const auto& deny80 = std::get<RunCommand>(plan.steps[0].action);
  EXPECT_EQ(deny80.argv, (Argv{"ufw", "allow", "80/tcp"}));
  EXPECT_EQ(deny80.undo->argv, (Argv{"ufw", "deny", "80/tcp"}));
  // "443 REJECT" is not the plain 443/tcp rule: insert an allow before it
  const auto& reject443 = std::get<RunCommand>(plan.steps[1].action);
  EXPECT_EQ(reject443.argv, (Argv{"ufw", "insert", "1", "allow", "443/tcp"}));
  EXPECT_EQ(reject443.undo->argv, (Argv{"ufw", "delete", "allow", "443/tcp"}));
}

TEST_F(UfwRemediatorTest, NothingToDoWhenOpen) {
  for (const char* fixture : {"after_fix.txt", "multiport.txt", "mixed.txt", "inactive.txt", "app_profiles.txt"}) {
    Load(fixture);
    auto ufw = Make();
    (void)ufw.Detect(host_);
    Diagnosis d;
    ufw.Diagnose(Target_(), host_, d);
    EXPECT_TRUE(d.findings.empty()) << fixture;
    EXPECT_TRUE(PlanFor(ufw).empty()) << fixture;
  }
}

TEST_F(UfwRemediatorTest, Ipv6NotManagedByUfw) {
  Load("ssh_only.txt");
  auto ufw = Make("# comment\nIPV6=no\n");
  ASSERT_TRUE(ufw.Detect(host_).value());
  Diagnosis d;
  ufw.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 2u);
  for (const auto& f : d.findings) EXPECT_NE(f.evidence.find("IPv4"), std::string::npos);
}

Target AllowFrom(std::vector<std::string> networks, bool temporary) {
  Target t;
  t.domains = {"example.com"};
  t.token = "x.txt";
  for (const auto& n : networks) t.allow_from.push_back(ParseCidr(n).value());
  t.temporary = temporary;
  return t;
}

std::vector<Argv> Argvs(const Plan& plan, bool undo = false) { return testing::RunArgvs(plan, undo); }

TEST_F(UfwRemediatorTest, AllowFromOpensEachNetworkBeforeTheRuleInTheWay) {
  Load("allow_default_deny_rules.txt");  // deny 80/tcp, reject 443, default allow
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Plan plan;
  ASSERT_TRUE(ufw.PlanFix(AllowFrom({"203.0.113.0/24", "2001:db8:1::/48"}, true), host_, {}, plan).has_value());
  const std::string mark = "dcv-agent temporary R1";
  EXPECT_EQ(Argvs(plan), (std::vector<Argv>{
      {"ufw", "prepend", "allow", "from", "203.0.113.0/24", "to", "any", "port", "80", "proto", "tcp", "comment", mark},
      {"ufw", "prepend", "allow", "from", "2001:db8:1::/48", "to", "any", "port", "80", "proto", "tcp", "comment", mark},
      {"ufw", "prepend", "allow", "from", "203.0.113.0/24", "to", "any", "port", "443", "proto", "tcp", "comment", mark},
      {"ufw", "prepend", "allow", "from", "2001:db8:1::/48", "to", "any", "port", "443", "proto", "tcp", "comment", mark}}));
  EXPECT_EQ(Argvs(plan, true)[0],
            (Argv{"ufw", "delete", "allow", "from", "203.0.113.0/24", "to", "any", "port", "80", "proto", "tcp"}));
}

TEST_F(UfwRemediatorTest, SourceRulesDecideForTheAllowedNetworks) {
  Load("temporary_openings.txt");  // 80/tcp from 203.0.113.0/24 and 2001:db8:1::/48, then deny 80/tcp
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  for (const char* inside : {"203.0.113.0/24", "203.0.113.7", "2001:db8:1:2::/64"}) {
    Diagnosis d;
    ufw.Diagnose(AllowFrom({inside}, false), host_, d);
    EXPECT_TRUE(d.findings.empty()) << inside << ": " << (d.findings.empty() ? "" : d.findings[0].evidence);
  }
  for (const char* outside : {"198.51.100.0/24", "203.0.112.0/23", "2001:db8:2::/48"}) {
    Diagnosis d;
    ufw.Diagnose(AllowFrom({outside}, false), host_, d);
    ASSERT_EQ(d.findings.size(), 1u) << outside;
    EXPECT_EQ(d.findings[0].source, "ufw rule `80/tcp" + std::string(outside[4] == ':' ? " (v6)" : "") +
                                        " DENY IN Anywhere" + (outside[4] == ':' ? " (v6)`" : "`"));
    EXPECT_NE(d.findings[0].evidence.find(std::string("from ") + outside), std::string::npos);
  }
  Diagnosis any;
  ufw.Diagnose(Target_(), host_, any);
  EXPECT_EQ(any.findings.size(), 2u) << "from anywhere, tcp/80 stays closed in both families";
}

TEST_F(UfwRemediatorTest, CleanupDeletesTemporaryOpeningsAndUndoPutsThemBack) {
  Load("temporary_openings.txt");
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Plan plan;
  ASSERT_TRUE(ufw.PlanCleanup(Target_(), host_, plan).has_value());
  const Argv from4{"from", "203.0.113.0/24", "to", "any", "port", "80", "proto", "tcp"};
  const Argv from6{"from", "2001:db8:1::/48", "to", "any", "port", "80", "proto", "tcp"};
  auto with = [](Argv head, const Argv& tail, std::vector<std::string> more = {}) {
    head.insert(head.end(), tail.begin(), tail.end());
    head.insert(head.end(), more.begin(), more.end());
    return head;
  };
  const std::vector<std::string> comment{"comment", "dcv-agent temporary R1"};
  EXPECT_EQ(Argvs(plan), (std::vector<Argv>{with({"ufw", "delete", "allow"}, from4),
                                            {"ufw", "delete", "allow", "443/tcp"},
                                            with({"ufw", "delete", "allow"}, from6)}));
  EXPECT_EQ(Argvs(plan, true), (std::vector<Argv>{with({"ufw", "prepend", "allow"}, from4, comment),
                                                  with({"ufw", "allow"}, {"443/tcp"}, comment),
                                                  with({"ufw", "prepend", "allow"}, from6, comment)}));
}

TEST_F(UfwRemediatorTest, CleanupTurnsAnUpdatedDenyBack) {
  Load("temporary_update.txt");  // deny 80/tcp turned into an allow by a temporary fix
  auto ufw = Make();
  ASSERT_TRUE(ufw.Detect(host_).value());
  Plan plan;
  ASSERT_TRUE(ufw.PlanCleanup(Target_(), host_, plan).has_value());
  EXPECT_EQ(Argvs(plan), (std::vector<Argv>{{"ufw", "deny", "80/tcp"}}));
  EXPECT_EQ(Argvs(plan, true),
            (std::vector<Argv>{{"ufw", "allow", "80/tcp", "comment", "dcv-agent temporary R2 was deny"}}));
  Load("allow_default_deny_rules.txt");
  auto fresh = Make();
  ASSERT_TRUE(fresh.Detect(host_).value());
  Plan fix;
  ASSERT_TRUE(fresh.PlanFix(AllowFrom({}, true), host_, {}, fix).has_value());
  EXPECT_EQ(Argvs(fix)[0], (Argv{"ufw", "allow", "80/tcp", "comment", "dcv-agent temporary R1 was deny"}));
}

}  // namespace
}  // namespace dcv
