// Merging the command line with the configuration file and the environment. An option
// given on the command line always wins (CLI11 counts what was typed); the file fills the
// rest; the language then falls back to the locale and to English, the colour to
// no-color.org's rules (an explicit --color or the file's `color` wins, else NO_COLOR set
// and non-empty turns colour off, and only a terminal on stdout gets it). The result is
// plain fields of OutputOptions and TargetOptions, so that the commands never look at
// files or variables themselves. The progress line is one line on stderr, overwritten
// with \r and erased when the checks are done; shown only on a terminal and not with -q.
#include "agent/settings.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "agent/messages.h"
#include "agent/pipeline.h"

namespace dcv {
namespace {

bool Given(const CLI::App& command, const std::string& option) { return command.count(option) > 0; }

void FillFromFile(const CLI::App& command, const ConfigFile& file, TargetOptions& target, OutputOptions& output) {
  if (file.ca && !Given(command, "--ca")) target.ca = *file.ca;
  if (file.probes && !Given(command, "--probe")) target.probes = *file.probes;
  if (file.key_file && !Given(command, "--key-file")) target.key_file = *file.key_file;
  if (file.lang && !Given(command, "--lang")) output.lang = *file.lang;
  if (file.color && !Given(command, "--color")) output.color = *file.color;
}

}  // namespace

std::optional<ColorMode> ParseColorMode(std::string_view text) {
  if (text == "auto") return ColorMode::kAuto;
  if (text == "always") return ColorMode::kAlways;
  if (text == "never") return ColorMode::kNever;
  return std::nullopt;
}

bool UseColor(ColorMode mode, const char* no_color, const char* term, bool stdout_is_tty) {
  if (mode != ColorMode::kAuto) return mode == ColorMode::kAlways;
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return stdout_is_tty;
}

bool IsTerminal(int fd) { return ::isatty(fd) == 1; }

ProgressLine::ProgressLine(std::ostream& out, std::string text, bool enabled) : out_(out), enabled_(enabled) {
  if (enabled_) out_ << "\r" << text << std::flush;
}

ProgressLine::~ProgressLine() {
  if (enabled_) out_ << "\r\033[K" << std::flush;
}

std::vector<CheckResult> RunChecksWithProgress(const Target& target, const std::string& probe_key,
                                               bool show_progress, Lang lang) {
  const std::size_t urls = ValidationSpecs(target).size() * std::max<std::size_t>(1, target.probes.size());
  const std::string text = FillMessage(Message(lang, MessageId::kProgressChecking), {{"n", std::to_string(urls)}});
  ProgressLine progress(std::cerr, text, show_progress && urls > 0);
  return RunChecks(target, probe_key);
}

SettingsEnvironment SettingsEnvironment::FromProcess() {
  SettingsEnvironment env;
  env.getenv = [](const char* name) -> const char* { return std::getenv(name); };
  env.stdout_is_tty = IsTerminal(STDOUT_FILENO);
  env.stderr_is_tty = IsTerminal(STDERR_FILENO);
  return env;
}

Result<void> ApplySettings(const CLI::App& command, TargetOptions& target, OutputOptions& output,
                           const SettingsEnvironment& env) {
  const std::string variable(kConfigEnvVariable);
  const ConfigChoice choice = ChooseConfigFile(output.config, env.getenv(variable.c_str()), env.default_config);
  Result<ConfigFile> file = LoadConfigFile(choice);
  if (!file) return file.error();
  FillFromFile(command, *file, target, output);

  std::optional<Lang> lang = output.lang.empty() ? LangFromLocale(env.getenv) : ParseLang(output.lang);
  if (!lang && !output.lang.empty()) return MakeError("invalid --lang '" + output.lang + "': use en, zh-CN or zh-TW");
  output.language = lang.value_or(Lang::kEn);

  std::optional<ColorMode> color = ParseColorMode(output.color);
  if (!color) return MakeError("invalid --color '" + output.color + "': use auto, always or never");
  output.color_enabled = UseColor(*color, env.getenv("NO_COLOR"), env.getenv("TERM"), env.stdout_is_tty);
  output.progress = env.stderr_is_tty && !output.quiet;
  return {};
}

}  // namespace dcv
