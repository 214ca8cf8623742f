// Token names and content from the CA, the planned file, and the comparison the CA makes.
#include "remediators/webroot/validation_file.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

Target FileTarget(std::string token, std::string content) {
  Target target;
  target.domains = {"example.com"};
  target.token = std::move(token);
  target.content = std::move(content);
  return target;
}

TEST(ValidationFileTest, TokenNamesAreValidated) {
  for (const std::string& good : std::vector<std::string>{"fileauth.txt", "A-b_c.9", std::string(255, 'a')}) {
    EXPECT_TRUE(ValidateTokenName(good)) << good;
  }
  for (const std::string& bad : std::vector<std::string>{"", ".", "..", "../x", "a/b", "a b", "%2e%2e", std::string(256, 'a'),
                                std::string("a\0b", 3), "x\n"}) {
    Result<void> valid = ValidateTokenName(bad);
    ASSERT_FALSE(valid) << bad;
    EXPECT_NE(valid.error().message.find("--token"), std::string::npos);
    for (unsigned char c : valid.error().message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte echoed";
  }
}

TEST(ValidationFileTest, ContentIsBounded) {
  EXPECT_TRUE(ValidateContent(std::string(kMaxContentBytes, 'x')));
  EXPECT_FALSE(ValidateContent(std::string(kMaxContentBytes + 1, 'x')));
  EXPECT_FALSE(ValidateContent(std::string("a\0b", 3)));
  EXPECT_FALSE(ValidateContent(" \n"));
}

TEST(ValidationFileTest, PlansAWriteUnderTheDocrootWithANewline) {
  Result<Step> step = PlanValidationFile("/var/www/html/", FileTarget("t.txt", "abc"));
  ASSERT_TRUE(step);
  const auto& write = std::get<WriteFile>(step->action);
  EXPECT_EQ(write.path, "/var/www/html/.well-known/pki-validation/t.txt");
  EXPECT_EQ(write.content, "abc\n");
  EXPECT_EQ(write.mode, 0644u);
  Target acme = FileTarget("tok", "tok.thumb");
  acme.method = Method::kAcmeHttp;
  EXPECT_EQ(ValidationFilePath("/srv", acme), "/srv/.well-known/acme-challenge/tok");
}

TEST(ValidationFileTest, RefusesSymlinkedWellKnown) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "elsewhere");
  std::filesystem::create_symlink(dir / "elsewhere", dir / ".well-known");
  EXPECT_FALSE(PlanValidationFile(dir.path(), FileTarget("t.txt", "abc")));
}

TEST(ValidationFileTest, MatchesAsTheCaComparesTrimmingTrailingWhitespace) {
  testing::TempDir dir;
  testing::WriteText(dir / ".well-known/pki-validation/t.txt", "abc \r\n\n");
  EXPECT_TRUE(ValidationFileMatches(dir.path(), FileTarget("t.txt", "abc")));
  EXPECT_FALSE(ValidationFileMatches(dir.path(), FileTarget("t.txt", "abcd")));
  EXPECT_FALSE(ValidationFileMatches(dir.path(), FileTarget("other.txt", "abc")));
}

}  // namespace
}  // namespace dcv
