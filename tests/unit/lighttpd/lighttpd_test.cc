// lighttpd tests on real `lighttpd -p` output (tests/fixtures/lighttpd, capture.sh):
// the merged settings per request (the common http->https url.redirect with %0 from the
// host conditional, the documented `$HTTP["url"] !~` guard, a host's own document root,
// Debian's stock configuration); Detect from a fake /proc; Diagnose; and with the real
// lighttpd (-p and -tt bind nothing) the planned override, accepted by `lighttpd -tt`,
// re-predicted to serve the path, and removed byte for byte (applied: e2e.caddy_lighttpd).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "platform/process.h"
#include "remediators/webserver/lighttpd/lighttpd_remediator.h"
#include "remediators/webserver/lighttpd/lighttpd_source.h"
#include "tests/support/fake_process_runner.h"
#include "tests/support/temp_dir.h"

namespace dcv {
namespace {

using testing::FakeProcessRunner;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

constexpr const char* kPath = "/.well-known/pki-validation/tok.txt";

std::string Fixture(const std::string& name) {
  return ReadText(std::string(DCV_FIXTURES) + "/lighttpd/" + name);
}

lighttpd::Answer Ask(const std::string& fixture, bool https, const std::string& host) {
  lighttpd::Block root = lighttpd::ParseDump(Fixture(fixture + ".parsed"));
  return lighttpd::Predict(root, {https, host, https ? 443 : 80, kPath},
                           [](const std::string&) { return false; });
}

TEST(LighttpdPredictTest, HttpsRedirectAnswers301WithTheHost) {
  lighttpd::Answer http = Ask("https-redirect", false, "example.com");
  EXPECT_EQ(http.outcome, lighttpd::Outcome::kRedirect);
  EXPECT_EQ(http.status, 301);
  EXPECT_EQ(http.location, std::string("https://example.com") + kPath);
  EXPECT_EQ(http.condition, "$HTTP[\"host\"] =~ \".*\"");
  lighttpd::Answer https = Ask("https-redirect", true, "www.example.com");
  EXPECT_EQ(https.outcome, lighttpd::Outcome::kFile);
  EXPECT_EQ(https.file, std::string("/var/www/www") + kPath);
  EXPECT_FALSE(https.tls_mismatch);
}

TEST(LighttpdPredictTest, GuardedRedirectLeavesTheValidationPath) {
  lighttpd::Answer http = Ask("https-redirect-guarded", false, "example.com");
  EXPECT_EQ(http.outcome, lighttpd::Outcome::kFile);
  EXPECT_EQ(http.file, std::string("/var/www/html") + kPath);
}

TEST(LighttpdPredictTest, DebianStockServesPort80Only) {
  EXPECT_EQ(Ask("debian-stock", false, "example.com").file, std::string("/var/www/html") + kPath);
  EXPECT_EQ(Ask("debian-stock", true, "example.com").outcome, lighttpd::Outcome::kNoListener);
}

class LighttpdRemediatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target_.domains = {"example.com", "www.example.com"};
    target_.token = "dcv-lighttpd-test-token.txt";
    target_.content = "lighttpd-token-123";
    config_ = dir_ / "lighttpd.conf";
    std::string text = Fixture("https-redirect.conf");
    text.replace(text.find("\"test-server.pem\""), 17,
                 "\"" + std::string(DCV_FIXTURES) + "/lighttpd/test-server.pem\"");
    WriteText(config_, text);
    WriteText(dir_ / "proc/31/cmdline", std::string("/usr/sbin/lighttpd\0-D\0-f\0", 25) + config_ + '\0');
  }
  LighttpdOptions Options() { return {dir_ / "proc", dir_ / "no-systemd", dir_ / "stock.conf", true}; }
  TempDir dir_;
  std::string config_;
  Target target_;
};

TEST_F(LighttpdRemediatorTest, DetectsTheRunningServerAndDiagnosesTheRedirect) {
  FakeProcessRunner runner;
  runner.On({"/usr/sbin/lighttpd", "-p"}, FakeProcessRunner::Ok(Fixture("https-redirect.parsed")));
  Host host{runner, {}, {}, "run-1"};
  LighttpdRemediator r(Options());
  Result<bool> found = r.Detect(host);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(r.instance().pid, 31);
  EXPECT_EQ(runner.calls.back(), (std::vector<std::string>{"/usr/sbin/lighttpd", "-p", "-f", config_}));
  EXPECT_EQ(r.ReloadArgv(), (std::vector<std::string>{"kill", "-USR1", "31"}));
  Diagnosis d;
  r.Diagnose(target_, host, d);
  auto redirect = std::find_if(d.findings.begin(), d.findings.end(),
                               [](const Finding& f) { return f.code == FindingCode::kRedirectOnPath; });
  ASSERT_NE(redirect, d.findings.end());
  EXPECT_EQ(redirect->severity, Severity::kError);  // https has no file either
  EXPECT_EQ(redirect->source, config_ + ":10");  // the url.redirect line inside $HTTP["host"] =~ ".*"
}

