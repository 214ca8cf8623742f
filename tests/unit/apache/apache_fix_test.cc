// The fix on every corpus case: Detect (with the real `apache2 -t` on a temporary copy,
// never /etc/apache2), PlanFix, the planned edits applied to the copy, then `apache2 -t`
// must accept the edited configuration, every reachable validation URL must be predicted
// to serve the file from /var/www/dcv-agent (or from the DocumentRoot when no edit was
// needed), the answers to /, /index.html and /some/app/path must not change, and
// PlanCleanup must restore every file byte for byte. The fix rate is printed; cases the
// agent refuses are listed with the reason. Also: the main-server-only layout (RHEL's stock
// httpd.conf) and Diagnose's findings with file:line; a redirect the CA follows to the
// file is a warning, one to a URL without it (or one the CA refuses) an error; cleanup
// removes the file a docroot-only fix put in the DocumentRoot.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/apache/apache_remediator.h"
#include "remediators/webserver/apache/apache_edit.h"
#include "tests/unit/apache/config_tree.h"
#include "tests/unit/apache/corpus_case.h"

namespace dcv {
namespace {

namespace fs = std::filesystem;
using apache::testing::CorpusCase;

constexpr const char* kApache = "/usr/sbin/apache2";

/// A self-signed certificate for example.test made once per test binary.
class TestCertificate {
 public:
  TestCertificate() {
    dir_ = fs::temp_directory_path() / ("apache-cert-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    SystemProcessRunner runner;
    result_ = runner.Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                          "-subj", "/CN=example.test", "-keyout", key(), "-out", cert()});
  }
  ~TestCertificate() { fs::remove_all(dir_); }
  std::string cert() const { return (dir_ / "test.crt").string(); }
  std::string key() const { return (dir_ / "test.key").string(); }
  bool ok() const { return result_.ok(); }

