// Interrupted runs, as the fault-injection e2e test (tests/e2e/fault_injection_test.sh)
// leaves them with DCV_AGENT_FAULT: the value's parser, and what rollback does with a run
// that stopped between "step" (undo journaled), "started" (command launched) and "done".
// A command that was never launched is not undone; one that was launched is, finished or not.
#include "agent/core/fault_point.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "agent/core/executor.h"
#include "platform/atomic_file.h"
#include "support/fake_process_runner.h"
#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::FakeProcessRunner;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

TEST(FaultPointTest, ParsesEveryPointAndRejectsTheRest) {
  ASSERT_TRUE(ParseFaultSpec("kill-before-journal:3"));
  EXPECT_EQ(ParseFaultSpec("kill-before-journal:3")->point, FaultPoint::kBeforeJournal);
  EXPECT_EQ(ParseFaultSpec("kill-before-journal:3")->step, 3u);
  EXPECT_EQ(ParseFaultSpec("kill-before:1")->point, FaultPoint::kBefore);
  EXPECT_EQ(ParseFaultSpec("kill-after:12")->point, FaultPoint::kAfter);
  EXPECT_EQ(ParseFaultSpec("kill-after:12")->step, 12u);
  EXPECT_EQ(ParseFaultSpec("kill-after-done:2")->point, FaultPoint::kAfterDone);
  for (const char* bad : {"", "kill-before", "kill-before:", "kill-before:0", "kill-before:-1", "kill-before:1x",
                          "kill-before: 1", "kill-now:1", "kill-before:12345678", "KILL-BEFORE:1"}) {
    EXPECT_FALSE(ParseFaultSpec(bad)) << bad;
  }
}

TEST(FaultPointTest, UnsetOrOtherStepDoesNothing) {
  // The test process has no DCV_AGENT_FAULT (or one not naming step 1000): still alive after.
  FaultPointReached(FaultPoint::kBefore, 999);
  FaultPointReached(FaultPoint::kAfter, 0);
  SUCCEED();
}

class InterruptedRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Journal> opened = Journal::Open(state_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    journal_.emplace(std::move(*opened));
    ASSERT_TRUE(journal_->Begin("run-1", "fix"));
  }
  // The record JournaledExecutor writes for a RunCommand with a plain undo.
  void AnnounceRun(std::size_t index, const char* undo) {
    nlohmann::json action = {{"action", "run"}, {"argv", Argv{"fw", undo}}, {"lookup", nullptr}, {"pattern", ""}};
    ASSERT_TRUE(journal_->Append({{"type", "step"}, {"index", index}, {"id", std::string("s") + undo},
                                  {"kind", "run"}, {"undo", nlohmann::json::array({action})}}));
  }
  void Mark(const char* type, std::size_t index) { ASSERT_TRUE(journal_->Append({{"type", type}, {"index", index}})); }

  TempDir state_;
  FakeProcessRunner runner_;
  std::optional<Journal> journal_;
};

TEST_F(InterruptedRunTest, KilledAfterTheCommandStartedItIsUndone) {
  AnnounceRun(0, "close-80");
  Mark("started", 0);
  Mark("done", 0);
  AnnounceRun(1, "close-443");
  Mark("started", 1);  // killed here: the command may have run, "done" never written
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"fw", "close-443"}, {"fw", "close-80"}}));
  EXPECT_TRUE(journal_->Unfinished().empty());
}

TEST_F(InterruptedRunTest, KilledBeforeTheCommandStartedNothingOfItIsUndone) {
  AnnounceRun(0, "close-80");
  Mark("started", 0);
  Mark("done", 0);
  AnnounceRun(1, "close-443");  // killed here: journaled, never launched
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"fw", "close-80"}}));
}

TEST_F(InterruptedRunTest, AFinishedStepsFailingUndoStillFailsTheRollback) {
  runner_.On({"fw", "close-80"}, FakeProcessRunner::Fail(1, "busy"));
  AnnounceRun(0, "close-80");
  Mark("started", 0);
  Mark("done", 0);
  Result<void> rolled = RollBackRun("run-1", *journal_, runner_);
  ASSERT_FALSE(rolled);
  EXPECT_NE(rolled.error().message.find("busy"), std::string::npos);
  EXPECT_EQ(journal_->Unfinished().size(), 1u) << "not marked rolled back: recovery must try again";
}

