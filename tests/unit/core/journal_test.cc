// The journal on real disk: run states, interrupted runs, torn records, and the lock.
#include "agent/core/journal.h"

#include <gtest/gtest.h>

#include <regex>

#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::TempDir;

TEST(JournalTest, CommittedRunIsLastCommittedAndNotUnfinished) {
  TempDir dir;
  Result<Journal> journal = Journal::Open(dir.path());
  ASSERT_TRUE(journal) << journal.error().message;
  ASSERT_TRUE(journal->Begin("20260101T000000Z-aaaaaa", "fix"));
  ASSERT_TRUE(journal->Commit());
  ASSERT_TRUE(journal->LastCommitted());
  EXPECT_EQ(journal->LastCommitted()->id, "20260101T000000Z-aaaaaa");
  EXPECT_EQ(journal->LastCommitted()->command, "fix");
  EXPECT_TRUE(journal->Unfinished().empty());
}

TEST(JournalTest, RunWithoutCommitIsUnfinished) {
  TempDir dir;
  Result<Journal> journal = Journal::Open(dir.path());
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->Begin("20260101T000000Z-bbbbbb", "fix"));
  ASSERT_TRUE(journal->Append({{"type", "step"}, {"index", 0}, {"id", "x"}, {"undo", nlohmann::json::array()}}));
  ASSERT_EQ(journal->Unfinished().size(), 1u);
  EXPECT_FALSE(journal->LastCommitted());
  ASSERT_TRUE(journal->MarkRolledBack("20260101T000000Z-bbbbbb"));
  EXPECT_TRUE(journal->Unfinished().empty());
}

TEST(JournalTest, TornLastLineStopsReadingWithoutCrashing) {
  TempDir dir;
  {
    Result<Journal> journal = Journal::Open(dir.path());
    ASSERT_TRUE(journal);
    ASSERT_TRUE(journal->Begin("r1", "fix"));
    ASSERT_TRUE(journal->Append({{"type", "step"}, {"index", 0}, {"id", "a"}, {"undo", {{{"action", "x"}}}}}));
  }
  testing::WriteText(dir / "runs/r1/journal.jsonl",
                     testing::ReadText(dir / "runs/r1/journal.jsonl") + "{\"type\":\"do");
  Result<Journal> journal = Journal::Open(dir.path());
  ASSERT_TRUE(journal);
  Result<std::vector<UndoRecord>> undo = journal->ReadUndo("r1");
  ASSERT_TRUE(undo);
  ASSERT_EQ(undo->size(), 1u);
  EXPECT_EQ((*undo)[0].step_id, "a");
  EXPECT_FALSE((*undo)[0].done);
  EXPECT_EQ(journal->Unfinished().size(), 1u);
}

TEST(JournalTest, SecondOpenWaitsForTheLockThenGivesUp) {
  TempDir dir;
  Result<Journal> first = Journal::Open(dir.path());
  ASSERT_TRUE(first);
  Result<Journal> second = Journal::Open(dir.path(), 0);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("another dcv-agent run"), std::string::npos);
}

TEST(JournalTest, BackupsRoundTripAndRejectTraversal) {
  TempDir dir;
  Result<Journal> journal = Journal::Open(dir.path());
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->Begin("r2", "fix"));
  Result<std::string> rel = journal->SaveBackup(3, std::string("a\0b", 3));
  ASSERT_TRUE(rel);
  Result<std::string> back = journal->ReadBackup("r2", *rel);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, std::string("a\0b", 3));
  EXPECT_FALSE(journal->ReadBackup("r2", "../../etc/passwd"));
}

TEST(JournalTest, RunIdsAreTimestampedAndUnique) {
  const std::string a = NewRunId();
  const std::string b = NewRunId();
  EXPECT_TRUE(std::regex_match(a, std::regex(R"(\d{8}T\d{6}Z-[0-9a-f]{6})"))) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace dcv
