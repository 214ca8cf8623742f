// Apache detection. httpd keeps its argv, and all its processes (parent and workers)
// show the same command line, so the parent is the apache2/httpd process whose own parent
// is not one; its -d/-f/-D flags say which configuration it runs. Without a running
// httpd the stock main files are looked for. Config tests and reloads go through the
// control script (apache2ctl on Debian sources /etc/apache2/envvars, which apache2.conf
// needs) with the same -d/-f flags, or through systemd when the service runs under it.
#include "remediators/webserver/apache/apache_detect.h"

#include "platform/linux/proc_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dcv::apache {
namespace {

bool IsHttpdName(const std::string& argv0) {
  std::string base = std::filesystem::path(argv0).filename().string();
  return base == "apache2" || base == "httpd";
}

int ParentPid(const std::filesystem::path& proc_pid) {
  std::string stat = ReadProcFile(proc_pid / "stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

}  // namespace

std::optional<ApacheInstance> ParseCmdline(std::string_view cmdline) {
  std::vector<std::string> w = SplitCmdline(cmdline);
  if (w.empty() || !IsHttpdName(w[0])) return std::nullopt;
  ApacheInstance inst;
  bool rhel = std::filesystem::path(w[0]).filename() == "httpd";
  if (rhel) {
    inst = ApacheInstance{"httpd", "apachectl", "httpd", "/etc/httpd", "/etc/httpd/conf/httpd.conf",
                          {}, {}, 0, false};
  }
  inst.binary = w[0];
  bool conf_given = false;
  for (size_t i = 1; i < w.size(); ++i) {
    std::string flag = w[i].substr(0, 2);
    if (flag != "-d" && flag != "-f" && flag != "-D") continue;
    std::string value = w[i].size() > 2 ? w[i].substr(2) : (i + 1 < w.size() ? w[++i] : "");
    inst.flags.push_back(flag);  // httpd takes "-DNAME" and "-D NAME" alike
    inst.flags.push_back(value);
    if (flag == "-d") inst.server_root = value;
    if (flag == "-f") {
      inst.conf_path = value;
      conf_given = true;
    }
    if (flag == "-D") inst.defines[value] = "";
  }
  if (!conf_given && !rhel) inst.conf_path = inst.server_root + "/apache2.conf";
  if (!inst.conf_path.empty() && inst.conf_path[0] != '/') {
    inst.conf_path = inst.server_root + "/" + inst.conf_path;
  }
  return inst;
}

std::optional<ApacheInstance> FindParent(const std::string& proc_root,
                                         const std::string& systemd_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::optional<ApacheInstance> found;
  for (const auto& entry : fs::directory_iterator(proc_root, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::optional<ApacheInstance> inst = ParseCmdline(ReadProcFile(entry.path() / "cmdline"));
    if (!inst) continue;
    int ppid = ParentPid(entry.path());
    std::vector<std::string> parent =
        SplitCmdline(ReadProcFile(fs::path(proc_root) / std::to_string(ppid) / "cmdline"));
    if (!parent.empty() && IsHttpdName(parent[0])) continue;  // a worker
    inst->pid = std::atoi(name.c_str());
    std::string cgroup = ReadProcFile(entry.path() / "cgroup");
    inst->systemd = fs::exists(systemd_dir, ec) &&
                    cgroup.find(inst->service + ".service") != std::string::npos;
    if (!found || inst->pid < found->pid) found = inst;
  }
  return found;
}

std::optional<ApacheInstance> FindInstalled(const std::string& root) {
  std::error_code ec;
  if (std::filesystem::exists(root + "/etc/apache2/apache2.conf", ec)) return ApacheInstance{};
  if (std::filesystem::exists(root + "/etc/httpd/conf/httpd.conf", ec)) {
    return ApacheInstance{"httpd", "apachectl", "httpd", "/etc/httpd", "/etc/httpd/conf/httpd.conf",
                          {}, {}, 0, false};
  }
  return std::nullopt;
}

std::vector<std::string> TestArgv(const ApacheInstance& instance) {
  std::vector<std::string> argv{instance.ctl};
  argv.insert(argv.end(), instance.flags.begin(), instance.flags.end());
  argv.push_back("-t");
  return argv;
}

std::vector<std::string> ReloadArgv(const ApacheInstance& instance) {
  if (instance.systemd) return {"systemctl", "reload", instance.service};
  std::vector<std::string> argv{instance.ctl};
  argv.insert(argv.end(), instance.flags.begin(), instance.flags.end());
  argv.push_back("-k");
  argv.push_back("graceful");
  return argv;
}

}  // namespace dcv::apache
