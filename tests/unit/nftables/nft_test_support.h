// Shared by the nftables tests: reading the captured fixtures (tests/fixtures/nft/, real
// `nft -j list ruleset` and `nft -a list ruleset` output, with the .nft sources beside them).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "remediators/firewall/nftables/nft_ruleset.h"

namespace dcv::nft_test {

/// The content of tests/fixtures/nft/<name>.
inline std::string NftFixture(const std::string& name) {
  std::ifstream in(std::string(DCV_FIXTURES) + "/nft/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The parsed ruleset of tests/fixtures/nft/<name>.json (empty on failure, with a test failure).
inline NftRuleset NftFixtureRuleset(const std::string& name) {
  auto parsed = ParseNftJson(NftFixture(name + ".json"));
  EXPECT_TRUE(parsed.has_value()) << name << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : NftRuleset{};
}

}  // namespace dcv::nft_test
