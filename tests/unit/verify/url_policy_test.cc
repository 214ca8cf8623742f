// The CA's URL and redirect rules, without a network.
#include "agent/verify/url_policy.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

const std::string kBase = "http://example.com/.well-known/pki-validation/f.txt";

RedirectStep Follow(int status, const std::string& location, int followed = 0,
                    const FetchRules& rules = {}) {
  return NextRedirect(kBase, status, location, followed, {kBase}, rules);
}

TEST(UrlPolicyTest, FollowsThePermanentAndTemporaryRedirects) {
  for (int status : {301, 302, 307, 308}) {
    RedirectStep step = Follow(status, "https://example.com/x");
    EXPECT_EQ(step.next_url, "https://example.com/x") << status;
    EXPECT_EQ(step.violation, "") << status;
  }
}

TEST(UrlPolicyTest, Refuses303UnlessAllowed) {
  EXPECT_NE(Follow(303, "https://example.com/x").violation.find("303"), std::string::npos);
  FetchRules lenient;
  lenient.allow_303 = true;
  EXPECT_EQ(Follow(303, "https://example.com/x", 0, lenient).next_url, "https://example.com/x");
}

// DigiCert: "redirects must begin with the validated domain and stay within the same base
// domain", 301/302/307 (anchors.md). The base domain comes from the Public Suffix List.
TEST(UrlPolicyTest, DigicertRedirectsStayWithinTheBaseDomain) {
  FetchRules digicert;
  digicert.allow_308 = false;
  digicert.same_base_domain = true;
  EXPECT_EQ(Follow(301, "https://www.example.com/x", 0, digicert).violation, "");
  EXPECT_EQ(Follow(302, "http://a.b.example.com/x", 0, digicert).violation, "");
  EXPECT_EQ(Follow(301, "https://example.net/x", 0, digicert).violation,
            "redirect to example.net leaves the base domain example.com (this CA follows redirects only within it)");
  EXPECT_EQ(Follow(308, "https://www.example.com/x", 0, digicert).violation,
            "redirect with status 308 (this CA follows only 301, 302 and 307)");
  EXPECT_EQ(Follow(301, "https://example.net/x").violation, "") << "other CAs allow any host";
  // co.uk is a public suffix: two registrations under it are different base domains
  const RedirectStep uk = NextRedirect("http://shop.example.co.uk/f", 301, "http://other.co.uk/f", 0,
                                       {"http://shop.example.co.uk/f"}, digicert);
  EXPECT_EQ(uk.violation,
            "redirect to other.co.uk leaves the base domain example.co.uk (this CA follows redirects only within it)");
  EXPECT_EQ(NextRedirect("http://shop.example.co.uk/f", 301, "http://www.example.co.uk/f", 0,
                         {"http://shop.example.co.uk/f"}, digicert).violation, "");
}

TEST(UrlPolicyTest, ResolvesRelativeLocations) {
  EXPECT_EQ(Follow(301, "/other/f.txt").next_url, "http://example.com/other/f.txt");
  EXPECT_EQ(Follow(301, "g.txt").next_url, "http://example.com/.well-known/pki-validation/g.txt");
  EXPECT_EQ(Follow(301, "//www.example.com/f").next_url, "http://www.example.com/f");
}

TEST(UrlPolicyTest, RefusesOtherPortsAndSchemes) {
  RedirectStep port = Follow(301, "https://example.com:8443/f");
  EXPECT_EQ(port.next_url, "");
  EXPECT_NE(port.violation.find("redirect to port 8443 (only 80 and 443 are allowed)"),
            std::string::npos)
      << port.violation;
  RedirectStep ftp = Follow(302, "ftp://example.com/f");
  EXPECT_NE(ftp.violation.find("scheme ftp"), std::string::npos) << ftp.violation;
  EXPECT_EQ(Follow(301, "http://example.com:443/f").violation, "");  // Boulder allows it
}

TEST(UrlPolicyTest, CallsOutAMissingSlashAfterTheHost) {
  RedirectStep step = Follow(301, "https://example.com.well-known/pki-validation/f.txt");
  EXPECT_NE(step.violation.find("missing a '/'"), std::string::npos) << step.violation;
}

TEST(UrlPolicyTest, CountsRedirects) {
  EXPECT_EQ(Follow(301, "/a", 9).violation, "");
  EXPECT_NE(Follow(301, "/a", 10).violation.find("too many redirects"), std::string::npos);
}

TEST(UrlPolicyTest, DetectsLoops) {
  EXPECT_NE(Follow(301, kBase).violation.find("redirect loop"), std::string::npos);
}

TEST(UrlPolicyTest, RequiresALocation) {
  EXPECT_NE(Follow(302, "").violation.find("without a Location"), std::string::npos);
}

TEST(UrlPolicyTest, ChecksInitialUrls) {
  EXPECT_TRUE(CheckFetchable("http://example.com/f", {}));
  EXPECT_TRUE(CheckFetchable("https://[2001:db8::1]/f", {}));
  EXPECT_FALSE(CheckFetchable("http://example.com:22/f", {}));
  EXPECT_FALSE(CheckFetchable("file:///etc/passwd", {}));
  EXPECT_FALSE(CheckFetchable("gopher://example.com/f", {}));
  EXPECT_FALSE(CheckFetchable("not a url", {}));
  FetchRules rules;
  rules.allowed_ports.push_back(8080);
  EXPECT_TRUE(CheckFetchable("http://example.com:8080/f", rules));
}

}  // namespace
}  // namespace dcv
