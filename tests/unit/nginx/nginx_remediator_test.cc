// Remediator tests: Detect from a fake /proc and a recording ProcessRunner; Diagnose on
// corpus configurations (findings with their file:line); PlanFix's edit, checked by
// applying it and predicting again; idempotence; the docroot-only plan; cleanup restoring
// every file byte for byte; and the refusal to touch a configuration failing `nginx -t`.
// Redirects on the path are followed with the CA's rules: a warning when the chain ends in
// the file, an error when it does not or the CA may not follow it. Cleanup removes the
// file from the document root a docroot-only fix wrote it to.
#include "remediators/webserver/nginx/nginx_remediator.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "remediators/webroot/validation_file.h"
#include "tests/unit/nginx/corpus_case.h"
#include "tests/unit/nginx/nginx_test_support.h"

namespace dcv {
namespace {

namespace fs = std::filesystem;

class NginxRemediatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    proc_ = fs::temp_directory_path() / ("nginx-proc-" + std::to_string(::getpid()));
    fs::remove_all(proc_);
    fs::create_directories(proc_ / "self");
    target_.domains = {"example.test", "www.example.test"};
    target_.token = "fileauth.txt";
    target_.content = "oracle-token-123";
  }
  void TearDown() override { fs::remove_all(proc_); }

  /// Detects nginx for a corpus case with no master running (build defaults only).
  std::unique_ptr<NginxRemediator> DetectCase(const nginx::testing::CorpusCase& c) {
    runner_.prefix = c.dir();
    auto r = std::make_unique<NginxRemediator>(
        NginxOptions{proc_.string(), (proc_ / "no-systemd").string(), std::vector<std::string>{}});
    Result<bool> found = r->Detect(host_);
    EXPECT_TRUE(found && *found) << (found ? "not found" : found.error().message);
    return r;
  }
  const Finding* Find(const Diagnosis& d, FindingCode code, const std::string& url) {
    for (const Finding& f : d.findings) {
      if (f.code == code && f.url == url) return &f;
    }
    return nullptr;
  }

  fs::path proc_;
  FakeNginxRunner runner_;
  Host host_{runner_, {}, {}, "run-1"};
  Target target_;
};

TEST_F(NginxRemediatorTest, DetectReadsMasterFlagsAndRunsTestWithThem) {
  nginx::testing::CorpusCase c("22-shaarli-https-dotdeny");
  fs::create_directories(proc_ / "4242");
  std::string title = "nginx: master process /usr/sbin/nginx -c " + c.conf() + " -p " + c.dir() +
                      "/ -g daemon on; master_process on;";
  std::ofstream(proc_ / "4242" / "cmdline") << title << std::string(20, '\0');
  std::ofstream(proc_ / "4242" / "cgroup") << "0::/system.slice/nginx.service\n";
  fs::create_directories(proc_ / "systemd");
  NginxRemediator r(NginxOptions{proc_.string(), (proc_ / "systemd").string(), {{}}});
  Result<bool> found = r.Detect(host_);
  ASSERT_TRUE(found && *found);
  std::vector<std::string> test_argv{"/usr/sbin/nginx",
                                     "-c",
                                     c.conf(),
                                     "-p",
                                     c.dir() + "/",
                                     "-g",
                                     "daemon on; master_process on;",
                                     "-t"};
  EXPECT_EQ(runner_.calls.back(), test_argv);
  EXPECT_EQ(r.instance().pid, 4242);
  EXPECT_EQ(r.instance().conf_path, c.conf());
  EXPECT_EQ(nginx::ReloadArgv(r.instance()),
            (std::vector<std::string>{"systemctl", "reload", "nginx"}));
}

