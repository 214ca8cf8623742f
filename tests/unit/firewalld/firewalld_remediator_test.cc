// The firewalld remediator on captured firewall-cmd output with a fake runner: which
// commands Detect runs, which zone applies (default zone with no active zones, the zone an
// interface is bound to), the findings, and the planned runtime and permanent calls with
// their exact undo.
#include "remediators/firewall/firewalld/firewalld_remediator.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/fake_process_runner.h"
#include "support/plan_argvs.h"

namespace dcv {
namespace {

using testing::FakeProcessRunner;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/firewalld/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class FirewalldRemediatorTest : public ::testing::Test {
 protected:
  FirewalldRemediator Make(bool zone_file_exists = false) {
    FirewalldRemediator::Options options;
    options.file_exists = [zone_file_exists](const std::string&) { return zone_file_exists; };
    options.list_interfaces = [] { return std::vector<std::string>{"lo", "dcvsd4962f1"}; };
    return FirewalldRemediator(options);
  }
  // A running firewalld with default zone public and `public` as its runtime listing.
  void Running(const std::string& active, const std::string& public_listing,
               const std::string& permanent = "public_permanent_default.txt") {
    runner_.On({"firewall-cmd", "--state"}, FakeProcessRunner::Ok(Fixture("state_running.txt")));
    runner_.On({"firewall-cmd", "--get-default-zone"}, FakeProcessRunner::Ok(Fixture("default_zone.txt")));
    runner_.On({"firewall-cmd", "--get-active-zones"}, FakeProcessRunner::Ok(Fixture(active)));
    runner_.On({"firewall-cmd", "--zone=public", "--list-all"}, FakeProcessRunner::Ok(Fixture(public_listing)));
    runner_.On({"firewall-cmd", "--permanent", "--zone=public", "--list-all"},
               FakeProcessRunner::Ok(Fixture(permanent)));
  }
  Target Target_() {
    Target t;
    t.domains = {"example.com"};
    t.token = "x.txt";
    return t;
  }
  Plan PlanFor(FirewalldRemediator& fw) {
    Plan plan;
    Diagnosis d;
    EXPECT_TRUE(fw.PlanFix(Target_(), host_, d, plan).has_value());
    return plan;
  }

  FakeProcessRunner runner_;
  Host host_{runner_, {}, {}, "R1"};
};

TEST_F(FirewalldRemediatorTest, NotInUseWhenNotRunning) {
  auto fw = Make();
  runner_.On({"firewall-cmd", "--state"}, FakeProcessRunner::Fail(36, Fixture("state_no_bus.stderr")));
  EXPECT_FALSE(fw.Detect(host_).value());
  runner_.On({"firewall-cmd", "--state"}, {252, true, false, "not running\n", ""});
  EXPECT_FALSE(fw.Detect(host_).value());
  EXPECT_EQ(fw.id(), "firewall.firewalld");
}

TEST_F(FirewalldRemediatorTest, NoActiveZoneMeansTheDefaultZoneApplies) {
  Running("active_zones_none.txt", "public_default.txt");
  auto fw = Make();
  ASSERT_TRUE(fw.Detect(host_).value());
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"firewall-cmd", "--state"},
                                              {"firewall-cmd", "--get-default-zone"},
                                              {"firewall-cmd", "--get-active-zones"},
                                              {"firewall-cmd", "--zone=public", "--list-all"}}));
  ASSERT_EQ(fw.zones().size(), 1u);
  Diagnosis d;
  fw.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 4u);
  for (const auto& f : d.findings) {
    EXPECT_EQ(f.code, FindingCode::kPortClosedFirewall);
    EXPECT_EQ(f.source, "firewalld zone public target default");
    EXPECT_NE(f.evidence.find("firewalld: a new IPv"), std::string::npos);
    EXPECT_NE(f.evidence.find("no zone is active"), std::string::npos);
  }
  EXPECT_NE(d.findings[1].evidence.find("IPv4 connection to tcp/443"), std::string::npos);
}

TEST_F(FirewalldRemediatorTest, PlansOneRuntimeAndOnePermanentCall) {
  Running("active_zones_none.txt", "public_default.txt");
  auto fw = Make(/*zone_file_exists=*/false);
  ASSERT_TRUE(fw.Detect(host_).value());
  Plan plan = PlanFor(fw);
  ASSERT_EQ(plan.steps.size(), 2u);
  const auto& runtime = std::get<RunCommand>(plan.steps[0].action);
  EXPECT_EQ(runtime.argv, (Argv{"firewall-cmd", "--zone=public", "--add-service=http", "--add-service=https"}));
  EXPECT_EQ(runtime.undo->argv,
            (Argv{"firewall-cmd", "--zone=public", "--remove-service=http", "--remove-service=https"}));
  const auto& permanent = std::get<RunCommand>(plan.steps[1].action);
  EXPECT_EQ(permanent.argv, (Argv{"firewall-cmd", "--permanent", "--zone=public", "--add-service=http",
                                  "--add-service=https"}));
  // no /etc/firewalld/zones/public.xml before: the undo drops the override again
  EXPECT_EQ(permanent.undo->argv, (Argv{"firewall-cmd", "--permanent", "--load-zone-defaults=public"}));
}

TEST_F(FirewalldRemediatorTest, ExistingZoneFileIsUndoneByRemoveService) {
  Running("active_zones_none.txt", "public_default.txt");
  auto fw = Make(/*zone_file_exists=*/true);
  ASSERT_TRUE(fw.Detect(host_).value());
  Plan plan = PlanFor(fw);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(std::get<RunCommand>(plan.steps[1].action).undo->argv,
            (Argv{"firewall-cmd", "--permanent", "--zone=public", "--remove-service=http",
                  "--remove-service=https"}));
}

