// The nginx remediator: finds nginx, reads its configuration itself, predicts what the CA
// gets for every validation URL (each domain, http and https, IPv4 and IPv6), reports
// what stands in the way with file:line, and plans the smallest edit that serves the
// validation file everywhere, followed by `nginx -t` and a reload.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "remediators/remediator.h"
#include "remediators/webserver/common/redirect_follow.h"
#include "remediators/webserver/nginx/nginx_config.h"
#include "remediators/webserver/nginx/nginx_detect.h"
#include "remediators/webserver/nginx/nginx_predict.h"
#include "remediators/webserver/nginx/nginx_select.h"

namespace dcv {

/// Where the remediator looks; tests point these at fixtures.
struct NginxOptions {
  std::string proc_root = "/proc";
  std::string systemd_dir = "/run/systemd/system";
  /// The host's addresses, for `listen ADDRESS:PORT`; nullopt: read them (getifaddrs).
  std::optional<std::vector<std::string>> local_addresses;
};

/// One validation URL as nginx would handle it.
struct NginxUrlCase {
  std::string domain;
  std::string url;
  bool https = false;
  bool ipv6 = false;
  std::optional<nginx::Selection> selection;  // nullopt: nothing listens
  /// The blocks `selection` points into (shared by all cases of one evaluation).
  std::shared_ptr<const std::vector<nginx::ServerBlock>> servers;
  bool tls_mismatch = false;  // https to a socket without ssl (or the reverse)
  nginx::Answer answer;       // with the file system as it is
  nginx::Answer assumed;      // as if the validation file existed where nginx looks
};

class NginxRemediator : public Remediator {
 public:
  explicit NginxRemediator(NginxOptions options = {});

  std::string_view id() const override { return "webserver.nginx"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  /// What Detect found (valid after it returned true).
  const nginx::NginxInstance& instance() const { return instance_; }
  /// Every validation URL of the target against `config` (the current one by default).
  std::vector<NginxUrlCase> Evaluate(const Target& target,
                                     const nginx::Config* config = nullptr) const;
  /// Any http(s) URL whose host this nginx names (or a --domain), against the current
  /// configuration: where a redirect on the validation path leads. nullopt otherwise.
  std::optional<NginxUrlCase> EvaluateUrl(const Target& target, const std::string& url,
                                          bool ipv6) const;
  /// Where the CA's fetch of a URL that nginx answers with a redirect ends.
  RedirectOutcome FollowRedirect(const Target& target, const NginxUrlCase& c) const;

 private:
  /// What every URL of one evaluation shares.
  struct UrlSetting {
    std::shared_ptr<const std::vector<nginx::ServerBlock>> servers;
    std::vector<std::string> local;
    nginx::FileView real, assumed;
  };
  UrlSetting Setting(const Target& target, const nginx::Config& config) const;
  NginxUrlCase EvaluateOne(const nginx::Config& config, const UrlSetting& at,
                           const std::string& domain, bool https, int port, bool ipv6,
                           const std::string& path) const;
  Result<void> PlanEdit(const Target& target, const std::vector<NginxUrlCase>& cases,
                        Plan& plan) const;
  Step ReloadStep() const;

  NginxOptions options_;
  nginx::NginxInstance instance_;
  std::optional<nginx::Config> config_;
  bool config_invalid_ = false;
  std::string test_output_;  // nginx -t stderr
};

/// A new nginx remediator with default options (for the registry).
std::unique_ptr<Remediator> MakeNginxRemediator();

}  // namespace dcv