TEST_F(LighttpdRemediatorTest, PlannedOverridePassesLighttpdTestAndCleanupRestoresTheBytes) {
  SystemProcessRunner real;
  ASSERT_TRUE(real.Run({"lighttpd", "-v"}).ok()) << "lighttpd is not installed (scripts/install-deps installs it)";
  Host host{real, {}, {}, "run-1"};
  LighttpdRemediator r(Options());
  ASSERT_TRUE(r.Detect(host));
  Plan plan;
  Result<void> planned = r.PlanFix(target_, host, {}, plan);
  ASSERT_TRUE(planned) << planned.error().message;
  ASSERT_EQ(plan.steps.size(), 3u);
  const auto& edit = std::get<EditFile>(plan.steps[0].action);
  EXPECT_NE(edit.content.find("$HTTP[\"url\"] == \"" + target_.UrlPath() + "\" {\n\turl.redirect = ()\n"),
            std::string::npos);
  std::string copy = dir_ / "edited.conf";
  WriteText(copy, edit.content);
  ProcessResult tested = real.Run({"lighttpd", "-tt", "-f", copy});
  EXPECT_TRUE(tested.ok()) << tested.err;
  EXPECT_EQ(std::get<Reload>(plan.steps[2].action).test_argv,
            (std::vector<std::string>{"/usr/sbin/lighttpd", "-tt", "-f", config_}));
  // Cleanup of the edited file gives back the original bytes.
  std::string original = ReadText(config_);
  WriteText(config_, edit.content);
  LighttpdRemediator edited(Options());
  ASSERT_TRUE(edited.Detect(host));
  Plan cleanup;
  EXPECT_TRUE(edited.PlanCleanup(target_, host, cleanup));
  ASSERT_FALSE(cleanup.steps.empty());
  EXPECT_EQ(std::get<EditFile>(cleanup.steps[cleanup.steps.size() - 2].action).content, original);
}

// `lighttpd -p` has no line numbers: the setting is found in the included files' text,
// inside the nested conditional that set it, not in an earlier block setting the same key.
TEST(LighttpdSourceTest, LocatesTheSettingInsideItsConditionalAcrossIncludes) {
  TempDir dir;
  WriteText(dir / "main.conf", "server.port = 80\nurl.redirect = ()\ninclude \"conf.d/*.conf\"\n");
  WriteText(dir / "conf.d/10-other.conf", "$HTTP[\"host\"] == \"other.example\" {\n\turl.redirect = ()\n}\n");
  WriteText(dir / "conf.d/20-site.conf",
            "# https for all\n$HTTP[\"scheme\"] == \"http\" {\n  $HTTP[\"host\"]   =~ \".*\" {\n"
            "    server.name = \"x\"\n    url.redirect = ( \"^/(.*)\" => \"https://%0/$1\" )\n  }\n}\n");
  EXPECT_EQ(lighttpd::LocateSetting(dir / "main.conf", "url.redirect", "$HTTP[\"host\"] =~ \".*\""),
            dir / "conf.d/20-site.conf:5");
  EXPECT_EQ(lighttpd::LocateSetting(dir / "main.conf", "url.redirect", ""), dir / "main.conf:2");
  EXPECT_EQ(lighttpd::LocateSetting(dir / "main.conf", "alias.url", ""), "");
}

// lighttpd 1.4.69 stops when a graceful restart (SIGUSR1, systemd's reload) cannot re-read
// its certificate as server.username: no such reload is planned, and the refusal says
// which file and which user.
TEST(LighttpdRestartTest, CertificateUnreadableByTheServerUserRefusesTheEdit) {
  SystemProcessRunner real;
  ASSERT_TRUE(real.Run({"lighttpd", "-v"}).ok()) << "lighttpd is not installed (scripts/install-deps installs it)";
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  std::string pem = dir / "server.pem";
  WriteText(pem, ReadText(std::string(DCV_FIXTURES) + "/lighttpd/test-server.pem"));
  ::chmod(pem.c_str(), 0600);
  std::string config = dir / "lighttpd.conf";
  WriteText(config, "server.modules = ( \"mod_redirect\", \"mod_openssl\" )\nserver.document-root = \"" +
                        dir.path() + "\"\nserver.port = 80\nserver.username = \"nobody\"\n"
                        "$SERVER[\"socket\"] == \":443\" {\n\tssl.engine = \"enable\"\n\tssl.pemfile = \"" + pem +
                        "\"\n}\n$HTTP[\"scheme\"] == \"http\" {\n\turl.redirect = ( \"^/(.*)\" => "
                        "\"https://example.com/$1\" )\n}\n");
  WriteText(dir / "stock.conf", ReadText(config));
  Host host{real, {}, {}, "run-1"};
  Target target;
  target.domains = {"example.com"};
  target.token = "dcv-restart-token.txt";
  target.content = "restart-123";
  LighttpdRemediator r(LighttpdOptions{dir / "proc", dir / "no-systemd", dir / "stock.conf", true});
  ASSERT_TRUE(r.Detect(host));
  Plan plan;
  Result<void> planned = r.PlanFix(target, host, {}, plan);
  ASSERT_FALSE(planned);
  EXPECT_NE(planned.error().message.find("re-reads " + pem + " as nobody"), std::string::npos)
      << planned.error().message;
  EXPECT_TRUE(plan.steps.empty());
  ::chmod(pem.c_str(), 0644);
  Plan allowed;
  EXPECT_TRUE(r.PlanFix(target, host, {}, allowed));
  EXPECT_FALSE(allowed.steps.empty());
}

}  // namespace
}  // namespace dcv