 private:
  fs::path dir_;
  ProcessResult result_;
};

const TestCertificate& Certificate() {
  static TestCertificate cert;
  return cert;
}

Target CorpusTarget() {
  Target t;
  t.domains = {"example.test", "www.example.test"};
  t.token = "fileauth.txt";
  t.content = "oracle-token-123";
  return t;
}

ApacheOptions CorpusOptions(const CorpusCase& c) {
  ApacheOptions o;
  o.instance = apache::ApacheInstance{kApache, kApache, "apache2", c.dir(), c.conf(),
                                      {"-d", c.dir(), "-f", c.conf()}, {}, 0, false};
  o.local_addresses = std::vector<std::string>{};
  return o;
}

std::map<std::string, std::string> Answers(const ApacheEvaluation& eval) {
  std::map<std::string, std::string> out;
  for (const ApacheUrlCase& c : eval.cases) {
    out[c.url + (c.ipv6 ? " v6" : " v4")] = apache::DescribeAnswer(c.answer);
  }
  return out;
}

// Cases the agent refuses to fix, with the reason (the refusal itself is checked).
const std::map<std::string, std::string> kRefused = {};

TEST(ApacheFix, EveryCorpusCaseIsFixedByAMarkedEditThatApacheAccepts) {
  ASSERT_TRUE(fs::exists(kApache)) << "needs apache2 installed (scripts/install-deps)";
  ASSERT_TRUE(Certificate().ok()) << "openssl could not make a test certificate";
  int fixed = 0;
  std::map<std::string, std::string> refused;
  const std::vector<std::string> others = {"/", "/index.html", "/some/app/path"};
  for (const std::string& name : apache::testing::AllCases()) {
    SCOPED_TRACE(name);
    CorpusCase c(name, Certificate().cert(), Certificate().key());
    SystemProcessRunner runner;
    Host host{runner, {}, {}, "unit-test"};
    ApacheRemediator r(CorpusOptions(c));
    Result<bool> detected = r.Detect(host);
    ASSERT_TRUE(detected && *detected);
    Diagnosis diagnosis;
    r.Diagnose(CorpusTarget(), host, diagnosis);
    for (const Finding& f : diagnosis.findings) ASSERT_NE(f.code, FindingCode::kConfigInvalid) << f.evidence;
    std::map<std::string, std::string> before = Answers(r.Evaluate(CorpusTarget(), *r.config(), others));
    std::map<std::string, std::string> originals;
    for (const apache::SourceFile& f : r.config()->files) originals[f.path] = f.text;
    Plan plan;
    Result<void> planned = r.PlanFix(CorpusTarget(), host, diagnosis, plan);
    if (!planned) {
      refused[name] = planned.error().message;
      std::cout << "REFUSED " << name << ": " << planned.error().message << "\n";
      continue;
    }
    bool edited = false;
    for (const Step& s : plan.steps) {
      if (const auto* e = std::get_if<EditFile>(&s.action)) {
        ASSERT_EQ(e->path.rfind(c.dir() + "/", 0), 0u) << e->path;
        std::ofstream(e->path, std::ios::binary) << e->content;
        edited = true;
      }
    }
    ProcessResult test = runner.Run({kApache, "-d", c.dir(), "-f", c.conf(), "-t"});
    ASSERT_TRUE(test.ok()) << test.err << test.out;
    ApacheRemediator after(CorpusOptions(c));
    ASSERT_TRUE(after.Detect(host));
    std::string agent_file = ValidationFilePath(kAgentWebroot, CorpusTarget());
    // with an edit, the file is assumed only where the plan writes it
    for (const ApacheUrlCase& u :
         after.Evaluate(CorpusTarget(), *after.config(), {}, edited ? agent_file : "").cases) {
      if (!u.listening || u.tls_mismatch) continue;
      EXPECT_EQ(u.assumed.status, 200) << u.url << ": " << apache::DescribeAnswer(u.assumed);
      std::string expected =
          edited ? agent_file : ValidationFilePath(u.assumed.docroot, CorpusTarget());
      EXPECT_EQ(u.assumed.file, expected) << u.url;
    }
    EXPECT_EQ(Answers(after.Evaluate(CorpusTarget(), *after.config(), others)), before);
    Plan cleanup;
    ASSERT_TRUE(after.PlanCleanup(CorpusTarget(), host, cleanup));
    for (const Step& s : cleanup.steps) {
      if (const auto* e = std::get_if<EditFile>(&s.action)) {
        std::ofstream(e->path, std::ios::binary) << e->content;
      }
    }
    for (const auto& [path, text] : originals) EXPECT_EQ(apache::testing::ReadAll(path), text) << path;
    ++fixed;
  }
  std::cout << "apache corpus: fixed " << fixed << "/" << apache::testing::AllCases().size()
            << " cases (" << refused.size() << " refused with a reason)\n";
  std::set<std::string> refused_names, expected_names;
  for (const auto& [n, m] : refused) {
    refused_names.insert(n);
    EXPECT_NE(m.find("serve /.well-known/pki-validation/fileauth.txt by hand"), std::string::npos);
  }
  for (const auto& [n, m] : kRefused) expected_names.insert(n);
  EXPECT_EQ(refused_names, expected_names);
}

// RHEL's stock layout serves from the main server (no VirtualHost): the snippet is appended
// to the main file, and apache2 accepts it.
TEST(ApacheFix, MainServerOnlyGetsTheSnippetAtTheEndOfTheMainFile) {
  apache::testing::Tree t(
      {{"conf/httpd.conf",
        "ServerRoot @ROOT@\n"
        "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
        "LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n"
        "LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\n"
        "Listen 80\nPidFile @ROOT@/httpd.pid\nErrorLog @ROOT@/error.log\nDefaultRuntimeDir @ROOT@\n"
        "DocumentRoot @ROOT@/www\n<Directory />\n    Require all denied\n</Directory>\n"
        "IncludeOptional conf.d/*.conf\n"},
       {"www/index.html", "x"}});
  std::string conf = t.path("conf/httpd.conf");
  ApacheOptions o;
  o.instance = apache::ApacheInstance{kApache, kApache, "httpd", t.path(), conf,
                                      {"-d", t.path(), "-f", conf}, {}, 0, false};
  o.local_addresses = std::vector<std::string>{};
  SystemProcessRunner runner;
  Host host{runner, {}, {}, "unit-test"};
  ApacheRemediator r(o);
  ASSERT_TRUE(r.Detect(host));
  Plan plan;
  Result<void> planned = r.PlanFix(CorpusTarget(), host, Diagnosis{}, plan);
  ASSERT_TRUE(planned) << planned.error().message;
  const EditFile* edit = nullptr;
  for (const Step& s : plan.steps) {
    if (const auto* e = std::get_if<EditFile>(&s.action)) edit = e;
  }
  ASSERT_NE(edit, nullptr);
  EXPECT_EQ(edit->path, conf);
  EXPECT_EQ(edit->content.rfind(edit->expected_before, 0), 0u);  // appended, nothing else moved
  EXPECT_NE(edit->content.find("\nAlias /.well-known/pki-validation/fileauth.txt "),
            std::string::npos);
  std::ofstream(conf, std::ios::binary) << edit->content;
  ProcessResult test = runner.Run({kApache, "-d", t.path(), "-f", conf, "-t"});
  EXPECT_TRUE(test.ok()) << test.err;
  EXPECT_EQ(apache::RemoveSnippets(edit->content, "fileauth.txt"), edit->expected_before);
}

TEST(ApacheDiagnose, CertbotRedirectIsReportedWithTheRewriteRuleLine) {
  CorpusCase c("10-certbot-apache-redirect", Certificate().cert(), Certificate().key());
  c.PlaceValidationFile("oracle-token-123");
  SystemProcessRunner runner;
  Host host{runner, {}, {}, "unit-test"};
  ApacheRemediator r(CorpusOptions(c));
  ASSERT_TRUE(r.Detect(host));
  Diagnosis d;
  r.Diagnose(CorpusTarget(), host, d);
  std::string rule = apache::testing::ReadAll(c.dir() + "/sites-enabled/example.conf");
  int line = 1;
  for (size_t i = 0; i < rule.find("RewriteRule"); ++i) line += rule[i] == '\n';
  std::string where = c.dir() + "/sites-enabled/example.conf:" + std::to_string(line);
  int redirects = 0;
  for (const Finding& f : d.findings) {
    if (f.code != FindingCode::kRedirectOnPath) continue;
    ++redirects;
    EXPECT_EQ(f.source, where);
    EXPECT_EQ(f.url.rfind("http://", 0), 0u);
  }
  EXPECT_EQ(redirects, 2);  // http://example.test and http://www.example.test
  ASSERT_EQ(d.predictions.size(), 8u);
  EXPECT_EQ(d.predictions[0].status, 301);
  EXPECT_EQ(d.predictions[0].location, "https://example.test/.well-known/pki-validation/fileauth.txt");
}

TEST(ApacheDiagnose, DocrootOutsideGrantIsDeniedAndWwwLandsOnTheDefaultVhost) {
  CorpusCase c("13-certbot-docroot-outside-grant", Certificate().cert(), Certificate().key());
  c.PlaceValidationFile("oracle-token-123");
  SystemProcessRunner runner;
  Host host{runner, {}, {}, "unit-test"};
  ApacheRemediator r(CorpusOptions(c));
  ASSERT_TRUE(r.Detect(host));
  Diagnosis d;
  r.Diagnose(CorpusTarget(), host, d);
  std::set<std::string> codes;
  for (const Finding& f : d.findings) codes.insert(std::string(CodeName(f.code)) + " " + f.url);
  EXPECT_TRUE(codes.count("DENIED_ON_PATH http://example.test/.well-known/pki-validation/fileauth.txt"));
  EXPECT_TRUE(codes.count("WRONG_VHOST http://www.example.test/.well-known/pki-validation/fileauth.txt"));
  EXPECT_TRUE(codes.count("FILE_MISSING http://www.example.test/.well-known/pki-validation/fileauth.txt"));
  bool no_listener_443 = false;
  for (const Finding& f : d.findings) {
    no_listener_443 = no_listener_443 || (f.code == FindingCode::kNoListener &&
                                          f.evidence.find("port 443") != std::string::npos);
  }
  EXPECT_TRUE(no_listener_443);
}

/// The REDIRECT_ON_PATH findings of the certbot redirect case (file placed or not, the
/// rule's target rewritten by `edit`), diagnosed for --ca letsencrypt.
std::vector<Finding> CertbotRedirects(const std::string& content, const std::string& from = "",
                                      const std::string& to = "") {
  CorpusCase c("10-certbot-apache-redirect", Certificate().cert(), Certificate().key());
  if (!content.empty()) c.PlaceValidationFile(content);
  if (!from.empty()) {
    std::string site = c.dir() + "/sites-enabled/example.conf";
    std::string text = apache::testing::ReadAll(site);
    apache::testing::ReplaceAll(text, from, to);
    std::ofstream(site, std::ios::binary) << text;
  }
  SystemProcessRunner runner;
  Host host{runner, {}, {}, "unit-test"};
  ApacheRemediator r(CorpusOptions(c));
  EXPECT_TRUE(r.Detect(host));
  Target target = CorpusTarget();
  target.ca = "letsencrypt";
  Diagnosis d;
  r.Diagnose(target, host, d);
  std::vector<Finding> out;
  for (const Finding& f : d.findings) {
    if (f.code == FindingCode::kRedirectOnPath || f.severity == Severity::kError) out.push_back(f);
  }
  return out;
}

TEST(ApacheDiagnose, RedirectToHttpsThatServesTheFileIsAWarning) {
  std::vector<Finding> found = CertbotRedirects("oracle-token-123");
  ASSERT_EQ(found.size(), 2u);  // the two http URLs, and no error at all
  for (const Finding& f : found) {
    SCOPED_TRACE(f.url);
    EXPECT_EQ(f.code, FindingCode::kRedirectOnPath);
    EXPECT_EQ(f.severity, Severity::kWarning);
    std::string https = "https://" + f.url.substr(std::string("http://").size());
    EXPECT_NE(f.evidence.find("the CA follows it to " + https + ", which serves the file"),
              std::string::npos)
        << f.evidence;
  }
}

TEST(ApacheDiagnose, RedirectToAUrlWithoutTheFileOrRefusedIsAnError) {
  struct Variant {
    std::string content, from, to, why;
  };
  for (const Variant& v :
       {Variant{"", "", "", "which answers 404"},
        Variant{"oracle-token-123", "https://%{SERVER_NAME}%", "https://%{SERVER_NAME}:8443%", "port 8443"},
        Variant{"oracle-token-123", "R=permanent", "R=303", "303"}}) {
    SCOPED_TRACE(v.why);
    int redirects = 0;
    for (const Finding& f : CertbotRedirects(v.content, v.from, v.to)) {
      if (f.code != FindingCode::kRedirectOnPath) continue;
      ++redirects;
      EXPECT_EQ(f.severity, Severity::kError);
      EXPECT_NE(f.evidence.find(v.why), std::string::npos) << f.evidence;
    }
    EXPECT_EQ(redirects, 2);
  }
}

TEST(ApacheFix, CleanupRemovesTheFileAFixPutInTheDocumentRoot) {
  CorpusCase c("01-debian-default", Certificate().cert(), Certificate().key());
  SystemProcessRunner runner;
  Host host{runner, {}, {}, "unit-test"};
  ApacheRemediator r(CorpusOptions(c));
  ASSERT_TRUE(r.Detect(host));
  Plan fix;
  ASSERT_TRUE(r.PlanFix(CorpusTarget(), host, Diagnosis{}, fix));
  const WriteFile* write = nullptr;
  for (const Step& s : fix.steps) {
    if (const auto* w = std::get_if<WriteFile>(&s.action)) write = w;
    EXPECT_FALSE(std::holds_alternative<EditFile>(s.action));  // the docroot is served already
  }
  ASSERT_NE(write, nullptr);
  fs::create_directories(fs::path(write->path).parent_path());
  std::ofstream(write->path, std::ios::binary) << write->content;  // what the executor does

  Plan cleanup;
  ASSERT_TRUE(r.PlanCleanup(CorpusTarget(), host, cleanup));
  const RemoveFile* removal = nullptr;
  for (const Step& s : cleanup.steps) {
    const auto* rm = std::get_if<RemoveFile>(&s.action);
    if (rm && rm->path == write->path) removal = rm;
  }
  ASSERT_NE(removal, nullptr) << "no removal of " << write->path;
  EXPECT_EQ(removal->expected_content, write->content);  // the guard: exactly what fix wrote
}

}  // namespace
}  // namespace dcv
