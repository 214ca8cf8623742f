// nginx detection. A running master is the best witness: nginx rewrites its argv into
// "nginx: master process <original command line>", so the binary and the -c/-p/-g flags
// it was started with can be read back from /proc/<pid>/cmdline (a -g value holds
// spaces, so it runs up to the next flag). `nginx -V` supplies the compiled-in prefix and
// configuration path for whatever the flags leave out.
#include "remediators/webserver/nginx/nginx_detect.h"

#include "platform/linux/proc_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dcv::nginx {
namespace {

constexpr std::string_view kTitle = "nginx: master process ";

bool IsFlag(const std::string& word) {
  return word.size() == 2 && word[0] == '-' &&
         std::string_view("cpgeqtTsvVh?").find(word[1]) != std::string_view::npos;
}

std::string ConfigureArg(std::string_view text, std::string_view name) {
  std::string key = "--" + std::string(name) + "=";
  size_t at = text.find(key);
  if (at == std::string_view::npos) return "";
  size_t start = at + key.size();
  size_t end = text.find_first_of(" \n", start);
  return std::string(text.substr(start, end == std::string_view::npos ? end : end - start));
}

std::string FlagValue(const std::vector<std::string>& flags, const std::string& flag) {
  for (size_t i = 0; i + 1 < flags.size(); i += 2) {
    if (flags[i] == flag) return flags[i + 1];
  }
  return "";
}

}  // namespace

std::optional<NginxInstance> ParseMasterCmdline(std::string_view raw) {
  std::string cmdline(raw);
  for (char& c : cmdline) {
    if (c == '\0') c = ' ';
  }
  if (cmdline.rfind(kTitle, 0) != 0) return std::nullopt;
  std::istringstream words(cmdline.substr(kTitle.size()));
  std::vector<std::string> w;
  for (std::string word; words >> word;) w.push_back(word);
  if (w.empty()) return std::nullopt;
  NginxInstance instance;
  instance.binary = w[0];
  for (size_t i = 1; i < w.size(); ++i) {
    std::string flag = w[i].substr(0, 2);
    if (flag != "-c" && flag != "-p" && flag != "-g" && flag != "-e") continue;
    std::string value = w[i].size() > 2 ? w[i].substr(2) : "";
    while (i + 1 < w.size() && !IsFlag(w[i + 1]) && (value.empty() || flag == "-g")) {
      value += (value.empty() ? "" : " ") + w[++i];
    }
    instance.flags.push_back(flag);
    instance.flags.push_back(value);
  }
  return instance;
}

std::optional<NginxInstance> FindMaster(const std::string& proc_root,
                                        const std::string& systemd_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto instance = ParseMasterCmdline(ReadProcFile(entry.path() / "cmdline"));
    if (!instance) continue;
    instance->pid = std::stoi(name);
    std::string cgroup = ReadProcFile(entry.path() / "cgroup");
    instance->systemd = cgroup.find("/nginx.service") != std::string::npos &&
                        std::filesystem::is_directory(systemd_dir, ec);
    return instance;
  }
  return std::nullopt;
}

void ResolvePaths(std::string_view version_output, NginxInstance& instance) {
  std::string prefix = FlagValue(instance.flags, "-p");
  if (prefix.empty()) prefix = ConfigureArg(version_output, "prefix");
  if (prefix.empty()) prefix = "/usr/local/nginx";
  if (prefix.back() != '/') prefix += '/';
  std::string conf = FlagValue(instance.flags, "-c");
  if (conf.empty()) conf = ConfigureArg(version_output, "conf-path");
  if (conf.empty()) conf = "conf/nginx.conf";
  if (conf[0] != '/') conf = prefix + conf;
  instance.prefix = prefix;
  instance.conf_path = conf;
}

std::vector<std::string> TestArgv(const NginxInstance& instance) {
  std::vector<std::string> argv{instance.binary};
  argv.insert(argv.end(), instance.flags.begin(), instance.flags.end());
  argv.push_back("-t");
  return argv;
}

std::vector<std::string> ReloadArgv(const NginxInstance& instance) {
  if (instance.systemd) return {"systemctl", "reload", "nginx"};
  std::vector<std::string> argv{instance.binary};
  argv.insert(argv.end(), instance.flags.begin(), instance.flags.end());
  argv.insert(argv.end(), {"-s", "reload"});
  return argv;
}

}  // namespace dcv::nginx
