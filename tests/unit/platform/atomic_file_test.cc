// Atomic writes on real files: content, mode and owner, no temporary files left behind,
// symlinks refused, directories created and reported.
#include "platform/atomic_file.h"

#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::TempDir;

TEST(AtomicFileTest, ReplacesContentKeepingModeAndLeavesNoTempFile) {
  TempDir dir;
  testing::WriteText(dir / "f", "old");
  ASSERT_TRUE(WriteFileAtomic(dir / "f", "new content", 0600, ::geteuid(), ::getegid()));
  EXPECT_EQ(testing::ReadText(dir / "f"), "new content");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) entries += !entry.path().empty();
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFileTest, RefusesToReplaceASymlink) {
  TempDir dir;
  testing::WriteText(dir / "target", "keep");
  std::filesystem::create_symlink(dir / "target", dir / "link");
  Result<void> written = WriteFileAtomic(dir / "link", "x", 0644, 0, 0);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("symlink"), std::string::npos);
  EXPECT_EQ(testing::ReadText(dir / "target"), "keep");
}

TEST(AtomicFileTest, SnapshotOfMissingFileIsNotAnError) {
  TempDir dir;
  Result<FileSnapshot> snap = ReadSnapshot(dir / "none");
  ASSERT_TRUE(snap);
  EXPECT_FALSE(snap->exists);
}

TEST(AtomicFileTest, SnapshotRefusesOversizeFiles) {
  TempDir dir;
  testing::WriteText(dir / "big", std::string(100, 'x'));
  EXPECT_FALSE(ReadSnapshot(dir / "big", 99));
  EXPECT_TRUE(ReadSnapshot(dir / "big", 100));
}

TEST(AtomicFileTest, CreateDirectoriesReportsWhatItCreatedAndRefusesSymlinks) {
  TempDir dir;
  Result<std::vector<std::string>> made = CreateDirectories(dir / "a/b/c");
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, (std::vector<std::string>{dir / "a", dir / "a/b", dir / "a/b/c"}));
  std::filesystem::create_symlink(dir / "a", dir / "l");
  EXPECT_FALSE(CreateDirectories(dir / "l/x"));
  EXPECT_TRUE(HasSymlinkComponent(dir / "l/x/y"));
  EXPECT_FALSE(HasSymlinkComponent(dir / "a/b/zz"));
}

}  // namespace
}  // namespace dcv
