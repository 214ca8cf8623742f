// The firewall-cmd listing parsers and the zone evaluation on real output
// (tests/fixtures/firewalld/, captured by capture.sh with stock firewalld in a test world).
#include "remediators/firewall/firewalld/firewalld_zone.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace dcv {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/firewalld/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

FirewalldZone Zone(const std::string& name) {
  auto zones = ParseFirewalldZones(Fixture(name));
  EXPECT_EQ(zones.size(), 1u) << name;
  return zones.empty() ? FirewalldZone{} : zones.front();
}

TEST(FirewalldZoneTest, StockPublicZone) {
  FirewalldZone z = Zone("public_default.txt");
  EXPECT_EQ(z.name, "public");
  EXPECT_FALSE(z.active);
  EXPECT_EQ(z.target, "default");
  EXPECT_EQ(z.services, (std::vector<std::string>{"dhcpv6-client", "ssh"}));
  EXPECT_TRUE(z.interfaces.empty());
  EXPECT_TRUE(z.rich_rules.empty());
  for (int version : {4, 6}) {
    const FirewalldVerdict v = EvaluateZone(z, version, 80);
    EXPECT_FALSE(v.open);
    EXPECT_EQ(v.by, "target default");
  }
}

TEST(FirewalldZoneTest, ServicesAndPortsOpen) {
  FirewalldZone z = Zone("public_http_https.txt");
  EXPECT_TRUE(z.HasService("http"));
  EXPECT_EQ(EvaluateZone(z, 6, 443).by, "service https");
  EXPECT_TRUE(EvaluateZone(z, 4, 80).open);
  FirewalldZone p = Zone("public_ports.txt");
  ASSERT_EQ(p.ports.size(), 2u);
  EXPECT_EQ(p.ports[1].first, 440);
  EXPECT_EQ(p.ports[1].last, 450);
  EXPECT_EQ(EvaluateZone(p, 4, 80).by, "port 80/tcp");
  EXPECT_TRUE(EvaluateZone(p, 6, 443).open);
}

TEST(FirewalldZoneTest, RichRules) {
  FirewalldZone z = Zone("public_rich.txt");
  ASSERT_EQ(z.rich_rules.size(), 3u);
  EXPECT_EQ(z.rich_rules[0].family, "ipv4");
  EXPECT_TRUE(z.rich_rules[0].restricted);
  EXPECT_EQ(z.rich_rules[0].service, "http");
  EXPECT_EQ(z.rich_rules[1].action, "reject");
  ASSERT_TRUE(z.rich_rules[2].port.has_value());
  EXPECT_EQ(z.rich_rules[2].port->first, 443);
  const FirewalldVerdict http4 = EvaluateZone(z, 4, 80);  // accepted only from 10.0.0.0/8
  EXPECT_FALSE(http4.open);
  ASSERT_EQ(http4.notes.size(), 1u);
  const FirewalldVerdict https6 = EvaluateZone(z, 6, 443);  // the reject comes first
  EXPECT_FALSE(https6.open);
  EXPECT_TRUE(https6.by_rich_deny);
  EXPECT_EQ(https6.by, "rich rule `rule service name=\"https\" reject`");
}

TEST(FirewalldZoneTest, SourceRichRulesDecideForTheAllowedNetworks) {
  FirewalldZone z = Zone("public_rich.txt");
  EXPECT_TRUE(z.rich_rules[0].source_only);
  EXPECT_EQ(z.rich_rules[0].source, "10.0.0.0/8");
  const FirewalldVerdict inside = EvaluateZone(z, 4, 80, ParseCidr("10.1.0.0/16").value());
  EXPECT_TRUE(inside.open);
  EXPECT_EQ(inside.by, "rich rule `rule family=\"ipv4\" source address=\"10.0.0.0/8\" service name=\"http\" accept`");
  EXPECT_FALSE(EvaluateZone(z, 4, 80, ParseCidr("11.0.0.0/8").value()).open);
  EXPECT_FALSE(EvaluateZone(z, 4, 80, ParseCidr("10.0.0.0/7").value()).open) << "only half of it is inside";
  EXPECT_EQ(SourceRichRule(ParseCidr("10.0.0.0/8").value(), "http"), z.rich_rules[0].text)
      << "our rule text is firewalld's own listing of it";
}

TEST(FirewalldZoneTest, TargetsDecideLast) {
  EXPECT_EQ(EvaluateZone(Zone("drop_default.txt"), 4, 80).by, "target DROP");
  EXPECT_TRUE(EvaluateZone(Zone("trusted_default.txt"), 6, 443).open);
}

TEST(FirewalldZoneTest, AllZonesAndActiveMarker) {
  const auto zones = ParseFirewalldZones(Fixture("all_zones_default.txt"));
  ASSERT_EQ(zones.size(), 9u);
  EXPECT_EQ(zones[0].name, "block");
  EXPECT_EQ(zones[0].target, "%%REJECT%%");
  EXPECT_EQ(zones[8].name, "work");
  FirewalldZone active = Zone("public_iface.txt");
  EXPECT_TRUE(active.active);
  ASSERT_EQ(active.interfaces.size(), 1u);
}

TEST(FirewalldZoneTest, ActiveZones) {
  EXPECT_TRUE(ParseActiveZones(Fixture("active_zones_none.txt")).empty());
  const auto iface = ParseActiveZones(Fixture("active_zones_iface.txt"));
  ASSERT_EQ(iface.size(), 1u);
  ASSERT_EQ(iface.at("public").size(), 1u);
  const auto source = ParseActiveZones(Fixture("active_zones_source.txt"));
  ASSERT_EQ(source.count("work"), 1u);
  EXPECT_TRUE(source.at("work").empty());  // bound to a source only
}

}  // namespace
}  // namespace dcv
