// Name checks: IDN names reach the CA in their A-label form (and bad ones are refused
// naming the input), and the names CAs review by hand are flagged as a warning.
#include "agent/name_checks.h"

#include <gtest/gtest.h>

#include "agent/cli_options.h"

namespace dcv {
namespace {

TEST(NameChecksTest, IdnNamesBecomeALabels) {
  EXPECT_EQ(ToAsciiName("bücher.example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(ToAsciiName("例子.测试").value(), "xn--fsqu00a.xn--0zwm56d");
  EXPECT_EQ(ToAsciiName("plain.example.com").value(), "plain.example.com");
  EXPECT_EQ(NormalizeDomain("Bücher.Example.").value(), "xn--bcher-kva.example");
}

TEST(NameChecksTest, MalformedIdnIsRefusedNamingTheInput) {
  const Result<std::string> bad = NormalizeDomain("bad\xff\xfe.example");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("invalid --domain 'bad", 0), 0u) << bad.error().message;
  EXPECT_FALSE(NormalizeDomain("a\u2603\u0301b.example"));  // a combining mark after a symbol
}

TEST(NameChecksTest, SensitiveWordsAndInstitutionsWarn) {
  const auto bank = SensitiveNameFinding("mybank-login.shop.com");
  ASSERT_TRUE(bank);
  EXPECT_EQ(bank->code, FindingCode::kSensitiveName);
  EXPECT_EQ(bank->severity, Severity::kWarning);
  EXPECT_FALSE(bank->fixable);
  EXPECT_EQ(bank->evidence, "mybank-login.shop.com: 'bank' in 'mybank-login'");
  const auto gov = SensitiveNameFinding("portal.gov.cn");
  ASSERT_TRUE(gov);
  EXPECT_NE(gov->evidence.find("a .gov.cn registration"), std::string::npos);
  EXPECT_TRUE(SensitiveNameFinding("library.edu"));
  EXPECT_TRUE(SensitiveNameFinding("*.paypal-help.com"));
  EXPECT_FALSE(SensitiveNameFinding("shop.bank")) << "the top-level label is not matched";
  EXPECT_FALSE(SensitiveNameFinding("www.kitchen.com"));
  EXPECT_FALSE(SensitiveNameFinding("community.org"));
}

}  // namespace
}  // namespace dcv
