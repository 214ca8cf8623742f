// Caddy detection. Debian's caddy.service runs `/usr/bin/caddy run --environ --config
// /etc/caddy/Caddyfile`; people also run `caddy run` in a directory holding a Caddyfile,
// or give --config FILE.json. The adapter is --adapter, else what Caddy infers: a file
// named Caddyfile* or *.caddyfile is a Caddyfile, anything else JSON.
#include "remediators/webserver/caddy/caddy_detect.h"

#include "platform/linux/proc_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dcv::caddy {
namespace {

std::string FlagValue(const std::vector<std::string>& argv, const std::string& flag) {
  for (size_t i = 2; i < argv.size(); ++i) {
    if (argv[i] == flag || argv[i] == "-" + flag) return i + 1 < argv.size() ? argv[i + 1] : "";
    for (const std::string& form : {flag + "=", "-" + flag + "="}) {
      if (argv[i].rfind(form, 0) == 0) return argv[i].substr(form.size());
    }
  }
  return "";
}

std::string InferAdapter(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  bool caddyfile = name.rfind("Caddyfile", 0) == 0 || name.ends_with(".caddyfile");
  return caddyfile ? "caddyfile" : "json";
}

}  // namespace

std::optional<CaddyInstance> ParseCaddyCmdline(std::string_view cmdline, const std::string& cwd) {
  std::vector<std::string> argv = SplitCmdline(cmdline);
  if (argv.size() < 2 || std::filesystem::path(argv[0]).filename() != "caddy") return std::nullopt;
  if (argv[1] != "run" && argv[1] != "start") return std::nullopt;
  CaddyInstance instance;
  instance.binary = argv[0];
  std::string config = FlagValue(argv, "-config");
  if (config.empty()) config = "Caddyfile";
  if (config[0] != '/') config = (std::filesystem::path(cwd) / config).lexically_normal().string();
  instance.config_path = config;
  instance.adapter = FlagValue(argv, "-adapter");
  if (instance.adapter.empty()) instance.adapter = InferAdapter(config);
  return instance;
}

std::optional<CaddyInstance> FindCaddy(const std::string& proc_root, const std::string& systemd_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cwd = std::filesystem::read_symlink(entry.path() / "cwd", ec).string();
    auto instance = ParseCaddyCmdline(ReadProcFile(entry.path() / "cmdline"), cwd.empty() ? "/" : cwd);
    if (!instance) continue;
    instance->pid = std::stoi(name);
    instance->systemd = ReadProcFile(entry.path() / "cgroup").find("/caddy.service") != std::string::npos &&
                        std::filesystem::is_directory(systemd_dir, ec);
    return instance;
  }
  return std::nullopt;
}

std::vector<std::string> AdaptArgv(const CaddyInstance& instance, const std::string& config) {
  return {instance.binary, "adapt", "--config", config, "--adapter", instance.adapter};
}

std::vector<std::string> ValidateArgv(const CaddyInstance& instance) {
  return {instance.binary, "validate", "--config", instance.config_path, "--adapter", instance.adapter};
}

std::vector<std::string> ReloadArgv(const CaddyInstance& instance) {
  if (instance.systemd) return {"systemctl", "reload", "caddy"};
  return {instance.binary, "reload", "--config", instance.config_path, "--adapter", instance.adapter};
}

}  // namespace dcv::caddy
