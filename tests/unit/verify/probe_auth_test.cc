// Request signing: known digests, and each reason a request is refused.
#include "agent/verify/probe_auth.h"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "agent/verify/probe.h"

namespace dcv {
namespace {

constexpr std::int64_t kNow = 1767225600;

TEST(ProbeAuthTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ProbeAuthTest, CanonicalStringIsLineSeparated) {
  EXPECT_EQ(CanonicalProbeRequest("POST", "/v1/fetch", "1", "ab", "abc"),
            "POST\n/v1/fetch\n1\nab\n" + Sha256Hex("abc"));
}

TEST(ProbeAuthTest, AcceptsAFreshSignedRequestOnce) {
  ProbeAuthenticator authenticator("key");
  ProbeSignature signature = SignProbeRequest("key", "POST", "/v1/fetch", "{}", kNow);
  EXPECT_EQ(signature.nonce.size(), 32u);
  EXPECT_TRUE(authenticator.Verify("POST", "/v1/fetch", signature, "{}", kNow + 10));
  Result<void> replay = authenticator.Verify("POST", "/v1/fetch", signature, "{}", kNow + 20);
  ASSERT_FALSE(replay);
  EXPECT_NE(replay.error().message.find("replay"), std::string::npos);
}

TEST(ProbeAuthTest, RefusesWrongKeyBodyTargetOrMissingHeaders) {
  ProbeAuthenticator authenticator("key");
  ProbeSignature signature = SignProbeRequest("other", "POST", "/v1/fetch", "{}", kNow);
  EXPECT_FALSE(authenticator.Verify("POST", "/v1/fetch", signature, "{}", kNow));
  signature = SignProbeRequest("key", "POST", "/v1/fetch", "{}", kNow);
  EXPECT_FALSE(authenticator.Verify("POST", "/v1/fetch", signature, "{ }", kNow));
  EXPECT_FALSE(authenticator.Verify("POST", "/v2/fetch", signature, "{}", kNow));
  EXPECT_FALSE(authenticator.Verify("POST", "/v1/fetch", ProbeSignature{}, "{}", kNow));
  // None of the refusals above burned the nonce.
  EXPECT_TRUE(authenticator.Verify("POST", "/v1/fetch", signature, "{}", kNow));
}

TEST(ProbeAuthTest, RefusesStaleAndFutureTimestamps) {
  ProbeAuthenticator authenticator("key");
  ProbeSignature old = SignProbeRequest("key", "POST", "/v1/fetch", "", kNow - 301);
  Result<void> stale = authenticator.Verify("POST", "/v1/fetch", old, "", kNow);
  ASSERT_FALSE(stale);
  EXPECT_NE(stale.error().message.find("timestamp"), std::string::npos);
  ProbeSignature future = SignProbeRequest("key", "POST", "/v1/fetch", "", kNow + 301);
  EXPECT_FALSE(authenticator.Verify("POST", "/v1/fetch", future, "", kNow));
  ProbeSignature edge = SignProbeRequest("key", "POST", "/v1/fetch", "", kNow - 300);
  EXPECT_TRUE(authenticator.Verify("POST", "/v1/fetch", edge, "", kNow));
}

TEST(ProbeAuthTest, ResponseSignatures) {
  std::string signature = SignProbeResponse("key", 200, "n1", "{}");
  EXPECT_TRUE(VerifyProbeResponse("key", 200, "n1", "{}", signature));
  EXPECT_FALSE(VerifyProbeResponse("key", 200, "n2", "{}", signature));
  EXPECT_FALSE(VerifyProbeResponse("key", 200, "n1", "{ }", signature));
  EXPECT_FALSE(VerifyProbeResponse("other", 200, "n1", "{}", signature));
}

class KeyFileTest : public ::testing::Test {
 protected:
  ~KeyFileTest() override { std::remove(path_.c_str()); }
  void Write(const std::string& text) { std::ofstream(path_) << text; }
  std::string path_ = ::testing::TempDir() + "/dcv-probe-key";
};

TEST_F(KeyFileTest, ReadsTheTrimmedFirstLine) {
  Write("  s3cret \t\nsecond line\n");
  Result<std::string> key = ReadProbeKey(path_);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(*key, "s3cret");
}

TEST_F(KeyFileTest, EmptyOrMissingNamesThePath) {
  Write(" \n");
  Result<std::string> empty = ReadProbeKey(path_);
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find(path_), std::string::npos);
  Result<std::string> missing = ReadProbeKey(path_ + ".absent");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find(path_ + ".absent"), std::string::npos);
}

}  // namespace
}  // namespace dcv
