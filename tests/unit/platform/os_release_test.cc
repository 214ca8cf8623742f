// os-release parsing: the file captured from this Debian 12 machine, and the quoting rules.
#include "platform/os_release.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

TEST(OsReleaseTest, ParsesDebian12) {
  OsRelease os = ParseOsRelease(testing::ReadText(std::string(DCV_FIXTURES) + "/os-release/debian-12"));
  EXPECT_EQ(os.id, "debian");
  EXPECT_EQ(os.version_id, "12");
  EXPECT_EQ(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_TRUE(os.IsLike("debian"));
  EXPECT_FALSE(os.IsLike("rhel"));
}

TEST(OsReleaseTest, HandlesQuotingAndIdLike) {
  OsRelease os = ParseOsRelease("ID='rocky'\nID_LIKE=\"rhel centos fedora\"\nPRETTY_NAME=\"A \\\"quoted\\\" name\"\n# c\n");
  EXPECT_EQ(os.id, "rocky");
  EXPECT_TRUE(os.IsLike("rhel"));
  EXPECT_TRUE(os.IsLike("fedora"));
  EXPECT_EQ(os.pretty_name, "A \"quoted\" name");
}

}  // namespace
}  // namespace dcv
