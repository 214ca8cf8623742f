// The journaled executor and rollback on real files in a temporary directory, with a fake
// process runner: every change is undone exactly, failures roll back automatically, and
// undo commands that look up what the change created substitute what they found.
#include "agent/core/executor.h"

#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "platform/atomic_file.h"
#include "support/fake_process_runner.h"
#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::FakeProcessRunner;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

Step MakeStep(std::string id, StepAction action) { return Step{std::move(id), "test", "test step", std::move(action)}; }

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Journal> opened = Journal::Open(state_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    journal_.emplace(std::move(*opened));
  }
  Result<void> Apply(const Plan& plan) {
    JournaledExecutor executor(runner_, *journal_, "run-1", "fix");
    return executor.Apply(plan);
  }
  TempDir state_, root_;
  FakeProcessRunner runner_;
  std::optional<Journal> journal_;
};

TEST_F(ExecutorTest, AppliesEveryKindAndRollsBackByteForByte) {
  WriteText(root_ / "conf/site.conf", "server {\n}\n");
  ::chmod((root_ / "conf/site.conf").c_str(), 0640);
  WriteText(root_ / "old.txt", "stale");
  Plan plan;
  plan.steps.push_back(MakeStep("edit", EditFile{root_ / "conf/site.conf", "server {\n}\n", "server { x; }\n", ""}));
  plan.steps.push_back(MakeStep("write", WriteFile{root_ / "www/.well-known/pki-validation/t.txt", "v\n", 0644, true}));
  plan.steps.push_back(MakeStep("remove", RemoveFile{root_ / "old.txt", std::nullopt}));
  plan.steps.push_back(MakeStep("run", RunCommand{{"fw", "open"}, UndoCommand{{"fw", "close"}, std::nullopt, ""}}));
  plan.steps.push_back(MakeStep("reload", Reload{"web", {"web", "-t"}, {"web", "reload"}}));
  ASSERT_TRUE(Apply(plan));

  EXPECT_EQ(ReadText(root_ / "conf/site.conf"), "server { x; }\n");
  struct stat st {};
  ASSERT_EQ(::stat((root_ / "conf/site.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u) << "mode kept across the edit";
  EXPECT_EQ(ReadText(root_ / "www/.well-known/pki-validation/t.txt"), "v\n");
  EXPECT_FALSE(std::filesystem::exists(root_ / "old.txt"));
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"fw", "open"}, {"web", "-t"}, {"web", "reload"}}));
  ASSERT_TRUE(journal_->LastCommitted());

  runner_.calls.clear();
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  EXPECT_EQ(ReadText(root_ / "conf/site.conf"), "server {\n}\n");
  EXPECT_EQ(ReadText(root_ / "old.txt"), "stale");
  EXPECT_FALSE(std::filesystem::exists(root_ / "www")) << "directories the fix created are removed";
  // Undo commands first (newest first), the reload last, after the files are back.
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"fw", "close"}, {"web", "-t"}, {"web", "reload"}}));
  EXPECT_FALSE(journal_->LastCommitted()) << "a rolled-back run is not rolled back twice";
}

TEST_F(ExecutorTest, FailedConfigTestRollsBackAutomatically) {
  WriteText(root_ / "site.conf", "before\n");
  runner_.On({"web", "-t"}, FakeProcessRunner::Fail(1, "emerg: unexpected }"), 1);
  Plan plan;
  plan.steps.push_back(MakeStep("edit", EditFile{root_ / "site.conf", "before\n", "after\n", ""}));
  plan.steps.push_back(MakeStep("reload", Reload{"web", {"web", "-t"}, {"web", "reload"}}));
  Result<void> applied = Apply(plan);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("unexpected }"), std::string::npos) << applied.error().message;
  EXPECT_NE(applied.error().message.find("rolled back"), std::string::npos);
  EXPECT_EQ(ReadText(root_ / "site.conf"), "before\n");
  EXPECT_TRUE(journal_->Unfinished().empty());
  // After the files are back, the old configuration is tested and reloaded again.
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"web", "-t"}, {"web", "-t"}, {"web", "reload"}}));
}

TEST_F(ExecutorTest, EditOfAFileChangedSinceReadingIsRefused) {
  WriteText(root_ / "site.conf", "changed meanwhile\n");
  Plan plan;
  plan.steps.push_back(MakeStep("edit", EditFile{root_ / "site.conf", "as read\n", "edited\n", ""}));
  ASSERT_FALSE(Apply(plan));
  EXPECT_EQ(ReadText(root_ / "site.conf"), "changed meanwhile\n");
}

