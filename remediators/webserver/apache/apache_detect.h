// Finding Apache httpd the way it runs on this host: the parent process's command line
// (its -d/-f/-D flags), else the stock layouts: Debian's /etc/apache2/apache2.conf
// (apache2, apache2ctl, service apache2) and RHEL's /etc/httpd/conf/httpd.conf (httpd,
// apachectl, service httpd).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcv::apache {

/// A running (or installed) httpd and how to address it.
struct ApacheInstance {
  std::string binary = "apache2";   // as the parent was started, else the stock name
  std::string ctl = "apache2ctl";   // the control script (reads Debian's envvars)
  std::string service = "apache2";  // systemd unit name
  std::string server_root = "/etc/apache2";
  std::string conf_path = "/etc/apache2/apache2.conf";
  std::vector<std::string> flags;   // -d/-f/-D exactly as the parent got them
  std::map<std::string, std::string> defines;  // -D NAME
  int pid = 0;                      // parent pid, 0 when none was found
  bool systemd = false;             // the parent runs in the service's cgroup
};

/// Parses /proc/<pid>/cmdline (NUL-separated) of an apache2/httpd process; nullopt when
/// it is not one.
std::optional<ApacheInstance> ParseCmdline(std::string_view cmdline);

/// Scans `proc_root`/*/ for the httpd parent process (an apache2/httpd process whose
/// parent is not one); marks it systemd-managed when its cgroup names the service and
/// `systemd_dir` exists.
std::optional<ApacheInstance> FindParent(const std::string& proc_root,
                                         const std::string& systemd_dir);

/// The stock layout whose main file exists under `root` ("" for /): Debian first.
std::optional<ApacheInstance> FindInstalled(const std::string& root = "");

/// argv that tests the configuration: apache2ctl [-d R -f F] -t.
std::vector<std::string> TestArgv(const ApacheInstance& instance);
/// argv for a graceful reload: systemctl reload <service>, or apache2ctl [flags] -k graceful.
std::vector<std::string> ReloadArgv(const ApacheInstance& instance);

}  // namespace dcv::apache
