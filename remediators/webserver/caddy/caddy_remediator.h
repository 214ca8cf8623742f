// The Caddy remediator: finds Caddy (running, or the stock installation), reads its
// configuration through `caddy adapt` (Caddy's own Caddyfile adapter), predicts the
// answer to every validation URL — automatic HTTPS's 308 on http, file_server, redir,
// respond, reverse_proxy — with the Caddyfile line that decides, and plans the edit that
// serves the file from the agent's webroot. Applying a configuration edit is not
// supported yet: PlanFix then appends the plan (for `fix --dry-run`) and refuses, so a
// real `fix` applies nothing. A plan that only writes the validation file under a
// file_server root is applied like any other.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "remediators/remediator.h"
#include "remediators/webserver/caddy/caddy_config.h"
#include "remediators/webserver/caddy/caddy_detect.h"
#include "remediators/webserver/caddy/caddy_predict.h"
#include "remediators/webserver/caddy/caddyfile_text.h"
#include "remediators/webserver/common/redirect_follow.h"

namespace dcv {

/// Where the remediator looks; tests point these at fixtures.
struct CaddyOptions {
  std::string proc_root = "/proc";
  std::string systemd_dir = "/run/systemd/system";
  std::string stock_config = caddy::kStockCaddyfile;
  /// Also take the stock Caddyfile of an installed Caddy that is not running. Off in the
  /// agent: Debian's caddy package starts on install, so a stopped Caddy was stopped on
  /// purpose, and a host where nginx or Apache is the (stopped) server of record must not
  /// have its idle Caddy package edited.
  bool installed_not_running = false;
};

/// One validation URL as Caddy would handle it.
struct CaddyUrlCase {
  std::string domain;
  std::string url;
  bool https = false;
  caddy::Answer answer;   // with the file system as it is
  caddy::Answer assumed;  // as if the validation file existed where Caddy looks
};

class CaddyRemediator : public Remediator {
 public:
  explicit CaddyRemediator(CaddyOptions options = {});

  std::string_view id() const override { return "webserver.caddy"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  const caddy::CaddyInstance& instance() const { return instance_; }
  /// Every validation URL of the target (http and https per domain) against `config`.
  std::vector<CaddyUrlCase> Evaluate(const Target& target, const caddy::Config* config = nullptr) const;
  /// The Caddyfile line that decides an answer ("" without a Caddyfile).
  std::string SourceOf(const CaddyUrlCase& c) const;
  /// Where the CA's fetch of a URL that Caddy answers with a redirect ends.
  RedirectOutcome FollowRedirect(const Target& target, const CaddyUrlCase& c) const;

 private:
  Result<caddy::Config> Adapt(ProcessRunner& runner, const std::string& text) const;
  Result<void> PlanEdit(const Target& target, ProcessRunner& runner, const std::vector<CaddyUrlCase>& cases,
                        Plan& plan) const;
  Step ReloadStep() const;

  CaddyOptions options_;
  caddy::CaddyInstance instance_;
  std::optional<caddy::Config> config_;
  std::optional<caddy::Caddyfile> caddyfile_;  // when the adapter is caddyfile
  std::string adapt_error_;                    // caddy adapt failed: CONFIG_INVALID
};

}  // namespace dcv
