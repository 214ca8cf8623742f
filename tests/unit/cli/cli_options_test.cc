// Input validation of the command line: every bad input is refused with a message that
// names the option and the value, before any phase runs.
#include "agent/cli_options.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

TargetOptions Valid() {
  TargetOptions o;
  o.domains = {"Example.COM."};
  o.token = "fileauth.txt";
  o.content = "abc123";
  return o;
}

TEST(CliOptionsTest, NormalizesDomains) {
  Result<Target> target = BuildTarget(Valid(), true);
  ASSERT_TRUE(target) << target.error().message;
  EXPECT_EQ(target->domains, std::vector<std::string>{"example.com"});
  EXPECT_EQ(target->UrlPath(), "/.well-known/pki-validation/fileauth.txt");
}

TEST(CliOptionsTest, RejectsMalformedDomainsNamingThem) {
  for (const std::string& bad : std::vector<std::string>{"", "localhost", "exa mple.com", "-a.com", "a-.com", "a..com", "a.com;id",
                                "a.com\nb.com", std::string(64, 'a') + ".com", "ex$ample.com", "\xe9.com"}) {
    TargetOptions o = Valid();
    o.domains = {bad};
    Result<Target> target = BuildTarget(o, true);
    ASSERT_FALSE(target) << bad;
    EXPECT_NE(target.error().message.find("--domain"), std::string::npos) << target.error().message;
  }
}

TEST(CliOptionsTest, AcceptsWildcardSyntaxForTheDiagnosisToRefuse) {
  EXPECT_TRUE(NormalizeDomain("*.example.com"));
  EXPECT_FALSE(NormalizeDomain("a.*.example.com"));
}

TEST(CliOptionsTest, RejectsTraversalInTokens) {
  TargetOptions o = Valid();
  o.token = "../etc/passwd";
  Result<Target> target = BuildTarget(o, true);
  ASSERT_FALSE(target);
  EXPECT_NE(target.error().message.find("../etc/passwd"), std::string::npos);
}

TEST(CliOptionsTest, ContentFileErrorsNameTheFile) {
  TargetOptions o = Valid();
  o.content.clear();
  o.content_file = "/nonexistent/dcv-content";
  Result<Target> target = BuildTarget(o, true);
  ASSERT_FALSE(target);
  EXPECT_NE(target.error().message.find("/nonexistent/dcv-content"), std::string::npos);
}

TEST(CliOptionsTest, ContentOverTheBoundIsRefused) {
  testing::TempDir dir;
  testing::WriteText(dir / "big", std::string(70000, 'x'));
  TargetOptions o = Valid();
  o.content.clear();
  o.content_file = dir / "big";
  Result<Target> target = BuildTarget(o, true);
  ASSERT_FALSE(target);
  EXPECT_NE(target.error().message.find("--content-file"), std::string::npos);
  o.content_file.clear();
  o.content = std::string(70000, 'x');
  ASSERT_FALSE(BuildTarget(o, true));
}

TEST(CliOptionsTest, ContentIsRequiredExceptForCleanup) {
  TargetOptions o = Valid();
  o.content.clear();
  EXPECT_FALSE(BuildTarget(o, true));
  EXPECT_TRUE(BuildTarget(o, false));
}

TEST(CliOptionsTest, LetsEncryptHasNoFileMethod) {
  TargetOptions o = Valid();
  o.ca = "letsencrypt";
  Result<Target> target = BuildTarget(o, true);
  ASSERT_FALSE(target);
  EXPECT_NE(target.error().message.find("--method acme-http"), std::string::npos);
  o.method = "acme-http";
  EXPECT_TRUE(BuildTarget(o, true));
}

TEST(CliOptionsTest, AllowFromIsParsedAndDeduplicated) {
  TargetOptions o = Valid();
  o.allow_from = {"203.0.113.0/24", "2001:db8::/32", "203.0.113.0/24"};
  o.temporary = true;
  Result<Target> target = BuildTarget(o, true);
  ASSERT_TRUE(target);
  ASSERT_EQ(target->allow_from.size(), 2u);
  EXPECT_EQ(target->allow_from[1].ToString(), "2001:db8::/32");
  EXPECT_TRUE(target->temporary);
  o.allow_from = {"203.0.113.7/24"};
  target = BuildTarget(o, true);
  ASSERT_FALSE(target);
  EXPECT_EQ(target.error().message, "invalid --allow-from '203.0.113.7/24': host bits set; did you mean 203.0.113.0/24?");
}

}  // namespace
}  // namespace dcv
