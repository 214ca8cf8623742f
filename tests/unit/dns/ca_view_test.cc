// What the CA's view turns into findings (the libunbound results themselves are exercised
// end to end in tests/e2e/dns_dnssec_test.sh).
#include "agent/dns/ca_view.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

CaViewAnswer Answer(const std::string& name, RrType type, int rcode) {
  CaViewAnswer a;
  a.question = {name, type};
  a.rcode = rcode;
  return a;
}

TEST(CaViewFindings, BogusIsOneFindingWithTheReason) {
  CaViewAnswer txt = Answer("_dnsauth.bogus.test.", RrType::kTxt, 0);
  txt.bogus = true;
  txt.why_bogus = "validation failure <_dnsauth.bogus.test. TXT IN>: no keys have a DS";
  CaViewAnswer a = Answer("bogus.test.", RrType::kA, 0);
  a.bogus = true;
  auto f = CaViewFindings("bogus.test", {txt, a});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, FindingCode::kDnssecBogus);
  EXPECT_NE(f[0].evidence.find("no keys have a DS"), std::string::npos) << f[0].evidence;
  EXPECT_NE(f[0].evidence.find("_dnsauth.bogus.test. TXT"), std::string::npos) << f[0].evidence;
}

TEST(CaViewFindings, ServfailOrTimeoutOnTheTxtNameOnly) {
  CaViewAnswer servfail = Answer("_dnsauth.x.test.", RrType::kTxt, 2);
  CaViewAnswer a_servfail = Answer("x.test.", RrType::kA, 2);
  auto f = CaViewFindings("x.test", {servfail, a_servfail});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, FindingCode::kTxtMissing);
  EXPECT_NE(f[0].evidence.find("SERVFAIL"), std::string::npos);
  CaViewAnswer slow = Answer("_dnsauth.x.test.", RrType::kTxt, -1);
  slow.timed_out = true;
  auto g = CaViewFindings("x.test", {slow});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_NE(g[0].evidence.find("timeout"), std::string::npos);
}

TEST(CaViewFindings, SecureOrInsecureAnswersAreFine) {
  CaViewAnswer ok = Answer("_dnsauth.secure.test.", RrType::kTxt, 0);
  ok.secure = true;
  EXPECT_TRUE(CaViewFindings("secure.test", {ok, Answer("_dnsauth.y.test.", RrType::kTxt, 3)}).empty());
}

}  // namespace
}  // namespace dcv
