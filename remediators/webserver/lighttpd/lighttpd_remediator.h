// The lighttpd remediator: finds lighttpd (a running `lighttpd -f FILE`, or the stock
// /etc/lighttpd/lighttpd.conf), reads the configuration as lighttpd parses it
// (`lighttpd -p -f FILE`), predicts every validation URL (url.redirect, url.rewrite*,
// url.access-deny, alias.url, document root), and plans the documented override: a marked
// `$HTTP["url"] == "<path>"` block at the end of the main file, where it merges last,
// resetting url.redirect and aliasing the path to the agent's webroot. As for Caddy, a
// configuration edit is shown by `fix --dry-run` and refused by a real fix.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "remediators/remediator.h"
#include "remediators/webserver/common/redirect_follow.h"
#include "remediators/webserver/lighttpd/lighttpd_config.h"
#include "remediators/webserver/lighttpd/lighttpd_predict.h"

namespace dcv {

struct LighttpdOptions {
  std::string proc_root = "/proc";
  std::string systemd_dir = "/run/systemd/system";
  std::string stock_config = "/etc/lighttpd/lighttpd.conf";
  /// Also take the stock configuration of an installed lighttpd that is not running (off
  /// in the agent, for the reason given at CaddyOptions::installed_not_running).
  bool installed_not_running = false;
};

struct LighttpdInstance {
  std::string binary = "lighttpd";
  std::string config_path;
  int pid = 0;
  bool systemd = false;
};

/// Parses /proc/PID/cmdline (NUL-separated); nullopt unless it is lighttpd with -f FILE.
std::optional<LighttpdInstance> ParseLighttpdCmdline(const std::string& cmdline);

struct LighttpdUrlCase {
  std::string domain, url;
  bool https = false;
  lighttpd::Answer answer, assumed;
};

class LighttpdRemediator : public Remediator {
 public:
  explicit LighttpdRemediator(LighttpdOptions options = {});
  std::string_view id() const override { return "webserver.lighttpd"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  const LighttpdInstance& instance() const { return instance_; }
  std::vector<LighttpdUrlCase> Evaluate(const Target& target, const lighttpd::Block* root = nullptr) const;
  /// The edited main file (the marked override block appended).
  std::string EditedText(const Target& target) const;
  std::vector<std::string> TestArgv() const;
  std::vector<std::string> ReloadArgv() const;

 private:
  Result<lighttpd::Block> Parse(ProcessRunner& runner, const std::string& text) const;
  Step ReloadStep() const;
  Result<void> CheckGracefulRestart() const;

  LighttpdOptions options_;
  LighttpdInstance instance_;
  std::optional<lighttpd::Block> root_;
  std::string text_;         // the main configuration file
  std::string parse_error_;  // lighttpd -p failed: CONFIG_INVALID
};

}  // namespace dcv
