// The Verify phase's pure parts: which URLs the CA fetches, and which findings the
// observed answers become.
#include "agent/pipeline.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/support/fake_process_runner.h"

namespace dcv {
namespace {

Target MakeTarget(Method method, std::vector<std::string> probes = {}) {
  Target target;
  target.domains = {"example.com", "www.example.com"};
  target.method = method;
  target.token = "t.txt";
  target.content = "abc";
  target.probes = std::move(probes);
  return target;
}

CheckResult Check(std::string url, std::string family, int status, bool match, std::string vantage = "local") {
  CheckResult c;
  c.url = std::move(url);
  c.family = std::move(family);
  c.vantage = std::move(vantage);
  c.status = status;
  c.content_match = match;
  return c;
}

CheckResult ConnectFailure(std::string url, std::string family, std::string vantage) {
  CheckResult c = Check(std::move(url), std::move(family), 0, false, std::move(vantage));
  c.connect_failed = true;
  c.error = "Connection timed out";
  return c;
}

const Finding* Find(const Diagnosis& d, FindingCode code) {
  auto it = std::find_if(d.findings.begin(), d.findings.end(), [&](const Finding& f) { return f.code == code; });
  return it == d.findings.end() ? nullptr : &*it;
}

TEST(PipelineTest, FileMethodFetchesHttpAndHttpsOverBothFamiliesForEveryName) {
  std::vector<FetchSpec> specs = ValidationSpecs(MakeTarget(Method::kFile));
  ASSERT_EQ(specs.size(), 8u);
  EXPECT_EQ(specs[0].url, "http://example.com/.well-known/pki-validation/t.txt");
  EXPECT_EQ(specs[0].family, Family::kIpv4);
  EXPECT_EQ(specs[1].family, Family::kIpv6);
  EXPECT_EQ(specs[2].url, "https://example.com/.well-known/pki-validation/t.txt");
  EXPECT_EQ(specs[7].url, "https://www.example.com/.well-known/pki-validation/t.txt");
}

TEST(PipelineTest, AcmeStartsAtHttpOnlyWithBoulderRules) {
  Target target = MakeTarget(Method::kAcmeHttp);
  std::vector<FetchSpec> specs = ValidationSpecs(target);
  ASSERT_EQ(specs.size(), 4u);
  for (const FetchSpec& spec : specs) EXPECT_EQ(spec.url.rfind("http://", 0), 0u) << spec.url;
  EXPECT_EQ(specs[0].url, "http://example.com/.well-known/acme-challenge/t.txt");
  EXPECT_TRUE(RulesFor(target).require_exact_200);
  EXPECT_EQ(RulesFor(target).max_body_bytes, 128u);
  EXPECT_FALSE(RulesFor(MakeTarget(Method::kFile)).require_exact_200);
}

TEST(PipelineTest, LocalConnectFailureMeansNothingListens) {
  Target target = MakeTarget(Method::kAcmeHttp);
  target.domains = {"example.com"};
  Diagnosis d;
  AssessChecks(target, {ConnectFailure("http://example.com/.well-known/acme-challenge/t.txt", "ipv4", "local")}, d);
  ASSERT_TRUE(Find(d, FindingCode::kNoListener));
  EXPECT_EQ(Find(d, FindingCode::kNoListener)->severity, Severity::kError);
  ASSERT_TRUE(Find(d, FindingCode::kLocalVantageOnly));
  EXPECT_FALSE(IsReady(d));
}

TEST(PipelineTest, OutsideConnectFailureIsUpstreamUnlessTheLocalFirewallExplainsIt) {
  Target target = MakeTarget(Method::kAcmeHttp, {"http://probe:8080"});
  target.domains = {"example.com"};
  const std::string url = "http://example.com/.well-known/acme-challenge/t.txt";
  Diagnosis upstream;
  AssessChecks(target, {ConnectFailure(url, "ipv4", "http://probe:8080")}, upstream);
  EXPECT_TRUE(Find(upstream, FindingCode::kPortBlockedUpstream));
  EXPECT_FALSE(Find(upstream, FindingCode::kLocalVantageOnly));

  Diagnosis firewalled;
  firewalled.findings.push_back({FindingCode::kPortClosedFirewall, Severity::kError, "", "", "", "", "", true});
  AssessChecks(target, {ConnectFailure(url, "ipv4", "http://probe:8080")}, firewalled);
  EXPECT_FALSE(Find(firewalled, FindingCode::kPortBlockedUpstream));
  EXPECT_EQ(firewalled.findings.size(), 1u);
}

TEST(PipelineTest, HttpsFailureWhileHttpServesIsAWarning) {
  Target target = MakeTarget(Method::kFile);
  target.domains = {"example.com"};
  Diagnosis d;
  AssessChecks(target, {Check("http://example.com/.well-known/pki-validation/t.txt", "ipv4", 200, true),
                        Check("https://example.com/.well-known/pki-validation/t.txt", "ipv4", 404, false)}, d);
  const Finding* https = Find(d, FindingCode::kHttpsNotServing);
  ASSERT_TRUE(https);
  EXPECT_EQ(https->severity, Severity::kWarning);
  EXPECT_TRUE(IsReady(d));
}

TEST(PipelineTest, Ipv6ConnectFailureWithWorkingIpv4IsAWarningButAnHttpErrorIsNot) {
  Target target = MakeTarget(Method::kAcmeHttp);
  target.domains = {"example.com"};
  const std::string url = "http://example.com/.well-known/acme-challenge/t.txt";
  Diagnosis refused;
  AssessChecks(target, {Check(url, "ipv4", 200, true), ConnectFailure(url, "ipv6", "local")}, refused);
  ASSERT_TRUE(Find(refused, FindingCode::kIpv6Broken));
  EXPECT_EQ(Find(refused, FindingCode::kIpv6Broken)->severity, Severity::kWarning);

  Diagnosis wrong;
  AssessChecks(target, {Check(url, "ipv4", 200, true), Check(url, "ipv6", 404, false)}, wrong);
  ASSERT_TRUE(Find(wrong, FindingCode::kIpv6Broken));
  EXPECT_EQ(Find(wrong, FindingCode::kIpv6Broken)->severity, Severity::kError);
  EXPECT_FALSE(IsReady(wrong));
}

Finding FirewallClosed(int ip_version, int port) {
  Finding f{FindingCode::kPortClosedFirewall, Severity::kError, "", "", "nft drop", "", "", true};
  f.ip_version = ip_version;
  f.port = port;
  return f;
}

int Errors(const Diagnosis& d) {
  return static_cast<int>(std::count_if(d.findings.begin(), d.findings.end(),
                                        [](const Finding& f) { return f.severity == Severity::kError; }));
}

// Boulder dials AAAA first and falls back to A on a connect failure: a port closed in one
// family is no obstacle when every domain has an address in the other, open one.
TEST(PipelineTest, OneFamilyFirewallBlockIsAWarningForAcmeWhenTheOtherFamilyServes) {
  Target target = MakeTarget(Method::kAcmeHttp);
  target.domains = {"example.com", "www.example.com"};
  auto checks = [](bool www_has_aaaa) {
    std::vector<CheckResult> all;
    for (const char* host : {"example.com", "www.example.com"}) {
      const std::string url = std::string("http://") + host + "/.well-known/acme-challenge/t";
      all.push_back(Check(url, "ipv4", 200, true));
      all.push_back(Check(url, "ipv6", 200, true));
      if (!www_has_aaaa && std::string(host) == "www.example.com") all.back().no_address = true;
    }
    return all;
  };
  for (int closed : {4, 6}) {
    Diagnosis d;
    d.findings.push_back(FirewallClosed(closed, 80));
    AssessChecks(target, checks(true), d);
    EXPECT_EQ(Find(d, FindingCode::kPortClosedFirewall)->severity, Severity::kWarning) << "IPv" << closed;
    EXPECT_TRUE(IsReady(d)) << "IPv" << closed;
  }
  Diagnosis no_aaaa;  // IPv4 closed and www has no AAAA: the CA must use IPv4 for www
  no_aaaa.findings.push_back(FirewallClosed(4, 80));
  AssessChecks(target, checks(false), no_aaaa);
  EXPECT_EQ(Find(no_aaaa, FindingCode::kPortClosedFirewall)->severity, Severity::kError);

  Diagnosis both;  // both families closed: nothing to fall back to
  both.findings = {FirewallClosed(4, 80), FirewallClosed(6, 80)};
  AssessChecks(target, checks(true), both);
  EXPECT_EQ(Errors(both), 2);

  Target file = MakeTarget(Method::kFile);  // other CAs' dialling is not documented: stays an error
  file.domains = target.domains;
  Diagnosis d;
  d.findings.push_back(FirewallClosed(6, 80));
  AssessChecks(file, checks(true), d);
  EXPECT_EQ(Find(d, FindingCode::kPortClosedFirewall)->severity, Severity::kError);
}

// A remediator that would always open the firewall: the wildcard refusal must stop it.
class AlwaysPlans : public Remediator {
 public:
  std::string_view id() const override { return "test.always"; }
  Result<bool> Detect(const Host&) override { return true; }
  void Diagnose(const Target&, const Host&, Diagnosis&) override {}
  Result<void> PlanFix(const Target&, const Host&, const Diagnosis&, Plan& plan) override {
    plan.steps.push_back({"test.open", "test.always", "open", RunCommand{{"true"}, std::nullopt}});
    return {};
  }
  Result<void> PlanCleanup(const Target&, const Host&, Plan&) override { return {}; }
};

TEST(PipelineTest, AWildcardWithAFileMethodPlansNothing) {
  dcv::testing::FakeProcessRunner runner;
  Facts facts{Host{runner, {}, {}, "run"}, {}, {}};
  facts.active.push_back(std::make_unique<AlwaysPlans>());
  Target target = MakeTarget(Method::kAcmeHttp);
  target.domains = {"*.example.com"};
  const Diagnosis diagnosis = Diagnose(target, facts);
  ASSERT_TRUE(Find(diagnosis, FindingCode::kWildcardNeedsDns));
  const PlanOutcome outcome = MakeFixPlan(target, facts, diagnosis);
  EXPECT_TRUE(outcome.plan.empty());
  ASSERT_EQ(outcome.refusals.size(), 1u);
  EXPECT_EQ(outcome.refusals[0], "a wildcard name needs the dns method; nothing planned");

  target.domains = {"example.com"};  // the same host and remediator plan for a plain name
  EXPECT_EQ(MakeFixPlan(target, facts, Diagnose(target, facts)).plan.steps.size(), 1u);
}

// The web server's prediction said the CA would follow the redirect (a warning); the CA's
// own fetch failed on it: the failure is an error, not hidden behind the warning.
TEST(PipelineTest, AnObservedFailureIsNotHiddenByAPredictedWarning) {
  Target target = MakeTarget(Method::kFile);
  target.domains = {"example.com"};
  Diagnosis d;
  d.findings.push_back({FindingCode::kRedirectOnPath, Severity::kWarning, "example.com",
                        "http://example.com/.well-known/pki-validation/t.txt", "301 -> https://...",
                        "nothing needed", "/etc/nginx/sites-enabled/x:3", true});
  ASSERT_TRUE(IsReady(d));
  const std::string url = "http://example.com/.well-known/pki-validation/t.txt";
  AssessChecks(target, {Check(url, "ipv4", 301, false), Check(url, "ipv6", 301, false)}, d);
  EXPECT_FALSE(IsReady(d));
  EXPECT_EQ(std::count_if(d.findings.begin(), d.findings.end(),
                          [](const Finding& f) {
                            return f.code == FindingCode::kRedirectOnPath && f.severity == Severity::kError;
                          }),
            1);
}

TEST(PipelineTest, StatusesMapToTheirCodes) {
  Target target = MakeTarget(Method::kAcmeHttp, {"http://p"});
  target.domains = {"example.com"};
  const std::string url = "http://example.com/.well-known/acme-challenge/t.txt";
  struct Case { int status; bool match; FindingCode code; };
  for (const Case& c : {Case{301, false, FindingCode::kRedirectOnPath}, Case{403, false, FindingCode::kDeniedOnPath},
                        Case{404, false, FindingCode::kFileMissing}, Case{200, false, FindingCode::kFileContentMismatch},
                        Case{502, false, FindingCode::kHttpError}}) {
    Diagnosis d;
    AssessChecks(target, {Check(url, "ipv4", c.status, c.match, "http://p")}, d);
    ASSERT_EQ(d.findings.size(), 1u) << c.status;
    EXPECT_EQ(d.findings[0].code, c.code) << c.status;
  }
}

TEST(PipelineTest, NoAddressInAFamilyIsNotAFailure) {
  Target target = MakeTarget(Method::kAcmeHttp, {"http://p"});
  target.domains = {"example.com"};
  CheckResult none = Check("http://example.com/.well-known/acme-challenge/t.txt", "ipv6", 0, false, "http://p");
  none.no_address = true;
  none.error = "no AAAA";
  Diagnosis d;
  AssessChecks(target, {none}, d);
  EXPECT_TRUE(d.findings.empty());
}

TEST(PipelineTest, TheCaProfileChoosesSchemesAndRules) {
  Target target = MakeTarget(Method::kFile);
  target.ca = "digicert";
  EXPECT_EQ(ValidationSpecs(target).size(), 8u);
  EXPECT_TRUE(RulesFor(target).require_exact_200) << "DigiCert asks for a 200 response";
  target.ca = "globalsign";
  EXPECT_FALSE(RulesFor(target).require_exact_200);
  target.ca = "letsencrypt";
  target.method = Method::kAcmeHttp;
  EXPECT_EQ(RulesFor(target).max_body_bytes, 128u);
  EXPECT_FALSE(RulesFor(target).allow_303);
}

TEST(PipelineTest, QuorumToleratesOneFailingProbeOfFour) {
  const std::vector<std::string> probes{"http://p1:8080", "http://p2:8080", "http://p3:8080", "http://p4:8080"};
  Target target = MakeTarget(Method::kAcmeHttp, probes);
  target.domains = {"example.com"};
  const std::string url = "http://example.com/.well-known/acme-challenge/t.txt";
  std::vector<CheckResult> checks;
  for (const auto& probe : probes) {
    for (const char* family : {"ipv4", "ipv6"}) checks.push_back(Check(url, family, 200, true, probe));
  }
  checks[0] = ConnectFailure(url, "ipv4", probes[0]);
  Diagnosis one;
  AssessChecks(target, checks, one);
  EXPECT_TRUE(one.findings.empty()) << one.findings[0].evidence;
  EXPECT_TRUE(IsReady(one));

  checks[2] = ConnectFailure(url, "ipv4", probes[1]);
  Diagnosis two;
  AssessChecks(target, checks, two);
  ASSERT_TRUE(Find(two, FindingCode::kPortBlockedUpstream));
  EXPECT_NE(Find(two, FindingCode::kPortBlockedUpstream)->remedy.find("Security Groups"), std::string::npos);
  EXPECT_FALSE(IsReady(two));

  target.probes.resize(3);  // with fewer than four probes every one must pass
  checks.resize(6);
  checks[2] = Check(url, "ipv4", 200, true, probes[1]);
  Diagnosis strict;
  AssessChecks(target, checks, strict);
  EXPECT_FALSE(IsReady(strict));
}

}  // namespace
}  // namespace dcv