TEST_F(ExecutorTest, EditGoesThroughASymlinkToItsTarget) {
  WriteText(root_ / "available/default", "a\n");
  std::filesystem::create_directories(root_ / "enabled");
  std::filesystem::create_symlink(root_ / "available/default", root_ / "enabled/default");
  Plan plan;
  plan.steps.push_back(MakeStep("edit", EditFile{root_ / "enabled/default", "a\n", "b\n", ""}));
  ASSERT_TRUE(Apply(plan));
  EXPECT_TRUE(std::filesystem::is_symlink(root_ / "enabled/default")) << "the link stays a link";
  EXPECT_EQ(ReadText(root_ / "available/default"), "b\n");
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  EXPECT_EQ(ReadText(root_ / "available/default"), "a\n");
}

TEST_F(ExecutorTest, WriteThroughASymlinkedDirectoryIsRefused) {
  std::filesystem::create_directories(root_ / "elsewhere");
  std::filesystem::create_symlink(root_ / "elsewhere", root_ / "www");
  Plan plan;
  plan.steps.push_back(MakeStep("write", WriteFile{root_ / "www/t.txt", "v\n", 0644, true}));
  ASSERT_FALSE(Apply(plan));
  EXPECT_FALSE(std::filesystem::exists(root_ / "elsewhere/t.txt"));
}

TEST_F(ExecutorTest, UndoLookupSubstitutesTheCapturedHandle) {
  runner_.On({"nft", "-a", "list"}, FakeProcessRunner::Ok(
      "table inet filter {\n\tchain input {\n\t\ttcp dport 80 accept comment \"dcv-agent run-1\" # handle 7\n"));
  UndoCommand undo{{"nft", "delete", "rule", "inet", "filter", "input", "handle", "{1}"},
                   Argv{"nft", "-a", "list", "chain", "inet", "filter", "input"},
                   R"(comment "dcv-agent run-1" # handle (\d+))"};
  Plan plan;
  plan.steps.push_back(MakeStep("nft", RunCommand{{"nft", "insert", "rule"}, undo}));
  ASSERT_TRUE(Apply(plan));
  runner_.calls.clear();
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  ASSERT_EQ(runner_.calls.size(), 2u);
  EXPECT_EQ(runner_.calls[1], (Argv{"nft", "delete", "rule", "inet", "filter", "input", "handle", "7"}));
}

TEST_F(ExecutorTest, UndoLookupWithoutMatchRunsNothing) {
  runner_.On({"nft", "-a", "list"}, FakeProcessRunner::Ok("table inet filter {\n}\n"));
  UndoCommand undo{{"nft", "delete", "rule", "handle", "{1}"}, Argv{"nft", "-a", "list"}, R"(# handle (\d+))"};
  Plan plan;
  plan.steps.push_back(MakeStep("nft", RunCommand{{"nft", "insert", "rule"}, undo}));
  ASSERT_TRUE(Apply(plan));
  runner_.calls.clear();
  ASSERT_TRUE(RollBackRun("run-1", *journal_, runner_));
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"nft", "-a", "list"}}));
}

TEST_F(ExecutorTest, FailedCommandIsUndoneTooSinceItMayHaveChangedSomething) {
  // A firewall command can fail half-way (the rule added, the save failed): its undo runs.
  // If the change never happened the undo fails too, and that does not make the rollback fail.
  WriteText(root_ / "a.conf", "1\n");
  runner_.On({"fw", "open"}, FakeProcessRunner::Fail(2, "saved half of it"));
  runner_.On({"fw", "close"}, FakeProcessRunner::Fail(1, "no such rule"));
  Plan plan;
  plan.steps.push_back(MakeStep("edit", EditFile{root_ / "a.conf", "1\n", "2\n", ""}));
  plan.steps.push_back(MakeStep("run", RunCommand{{"fw", "open"}, UndoCommand{{"fw", "close"}, std::nullopt, ""}}));
  Result<void> applied = Apply(plan);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("every change was rolled back"), std::string::npos) << applied.error().message;
  EXPECT_EQ(ReadText(root_ / "a.conf"), "1\n");
  EXPECT_EQ(runner_.calls, (std::vector<Argv>{{"fw", "open"}, {"fw", "close"}}));
  EXPECT_TRUE(journal_->Unfinished().empty()) << "the run is marked rolled back";
}

TEST(DryRunExecutorTest, ChangesNothing) {
  TempDir root;
  Plan plan;
  plan.steps.push_back(MakeStep("write", WriteFile{root / "x/t.txt", "v\n", 0644, true}));
  DryRunExecutor executor;
  ASSERT_TRUE(executor.Apply(plan));
  EXPECT_FALSE(executor.changes_system());
  EXPECT_FALSE(std::filesystem::exists(root / "x"));
}

}  // namespace
}  // namespace dcv
