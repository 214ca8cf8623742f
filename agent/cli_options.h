// Options shared by the subcommands, their registration with CLI11, and the checks that
// turn them into a Target. Bad input is reported here, before any phase runs, with the
// option and value named, and exit status 2.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "agent/core/result.h"
#include "agent/core/target.h"
#include "agent/messages.h"

namespace dcv {

enum ExitCode : int { kExitReady = 0, kExitNotReady = 1, kExitUsage = 2, kExitRolledBack = 3, kExitInternal = 4 };

struct OutputOptions {
  bool json = false;
  int verbose = 0;
  bool quiet = false;
  std::string lang;            // --lang: en, zh-CN, zh-TW ("": configuration file, locale, en)
  std::string color = "auto";  // --color: auto, always, never
  std::string config;          // --config FILE (else DCV_AGENT_CONFIG, else /etc/dcv-agent/config.toml)
  // Resolved by ApplySettings (agent/settings.h) from the above, the file and the environment:
  Lang language = Lang::kEn;
  bool color_enabled = false;
  bool progress = false;  // a progress line on stderr while network checks run
};

struct TargetOptions {
  std::vector<std::string> domains;
  std::string method = "file";
  std::string token;
  std::string content;
  std::string content_file;
  std::string ca = "generic";
  std::vector<std::string> probes;
  std::string key_file;
  std::string txt_name, root_hints, trust_anchor, dns_server, tsig_key;  // dns method
  int dns_wait = 120;
  std::vector<std::string> allow_from;
  bool temporary = false;
  std::string state_dir = "/var/lib/dcv-agent";
};

void AddOutputOptions(CLI::App& command, OutputOptions& options);
/// --lang, --color and --config: how the text report looks, and where defaults come from.
void AddDisplayOptions(CLI::App& command, OutputOptions& options);
/// --domain, --method, --token, --content/--content-file, --ca, --probe, --key-file,
/// --allow-from, --temporary.
void AddTargetOptions(CLI::App& command, TargetOptions& options);
void AddStateDirOption(CLI::App& command, std::string& state_dir);

/// Validates every field and reads --content-file. `need_content`: check/fix/verify need
/// the expected content; cleanup does not.
Result<Target> BuildTarget(const TargetOptions& options, bool need_content);

/// Host name syntax (LDH labels, 1-63 characters each, at most 253 in all; an optional
/// leading "*." label). The error names the domain.
Result<std::string> NormalizeDomain(const std::string& domain);

/// Sets up spdlog on stderr according to -v/-q, and the text report's language and
/// colour (SetTextStyle) from the resolved OutputOptions.
void ConfigureLogging(const OutputOptions& options);

}  // namespace dcv
