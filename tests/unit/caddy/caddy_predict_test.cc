// Prediction tests on real `caddy adapt` output (tests/fixtures/caddy, captured with
// capture.sh from Caddy 2.6.2): automatic HTTPS's 308 on http, file_server under root,
// respond, redir, reverse_proxy, `auto_https off` and `disable_redirects`; and Caddy's
// path and host matchers.
#include "remediators/webserver/caddy/caddy_predict.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace dcv::caddy {
namespace {

constexpr const char* kPath = "/.well-known/pki-validation/tok.txt";

Config Fixture(const std::string& name) {
  Result<Config> c = ParseAdapted(testing::ReadText(std::string(DCV_FIXTURES) + "/caddy/" + name + ".json"));
  EXPECT_TRUE(c) << name;
  return c ? *c : Config{};
}

Answer Ask(const Config& config, bool https, const std::string& host, bool exists = false) {
  return Predict(config, Request{https, host, https ? 443 : 80, kPath},
                 [exists](const std::string&) { return exists; });
}

TEST(CaddyPredictTest, HostSiteRedirectsHttpWith308AndServesHttpsFromRoot) {
  Config c = Fixture("file-server");
  Answer http = Ask(c, false, "www.example.com");
  EXPECT_EQ(http.outcome, Outcome::kRedirect);
  EXPECT_EQ(http.status, 308);
  EXPECT_TRUE(http.auto_redirect);
  EXPECT_EQ(http.location, std::string("https://www.example.com") + kPath);
  Answer https = Ask(c, true, "example.com");
  EXPECT_EQ(https.outcome, Outcome::kFile);
  EXPECT_EQ(https.status, 404);
  EXPECT_EQ(https.file, std::string("/var/www/html") + kPath);
  EXPECT_EQ(Ask(c, true, "example.com", true).status, 200);
  EXPECT_FALSE(https.tls_mismatch);
}

TEST(CaddyPredictTest, DebianStockServesPort80OnlyForAnyHost) {
  Config c = Fixture("debian-stock");
  Answer http = Ask(c, false, "example.com");
  EXPECT_EQ(http.outcome, Outcome::kFile);
  EXPECT_EQ(http.file, std::string("/usr/share/caddy") + kPath);
  EXPECT_EQ(Ask(c, true, "example.com").outcome, Outcome::kNoListener);
}

TEST(CaddyPredictTest, ReverseProxyAndSiteRedirect) {
  Config c = Fixture("reverse-proxy");
  Answer app = Ask(c, true, "example.com");
  EXPECT_EQ(app.outcome, Outcome::kUpstream);
  EXPECT_EQ(app.note, "reverse_proxy localhost:8080");
  Answer www = Ask(c, true, "www.example.com");
  EXPECT_EQ(www.outcome, Outcome::kRedirect);
  EXPECT_EQ(www.status, 301);
  EXPECT_EQ(www.location, std::string("https://example.com") + kPath);
  EXPECT_EQ(Ask(c, false, "example.com").status, 308);
}

TEST(CaddyPredictTest, AutoHttpsOffServesHttpAndNothingOn443) {
  Config c = Fixture("auto-https-off");
  Answer http = Ask(c, false, "example.com", true);
  EXPECT_EQ(http.outcome, Outcome::kFile);
  EXPECT_EQ(http.status, 200);
  EXPECT_EQ(Ask(c, true, "example.com").outcome, Outcome::kNoListener);
}

TEST(CaddyPredictTest, DisableRedirectsLeavesHttpUnansweredAndRespondDecides) {
  Config c = Fixture("disable-redirects");
  EXPECT_EQ(Ask(c, false, "example.com").outcome, Outcome::kNoListener);
  Answer https = Ask(c, true, "example.com", true);
  EXPECT_EQ(https.outcome, Outcome::kStatus);
  EXPECT_EQ(https.status, 403);
  EXPECT_EQ(https.body, "not here");
}

TEST(CaddyPredictTest, UnnamedHostGetsCaddysEmptyAnswerOnTheTlsServer) {
  Answer other = Ask(Fixture("file-server"), true, "other.test");
  EXPECT_EQ(other.outcome, Outcome::kStatus);
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.note, "no handler responds");
}

TEST(CaddyPredictTest, PathAndHostMatchers) {
  EXPECT_TRUE(PathMatches("/.well-known/*", kPath));
  EXPECT_TRUE(PathMatches("/.WELL-KNOWN/*", kPath));
  EXPECT_TRUE(PathMatches("*.txt", kPath));
  EXPECT_TRUE(PathMatches("*pki*", kPath));
  EXPECT_TRUE(PathMatches("/.well-known/*/tok.txt", kPath));
  EXPECT_FALSE(PathMatches("/api/*", kPath));
  EXPECT_FALSE(PathMatches("/.well-known", kPath));
  EXPECT_TRUE(HostMatches("*.example.com", "www.example.com"));
  EXPECT_FALSE(HostMatches("*.example.com", "example.com"));
  EXPECT_TRUE(HostMatches("Example.COM", "example.com"));
}

}  // namespace
}  // namespace dcv::caddy
