// Precedence of the settings: the command line over the configuration file over the
// environment, the way a subcommand parses them. The environment and the default file are
// injected: the test never reads /etc or this process's variables. And what only a
// terminal sees: the colour decision of no-color.org and the progress line.
#include "agent/settings.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::TempDir;
using testing::WriteText;

struct Parsed {
  CLI::App app{"test"};
  CLI::App* command = nullptr;
  TargetOptions target;
  OutputOptions output;
};

// `check ARGS...` parsed as the agent does, then ApplySettings with `vars` and `default_config`.
Result<void> Parse(Parsed& p, std::vector<std::string> args, std::map<std::string, std::string> vars,
                   const std::string& default_config, bool tty = false) {
  p.command = p.app.add_subcommand("check");
  AddTargetOptions(*p.command, p.target);
  AddOutputOptions(*p.command, p.output);
  AddDisplayOptions(*p.command, p.output);
  args.insert(args.begin(), {"check", "--domain", "example.com"});
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments reversed
  p.app.parse(args);
  SettingsEnvironment env;
  env.default_config = default_config;
  env.getenv = [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  env.stdout_is_tty = env.stderr_is_tty = tty;
  return ApplySettings(*p.command, p.target, p.output, env);
}

const char kConfig[] = "ca = \"digicert\"\nprobes = [\"https://p:8443\"]\nkey_file = \"/k\"\nlang = \"zh-CN\"\n"
                       "color = \"always\"\n";

TEST(SettingsTest, NoFileMeansBuiltInDefaults) {
  TempDir dir;
  Parsed p;
  ASSERT_TRUE(Parse(p, {}, {}, dir / "absent.toml"));
  EXPECT_EQ(p.target.ca, "generic");
  EXPECT_TRUE(p.target.probes.empty());
  EXPECT_EQ(p.output.language, Lang::kEn);
  EXPECT_FALSE(p.output.color_enabled) << "not a terminal";
  EXPECT_FALSE(p.output.progress);
}

TEST(SettingsTest, TheDefaultFileFillsWhatTheCommandLineLeftUnset) {
  TempDir dir;
  WriteText(dir / "config.toml", kConfig);
  Parsed p;
  ASSERT_TRUE(Parse(p, {"--ca", "sectigo", "--color", "never"}, {}, dir / "config.toml"));
  EXPECT_EQ(p.target.ca, "sectigo") << "the command line wins";
  EXPECT_EQ(p.target.probes, std::vector<std::string>{"https://p:8443"});
  EXPECT_EQ(p.target.key_file, "/k");
  EXPECT_EQ(p.output.language, Lang::kZhCn);
  EXPECT_FALSE(p.output.color_enabled) << "--color never beats color = always";
  Parsed q;
  ASSERT_TRUE(Parse(q, {"--lang", "en", "--probe", "https://q:1"}, {}, dir / "config.toml"));
  EXPECT_EQ(q.output.language, Lang::kEn);
  EXPECT_EQ(q.target.probes, std::vector<std::string>{"https://q:1"});
  EXPECT_TRUE(q.output.color_enabled) << "color = always from the file";
}

TEST(SettingsTest, ConfigOptionAndVariableNameOtherFiles) {
  TempDir dir;
  WriteText(dir / "default.toml", "ca = \"globalsign\"\n");
  WriteText(dir / "env.toml", "ca = \"digicert\"\n");
  WriteText(dir / "option.toml", "ca = \"sectigo\"\n");
  Parsed a, b, c;
  ASSERT_TRUE(Parse(a, {}, {}, dir / "default.toml"));
  EXPECT_EQ(a.target.ca, "globalsign");
  ASSERT_TRUE(Parse(b, {}, {{"DCV_AGENT_CONFIG", dir / "env.toml"}}, dir / "default.toml"));
  EXPECT_EQ(b.target.ca, "digicert");
  ASSERT_TRUE(Parse(c, {"--config", dir / "option.toml"}, {{"DCV_AGENT_CONFIG", dir / "env.toml"}},
                    dir / "default.toml"));
  EXPECT_EQ(c.target.ca, "sectigo");
  Parsed missing;
  Result<void> error = Parse(missing, {"--config", dir / "nope.toml"}, {}, dir / "default.toml");
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find(dir / "nope.toml"), std::string::npos);
}

