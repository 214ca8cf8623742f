// The multi-perspective quorum over probe results.
#include "agent/verify/quorum.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

CheckResult Probe(const std::string& vantage, bool ok, const std::string& family = "ipv4") {
  CheckResult result;
  result.url = "http://example.com/f";
  result.family = family;
  result.vantage = vantage;
  result.status = ok ? 200 : 0;
  result.content_match = ok;
  if (!ok) result.error = "timed out";
  return result;
}

TEST(QuorumTest, AllowedFailuresFollowTheProbeCount) {
  EXPECT_EQ(AllowedProbeFailures(1), 0);
  EXPECT_EQ(AllowedProbeFailures(3), 0);
  EXPECT_EQ(AllowedProbeFailures(4), 1);
  EXPECT_EQ(AllowedProbeFailures(5), 1);
  EXPECT_EQ(AllowedProbeFailures(6), 2);
}

TEST(QuorumTest, WithFewerThanFourProbesAllMustPass) {
  std::vector<QuorumVerdict> verdicts = ApplyQuorum({Probe("a", true), Probe("b", false)});
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_FALSE(verdicts[0].passed);
  EXPECT_EQ(verdicts[0].failed_vantages, std::vector<std::string>{"b"});
}

TEST(QuorumTest, WithFourProbesOneMayFail) {
  std::vector<CheckResult> results = {Probe("a", true), Probe("b", true), Probe("c", true),
                                      Probe("d", false)};
  EXPECT_TRUE(ApplyQuorum(results)[0].passed);
  results[0] = Probe("a", false);
  EXPECT_FALSE(ApplyQuorum(results)[0].passed);
}

TEST(QuorumTest, GroupsByFamilyAndIgnoresTheLocalView) {
  std::vector<QuorumVerdict> verdicts =
      ApplyQuorum({Probe("local", false), Probe("a", true), Probe("a", false, "ipv6")});
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[0].family, "ipv4");
  EXPECT_TRUE(verdicts[0].passed);
  EXPECT_EQ(verdicts[0].probes, 1);
  EXPECT_EQ(verdicts[1].family, "ipv6");
  EXPECT_FALSE(verdicts[1].passed);
}

}  // namespace
}  // namespace dcv
