// The process runner with real programs: argv reaches the child unchanged (no shell
// interprets it), stdin is fed, output and status are captured, timeouts kill.
#include "platform/process.h"

#include <gtest/gtest.h>

namespace dcv {
namespace {

TEST(ProcessTest, ArgumentsAreNotInterpretedByAShell) {
  SystemProcessRunner runner;
  ProcessResult result = runner.Run({"printf", "%s|", "a b", "$(id)", ";rm -rf /", "`x`"});
  ASSERT_TRUE(result.ok()) << result.err;
  EXPECT_EQ(result.out, "a b|$(id)|;rm -rf /|`x`|");
}

TEST(ProcessTest, FeedsStdinAndCapturesStatusAndStderr) {
  SystemProcessRunner runner;
  ProcessOptions options;
  options.stdin_data = "hello";
  ProcessResult cat = runner.Run({"cat"}, options);
  EXPECT_EQ(cat.out, "hello");
  ProcessResult failing = runner.Run({"ls", "/nonexistent-dcv-path"});
  EXPECT_TRUE(failing.started);
  EXPECT_NE(failing.exit_status, 0);
  EXPECT_NE(failing.err.find("nonexistent-dcv-path"), std::string::npos);
}

TEST(ProcessTest, TimeoutKillsTheChild) {
  SystemProcessRunner runner;
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  ProcessResult result = runner.Run({"sleep", "30"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ProcessTest, MissingProgramIsReportedNotThrown) {
  SystemProcessRunner runner;
  ProcessResult result = runner.Run({"dcv-no-such-program"});
  EXPECT_FALSE(result.started);
  EXPECT_NE(result.err.find("not found"), std::string::npos);
}

TEST(ProcessTest, ChildrenRunWithTheCLocale) {
  SystemProcessRunner runner;
  ProcessResult result = runner.Run({"printenv", "LC_ALL"});
  EXPECT_EQ(result.out, "C\n");
}

TEST(ProcessTest, FormatArgvQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(FormatArgv({"nginx", "-s", "reload"}), "nginx -s reload");
  EXPECT_EQ(FormatArgv({"nft", "add", "rule", "it's here"}), "nft add rule 'it'\\''s here'");
}

}  // namespace
}  // namespace dcv
