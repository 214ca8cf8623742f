// Finding Caddy the way it runs on this host: a `caddy run`/`caddy start` process and its
// --config/--adapter flags (from /proc/PID/cmdline, NUL-separated), whether systemd
// manages it, and the argv of Caddy's own tools for its configuration.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcv::caddy {

inline constexpr const char* kStockCaddyfile = "/etc/caddy/Caddyfile";

struct CaddyInstance {
  std::string binary = "caddy";
  std::string config_path;  // absolute (made so with the process's cwd)
  std::string adapter;      // "caddyfile" or "json"
  int pid = 0;              // 0 when not running
  bool systemd = false;     // runs in caddy.service under systemd
};

/// Parses a process's cmdline (NUL-separated argv). nullopt when it is not `caddy run` or
/// `caddy start`. A relative --config (or the implicit ./Caddyfile) is taken from `cwd`.
std::optional<CaddyInstance> ParseCaddyCmdline(std::string_view cmdline, const std::string& cwd);

/// Scans `proc_root`/*/cmdline for a running Caddy.
std::optional<CaddyInstance> FindCaddy(const std::string& proc_root, const std::string& systemd_dir);

/// caddy adapt --config FILE --adapter A (the configuration as Caddy reads it; binds nothing).
std::vector<std::string> AdaptArgv(const CaddyInstance& instance, const std::string& config);
/// caddy validate --config FILE --adapter A.
std::vector<std::string> ValidateArgv(const CaddyInstance& instance);
/// systemctl reload caddy, or caddy reload --config FILE --adapter A.
std::vector<std::string> ReloadArgv(const CaddyInstance& instance);

}  // namespace dcv::caddy
