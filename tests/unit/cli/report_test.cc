// The report's JSON keeps the stable core of DESIGN.md; the text ends with the verdict.
#include "agent/report.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

Report Sample() {
  Report r;
  r.command = "fix";
  r.run_id = "20260101T000000Z-abcdef";
  r.target.domains = {"example.com"};
  r.target.token = "t.txt";
  r.diagnosis.findings.push_back({FindingCode::kRedirectOnPath, Severity::kError, "example.com",
                                  "http://example.com/.well-known/pki-validation/t.txt", "301 to https",
                                  "exempt the path", "/etc/nginx/sites-enabled/default:12", true, true});
  r.diagnosis.predictions.push_back({"http://example.com/.well-known/pki-validation/t.txt", "ipv4", 301,
                                     "https://example.com/", "none", "/etc/nginx/x:3", "/etc/nginx/x:1"});
  r.plan.steps.push_back({"nginx.edit", "webserver.nginx", "exempt the path",
                          EditFile{"/etc/nginx/x", "a\n", "b\n", "--- a\n+++ b\n"}});
  r.plan.steps.push_back({"nginx.reload", "webserver.nginx", "reload", Reload{"nginx", {"nginx", "-t"}, {"nginx", "-s", "reload"}}});
  CheckResult c;
  c.url = "http://example.com/.well-known/pki-validation/t.txt";
  c.family = "ipv4";
  c.vantage = "local";
  c.status = 200;
  c.content_match = true;
  r.checks.push_back(c);
  r.ready = true;
  return r;
}

TEST(ReportTest, JsonHasTheStableCore) {
  nlohmann::json json = ReportToJson(Sample());
  EXPECT_EQ(json["verdict"], "ready");
  EXPECT_EQ(json["run_id"], "20260101T000000Z-abcdef");
  EXPECT_EQ(json["findings"][0]["code"], "REDIRECT_ON_PATH");
  EXPECT_EQ(json["findings"][0]["severity"], "error");
  EXPECT_EQ(json["findings"][0]["source"], "/etc/nginx/sites-enabled/default:12");
  EXPECT_EQ(json["findings"][0]["fixed"], true);
  EXPECT_EQ(json["predictions"][0]["status"], 301);
  EXPECT_EQ(json["plan"][0]["kind"], "edit");
  EXPECT_EQ(json["plan"][0]["diff"], "--- a\n+++ b\n");
  EXPECT_TRUE(json["plan"][1]["diff"].is_null());
  EXPECT_EQ(json["plan"][1]["kind"], "reload");
  EXPECT_EQ(json["checks"][0]["vantage"], "local");
  EXPECT_TRUE(json["checks"][0]["location"].is_null());
  EXPECT_TRUE(json["checks"][0]["error"].is_null());
}

TEST(ReportTest, TextGroupsByDomainAndEndsWithTheVerdict) {
  Report r = Sample();
  r.ready = false;
  std::string text = RenderText(r, false);
  EXPECT_EQ(text.rfind("example.com:\n", 0), 0u) << text;
  EXPECT_NE(text.find("source:   /etc/nginx/sites-enabled/default:12"), std::string::npos);
  EXPECT_NE(text.find("nginx -t && nginx -s reload"), std::string::npos);
  const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  EXPECT_EQ(last.rfind("NOT READY: ", 0), 0u) << last;
  EXPECT_EQ(RenderText(r, true).find('\n'), RenderText(r, true).size() - 1) << "quiet: one line";
}

TEST(ReportTest, EveryFindingCodeHasAUniqueUpperCaseName) {
  std::set<std::string_view> names;
  for (const FindingCodeInfo& info : AllFindingCodes()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(CodeName(info.code), info.name);
    EXPECT_FALSE(info.summary.empty());
  }
  EXPECT_GE(names.size(), 19u) << "every code of DESIGN.md's table";
}

}  // namespace
}  // namespace dcv
