// LighttpdRemediator: detection, diagnosis and planning. lighttpd merges conditional
// blocks in file order and the last match wins, so an `$HTTP["url"] == "<path>"` block
// appended to the main file overrides a url.redirect set anywhere before it (checked in a
// private network namespace: the path answers 200 from the alias, every other URL keeps
// its 301). The edited text is parsed again by `lighttpd -p -f -` (stdin) and
// re-predicted before it is planned. Reload: systemctl under systemd, else SIGUSR1 to
// the running pid (lighttpd's graceful restart).
#include "remediators/webserver/lighttpd/lighttpd_remediator.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "agent/core/unified_diff.h"
#include "platform/file_access.h"
#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/lighttpd/lighttpd_source.h"

namespace dcv {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Served(const Target& target, const lighttpd::Answer& a) {
  return !a.tls_mismatch && a.outcome == lighttpd::Outcome::kFile && a.status == 200 &&
         fs::path(a.file).filename() == target.token;
}

std::string Marker(const std::string& token, const char* edge) { return "# dcv-agent " + token + " " + edge; }

}  // namespace

std::optional<LighttpdInstance> ParseLighttpdCmdline(const std::string& cmdline) {
  std::vector<std::string> argv;
  std::istringstream in(cmdline);
  for (std::string word; std::getline(in, word, '\0');) {
    if (!word.empty()) argv.push_back(word);
  }
  if (argv.empty() || fs::path(argv[0]).filename() != "lighttpd") return std::nullopt;
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-f") return LighttpdInstance{argv[0], argv[i + 1], 0, false};
  }
  return std::nullopt;
}

LighttpdRemediator::LighttpdRemediator(LighttpdOptions options) : options_(std::move(options)) {}

