// The codec on real captured answers: header flags, sections, TXT and CAA rdata.
#include "agent/dns/dns_message.h"

#include <gtest/gtest.h>

#include "unit/dns/dns_test_support.h"

namespace dcv {
namespace {

using testing::Capture;

TEST(DnsMessage, ParsesAnAuthoritativeTxtAnswer) {
  Result<DnsMessage> m = ParseMessage(Capture("ns1_dnsauth_new.bin"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->id, 0x1234);
  EXPECT_TRUE(m->aa);
  EXPECT_FALSE(m->tc);
  EXPECT_EQ(m->rcode, 0);
  ASSERT_EQ(m->answer.size(), 1u);
  EXPECT_EQ(m->answer[0].owner, "_dnsauth.example.test.");
  EXPECT_TRUE(m->answer[0].Is(RrType::kTxt));
  EXPECT_EQ(TxtValue(m->answer[0]), "dv-token-NEW-2024");
}

TEST(DnsMessage, ReadsNxdomainWithSoa) {
  Result<DnsMessage> m = ParseMessage(Capture("ns2_acme_nxdomain.bin"));
  ASSERT_TRUE(m);
  EXPECT_EQ(RcodeName(m->rcode), "NXDOMAIN");
  ASSERT_FALSE(m->authority.empty());
  EXPECT_TRUE(m->authority[0].Is(RrType::kSoa));
  EXPECT_EQ(m->authority[0].target, "ns1.example.test.");
}

TEST(DnsMessage, SeesTruncationAndTheWholeAnswerOverTcp) {
  Result<DnsMessage> udp = ParseMessage(Capture("ns1_big_udp_truncated.bin"));
  ASSERT_TRUE(udp);
  EXPECT_TRUE(udp->tc);
  EXPECT_TRUE(udp->answer.empty());
  Result<DnsMessage> tcp = ParseMessage(Capture("ns1_big_tcp.bin"));
  ASSERT_TRUE(tcp);
  EXPECT_FALSE(tcp->tc);
  ASSERT_EQ(tcp->answer.size(), 1u);
  const std::vector<std::string> strings = TxtStrings(tcp->answer[0]);
  ASSERT_EQ(strings.size(), 9u);
  EXPECT_EQ(strings[0].size(), 248u);
  EXPECT_EQ(strings[8].substr(0, 8), "chunk09-");
  EXPECT_EQ(TxtValue(tcp->answer[0]).size(), 9u * 248u);
}

TEST(DnsMessage, DecodesCaaProperties) {
  Result<DnsMessage> m = ParseMessage(Capture("ns1_caa_example.bin"));
  ASSERT_TRUE(m);
  std::vector<std::string> seen;
  for (const DnsRecord& r : m->answer) {
    Result<CaaProperty> caa = ParseCaa(r);
    ASSERT_TRUE(caa);
    seen.push_back(caa->tag + "=" + caa->value);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"iodef=mailto:security@example.test", "issue=letsencrypt.org",
                                            "issuewild=;"}));
  Result<DnsMessage> crit = ParseMessage(Capture("ns1_caa_crit.bin"));
  ASSERT_TRUE(crit);
  ASSERT_EQ(crit->answer.size(), 1u);
  Result<CaaProperty> caa = ParseCaa(crit->answer[0]);
  ASSERT_TRUE(caa);
  EXPECT_TRUE(caa->critical());
  EXPECT_EQ(caa->tag, "tbs");
}

TEST(DnsMessage, RejectsGarbage) {
  const std::vector<std::uint8_t> junk = {0x12, 0x34, 0x81};
  EXPECT_FALSE(ParseMessage(junk));
  std::vector<std::uint8_t> cut = Capture("ns1_dnsauth_new.bin");
  cut.resize(cut.size() - 10);
  EXPECT_FALSE(ParseMessage(cut));
}

TEST(DnsMessage, BuildsAQueryThatParsesBack) {
  Result<std::vector<std::uint8_t>> q = BuildQuery("_DnsAuth.Example.com", RrType::kTxt, 4242);
  ASSERT_TRUE(q);
  Result<DnsMessage> m = ParseMessage(*q);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 4242);
  EXPECT_FALSE(m->aa);
  EXPECT_EQ(((*q)[2] & 0x01), 0) << "RD must be 0 for authoritative queries";
}

TEST(DnsMessage, NamesAreAbsoluteAndCompareByLabel) {
  EXPECT_EQ(AbsoluteName("Example.COM"), "example.com.");
  EXPECT_EQ(AbsoluteName("example.com.."), "example.com.");
  EXPECT_EQ(AbsoluteName(""), ".");
  EXPECT_TRUE(IsAtOrBelow("a.example.com.", "example.com."));
  EXPECT_TRUE(IsAtOrBelow("example.com.", "example.com."));
  EXPECT_FALSE(IsAtOrBelow("badexample.com.", "example.com."));
  EXPECT_TRUE(IsAtOrBelow("example.com.", "."));
}

}  // namespace
}  // namespace dcv
