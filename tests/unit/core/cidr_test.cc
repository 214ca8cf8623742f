// --allow-from networks: what is accepted, the errors a user sees for what is not, and
// the three-way relation the firewall evaluators build on.
#include "agent/core/cidr.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

Cidr C(const char* text) { return ParseCidr(text).value(); }

TEST(CidrTest, ParsesNetworksAndHosts) {
  EXPECT_EQ(C("203.0.113.0/24").ToString(), "203.0.113.0/24");
  EXPECT_EQ(C("203.0.113.7").ToString(), "203.0.113.7");
  EXPECT_EQ(C("203.0.113.7/32").ToString(), "203.0.113.7");
  EXPECT_EQ(C("2001:DB8::/32").ToString(), "2001:db8::/32");
  EXPECT_EQ(C("0.0.0.0/0").ToString(), "0.0.0.0/0");
  EXPECT_EQ(C("::/0").ip_version, 6);
  EXPECT_TRUE(C("::/0").IsAny());
}

TEST(CidrTest, ErrorsNameTheInputAndTheFix) {
  EXPECT_EQ(ParseCidr("203.0.113.7/24").error().message,
            "'203.0.113.7/24': host bits set; did you mean 203.0.113.0/24?");
  EXPECT_EQ(ParseCidr("10.0.0.0/33").error().message, "'10.0.0.0/33': the prefix length must be 0..32");
  EXPECT_EQ(ParseCidr("2001:db8::/129").error().message,
            "'2001:db8::/129': the prefix length must be 0..128");
  EXPECT_FALSE(ParseCidr("10.0.0.0/").has_value());
  EXPECT_FALSE(ParseCidr("10.0.0.0/8x").has_value());
  EXPECT_FALSE(ParseCidr("10.0.0/8").has_value());
  EXPECT_EQ(ParseCidr("example.com").error().message,
            "'example.com' is not an IPv4 or IPv6 address or network");
}

TEST(CidrTest, RelateSaysInsideDisjointOrPartial) {
  EXPECT_EQ(Relate(C("10.1.0.0/16"), C("10.0.0.0/8")), CidrRelation::kInside);
  EXPECT_EQ(Relate(C("10.1.2.3"), C("10.1.2.3")), CidrRelation::kInside);
  EXPECT_EQ(Relate(C("10.0.0.0/8"), C("10.1.0.0/16")), CidrRelation::kPartial);
  EXPECT_EQ(Relate(C("11.0.0.0/8"), C("10.0.0.0/8")), CidrRelation::kDisjoint);
  EXPECT_EQ(Relate(C("10.0.0.128/25"), C("10.0.0.0/25")), CidrRelation::kDisjoint);
  EXPECT_EQ(Relate(C("2001:db8:1::/48"), C("2001:db8::/32")), CidrRelation::kInside);
  EXPECT_EQ(Relate(C("2001:db8:1::/48"), C("10.0.0.0/8")), CidrRelation::kDisjoint);
}

TEST(CidrTest, AnySourceIsOutsideEveryNamedNetwork) {
  EXPECT_EQ(RelateSource(Cidr::Any(4), C("10.0.0.0/8")), CidrRelation::kDisjoint);
  EXPECT_EQ(RelateSource(Cidr::Any(4), C("0.0.0.0/0")), CidrRelation::kInside);
  EXPECT_EQ(RelateSource(C("10.0.0.0/8"), C("10.1.0.0/16")), CidrRelation::kPartial);
}

TEST(CidrTest, SourcesForEachFamily) {
  EXPECT_EQ(SourcesFor({}, 6), std::vector<Cidr>{Cidr::Any(6)});
  const std::vector<Cidr> allow{C("203.0.113.0/24"), C("2001:db8::/32"), C("198.51.100.0/24")};
  EXPECT_EQ(SourcesFor(allow, 4), (std::vector<Cidr>{allow[0], allow[2]}));
  EXPECT_EQ(SourcesFor(allow, 6), std::vector<Cidr>{allow[1]});
  EXPECT_TRUE(SourcesFor({C("203.0.113.0/24")}, 6).empty());
  EXPECT_EQ(JoinCidrs(allow), "203.0.113.0/24, 2001:db8::/32, 198.51.100.0/24");
}

}  // namespace
}  // namespace dcv
