// Remediator tests: Detect from a fake /proc (a `caddy run --config` process) and from the
// stock installation (only when asked: the agent takes a running Caddy), with the argv
// recorded; Diagnose on captured `caddy adapt` output (findings with their Caddyfile line);
// and, with the real caddy binary (adapt and validate bind nothing), the plan: a marked
// handle plus an http:// block for the automatic redirect, re-predicted to serve every URL,
// accepted by `caddy validate` and by the pipeline; the docroot-only plan; and cleanup
// restoring the Caddyfile byte for byte. Applying it to a running Caddy is e2e.caddy_lighttpd.
#include "remediators/webserver/caddy/caddy_remediator.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "agent/pipeline.h"
#include "platform/process.h"
#include "tests/support/fake_process_runner.h"
#include "tests/support/temp_dir.h"

namespace dcv {
namespace {

namespace fs = std::filesystem;
using dcv::testing::FakeProcessRunner;
using dcv::testing::ReadText;
using dcv::testing::TempDir;
using dcv::testing::WriteText;

std::string Fixture(const std::string& name) {
  return ReadText(std::string(DCV_FIXTURES) + "/caddy/" + name);
}
bool HaveCaddy() { return SystemProcessRunner().Run({"caddy", "version"}).ok(); }

class CaddyRemediatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "proc");
    target_.domains = {"example.com", "www.example.com"};
    target_.token = "dcv-caddy-test-token.txt";
    target_.content = "caddy-token-123";
  }
  // Tests take the stock Caddyfile without a running Caddy (the agent does not: see below).
  CaddyOptions Options() { return CaddyOptions{dir_ / "proc", dir_ / "no-systemd", dir_ / "etc/Caddyfile", true}; }
  /// A caddy process running `config`, as Debian's caddy.service starts it.
  void Running(const std::string& config) {
    fs::create_directories(dir_.path() + "/proc/777");
    std::string cmdline =
        std::string("/usr/bin/caddy\0run\0--environ\0--config\0", 38) + config + std::string(1, '\0');
    WriteText(dir_ / "proc/777/cmdline", cmdline);
    WriteText(dir_ / "proc/777/cgroup", "0::/system.slice/caddy.service\n");
  }
  const Finding* Find(const Diagnosis& d, FindingCode code, const std::string& url) {
    for (const Finding& f : d.findings) {
      if (f.code == code && f.url == url) return &f;
    }
    return nullptr;
  }
  std::string Url(bool https, const std::string& domain) {
    return (https ? "https://" : "http://") + domain + target_.UrlPath();
  }

  TempDir dir_;
  FakeProcessRunner runner_;
  Host host_{runner_, {}, {}, "run-1"};
  Target target_;
};

TEST_F(CaddyRemediatorTest, DetectsTheRunningCaddyAndAdaptsItsConfig) {
  std::string config = dir_ / "site/Caddyfile";
  WriteText(config, Fixture("file-server.Caddyfile"));
  Running(config);
  runner_.On({"/usr/bin/caddy", "adapt"}, FakeProcessRunner::Ok(Fixture("file-server.json")));
  CaddyRemediator r(Options());
  Result<bool> found = r.Detect(host_);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(r.instance().pid, 777);
  EXPECT_EQ(runner_.calls.back(), (std::vector<std::string>{"/usr/bin/caddy", "adapt", "--config", config,
                                                            "--adapter", "caddyfile"}));
  EXPECT_EQ(caddy::ReloadArgv(r.instance()), (std::vector<std::string>{"/usr/bin/caddy", "reload", "--config",
                                                                       config, "--adapter", "caddyfile"}));
}

TEST_F(CaddyRemediatorTest, StockInstallationOnlyWhenNoOtherServerHoldsThePorts) {
  WriteText(dir_ / "etc/Caddyfile", Fixture("debian-stock.Caddyfile"));
  runner_.On({"caddy", "adapt"}, FakeProcessRunner::Ok(Fixture("debian-stock.json")));
  Host busy{runner_, {}, {Listener{"0.0.0.0", 80, false}}, "run-1"};
  CaddyOptions installed = Options();
  CaddyRemediator taken(installed);
  Result<bool> found = taken.Detect(busy);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  CaddyRemediator stock(installed);
  found = stock.Detect(host_);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(stock.instance().config_path, dir_ / "etc/Caddyfile");
  EXPECT_EQ(caddy::ValidateArgv(stock.instance()),
            (std::vector<std::string>{"caddy", "validate", "--config", dir_ / "etc/Caddyfile", "--adapter",
                                      "caddyfile"}));
}

