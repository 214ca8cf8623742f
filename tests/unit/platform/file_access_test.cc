// ReadableBy on real files and the real account `nobody` (uid 65534, group nogroup): the
// owner/group/other precedence, search permission on the parents, unknown users. The
// ownership changes need root, as the whole suite does (scripts/test runs it as root).
#include "platform/file_access.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::TempDir;

class ReadableByTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "changing owners needs root (run the suite as root)";
    ::chmod(dir_.path().c_str(), 0755);
    std::filesystem::create_directories(dir_ / "open");
    ::chmod((dir_ / "open").c_str(), 0755);
    file_ = dir_ / "open/cert.pem";
    testing::WriteText(file_, "x");
  }
  bool Readable(const std::string& path, const std::string& user = "nobody") {
    Result<bool> r = ReadableBy(path, user);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r && *r;
  }
  TempDir dir_;
  std::string file_;
};

TEST_F(ReadableByTest, OtherBitsDecideForAStranger) {
  ::chmod(file_.c_str(), 0644);
  EXPECT_TRUE(Readable(file_));
  ::chmod(file_.c_str(), 0600);
  EXPECT_FALSE(Readable(file_));
  EXPECT_TRUE(Readable(file_, "root"));
}

TEST_F(ReadableByTest, GroupBitsDecideForAMemberAndOwnerBitsForTheOwner) {
  group* nogroup = ::getgrnam("nogroup");
  ASSERT_NE(nogroup, nullptr);
  ASSERT_EQ(::chown(file_.c_str(), 0, nogroup->gr_gid), 0);
  ::chmod(file_.c_str(), 0640);
  EXPECT_TRUE(Readable(file_));
  ::chmod(file_.c_str(), 0604);  // group bits win over other bits for a member
  EXPECT_FALSE(Readable(file_));
  ASSERT_EQ(::chown(file_.c_str(), 65534, 0), 0);
  ::chmod(file_.c_str(), 0400);
  EXPECT_TRUE(Readable(file_));
  ::chmod(file_.c_str(), 0044);  // the owner's own bits win
  EXPECT_FALSE(Readable(file_));
}

TEST_F(ReadableByTest, ADirectoryWithoutSearchPermissionHidesTheFile) {
  ::chmod(file_.c_str(), 0644);
  ::chmod((dir_ / "open").c_str(), 0750);
  EXPECT_FALSE(Readable(file_));
  ::chmod((dir_ / "open").c_str(), 0751);
  EXPECT_TRUE(Readable(file_));
}

TEST_F(ReadableByTest, UnknownUserAndMissingFileAreErrors) {
  Result<bool> unknown = ReadableBy(file_, "no-such-user-dcv");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown user 'no-such-user-dcv'");
  Result<bool> missing = ReadableBy(dir_ / "open/missing.pem", "nobody");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing.pem"), std::string::npos);
}

}  // namespace
}  // namespace dcv