Result<bool> LighttpdRemediator::Detect(const Host& host) {
  std::error_code ec;
  std::optional<LighttpdInstance> found;
  for (const auto& entry : fs::directory_iterator(options_.proc_root, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    if ((found = ParseLighttpdCmdline(ReadAll(entry.path() / "cmdline")))) {
      found->pid = std::stoi(name);
      found->systemd = ReadAll(entry.path() / "cgroup").find("/lighttpd.service") != std::string::npos &&
                       fs::is_directory(options_.systemd_dir, ec);
      break;
    }
  }
  if (!found) {
    if (!options_.installed_not_running) return false;
    for (const Listener& l : host.listeners) {
      if (l.port == 80 || l.port == 443) return false;  // another server holds the ports
    }
    if (!fs::exists(options_.stock_config) || !host.runner.Run({"lighttpd", "-v"}).ok()) return false;
    found = LighttpdInstance{"lighttpd", options_.stock_config, 0, false};
  }
  instance_ = *found;
  text_ = ReadAll(instance_.config_path);
  Result<lighttpd::Block> root = Parse(host.runner, "");
  if (!root)
    parse_error_ = root.error().message;
  else
    root_ = std::move(*root);
  return true;
}

Result<lighttpd::Block> LighttpdRemediator::Parse(ProcessRunner& runner, const std::string& text) const {
  ProcessOptions options;
  options.stdin_data = text;
  std::vector<std::string> argv = {instance_.binary, "-p", "-f", text.empty() ? instance_.config_path : "-"};
  ProcessResult r = runner.Run(argv, options);
  if (!r.ok()) return MakeError(FormatArgv(argv) + " fails: " + (r.started ? r.err : "could not run it"));
  return lighttpd::ParseDump(r.out);
}

std::vector<LighttpdUrlCase> LighttpdRemediator::Evaluate(const Target& target,
                                                          const lighttpd::Block* root) const {
  if (root == nullptr) root = root_ ? &*root_ : nullptr;
  if (root == nullptr) return {};
  auto real = [](const std::string& p) { return fs::is_regular_file(p); };
  auto assumed = [&](const std::string& p) { return real(p) || fs::path(p).filename() == target.token; };
  std::vector<LighttpdUrlCase> cases;
  for (const std::string& domain : target.domains) {
    for (bool https : {false, true}) {
      lighttpd::Request r{https, domain, https ? 443 : 80, target.UrlPath()};
      cases.push_back({domain, (https ? "https://" : "http://") + domain + target.UrlPath(), https,
                       lighttpd::Predict(*root, r, real), lighttpd::Predict(*root, r, assumed)});
    }
  }
  return cases;
}

std::string LighttpdRemediator::EditedText(const Target& target) const {
  std::string path = target.UrlPath();
  std::string out = text_;
  if (!out.empty() && out.back() != '\n') out += "\n";
  bool alias = false;
  for (const lighttpd::Item& item : root_ ? root_->items : std::vector<lighttpd::Item>{}) {
    if (item.key != "server.modules") continue;
    for (const auto& module : item.value.pairs) alias = alias || module.first == "mod_alias";
  }
  out += Marker(target.token, "begin") + "\n" + (alias ? "" : "server.modules += ( \"mod_alias\" )\n") +
         "$HTTP[\"url\"] == \"" + path + "\" {\n\turl.redirect = ()\n" + "\talias.url = ( \"" + path +
         "\" => \"" + ValidationFilePath(kAgentWebroot, target) + "\" )\n}\n" + Marker(target.token, "end") +
         "\n";
  return out;
}

std::vector<std::string> LighttpdRemediator::TestArgv() const {
  return {instance_.binary, "-tt", "-f", instance_.config_path};
}

std::vector<std::string> LighttpdRemediator::ReloadArgv() const {
  if (instance_.pid > 0 && !instance_.systemd) return {"kill", "-USR1", std::to_string(instance_.pid)};
  return {"systemctl", "reload", "lighttpd"};
}

Step LighttpdRemediator::ReloadStep() const {
  return Step{"webserver.lighttpd.reload", std::string(id()),
              "test the lighttpd configuration, then reload lighttpd",
              Reload{"lighttpd", TestArgv(), ReloadArgv()}};
}

// A graceful restart (SIGUSR1; systemd's `reload` sends the same) re-reads the
// certificates after lighttpd has dropped to server.username: one it cannot read then stops
// lighttpd (seen with 1.4.69: "graceful shutdown started", then nothing). Such a reload is
// not planned; the sysadmin is told which file to open to that user.
Result<void> LighttpdRemediator::CheckGracefulRestart() const {
  std::string user = lighttpd::ServerUser(*root_);
  if (user.empty()) return {};
  for (const std::string& file : lighttpd::FilesReadOnRestart(*root_)) {
    Result<bool> readable = ReadableBy(file, user);
    if (readable && *readable) continue;
    return MakeError("lighttpd re-reads " + file + " as " + user + " on a graceful restart (the reload dcv-agent " +
                     "and systemd use), and " + user +
                     (readable ? " cannot read it" : " cannot have it checked: " + readable.error().message) +
                     ", so the reload would stop lighttpd; nothing is changed. Let " + user +
                     " read it (e.g. chgrp " + user + " and chmod 640), then run fix again");
  }
  return {};
}

Result<void> LighttpdRemediator::PlanFix(const Target& target, const Host& host, const Diagnosis&,
                                         Plan& plan) {
  if (!parse_error_.empty())
    return MakeError("lighttpd rejects its configuration; not edited: " + parse_error_);
  if (!root_) return MakeError("lighttpd configuration was not read (Detect first)");
  std::set<std::string> docroots;
  bool all_served = true;
  for (const LighttpdUrlCase& c : Evaluate(target)) {
    if (c.answer.outcome == lighttpd::Outcome::kNoListener || c.answer.tls_mismatch) continue;
    all_served = all_served && Served(target, c.assumed) && !c.assumed.docroot.empty();
    if (Served(target, c.assumed) && !c.assumed.docroot.empty()) docroots.insert(c.assumed.docroot);
  }
  if (all_served) {
    for (const std::string& root : docroots) {
      if (auto file = AppendValidationFileIfNeeded(root, target, plan); !file) return file;
    }
    return {};
  }
  if (Result<void> restartable = CheckGracefulRestart(); !restartable) return restartable;
  std::string after = EditedText(target);
  Result<lighttpd::Block> edited = Parse(host.runner, after);
  if (!edited) return MakeError("the planned lighttpd edit does not parse: " + edited.error().message);
  for (const LighttpdUrlCase& c : Evaluate(target, &*edited)) {
    if (c.assumed.outcome == lighttpd::Outcome::kNoListener || c.assumed.tls_mismatch) continue;
    if (c.assumed.file != ValidationFilePath(kAgentWebroot, target)) {
      return MakeError("after the planned edit " + c.url + " would still answer " +
                       DescribeAnswer(c.assumed));
    }
  }
  const std::string& path = instance_.config_path;
  plan.steps.push_back(
      Step{"webserver.lighttpd.edit:" + path, std::string(id()),
           "serve " + target.UrlPath() + " from " + kAgentWebroot + " (override at the end of " + path + ")",
           EditFile{path, text_, after, UnifiedDiff(path, text_, after)}});
  if (auto file = AppendValidationFileIfNeeded(kAgentWebroot, target, plan); !file) return file;
  plan.steps.push_back(ReloadStep());
  return {};
}

Result<void> LighttpdRemediator::PlanCleanup(const Target& target, const Host&, Plan& plan) {
  AppendValidationFileRemoval(kAgentWebroot, target, "webserver.lighttpd.remove-file", std::string(id()),
                              plan);
  size_t begin = text_.find(Marker(target.token, "begin") + "\n");
  std::string end = Marker(target.token, "end") + "\n";
  size_t stop = begin == std::string::npos ? std::string::npos : text_.find(end, begin);
  if (stop == std::string::npos) return {};
  std::string after = text_.substr(0, begin) + text_.substr(stop + end.size());
  const std::string& path = instance_.config_path;
  plan.steps.push_back(Step{"webserver.lighttpd.cleanup:" + path, std::string(id()),
                            "remove the dcv-agent override for " + target.token + " from " + path,
                            EditFile{path, text_, after, UnifiedDiff(path, text_, after)}});
  plan.steps.push_back(ReloadStep());
  return {};
}

}  // namespace dcv
