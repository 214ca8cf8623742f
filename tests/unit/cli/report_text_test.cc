// The text report for people: findings grouped by domain with what is wrong, evidence,
// file:line and remedy; the verdict last; colour only when asked; -q one line; the
// language changes the text and never the JSON.
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "agent/report.h"

namespace dcv {
namespace {

Report NotReady() {
  Report r;
  r.command = "check";
  r.run_id = "20260101T000000Z-abcdef";
  r.target.domains = {"www.example.com", "example.com"};
  r.target.ca = "letsencrypt";
  r.target.method = Method::kAcmeHttp;
  r.diagnosis.findings.push_back({FindingCode::kLocalVantageOnly, Severity::kWarning, "", "", "fetched over loopback",
                                  "pass --probe URL", "", false});
  r.diagnosis.findings.push_back({FindingCode::kRedirectOnPath, Severity::kError, "example.com",
                                  "http://example.com/.well-known/acme-challenge/t", "301 to https://example.com/",
                                  "exempt the path in the server block", "/etc/nginx/sites-enabled/default:12"});
  r.diagnosis.findings.push_back({FindingCode::kPortClosedFirewall, Severity::kError, "www.example.com", "",
                                  "nft inet filter input drops tcp dport 80", "", "/etc/nftables.conf:7"});
  return r;
}

Report Ready() {
  Report r = NotReady();
  r.diagnosis.findings.erase(r.diagnosis.findings.begin() + 1, r.diagnosis.findings.end());
  r.ready = true;
  return r;
}

std::string LastLine(const std::string& text) {
  return text.substr(text.rfind('\n', text.size() - 2) + 1);
}

TEST(ReportTextTest, GroupsFindingsByDomainInTargetOrderHostLast) {
  const std::string text = RenderText(NotReady(), false);
  const std::size_t www = text.find("www.example.com:\n"), apex = text.find("\nexample.com:\n"),
                    host = text.find("this host:\n");
  ASSERT_NE(www, std::string::npos) << text;
  ASSERT_NE(apex, std::string::npos) << text;
  ASSERT_NE(host, std::string::npos) << text;
  EXPECT_LT(www, apex);
  EXPECT_LT(apex, host);
  EXPECT_LT(text.find("PORT_CLOSED_FIREWALL"), apex) << "under its own domain";
  EXPECT_GT(text.find("REDIRECT_ON_PATH"), apex);
}

TEST(ReportTextTest, EachFindingSaysWhatWhereAndHowToFix) {
  const std::string text = RenderText(NotReady(), false);
  EXPECT_NE(text.find("error REDIRECT_ON_PATH: the validation URL answers a redirect\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    evidence: 301 to https://example.com/\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    source:   /etc/nginx/sites-enabled/default:12\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    remedy:   exempt the path in the server block\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    url:      http://example.com/.well-known/acme-challenge/t\n"), std::string::npos);
  // a finding without its own remedy gets the code's general one
  EXPECT_NE(text.find("    remedy:   open tcp/80 (and tcp/443) to the CA in the firewall"), std::string::npos) << text;
}

TEST(ReportTextTest, VerdictIsTheLastLineAndNamesTheCodes) {
  EXPECT_EQ(LastLine(RenderText(NotReady(), false)),
            "NOT READY: 2 errors, 1 warning (REDIRECT_ON_PATH, PORT_CLOSED_FIREWALL, LOCAL_VANTAGE_ONLY)\n");
  EXPECT_EQ(LastLine(RenderText(Ready(), false)),
            "READY: www.example.com, example.com will pass letsencrypt http-01 validation; 1 warning "
            "(LOCAL_VANTAGE_ONLY)\n");
  Report fixed = NotReady();
  for (Finding& f : fixed.diagnosis.findings) f.fixed = true;
  fixed.ready = true;
  fixed.applied = true;
  fixed.command = "fix";
  EXPECT_EQ(LastLine(RenderText(fixed, false)),
            "READY: www.example.com, example.com will pass letsencrypt http-01 validation (run "
            "20260101T000000Z-abcdef)\n");
  Report refused = NotReady();
  refused.errors = {"nginx refused: config invalid"};
  refused.dry_run = true;
  refused.plan.steps.push_back({"x", "r", "d", RemoveFile{"/tmp/x", std::nullopt}});
  EXPECT_NE(LastLine(RenderText(refused, false)).find("; 1 problem(s) listed above; dry run: 1 step(s) planned"),
            std::string::npos);
}

TEST(ReportTextTest, QuietPrintsExactlyTheVerdictLine) {
  const Report r = NotReady();
  const std::string quiet = RenderText(r, true);
  EXPECT_EQ(quiet.find('\n'), quiet.size() - 1) << quiet;
  EXPECT_EQ(quiet, VerdictLine(r) + "\n");
  EXPECT_EQ(quiet, LastLine(RenderText(r, false)));
}

TEST(ReportTextTest, ColourOnlyWhenAsked) {
  const Report r = NotReady();
  const std::string plain = RenderText(r, false, {Lang::kEn, false});
  const std::string colored = RenderText(r, false, {Lang::kEn, true});
  EXPECT_EQ(plain.find('\033'), std::string::npos) << "no ANSI escapes when colour is off";
  EXPECT_NE(colored.find("\033[1;31merror\033[0m"), std::string::npos) << colored;
  EXPECT_NE(colored.find("\033[33mwarning\033[0m"), std::string::npos);
  EXPECT_EQ(LastLine(colored), "\033[1;31m" + VerdictLine(r) + "\033[0m\n");
  EXPECT_EQ(RenderText(r, true, {Lang::kEn, true}).find('\n'), RenderText(r, true, {Lang::kEn, true}).size() - 1);
}

TEST(ReportTextTest, ChineseShowsTranslatedExplanationsAndKeepsEvidence) {
  const Report r = NotReady();
  const std::string cn = RenderText(r, false, {Lang::kZhCn, false});
  EXPECT_NE(cn.find("本机："), std::string::npos) << cn;
  EXPECT_NE(cn.find("错误 REDIRECT_ON_PATH：验证网址返回了重定向"), std::string::npos) << cn;
  EXPECT_NE(cn.find("301 to https://example.com/"), std::string::npos) << "evidence stays as found";
  EXPECT_NE(cn.find("/etc/nginx/sites-enabled/default:12"), std::string::npos);
  EXPECT_NE(cn.find("详情："), std::string::npos) << "the finding's own English remedy follows";
  EXPECT_NE(cn.find("exempt the path in the server block"), std::string::npos);
  EXPECT_EQ(LastLine(cn), "未就绪：2 个错误，1 个警告（REDIRECT_ON_PATH, PORT_CLOSED_FIREWALL, LOCAL_VANTAGE_ONLY）\n");
  const std::string tw = RenderText(r, false, {Lang::kZhTw, false});
  EXPECT_NE(tw.find("本機："), std::string::npos) << tw;
  EXPECT_NE(tw.find("驗證網址回應了重新導向"), std::string::npos) << tw;
  EXPECT_EQ(LastLine(tw), "未就緒：2 個錯誤，1 個警告（REDIRECT_ON_PATH, PORT_CLOSED_FIREWALL, LOCAL_VANTAGE_ONLY）\n");
}

// PrintReport --json writes the same bytes whatever the text style.
std::string PrintedJson(const Report& r, const TextStyle& style) {
  SetTextStyle(style);
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  PrintReport(r, true, false);
  std::cout.rdbuf(saved);
  SetTextStyle({});
  return captured.str();
}

TEST(ReportTextTest, JsonIsTheSameInEveryLanguageAndColour) {
  const Report r = NotReady();
  const std::string english = PrintedJson(r, {});
  EXPECT_EQ(english.front(), '{');
  EXPECT_EQ(PrintedJson(r, {Lang::kZhCn, true}), english);
  EXPECT_EQ(PrintedJson(r, {Lang::kZhTw, false}), english);
  EXPECT_EQ(english.find('\033'), std::string::npos);
}

}  // namespace
}  // namespace dcv