TEST_F(FirewalldRemediatorTest, OnlyWhatIsMissing) {
  Running("active_zones_none.txt", "public_default.txt", "public_http_https.txt");
  auto fw = Make();
  ASSERT_TRUE(fw.Detect(host_).value());
  Plan plan = PlanFor(fw);  // permanent already has both: runtime only
  ASSERT_EQ(plan.steps.size(), 1u);
  Running("active_zones_none.txt", "public_http_https.txt");
  ASSERT_TRUE(fw.Detect(host_).value());
  EXPECT_TRUE(PlanFor(fw).empty());
  Running("active_zones_none.txt", "public_ports.txt");
  ASSERT_TRUE(fw.Detect(host_).value());
  Diagnosis d;
  fw.Diagnose(Target_(), host_, d);
  EXPECT_TRUE(d.findings.empty());
}

TEST_F(FirewalldRemediatorTest, BoundInterfaceZoneAndRichReject) {
  Running("active_zones_iface.txt", "public_rich.txt");
  auto fw = Make();
  ASSERT_TRUE(fw.Detect(host_).value());
  ASSERT_EQ(fw.zones().size(), 1u);
  EXPECT_EQ(fw.zones()[0].why, "the zone bound to dcvsd4962f1");
  Diagnosis d;
  fw.Diagnose(Target_(), host_, d);
  ASSERT_EQ(d.findings.size(), 4u);
  EXPECT_TRUE(d.findings[0].fixable);  // http: only a source-restricted accept
  EXPECT_FALSE(d.findings[1].fixable);  // https: the rich reject comes first
  Plan plan = PlanFor(fw);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(std::get<RunCommand>(plan.steps[0].action).argv,
            (Argv{"firewall-cmd", "--zone=public", "--add-service=http"}));
}

std::vector<Argv> Argvs(const Plan& plan, bool undo = false) { return testing::RunArgvs(plan, undo); }

TEST_F(FirewalldRemediatorTest, AllowFromAddsOneRichRulePerNetworkAndService) {
  Running("active_zones_none.txt", "public_default.txt");
  auto fw = Make(true);
  ASSERT_TRUE(fw.Detect(host_).value());
  Target t = Target_();
  t.allow_from = {ParseCidr("203.0.113.0/24").value(), ParseCidr("2001:db8::/32").value()};
  Diagnosis d;
  fw.Diagnose(t, host_, d);
  ASSERT_EQ(d.findings.size(), 4u);
  EXPECT_NE(d.findings[0].evidence.find("from 203.0.113.0/24"), std::string::npos);
  Plan plan;
  ASSERT_TRUE(fw.PlanFix(t, host_, d, plan).has_value());
  const std::string r4 = "rule family=\"ipv4\" source address=\"203.0.113.0/24\" service name=\"";
  const std::string r6 = "rule family=\"ipv6\" source address=\"2001:db8::/32\" service name=\"";
  const Argv rules{"--add-rich-rule=" + r4 + "http\" accept", "--add-rich-rule=" + r6 + "http\" accept",
                   "--add-rich-rule=" + r4 + "https\" accept", "--add-rich-rule=" + r6 + "https\" accept"};
  auto with = [](Argv head, const Argv& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  EXPECT_EQ(Argvs(plan), (std::vector<Argv>{with({"firewall-cmd", "--zone=public"}, rules),
                                            with({"firewall-cmd", "--permanent", "--zone=public"}, rules)}));
  EXPECT_EQ(Argvs(plan, true)[0][2], "--remove-rich-rule=" + r4 + "http\" accept");

  t.temporary = true;
  Plan temporary;
  ASSERT_TRUE(fw.PlanFix(t, host_, d, temporary).has_value());
  EXPECT_EQ(Argvs(temporary), (std::vector<Argv>{with({"firewall-cmd", "--zone=public"}, rules)}))
      << "a temporary opening is runtime only";
}

TEST_F(FirewalldRemediatorTest, CleanupRemovesWhatOnlyTheRuntimeHas) {
  Running("active_zones_none.txt", "public_http_https.txt");  // runtime http https, permanent neither
  auto fw = Make(true);
  ASSERT_TRUE(fw.Detect(host_).value());
  Plan plan;
  ASSERT_TRUE(fw.PlanCleanup(Target_(), host_, plan).has_value());
  EXPECT_EQ(Argvs(plan), (std::vector<Argv>{
                             {"firewall-cmd", "--zone=public", "--remove-service=http", "--remove-service=https"}}));
  EXPECT_EQ(Argvs(plan, true), (std::vector<Argv>{
                                   {"firewall-cmd", "--zone=public", "--add-service=http", "--add-service=https"}}));

  Running("active_zones_none.txt", "public_rich.txt");  // two accepting rich rules and a reject
  auto rich = Make(true);
  ASSERT_TRUE(rich.Detect(host_).value());
  Plan rules;
  ASSERT_TRUE(rich.PlanCleanup(Target_(), host_, rules).has_value());
  EXPECT_EQ(Argvs(rules), (std::vector<Argv>{
      {"firewall-cmd", "--zone=public",
       "--remove-rich-rule=rule family=\"ipv4\" source address=\"10.0.0.0/8\" service name=\"http\" accept",
       "--remove-rich-rule=rule family=\"ipv6\" port port=\"443\" protocol=\"tcp\" accept"}}));

  Running("active_zones_none.txt", "public_default.txt");  // runtime == permanent: nothing
  auto same = Make(true);
  ASSERT_TRUE(same.Detect(host_).value());
  Plan none;
  ASSERT_TRUE(same.PlanCleanup(Target_(), host_, none).has_value());
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace dcv
