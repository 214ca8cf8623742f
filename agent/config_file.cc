// Reading /etc/dcv-agent/config.toml (or the file --config or DCV_AGENT_CONFIG names) with
// toml++. The file is small and flat, and everything in it is checked here, before any
// phase runs: TOML syntax, that every key is one we know (a misspelt key must not be
// silently ignored), the type of each value, and the values of ca, lang and color. Each
// error names the file and the line, and the command exits 2 as for bad options.
#include "agent/config_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "agent/messages.h"
#include "agent/settings.h"
#include "agent/verify/ca_profile.h"

namespace dcv {
namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;
constexpr std::string_view kKnownKeys = "ca, probes, key_file, lang, color";

Error At(const std::string& path, const toml::source_region& where, const std::string& message) {
  return MakeError(path + ":" + std::to_string(where.begin.line) + ": " + message);
}

Result<std::string> StringValue(const std::string& path, std::string_view key, const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  return At(path, node.source(), "'" + std::string(key) + "' must be a string");
}

Result<std::vector<std::string>> StringList(const std::string& path, std::string_view key, const toml::node& node) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return At(path, node.source(), "'" + std::string(key) + "' must be an array of strings");
  std::vector<std::string> items;
  for (const toml::node& item : *array) {
    Result<std::string> text = StringValue(path, key, item);
    if (!text) return At(path, item.source(), "'" + std::string(key) + "' must be an array of strings");
    items.push_back(*text);
  }
  return items;
}

Result<std::string> CheckCa(const std::string& path, const toml::node& node, const std::string& ca) {
  std::string names;
  for (const CaProfile& profile : AllCaProfiles()) {
    if (profile.name == ca) return ca;
    names += (names.empty() ? "" : ", ") + std::string(profile.name);
  }
  return At(path, node.source(), "unknown ca '" + ca + "': use " + names);
}

// One key of the file into `config`; unknown keys and bad values are errors.
Result<void> ReadKey(const std::string& path, const toml::key& key, const toml::node& node, ConfigFile& config) {
  const std::string_view name = key.str();
  if (name == "probes") {
    Result<std::vector<std::string>> probes = StringList(path, name, node);
    if (!probes) return probes.error();
    config.probes = *probes;
    return {};
  }
  if (name != "ca" && name != "key_file" && name != "lang" && name != "color") {
    return At(path, key.source(), "unknown key '" + std::string(name) + "' (known: " + std::string(kKnownKeys) + ")");
  }
  Result<std::string> value = StringValue(path, name, node);
  if (!value) return value.error();
  if (name == "ca") {
    Result<std::string> ca = CheckCa(path, node, *value);
    if (!ca) return ca.error();
    config.ca = *ca;
  } else if (name == "key_file") {
    std::filesystem::path file(*value);
    config.key_file = file.is_absolute() ? file.string() : (std::filesystem::path(path).parent_path() / file).string();
  } else if (name == "lang") {
    if (!ParseLang(*value)) return At(path, node.source(), "invalid lang '" + *value + "': use en, zh-CN or zh-TW");
    config.lang = *value;
  } else {
    if (!ParseColorMode(*value)) return At(path, node.source(), "invalid color '" + *value + "': use auto, always or never");
    config.color = *value;
  }
  return {};
}

}  // namespace

ConfigChoice ChooseConfigFile(const std::string& option, const char* env, std::string_view default_path) {
  if (!option.empty()) return {option, true};
  if (env != nullptr && *env != '\0') return {env, true};
  return {std::string(default_path), false};
}

Result<ConfigFile> ParseConfigText(std::string_view text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return At(path, error.source(), "invalid TOML: " + std::string(error.description()));
  }
  ConfigFile config;
  config.path = path;
  for (const auto& [key, node] : table) {
    if (Result<void> read = ReadKey(path, key, node, config); !read) return read.error();
  }
  return config;
}

Result<ConfigFile> LoadConfigFile(const ConfigChoice& choice) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(choice.path, ec);
  if (!exists && !choice.must_exist && !ec) return ConfigFile{};
  if (!exists) return MakeError("cannot read configuration file " + choice.path + ": no such file");
  if (std::filesystem::file_size(choice.path, ec) > kMaxConfigBytes || ec) {
    return MakeError("cannot read configuration file " + choice.path + ": not a regular file of at most 64 KiB");
  }
  std::ifstream in(choice.path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return MakeError("cannot read configuration file " + choice.path);
  return ParseConfigText(text.str(), choice.path);
}

}  // namespace dcv
