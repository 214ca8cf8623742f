// Finding nginx the way it runs on this host: the master process's command line (its
// -c/-p/-g flags), the build defaults from `nginx -V`, and whether systemd manages it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"
#include "platform/process.h"

namespace dcv::nginx {

/// A running (or installed) nginx and how to address it.
struct NginxInstance {
  std::string binary = "nginx";    // as the master was started, else looked up in PATH
  std::vector<std::string> flags;  // -c/-p/-g exactly as the master got them
  std::string conf_path;           // absolute path of the main configuration file
  std::string prefix;              // ends with '/'
  int pid = 0;                     // master pid, 0 when none was found
  bool systemd = false;            // the master runs in nginx.service under systemd
};

/// Parses a master's /proc/<pid>/cmdline ("nginx: master process /usr/sbin/nginx -c ...",
/// NULs allowed). nullopt when it is not an nginx master.
std::optional<NginxInstance> ParseMasterCmdline(std::string_view cmdline);

/// Scans `proc_root`/*/cmdline for an nginx master; marks it systemd-managed when its
/// cgroup names nginx.service and `systemd_dir` exists.
std::optional<NginxInstance> FindMaster(const std::string& proc_root,
                                        const std::string& systemd_dir);

/// Fills conf_path and prefix from the flags and the `nginx -V` text (--prefix,
/// --conf-path), as nginx resolves them: -p, else --prefix; -c, else --conf-path, else
/// conf/nginx.conf, relative paths taken from the prefix.
void ResolvePaths(std::string_view version_output, NginxInstance& instance);

/// argv that tests the configuration with the master's flags: nginx [flags] -t.
std::vector<std::string> TestArgv(const NginxInstance& instance);
/// argv that reloads it: systemctl reload nginx, or nginx [flags] -s reload.
std::vector<std::string> ReloadArgv(const NginxInstance& instance);

}  // namespace dcv::nginx