TEST(SettingsTest, InvalidFileIsAnErrorNamingFileAndLine) {
  TempDir dir;
  WriteText(dir / "config.toml", "ca = \"generic\"\ncolour = \"never\"\n");
  Parsed p;
  Result<void> error = Parse(p, {}, {}, dir / "config.toml");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().message, dir / "config.toml" + ":2: unknown key 'colour' (known: ca, probes, key_file, lang, color)");
}

TEST(SettingsTest, LocaleChoosesTheLanguageWhenNothingElseDoes) {
  TempDir dir;
  Parsed p, q;
  ASSERT_TRUE(Parse(p, {}, {{"LANG", "zh_TW.UTF-8"}}, dir / "absent.toml"));
  EXPECT_EQ(p.output.language, Lang::kZhTw);
  ASSERT_TRUE(Parse(q, {"--lang", "en"}, {{"LANG", "zh_TW.UTF-8"}}, dir / "absent.toml"));
  EXPECT_EQ(q.output.language, Lang::kEn);
}

TEST(SettingsTest, ColourFollowsTheTerminalAndNoColor) {
  TempDir dir;
  const std::string none = dir / "absent.toml";
  Parsed tty, no_color, empty_no_color, forced, quiet;
  ASSERT_TRUE(Parse(tty, {}, {}, none, true));
  EXPECT_TRUE(tty.output.color_enabled);
  EXPECT_TRUE(tty.output.progress);
  ASSERT_TRUE(Parse(no_color, {}, {{"NO_COLOR", "1"}}, none, true));
  EXPECT_FALSE(no_color.output.color_enabled);
  ASSERT_TRUE(Parse(empty_no_color, {}, {{"NO_COLOR", ""}}, none, true));
  EXPECT_TRUE(empty_no_color.output.color_enabled) << "an empty NO_COLOR does not count";
  ASSERT_TRUE(Parse(forced, {"--color", "always"}, {{"NO_COLOR", "1"}}, none, false));
  EXPECT_TRUE(forced.output.color_enabled) << "an explicit choice overrides NO_COLOR";
  ASSERT_TRUE(Parse(quiet, {"-q"}, {}, none, true));
  EXPECT_FALSE(quiet.output.progress);
}

TEST(SettingsTest, BadLangOrColorOnTheCommandLineIsAUsageError) {
  Parsed p;
  EXPECT_THROW(Parse(p, {"--lang", "fr"}, {}, "/nonexistent/x.toml"), CLI::ValidationError);
  Parsed q;
  EXPECT_THROW(Parse(q, {"--color", "rainbow"}, {}, "/nonexistent/x.toml"), CLI::ValidationError);
}

TEST(SettingsTest, ColourDecision) {
  EXPECT_TRUE(UseColor(ColorMode::kAuto, nullptr, "xterm", true));
  EXPECT_FALSE(UseColor(ColorMode::kAuto, nullptr, "xterm", false)) << "not a terminal";
  EXPECT_FALSE(UseColor(ColorMode::kAuto, "1", "xterm", true)) << "NO_COLOR set and non-empty";
  EXPECT_TRUE(UseColor(ColorMode::kAuto, "", "xterm", true)) << "NO_COLOR empty";
  EXPECT_FALSE(UseColor(ColorMode::kAuto, nullptr, "dumb", true));
  EXPECT_TRUE(UseColor(ColorMode::kAlways, "1", "dumb", false));
  EXPECT_FALSE(UseColor(ColorMode::kNever, nullptr, "xterm", true));
  EXPECT_EQ(ParseColorMode("always"), ColorMode::kAlways);
  EXPECT_FALSE(ParseColorMode("yes"));
}

TEST(SettingsTest, ProgressLineIsOverwrittenAndCleared) {
  std::ostringstream out;
  {
    ProgressLine progress(out, "checking 8 URLs…", true);
    EXPECT_EQ(out.str(), "\rchecking 8 URLs…");
  }
  EXPECT_EQ(out.str(), "\rchecking 8 URLs…\r\033[K");
  std::ostringstream silent;
  { ProgressLine progress(silent, "checking 8 URLs…", false); }
  EXPECT_EQ(silent.str(), "");
}

}  // namespace
}  // namespace dcv