TEST_F(CaddyRemediatorTest, StoppedCaddyIsNotTakenByTheAgent) {
  WriteText(dir_ / "etc/Caddyfile", Fixture("debian-stock.Caddyfile"));
  runner_.On({"caddy", "adapt"}, FakeProcessRunner::Ok(Fixture("debian-stock.json")));
  CaddyOptions agent = Options();
  agent.installed_not_running = false;  // the agent's default: only a running Caddy
  CaddyRemediator r(agent);
  Result<bool> found = r.Detect(host_);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  EXPECT_TRUE(runner_.calls.empty());
}

TEST_F(CaddyRemediatorTest, NotInstalledIsNotInUse) {
  runner_.On({"caddy", "version"}, FakeProcessRunner::Fail(127, "not found"));
  WriteText(dir_ / "etc/Caddyfile", Fixture("debian-stock.Caddyfile"));
  CaddyRemediator r(Options());
  Result<bool> found = r.Detect(host_);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(CaddyRemediatorTest, DiagnosesTheAutomaticRedirectAndTheMissingFileWithLines) {
  std::string config = dir_ / "site/Caddyfile";
  WriteText(config, Fixture("file-server.Caddyfile"));
  Running(config);
  runner_.On({"/usr/bin/caddy", "adapt"}, FakeProcessRunner::Ok(Fixture("file-server.json")));
  CaddyRemediator r(Options());
  ASSERT_TRUE(r.Detect(host_));
  Diagnosis d;
  r.Diagnose(target_, host_, d);
  const Finding* redirect = Find(d, FindingCode::kRedirectOnPath, Url(false, "example.com"));
  ASSERT_NE(redirect, nullptr);
  EXPECT_EQ(redirect->severity, Severity::kError);  // the https side has no file either
  EXPECT_EQ(redirect->source, config + ":1");
  EXPECT_NE(redirect->evidence.find("308 -> " + Url(true, "example.com")), std::string::npos)
      << redirect->evidence;
  const Finding* missing = Find(d, FindingCode::kFileMissing, Url(true, "www.example.com"));
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->source, config + ":3");
  ASSERT_EQ(d.predictions.size(), 8u);
  EXPECT_EQ(d.predictions[0].status, 308);
  EXPECT_EQ(d.predictions[2].serves, "/var/www/html" + target_.UrlPath());
}

TEST_F(CaddyRemediatorTest, AdaptFailureIsConfigInvalidAndRefusesToPlan) {
  WriteText(dir_ / "etc/Caddyfile", "example.com {\n\tbogus_directive\n}\n");
  runner_.On({"caddy", "adapt"}, FakeProcessRunner::Fail(1, "unrecognized directive: bogus_directive"));
  CaddyRemediator r(Options());
  ASSERT_TRUE(r.Detect(host_));
  Diagnosis d;
  r.Diagnose(target_, host_, d);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].code, FindingCode::kConfigInvalid);
  Plan plan;
  EXPECT_FALSE(r.PlanFix(target_, host_, d, plan));
  EXPECT_TRUE(plan.empty());
}

/// With the real caddy: a site whose root holds the file, http redirected by automatic HTTPS.
class CaddyLiveTest : public CaddyRemediatorTest {
 protected:
  void SetUp() override {
    CaddyRemediatorTest::SetUp();
    ASSERT_TRUE(HaveCaddy()) << "caddy is not installed (scripts/install-deps installs it)";
    // `caddy validate` provisions its local CA in XDG_DATA_HOME: keep it in the temp dir.
    ::setenv("XDG_DATA_HOME", (dir_ / "xdg-data").c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (dir_ / "xdg-config").c_str(), 1);
    config_ = dir_ / "etc/Caddyfile";
    WriteText(config_,
              "example.com www.example.com {\n\troot * " + dir_.path() + "/html\n\tfile_server\n}\n");
    WriteText(dir_ / ("html" + target_.UrlPath()), target_.content + "\n");
  }
  std::unique_ptr<CaddyRemediator> Detected() {
    auto r = std::make_unique<CaddyRemediator>(Options());
    Result<bool> found = r->Detect(live_);
    EXPECT_TRUE(found && *found);
    return r;
  }
  std::string config_;
  SystemProcessRunner real_;
  Host live_{real_, {}, {}, "run-1"};
};

