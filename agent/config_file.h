// The optional configuration file (/etc/dcv-agent/config.toml by default): defaults for
// the CA profile, the probes, the probe key file, the language and colour. The command
// line overrides each of them. The path is a parameter everywhere, so that tests never
// read the real /etc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

inline constexpr std::string_view kDefaultConfigPath = "/etc/dcv-agent/config.toml";
inline constexpr std::string_view kConfigEnvVariable = "DCV_AGENT_CONFIG";

/// The values a configuration file sets (unset keys stay nullopt).
struct ConfigFile {
  std::string path;  // the file read; empty when there was none
  std::optional<std::string> ca;
  std::optional<std::vector<std::string>> probes;
  std::optional<std::string> key_file;  // relative paths are taken from the file's directory
  std::optional<std::string> lang;      // en, zh-CN or zh-TW
  std::optional<std::string> color;     // auto, always or never
};

/// Which file to read and whether it must exist: --config (`option`), else the
/// DCV_AGENT_CONFIG variable (`env`, when set and non-empty) — both must exist — else
/// `default_path`, which may be absent.
struct ConfigChoice {
  std::string path;
  bool must_exist = false;
};
ConfigChoice ChooseConfigFile(const std::string& option, const char* env, std::string_view default_path);

/// Reads the chosen file. A missing optional file gives an empty ConfigFile. Errors name
/// the file and, for syntax errors, unknown keys and bad values, the line:
/// "/etc/dcv-agent/config.toml:3: unknown key 'probe' (known: ca, probes, ...)".
Result<ConfigFile> LoadConfigFile(const ConfigChoice& choice);

/// The same for text already read; `path` names it in errors.
Result<ConfigFile> ParseConfigText(std::string_view text, const std::string& path);

}  // namespace dcv
