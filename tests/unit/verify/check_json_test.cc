// JSON conversion: the report's `checks` shape and round trips of the probe protocol.
#include "agent/verify/check_json.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

TEST(CheckJsonTest, CheckResultHasTheReportShape) {
  CheckResult result;
  result.url = "http://example.com/f";
  result.family = "ipv6";
  result.vantage = "local";
  result.status = 200;
  result.content_match = true;
  nlohmann::json json = CheckResultToJson(result);
  EXPECT_EQ(json["url"], "http://example.com/f");
  EXPECT_EQ(json["family"], "ipv6");
  EXPECT_EQ(json["vantage"], "local");
  EXPECT_EQ(json["status"], 200);
  EXPECT_TRUE(json["location"].is_null());
  EXPECT_TRUE(json["error"].is_null());
  EXPECT_EQ(json["content_match"], true);
  EXPECT_TRUE(json["redirects"].is_array());
}

TEST(CheckJsonTest, CheckResultRoundTrips) {
  CheckResult result;
  result.url = "http://example.com/f";
  result.family = "ipv4";
  result.vantage = "http://probe:8080";
  result.status = 301;
  result.location = "https://example.com:8443/f";
  result.error = "redirect to port 8443";
  result.redirects = {"https://example.com/f"};
  result.body = "x";
  result.connect_failed = true;
  Result<CheckResult> back = CheckResultFromJson(CheckResultToJson(result));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->location, result.location);
  EXPECT_EQ(back->error, result.error);
  EXPECT_EQ(back->redirects, result.redirects);
  EXPECT_EQ(back->status, 301);
  EXPECT_TRUE(back->connect_failed);
}

TEST(CheckJsonTest, SpecsAndRulesRoundTrip) {
  FetchSpec spec{"https://example.com/f", Family::kIpv6, "token"};
  Result<FetchSpec> spec_back = FetchSpecFromJson(FetchSpecToJson(spec));
  ASSERT_TRUE(spec_back);
  EXPECT_EQ(spec_back->family, Family::kIpv6);
  EXPECT_EQ(spec_back->expected_content, "token");
  FetchRules rules;
  rules.allow_303 = true;
  rules.max_body_bytes = 4096;
  rules.allowed_ports = {80};
  Result<FetchRules> rules_back = FetchRulesFromJson(FetchRulesToJson(rules));
  ASSERT_TRUE(rules_back);
  EXPECT_TRUE(rules_back->allow_303);
  EXPECT_EQ(rules_back->max_body_bytes, 4096u);
  EXPECT_EQ(rules_back->allowed_ports, std::vector<int>{80});
}

TEST(CheckJsonTest, RulesKeepDefaultsForMissingKeys) {
  Result<FetchRules> rules = FetchRulesFromJson(nlohmann::json::object());
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->max_redirects, 10);
  EXPECT_EQ(rules->max_body_bytes, 128u);
}

TEST(CheckJsonTest, NamesTheBadKey) {
  Result<FetchSpec> spec = FetchSpecFromJson({{"url", 5}, {"family", "ipv4"}});
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message.find("url"), std::string::npos);
  Result<FetchSpec> family = FetchSpecFromJson({{"url", "http://x/"}, {"family", "ipx"}});
  ASSERT_FALSE(family);
  EXPECT_NE(family.error().message.find("ipx"), std::string::npos);
  EXPECT_FALSE(FetchRulesFromJson({{"max_redirects", "ten"}}));
}

// Found while writing fuzz/probe_request_fuzz and confirmed with it (UBSan: "1e+11 is outside
// the range of representable values of type 'int'"): a probe request's numbers that are floats or do not fit the field
// are refused by name instead of being converted with undefined behaviour.
TEST(CheckJsonTest, RefusesNumbersThatDoNotFitTheField) {
  const auto rules = [](const char* text) { return FetchRulesFromJson(nlohmann::json::parse(text)); };
  for (const char* text : {R"({"max_redirects": 1e11})", R"({"max_redirects": 2.5})",
                           R"({"connect_timeout_ms": 1e300})", R"({"max_body_bytes": -1})",
                           R"({"allowed_ports": [80, 1e11]})", R"({"max_redirects": 4294967296})"}) {
    Result<FetchRules> parsed = rules(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().message.find("not a whole number in range"), std::string::npos) << text;
  }
  Result<FetchRules> fine = rules(R"({"max_redirects": 3, "max_body_bytes": 4096, "allowed_ports": [8080]})");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->max_redirects, 3);
  EXPECT_EQ(fine->allowed_ports, std::vector<int>{8080});
  nlohmann::json result = CheckResultToJson(CheckResult{});
  result["status"] = 1e11;
  EXPECT_FALSE(CheckResultFromJson(result));
}

}  // namespace
}  // namespace dcv