TEST_F(CaddyLiveTest, RedirectToServedHttpsIsAWarning) {
  auto r = Detected();
  Diagnosis d;
  r->Diagnose(target_, live_, d);
  const Finding* redirect = Find(d, FindingCode::kRedirectOnPath, Url(false, "www.example.com"));
  ASSERT_NE(redirect, nullptr);
  EXPECT_EQ(redirect->severity, Severity::kWarning);
  EXPECT_TRUE(IsReady(d));
}

TEST_F(CaddyLiveTest, PlanEditsTheCaddyfileAndCaddyValidatesIt) {
  auto r = Detected();
  Diagnosis d;
  Plan plan;
  Result<void> planned = r->PlanFix(target_, live_, d, plan);
  ASSERT_TRUE(planned) << planned.error().message;
  ASSERT_EQ(plan.steps.size(), 3u);
  const auto& edit = std::get<EditFile>(plan.steps[0].action);
  EXPECT_EQ(edit.path, config_);
  EXPECT_NE(edit.content.find("\thandle " + target_.UrlPath() + " {\n\t\troot * /var/www/dcv-agent\n"),
            std::string::npos);
  EXPECT_NE(edit.content.find("http://example.com, http://www.example.com {\n"), std::string::npos);
  EXPECT_EQ(std::get<WriteFile>(plan.steps[1].action).path, "/var/www/dcv-agent" + target_.UrlPath());
  const auto& reload = std::get<Reload>(plan.steps[2].action);
  EXPECT_EQ(reload.test_argv[1], "adapt");
  // caddy validate accepts the edited file.
  std::string copy = dir_ / "edited/Caddyfile";
  WriteText(copy, edit.content);
  ProcessResult valid = real_.Run({"caddy", "validate", "--config", copy, "--adapter", "caddyfile"});
  EXPECT_TRUE(valid.ok()) << valid.err;
  // The pipeline takes the same plan, with nothing refused.
  Facts facts{live_, {}, {}};
  facts.active.push_back(Detected());
  PlanOutcome outcome = MakeFixPlan(target_, facts, d);
  EXPECT_EQ(outcome.plan.steps.size(), 3u);
  EXPECT_TRUE(outcome.refusals.empty());
}

TEST_F(CaddyLiveTest, CleanupRemovesTheEditByteForByte) {
  std::string original = ReadText(config_);
  auto before = Detected();
  Plan plan;
  ASSERT_TRUE(before->PlanFix(target_, live_, {}, plan));
  WriteText(config_, std::get<EditFile>(plan.steps[0].action).content);
  auto edited = Detected();
  Diagnosis d;
  edited->Diagnose(target_, live_, d);
  for (const Prediction& p : d.predictions) {
    std::string root = p.url.rfind("http:", 0) == 0 ? "/var/www/dcv-agent" : dir_.path() + "/html";
    EXPECT_EQ(p.serves, root + target_.UrlPath()) << p.url;
  }
  Plan cleanup;
  EXPECT_TRUE(edited->PlanCleanup(target_, live_, cleanup));
  const EditFile* restore = nullptr;
  for (const Step& s : cleanup.steps) {
    if (auto* e = std::get_if<EditFile>(&s.action)) restore = e;
  }
  ASSERT_NE(restore, nullptr);
  EXPECT_EQ(restore->content, original);
}

TEST_F(CaddyLiveTest, ServedRootNeedsOnlyTheFileAndIsApplied) {
  WriteText(config_, "http://example.com, http://www.example.com {\n\troot * " + dir_.path() +
                         "/html\n\tfile_server\n}\n");
  fs::remove(dir_ / ("html" + target_.UrlPath()));
  auto r = Detected();
  Plan plan;
  ASSERT_TRUE(r->PlanFix(target_, live_, {}, plan));
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(std::get<WriteFile>(plan.steps[0].action).path, dir_ / ("html" + target_.UrlPath()));
}

}  // namespace
}  // namespace dcv
