// The fix over the whole nginx corpus: for each of the 24 real configurations, diagnose,
// plan, apply the planned edits to a copy, then detect and predict again. A case is fixed
// when every validation URL nginx serves (http and https, apex and www, IPv4 and IPv6)
// now answers with the validation file; a plan that refuses must say why. All 24 are
// fixed today, and the test keeps it so. The prediction
// itself agrees with what nginx answered on all 192 corpus URLs (nginx_predict_test), so
// this is the fix rate nginx would show. Prints one line per case and the rate.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/nginx/nginx_remediator.h"
#include "tests/unit/nginx/corpus_case.h"
#include "tests/unit/nginx/nginx_test_support.h"

namespace dcv {
namespace {

namespace fs = std::filesystem;

struct CaseOutcome {
  bool planned = false;
  std::string refusal;
  int urls = 0;       // URLs some server block receives
  int served = 0;     // of those, answered with the validation file after the fix
};

std::unique_ptr<NginxRemediator> Detect(const nginx::testing::CorpusCase& c, FakeNginxRunner& runner, Host& host,
                                        const fs::path& proc) {
  runner.prefix = c.dir();
  auto r = std::make_unique<NginxRemediator>(
      NginxOptions{proc.string(), (proc / "no-systemd").string(), std::vector<std::string>{}});
  Result<bool> found = r->Detect(host);
  EXPECT_TRUE(found && *found) << (found ? "not found" : found.error().message);
  return r;
}

CaseOutcome FixCase(const std::string& name, const Target& target) {
  const fs::path proc = fs::temp_directory_path() / ("nginx-fix-proc-" + std::to_string(::getpid()));
  fs::create_directories(proc / "self");
  nginx::testing::CorpusCase c(name);
  FakeNginxRunner runner;
  Host host{runner, {}, {}, "run-fix"};
  CaseOutcome out;
  auto r = Detect(c, runner, host, proc);
  Diagnosis d;
  r->Diagnose(target, host, d);
  Plan plan;
  Result<void> planned = r->PlanFix(target, host, d, plan);
  out.planned = static_cast<bool>(planned);
  if (!planned) out.refusal = planned.error().message;
  ApplyEdits(plan);  // `assumed` below predicts as if the plan's validation file were written
  auto again = Detect(c, runner, host, proc);
  for (const NginxUrlCase& u : again->Evaluate(target)) {
    if (!u.selection || u.tls_mismatch) continue;  // nothing there to fix (no listener: a finding)
    ++out.urls;
    if (u.assumed.outcome == nginx::Outcome::kFile) ++out.served;
  }
  fs::remove_all(proc);
  return out;
}

TEST(NginxCorpusFix, EveryCaseIsFixedOrSaysWhyNot) {
  Target target;
  target.domains = {"example.test", "www.example.test"};
  target.token = "fileauth.txt";
  target.content = "oracle-token-123";
  int fixed = 0, total = 0;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(std::string(DCV_FIXTURES) + "/nginx/corpus")) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const CaseOutcome o = FixCase(name, target);
    ++total;
    const bool ok = o.planned && o.urls > 0 && o.served == o.urls;
    fixed += ok;
    std::printf("%-40s %s %d/%d URLs serve the file%s\n", name.c_str(), ok ? "fixed  " : "NOT    ", o.served, o.urls,
                o.refusal.empty() ? "" : (" — refused: " + o.refusal).c_str());
    if (!ok) {
      EXPECT_FALSE(o.refusal.empty()) << "not fixed, and the plan did not say why";
    }
  }
  std::printf("fix rate: %d of %d corpus cases\n", fixed, total);
  EXPECT_EQ(total, 24);
  EXPECT_EQ(fixed, total) << "a case the fix used to handle is no longer fixed";
}

}  // namespace
}  // namespace dcv
