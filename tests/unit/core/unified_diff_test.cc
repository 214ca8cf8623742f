// The unified diff shown for EditFile steps, checked against what GNU diff -u prints.
#include "agent/core/unified_diff.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

TEST(UnifiedDiffTest, EqualTextsHaveNoDiff) { EXPECT_EQ(UnifiedDiff("f", "a\nb\n", "a\nb\n"), ""); }

TEST(UnifiedDiffTest, InsertionWithContext) {
  const std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n";
  const std::string after = "1\n2\n3\n4\nnew\n5\n6\n7\n8\n";
  EXPECT_EQ(UnifiedDiff("/etc/nftables.conf", before, after),
            "--- /etc/nftables.conf\n+++ /etc/nftables.conf\n"
            "@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n");
}

TEST(UnifiedDiffTest, DistantChangesMakeTwoHunks) {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
    if (i == 2) after += "x\n";
    after += std::to_string(i) + "\n";
    if (i == 18) after += "y\n";
  }
  EXPECT_EQ(UnifiedDiff("f", before, after),
            "--- f\n+++ f\n@@ -1,4 +1,5 @@\n 1\n+x\n 2\n 3\n 4\n"
            "@@ -16,5 +17,6 @@\n 16\n 17\n 18\n+y\n 19\n 20\n");
}

TEST(UnifiedDiffTest, ChangeDeletionAndMissingNewline) {
  EXPECT_EQ(UnifiedDiff("f", "a\nb\nc", "a\nB\nc\nd\n"),
            "--- f\n+++ f\n@@ -1,3 +1,4 @@\n a\n-b\n-c\n\\ No newline at end of file\n+B\n+c\n+d\n");
  EXPECT_EQ(UnifiedDiff("f", "", "a\n"), "--- f\n+++ f\n@@ -0,0 +1 @@\n+a\n");
  EXPECT_EQ(UnifiedDiff("f", "a\nb\n", "a\n"), "--- f\n+++ f\n@@ -1,2 +1 @@\n a\n-b\n");
}

TEST(UnifiedDiffTest, TwoHunksAndMissingNewlineOnBothSides) {
  std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
  std::string after = "a\nb\nc\nX\nd\ne\nf\ng\nh\ni\nj\nk\nl\nY\n";
  EXPECT_EQ(UnifiedDiff("f", before, after),
            "--- f\n+++ f\n@@ -1,6 +1,7 @@\n a\n b\n c\n+X\n d\n e\n f\n"
            "@@ -10,4 +11,4 @@\n j\n k\n l\n-m\n+Y\n");
  EXPECT_EQ(UnifiedDiff("f", before, before), "");
  EXPECT_EQ(UnifiedDiff("f", "a", "b"),
            "--- f\n+++ f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n"
            "\\ No newline at end of file\n");
}

}  // namespace
}  // namespace dcv