ino_t Inode(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST_F(InterruptedRunTest, AFileAlreadyAsItWasIsNotRewritten) {
  // The step failed before writing (a read-only /etc): restoring must not need to write.
  TempDir root;
  WriteText(root / "site.conf", "as before\n");
  ::chmod((root / "site.conf").c_str(), 0644);
  Result<std::string> backup = journal_->SaveBackup(0, "as before\n");
  ASSERT_TRUE(backup);
  const std::string absent = root / "never-created";
  nlohmann::json undo = nlohmann::json::array(
      {{{"action", "restore_file"}, {"path", root / "site.conf"}, {"backup", *backup},
        {"mode", 0644}, {"uid", ::getuid()}, {"gid", ::getgid()}},
       {{"action", "restore_file"}, {"path", absent}, {"backup", nullptr}, {"mode", 0}, {"uid", 0}, {"gid", 0}}});
  ASSERT_TRUE(journal_->Append({{"type", "step"}, {"index", 0}, {"id", "edit"}, {"kind", "edit"}, {"undo", undo}}));
  const ino_t before = Inode(root / "site.conf");
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  EXPECT_EQ(Inode(root / "site.conf"), before) << "an identical file is not replaced";
  EXPECT_EQ(ReadText(root / "site.conf"), "as before\n");
  EXPECT_FALSE(std::filesystem::exists(absent));

  // A file that differs is put back (new inode: written atomically).
  ASSERT_TRUE(journal_->Begin("run-2", "fix"));
  ASSERT_TRUE(journal_->Append({{"type", "step"}, {"index", 0}, {"id", "edit"}, {"kind", "edit"}, {"undo", undo}}));
  WriteText(root / "site.conf", "changed\n");
  ASSERT_TRUE(journal_->SaveBackup(0, "as before\n"));
  ASSERT_TRUE(RollBackRun("run-2", *journal_, runner_));
  EXPECT_EQ(ReadText(root / "site.conf"), "as before\n");
}

// A runner whose `fw open` breaks the journal for appending while it stays readable (a
// symlink: appends open it O_NOFOLLOW), as a disk filling up during the step would.
class JournalBreakingRunner : public FakeProcessRunner {
 public:
  explicit JournalBreakingRunner(std::string journal) : journal_(std::move(journal)) {}
  ProcessResult Run(const std::vector<std::string>& argv, const ProcessOptions& options = {}) override {
    if (argv == Argv{"fw", "open"}) {
      std::filesystem::rename(journal_, journal_ + ".real");
      std::filesystem::create_symlink(journal_ + ".real", journal_);
    }
    return FakeProcessRunner::Run(argv, options);
  }

 private:
  std::string journal_;
};

TEST(JournalFailureTest, ADoneRecordThatCannotBeWrittenRollsBackWhatWasDone) {
  TempDir state, root;
  Result<Journal> journal = Journal::Open(state.path());
  ASSERT_TRUE(journal);
  WriteText(root / "a.conf", "1\n");
  JournalBreakingRunner runner(state / "runs/run-1/journal.jsonl");
  Plan plan;
  plan.steps.push_back({"edit", "test", "test step", EditFile{root / "a.conf", "1\n", "2\n", ""}});
  plan.steps.push_back(
      {"run", "test", "test step", RunCommand{{"fw", "open"}, UndoCommand{{"fw", "close"}, std::nullopt, ""}}});
  JournaledExecutor executor(runner, *journal, "run-1", "fix");
  Result<void> applied = executor.Apply(plan);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("journal.jsonl"), std::string::npos) << applied.error().message;
  EXPECT_EQ(ReadText(root / "a.conf"), "1\n") << "the edit before the failure is undone";
  EXPECT_EQ(runner.calls, (std::vector<Argv>{{"fw", "open"}, {"fw", "close"}})) << "and the command itself";
}

}  // namespace
}  // namespace dcv
