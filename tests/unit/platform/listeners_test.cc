// /proc/net/tcp{,6} parsing on files captured from a network namespace with listeners on
// 0.0.0.0:8080, 127.0.0.1:8081, 10.98.0.1:8443, [::]:8080 (v6only) and [::1]:8443, plus one
// established connection that must not count.
#include "platform/listeners.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

const std::string kFixtures = std::string(DCV_FIXTURES) + "/proc/";

TEST(ListenersTest, ParsesIpv4ListenersAndSkipsConnections) {
  auto listeners = ParseProcNetTcp(testing::ReadText(kFixtures + "tcp-listen-8080-8081-8443.txt"), false);
  ASSERT_EQ(listeners.size(), 3u);
  EXPECT_EQ(listeners[0].address, "127.0.0.1");
  EXPECT_EQ(listeners[0].port, 8081);
  EXPECT_EQ(listeners[1].address, "0.0.0.0");
  EXPECT_EQ(listeners[1].port, 8080);
  EXPECT_EQ(listeners[2].address, "10.98.0.1");
  EXPECT_EQ(listeners[2].port, 8443);
}

TEST(ListenersTest, ParsesIpv6Listeners) {
  auto listeners = ParseProcNetTcp(testing::ReadText(kFixtures + "tcp6-listen-8080-8443.txt"), true);
  ASSERT_EQ(listeners.size(), 2u);
  EXPECT_EQ(listeners[0].address, "::1");
  EXPECT_EQ(listeners[0].port, 8443);
  EXPECT_EQ(listeners[1].address, "::");
  EXPECT_TRUE(listeners[1].ipv6);
}

TEST(ListenersTest, LoopbackOnlyListenerDoesNotServeOutsiders) {
  auto v4 = ParseProcNetTcp(testing::ReadText(kFixtures + "tcp-listen-8080-8081-8443.txt"), false);
  auto v6 = ParseProcNetTcp(testing::ReadText(kFixtures + "tcp6-listen-8080-8443.txt"), true);
  v4.insert(v4.end(), v6.begin(), v6.end());
  EXPECT_TRUE(ListensOn(v4, 8080, false));
  EXPECT_TRUE(ListensOn(v4, 8080, true));
  EXPECT_FALSE(ListensOn(v4, 8081, false));
  EXPECT_TRUE(ListensOn(v4, 8443, false)) << "a specific non-loopback address serves outsiders";
  EXPECT_FALSE(ListensOn(v4, 8443, true)) << "[::1] only";
  EXPECT_FALSE(ListensOn(v4, 80, false));
}

TEST(ListenersTest, GarbageLinesAreSkipped) {
  EXPECT_TRUE(ParseProcNetTcp("header\nnot a socket line\n\n", false).empty());
}

}  // namespace
}  // namespace dcv
