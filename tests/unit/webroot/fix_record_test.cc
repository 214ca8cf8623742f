// Cleanup without --content: the journal of real fix runs (a JournaledExecutor writing the
// validation file in a temporary directory) says what may be removed. The file fix wrote
// is removed; a file no committed fix wrote, one a rolled back fix wrote, or one changed
// since is left and named; with --content only a file holding it is removed.
#include "remediators/webroot/fix_record.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "agent/core/executor.h"
#include "remediators/webroot/validation_file.h"
#include "support/fake_process_runner.h"
#include "support/temp_dir.h"

namespace dcv {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::TempDir;
using testing::WriteText;

class FixRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Journal> opened = Journal::Open(state_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    journal_.emplace(std::move(*opened));
    target_.domains = {"example.test"};
    target_.method = Method::kAcmeHttp;
    target_.token = "tok-1";
    target_.content = "tok-1.thumbprint";
  }
  /// Runs `command` with `plan` through the journaled executor, as run `id`.
  void Run(const std::string& id, const std::string& command, const Plan& plan) {
    JournaledExecutor executor(runner_, *journal_, id, command);
    Result<void> applied = executor.Apply(plan);
    ASSERT_TRUE(applied) << applied.error().message;
  }
  void Fix(const std::string& id) {
    Plan plan;
    ASSERT_TRUE(AppendValidationFileIfNeeded(root_.path(), target_, plan));
    Run(id, "fix", plan);
  }
  /// The cleanup plan for the file as a remediator makes it, without --content.
  Plan CleanupPlan() {
    Target no_content = target_;
    no_content.content.clear();
    Plan plan;
    AppendValidationFileRemoval(root_.path(), no_content, "remove", "webserver.test", plan);
    return plan;
  }
  std::string Path() const { return ValidationFilePath(root_.path(), target_); }

  TempDir state_, root_;
  testing::FakeProcessRunner runner_;
  std::optional<Journal> journal_;
  Target target_;
};

TEST_F(FixRecordTest, RemovesWhatTheLastCommittedFixWrote) {
  Fix("20261202T010000Z-aaaaaa");
  ASSERT_TRUE(fs::exists(Path()));
  Plan plan = CleanupPlan();
  std::vector<std::string> errors;
  SettleRemovals(&*journal_, false, plan, errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(plan.steps.size(), 1u);
  Run("20261202T020000Z-bbbbbb", "cleanup", plan);
  EXPECT_FALSE(fs::exists(Path()));
}

// A file placed by hand holds the value without the newline the agent writes (or with
// CRLF): the CA trims trailing whitespace, and so does cleanup's comparison.
TEST_F(FixRecordTest, WithContentTrailingWhitespaceDoesNotMatter) {
  for (const std::string& text : {target_.content, target_.content + "\r\n", target_.content + "  \n\n"}) {
    WriteText(Path(), text);
    Plan plan;
    AppendValidationFileRemoval(root_.path(), target_, "remove", "webserver.test", plan);
    std::vector<std::string> errors;
    SettleRemovals(nullptr, true, plan, errors);
    EXPECT_TRUE(errors.empty()) << errors.front();
    ASSERT_EQ(plan.steps.size(), 1u);
    EXPECT_EQ(std::get<RemoveFile>(plan.steps[0].action).expected_content, text);
    Run("20261202T020000Z-bbbbbb", "cleanup", plan);
    EXPECT_FALSE(fs::exists(Path()));
  }
}

TEST_F(FixRecordTest, WithoutAFixRunTheFileIsLeftAndNamed) {
  WriteText(Path(), target_.content + "\n");  // placed by someone else
  Plan plan = CleanupPlan();
  std::vector<std::string> errors;
  SettleRemovals(&*journal_, false, plan, errors);
  EXPECT_TRUE(plan.empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("the validation file " + Path() + " is left: pass --content to remove it"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(Path()));
}

TEST_F(FixRecordTest, ARolledBackFixDoesNotCount) {
  Fix("20261202T010000Z-aaaaaa");
  ASSERT_TRUE(RollBackRun("20261202T010000Z-aaaaaa", *journal_, runner_));
  WriteText(Path(), target_.content + "\n");  // the same bytes, but not the agent's any more
  Plan plan = CleanupPlan();
  std::vector<std::string> errors;
  SettleRemovals(&*journal_, false, plan, errors);
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(errors.size(), 1u);
  EXPECT_FALSE(LastFixThatWrote(*journal_, Path()));
}

TEST_F(FixRecordTest, AFileChangedSinceTheFixIsLeft) {
  Fix("20261202T010000Z-aaaaaa");
  WriteText(Path(), "edited by hand\n");
  Plan plan = CleanupPlan();
  std::vector<std::string> errors;
  SettleRemovals(&*journal_, false, plan, errors);
  EXPECT_TRUE(plan.empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("20261202T010000Z-aaaaaa"), std::string::npos);
  EXPECT_EQ(ReadText(Path()), "edited by hand\n");
}

TEST_F(FixRecordTest, TheNewestFixWins) {
  Fix("20261202T010000Z-aaaaaa");
  fs::remove(Path());
  target_.content = "tok-1.second";
  Fix("20261202T030000Z-cccccc");
  Plan plan = CleanupPlan();
  std::vector<std::string> errors;
  SettleRemovals(&*journal_, false, plan, errors);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(std::get<RemoveFile>(plan.steps[0].action).expected_content, "tok-1.second\n");
  EXPECT_EQ(LastFixThatWrote(*journal_, Path())->run_id, "20261202T030000Z-cccccc");
}

TEST_F(FixRecordTest, WithContentOnlyAFileHoldingItIsRemoved) {
  WriteText(Path(), "other\n");
  Plan plan;
  AppendValidationFileRemoval(root_.path(), target_, "remove", "webserver.test", plan);
  std::vector<std::string> errors;
  SettleRemovals(nullptr, true, plan, errors);
  EXPECT_TRUE(plan.empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("other content than --content"), std::string::npos);

  WriteText(Path(), target_.content + "\n");
  AppendValidationFileRemoval(root_.path(), target_, "remove", "webserver.test", plan);
  errors.clear();
  SettleRemovals(nullptr, true, plan, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(plan.steps.size(), 1u);
  Run("20261202T020000Z-bbbbbb", "cleanup", plan);
  EXPECT_FALSE(fs::exists(Path()));
}

}  // namespace
}  // namespace dcv
