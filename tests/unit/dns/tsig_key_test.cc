// TSIG key files: the formats sysadmins have (tsig-keygen's BIND clause, captured from the
// real tool; nsupdate -y / knot's one line) and the errors a hand-edited file deserves,
// each naming the file and the line.
#include "agent/dns/tsig_key.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

const std::string kFixture = std::string(DCV_FIXTURES) + "/dns/update/";

TEST(TsigKey, ReadsTsigKeygenOutput) {
  Result<TsigKey> key = ReadTsigKey(kFixture + "tsig-keygen.key");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->name, "acme-update.");
  EXPECT_EQ(key->algorithm, "hmac-sha256.");
  EXPECT_EQ(key->secret, "26ifLDolVNPACZgNTiJxI5sMuSMWyjHikLoNSLazLf8=");
}

TEST(TsigKey, ReadsTheOneLineForm) {
  Result<TsigKey> key = ReadTsigKey(kFixture + "key.txt");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->name, "acme-update.");
  EXPECT_EQ(key->algorithm, "hmac-sha256.");
  EXPECT_EQ(key->secret.size(), 44u);
}

TEST(TsigKey, OneLineAfterCommentsAndBlankLines) {
  Result<TsigKey> key = ParseTsigKey("# our key\n\n  HMAC-SHA512:Upper.Name:QUJDRA==  \n", "k");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->name, "upper.name.");
  EXPECT_EQ(key->algorithm, "hmac-sha512.");
  EXPECT_EQ(key->secret, "QUJDRA==");
}

TEST(TsigKey, BindClauseWithComments) {
  const std::string text =
      "/* made by hand\n   for the test */\n// the update key\nkey acme { # no quotes\n"
      "  secret \"QUJDRA==\"; algorithm hmac-md5;\n};\n";
  Result<TsigKey> key = ParseTsigKey(text, "k");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->name, "acme.");
  EXPECT_EQ(key->algorithm, "hmac-md5.sig-alg.reg.int.");
}

struct BadKey {
  const char* text;
  const char* error;
};

class TsigKeyErrors : public ::testing::TestWithParam<BadKey> {};

TEST_P(TsigKeyErrors, NameTheFileAndLine) {
  Result<TsigKey> key = ParseTsigKey(GetParam().text, "/etc/keys/k.key");
  ASSERT_FALSE(key) << GetParam().text;
  EXPECT_EQ(key.error().message, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TsigKeyErrors,
    ::testing::Values(
        BadKey{"key \"x\" {\n  algorithm hmac-sha384;\n  secret \"QUJDRA==\";\n};\n",
               "TSIG key file '/etc/keys/k.key' line 1: algorithm 'hmac-sha384' is not supported (use hmac-sha256, "
               "hmac-sha512, hmac-sha1 or hmac-md5)"},
        BadKey{"key \"x\" {\n  algorithm hmac-sha256;\n  secret \"QUJDRA==\"\n};\n",
               "TSIG key file '/etc/keys/k.key' line 4: expected ';', found '}'"},
        BadKey{"key \"x\" {\n  algorithm hmac-sha256;\n  secrte \"QUJDRA==\";\n};\n",
               "TSIG key file '/etc/keys/k.key' line 3: unknown statement 'secrte' in the key clause"},
        BadKey{"key \"x\" {\n  algorithm hmac-sha256;\n};\n",
               "TSIG key file '/etc/keys/k.key' line 1: the key clause has no secret"},
        BadKey{"key \"a\" { algorithm hmac-sha256; secret \"QUJDRA==\"; };\nkey \"b\" { algorithm hmac-sha256; "
               "secret \"QUJDRA==\"; };\n",
               "TSIG key file '/etc/keys/k.key' line 2: more than one key in the file; give a file with one"},
        BadKey{"\n\nhmac-sha256:name:not base64!\n", "TSIG key file '/etc/keys/k.key' line 3: the secret is not base64"},
        BadKey{"hmac-sha256:name:QUJDRA\n", "TSIG key file '/etc/keys/k.key' line 1: the secret is not base64"},
        BadKey{"name-and-secret-only\n",
               "TSIG key file '/etc/keys/k.key' line 1: expected 'algorithm:name:secret' or a BIND key clause"},
        BadKey{"# nothing but a comment\n", "TSIG key file '/etc/keys/k.key' has no key"}));

TEST(TsigKey, UnreadableFileIsNamed) {
  Result<TsigKey> key = ReadTsigKey("/nonexistent/dir/k.key");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().message, "cannot read TSIG key file '/nonexistent/dir/k.key'");
}

}  // namespace
}  // namespace dcv
