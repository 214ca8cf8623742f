// The settings of one run, from three places in order of precedence: the command line,
// the configuration file (agent/config_file.h), the environment (DCV_AGENT_CONFIG,
// LC_ALL/LC_MESSAGES/LANG, NO_COLOR, TERM, whether stdout/stderr are terminals). The
// environment is a parameter so that tests can give their own. Also what the settings
// switch on and only a terminal ever sees: ANSI colour and the progress line on stderr
// while the network checks run; neither reaches a pipe, a file or --json.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "agent/cli_options.h"
#include "agent/config_file.h"
#include "agent/core/result.h"
#include "agent/core/target.h"
#include "agent/messages.h"
#include "agent/verify/check_result.h"

namespace dcv {

enum class ColorMode { kAuto, kAlways, kNever };

/// "auto", "always" or "never"; nullopt for anything else.
std::optional<ColorMode> ParseColorMode(std::string_view text);

/// Colour on or off. `always`/`never` decide alone (an explicit choice overrides NO_COLOR,
/// as no-color.org asks); `auto` colours a terminal unless NO_COLOR is set and non-empty
/// or TERM is "dumb". `no_color` and `term` are the variables' values (null when unset).
bool UseColor(ColorMode mode, const char* no_color, const char* term, bool stdout_is_tty);

/// Whether the file descriptor is a terminal.
bool IsTerminal(int fd);

/// One line of progress, shown while it lives and erased (\r, clear to end of line) when
/// it goes, so that the report and later logs start on a clean line.
class ProgressLine {
 public:
  ProgressLine(std::ostream& out, std::string text, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  std::ostream& out_;
  bool enabled_;
};

/// RunChecks (agent/pipeline.h) with "checking N URLs…" on stderr while it runs, when
/// `show_progress` and there is something to fetch.
std::vector<CheckResult> RunChecksWithProgress(const Target& target, const std::string& probe_key,
                                               bool show_progress, Lang lang);

struct SettingsEnvironment {
  std::string default_config{kDefaultConfigPath};
  std::function<const char*(const char*)> getenv = [](const char*) -> const char* { return nullptr; };
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;

  /// This process's environment and terminals, and the real default configuration file.
  static SettingsEnvironment FromProcess();
};

/// After `command` (registered with AddTargetOptions and AddDisplayOptions) has parsed its
/// options: fills what its command line left unset (--ca, --probe, --key-file, --lang,
/// --color) from the configuration file, then resolves output.language, .color_enabled
/// and .progress. A configuration file that cannot be read or is invalid is an error
/// naming the file and line (exit 2).
Result<void> ApplySettings(const CLI::App& command, TargetOptions& target, OutputOptions& output,
                           const SettingsEnvironment& env);

}  // namespace dcv