TEST_F(NginxRemediatorTest, DetectFallsBackToVersionOutputAndReportsAbsence) {
  nginx::testing::CorpusCase c("23-hosting-ifhost-rewrite");
  auto r = DetectCase(c);
  EXPECT_EQ(runner_.calls[0], (std::vector<std::string>{"nginx", "-V"}));
  EXPECT_EQ(runner_.calls[1], (std::vector<std::string>{"nginx", "-t"}));
  EXPECT_EQ(r->instance().conf_path, c.dir() + "/nginx.conf");
  EXPECT_EQ(nginx::ReloadArgv(r->instance()), (std::vector<std::string>{"nginx", "-s", "reload"}));

  class Absent : public ProcessRunner {
    ProcessResult Run(const std::vector<std::string>&, const ProcessOptions&) override {
      return {};
    }
  } absent;
  Host host{absent, {}, {}, "run-2"};
  NginxRemediator none(NginxOptions{proc_.string(), "/nonexistent", {{}}});
  Result<bool> found = none.Detect(host);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_F(NginxRemediatorTest, InstalledButStoppedNginxLeavesPortsHeldByAnotherServerAlone) {
  Host apache_host{runner_, {}, {{"0.0.0.0", 80, false}}, "run-3"};  // apache2 holds :80
  NginxRemediator r(NginxOptions{proc_.string(), "/nonexistent", {{}}});
  Result<bool> found = r.Detect(apache_host);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  EXPECT_TRUE(runner_.calls.empty()) << "nothing was even asked of nginx";
}

TEST_F(NginxRemediatorTest, DiagnoseReportsRedirectAndDotfileDenyWithSources) {
  nginx::testing::CorpusCase c("22-shaarli-https-dotdeny");
  auto r = DetectCase(c);
  Diagnosis d;
  r->Diagnose(target_, host_, d);
  std::string site = c.dir() + "/sites-enabled/shaarli.example.test";
  const Finding* redirect = Find(d, FindingCode::kRedirectOnPath,
                                 "http://example.test/.well-known/pki-validation/fileauth.txt");
  ASSERT_NE(redirect, nullptr);
  EXPECT_EQ(redirect->source, nginx::testing::WhereIs(site, "return 301 https://example.test"));
  EXPECT_NE(redirect->evidence.find("301 Location: https://example.test/.well-known"),
            std::string::npos);
  const Finding* deny = Find(d, FindingCode::kDeniedOnPath,
                             "https://www.example.test/.well-known/pki-validation/fileauth.txt");
  ASSERT_NE(deny, nullptr);
  EXPECT_EQ(deny->source, nginx::testing::WhereIs(site, "deny all;", "location ~ /\\. {"));
  EXPECT_EQ(d.predictions.size(), 8u);
  const Finding* v6 = nullptr;
  for (const Finding& f : d.findings) {
    if (f.code == FindingCode::kNoListener) v6 = &f;
  }
  ASSERT_NE(v6, nullptr);
  EXPECT_FALSE(v6->fixable);
}

TEST_F(NginxRemediatorTest, DiagnoseReportsWrongVhostAndMissingFile) {
  nginx::testing::CorpusCase c("28-debian-default-plus-laravel-www");
  auto r = DetectCase(c);
  Diagnosis d;
  r->Diagnose(target_, host_, d);
  const Finding* wrong = Find(d, FindingCode::kWrongVhost,
                              "http://www.example.test/.well-known/pki-validation/fileauth.txt");
  ASSERT_NE(wrong, nullptr);
  EXPECT_EQ(wrong->source, nginx::testing::WhereIs(c.dir() + "/sites-enabled/default", "server {"));
  const Finding* missing = Find(d, FindingCode::kFileMissing,
                                "http://example.test/.well-known/pki-validation/fileauth.txt");
  ASSERT_NE(missing, nullptr);
  EXPECT_NE(missing->evidence.find(c.dir() + "/www/example.test/public/.well-known"),
            std::string::npos);
}

TEST_F(NginxRemediatorTest, PlanFixEditsEveryBlockAndEditedConfigServesTheFile) {
  nginx::testing::CorpusCase c("02-certbot-nginx-redirect");
  auto r = DetectCase(c);
  Diagnosis d;
  r->Diagnose(target_, host_, d);
  Plan plan;
  Result<void> planned = r->PlanFix(target_, host_, d, plan);
  ASSERT_TRUE(planned) << planned.error().message;
  ASSERT_EQ(plan.steps.size(), 3u);
  const auto& edit = std::get<EditFile>(plan.steps[0].action);
  EXPECT_EQ(edit.path, c.dir() + "/sites-enabled/default");
  EXPECT_NE(edit.diff.find("+    # dcv-agent begin fileauth.txt"), std::string::npos);
  EXPECT_EQ(std::get<WriteFile>(plan.steps[1].action).path,
            ValidationFilePath(kAgentWebroot, target_));
  const auto& reload = std::get<Reload>(plan.steps[2].action);
  EXPECT_EQ(reload.test_argv, (std::vector<std::string>{"nginx", "-t"}));

  auto originals = ApplyEdits(plan);
  auto again = DetectCase(c);
  for (const NginxUrlCase& u : again->Evaluate(target_)) {
    SCOPED_TRACE(u.url);
    ASSERT_TRUE(u.selection);
    EXPECT_EQ(u.assumed.outcome, nginx::Outcome::kFile);
    EXPECT_EQ(u.assumed.file, ValidationFilePath(kAgentWebroot, target_));
  }
  Plan second;  // idempotent: the snippet is there, no second edit
  ASSERT_TRUE(again->PlanFix(target_, host_, d, second));
  for (const Step& s : second.steps) EXPECT_FALSE(std::holds_alternative<EditFile>(s.action));

  Plan cleanup;
  ASSERT_TRUE(again->PlanCleanup(target_, host_, cleanup));
  ApplyEdits(cleanup);
  for (const auto& [path, text] : originals) EXPECT_EQ(nginx::testing::ReadAll(path), text);
  EXPECT_TRUE(std::holds_alternative<Reload>(cleanup.steps.back().action));
}

TEST_F(NginxRemediatorTest, AlreadyServedFromDocrootPlansOnlyTheFile) {
  nginx::testing::CorpusCase c("23-hosting-ifhost-rewrite");
  auto r = DetectCase(c);
  target_.domains = {"example.test"};
  Plan plan;
  ASSERT_TRUE(r->PlanFix(target_, host_, {}, plan));
  ASSERT_EQ(plan.steps.size(), 1u);
  std::string root = c.dir() + "/www/random11461/countdown";
  EXPECT_EQ(std::get<WriteFile>(plan.steps[0].action).path, ValidationFilePath(root, target_));
  c.PlaceValidationFile(target_.content);
  Plan none;
  ASSERT_TRUE(r->PlanFix(target_, host_, {}, none));
  EXPECT_TRUE(none.empty());
}

const Finding* OnlyRedirect(const Diagnosis& d, const std::string& url) {
  const Finding* found = nullptr;
  for (const Finding& f : d.findings) {
    if (f.code == FindingCode::kRedirectOnPath && f.url == url) found = &f;
  }
  return found;
}

bool HasError(const Diagnosis& d) {
  for (const Finding& f : d.findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

TEST_F(NginxRemediatorTest, RedirectToAUrlThatServesTheFileIsAWarning) {
  nginx::testing::CorpusCase c("02-certbot-nginx-redirect");  // :80 301s to https://$host
  c.PlaceValidationFile(target_.content);
  target_.ca = "letsencrypt";
  auto r = DetectCase(c);
  Diagnosis d;
  r->Diagnose(target_, host_, d);
  for (const std::string& domain : target_.domains) {
    SCOPED_TRACE(domain);
    const Finding* redirect = OnlyRedirect(d, "http://" + domain + target_.UrlPath());
    ASSERT_NE(redirect, nullptr);
    EXPECT_EQ(redirect->severity, Severity::kWarning);
    EXPECT_NE(redirect->evidence.find("the CA follows it to https://" + domain + target_.UrlPath() +
                                      ", which serves the file"),
              std::string::npos)
        << redirect->evidence;
    EXPECT_EQ(redirect->source, nginx::testing::WhereIs(c.dir() + "/sites-enabled/default",
                                                        "return 301 https://$host$request_uri;",
                                                        "if ($host = " + domain + ")"));
  }
  EXPECT_FALSE(HasError(d));
}

TEST_F(NginxRemediatorTest, RedirectToAUrlWithoutTheFileIsAnError) {
  nginx::testing::CorpusCase c("02-certbot-nginx-redirect");
  auto r = DetectCase(c);
  Diagnosis d;
  r->Diagnose(target_, host_, d);
  const Finding* redirect = OnlyRedirect(d, "http://example.test" + target_.UrlPath());
  ASSERT_NE(redirect, nullptr);
  EXPECT_EQ(redirect->severity, Severity::kError);
  EXPECT_NE(redirect->evidence.find("which answers 404"), std::string::npos) << redirect->evidence;

  c.PlaceValidationFile("someone else's value");
  auto stale = DetectCase(c);
  Diagnosis d2;
  stale->Diagnose(target_, host_, d2);
  redirect = OnlyRedirect(d2, "http://example.test" + target_.UrlPath());
  ASSERT_NE(redirect, nullptr);
  EXPECT_EQ(redirect->severity, Severity::kError);
  EXPECT_NE(redirect->evidence.find("with other content"), std::string::npos) << redirect->evidence;
}

TEST_F(NginxRemediatorTest, RedirectTheCaRefusesIsAnErrorEvenWhenItsTargetServesTheFile) {
  struct Variant {
    std::string from, to, why;
  };
  for (const Variant& v : {Variant{"return 301 https://$host$", "return 301 https://$host:8443$", "port 8443"},
                           Variant{"return 301 https://$host$", "return 303 https://$host$", "303"}}) {
    SCOPED_TRACE(v.to);
    nginx::testing::CorpusCase c("02-certbot-nginx-redirect");
    c.PlaceValidationFile(target_.content);
    std::string site = c.dir() + "/sites-enabled/default";
    std::string text = nginx::testing::ReadAll(site);
    nginx::testing::ReplaceAll(text, v.from, v.to);
    std::ofstream(site, std::ios::binary) << text;
    target_.ca = "letsencrypt";
    auto r = DetectCase(c);
    Diagnosis d;
    r->Diagnose(target_, host_, d);
    const Finding* redirect = OnlyRedirect(d, "http://www.example.test" + target_.UrlPath());
    ASSERT_NE(redirect, nullptr);
    EXPECT_EQ(redirect->severity, Severity::kError);
    EXPECT_NE(redirect->evidence.find("the CA stops"), std::string::npos) << redirect->evidence;
    EXPECT_NE(redirect->evidence.find(v.why), std::string::npos) << redirect->evidence;
  }
}

TEST_F(NginxRemediatorTest, CleanupRemovesTheFileAFixPutInTheDocroot) {
  nginx::testing::CorpusCase c("23-hosting-ifhost-rewrite");
  auto r = DetectCase(c);
  target_.domains = {"example.test"};
  Plan fix;
  ASSERT_TRUE(r->PlanFix(target_, host_, {}, fix));
  ASSERT_EQ(fix.steps.size(), 1u);
  const auto& write = std::get<WriteFile>(fix.steps[0].action);
  fs::create_directories(fs::path(write.path).parent_path());
  std::ofstream(write.path, std::ios::binary) << write.content;  // what the executor does

  Plan cleanup;
  ASSERT_TRUE(r->PlanCleanup(target_, host_, cleanup));
  const RemoveFile* removal = nullptr;
  for (const Step& s : cleanup.steps) {
    const auto* rm = std::get_if<RemoveFile>(&s.action);
    if (rm && rm->path == write.path) removal = rm;
  }
  ASSERT_NE(removal, nullptr) << "no removal of " << write.path;
  EXPECT_EQ(removal->expected_content, write.content);  // the guard: exactly what fix wrote
}

TEST_F(NginxRemediatorTest, RefusesConfigurationThatFailsNginxTest) {
  nginx::testing::CorpusCase c("02-certbot-nginx-redirect");
  runner_.test_ok = false;
  auto r = DetectCase(c);
  Diagnosis d;
  r->Diagnose(target_, host_, d);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].code, FindingCode::kConfigInvalid);
  EXPECT_NE(d.findings[0].evidence.find("unknown directive"), std::string::npos);
  Plan plan;
  Result<void> planned = r->PlanFix(target_, host_, d, plan);
  ASSERT_FALSE(planned);
  EXPECT_NE(planned.error().message.find("refuses"), std::string::npos);
  EXPECT_TRUE(plan.empty());
}

}  // namespace
}  // namespace dcv
