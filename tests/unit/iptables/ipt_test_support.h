// Shared by the iptables tests: the captured fixtures in tests/fixtures/iptables/ (real
// iptables-save / ip6tables-save and `nft -j list ruleset` output, see capture.sh there).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "remediators/firewall/iptables/ipt_ruleset.h"

namespace dcv::ipt_test {

/// The content of tests/fixtures/iptables/<name>.
inline std::string IptFixture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/iptables/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The parsed ruleset of tests/fixtures/iptables/<name>.txt (empty on failure).
inline IptRuleset IptFixtureRuleset(const std::string& name) {
  auto parsed = ParseIptablesSave(IptFixture(name + ".txt"));
  EXPECT_TRUE(parsed.has_value()) << name << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : IptRuleset{};
}

}  // namespace dcv::ipt_test
