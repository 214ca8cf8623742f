// The Apache remediator: finds httpd, reads its configuration itself, predicts what the
// CA gets for every validation URL (each domain, http and https, IPv4 and IPv6), reports
// what stands in the way with file:line, and plans the smallest marked edit that serves
// the validation file from /var/www/dcv-agent in every vhost the CA reaches, followed by
// `apache2ctl -t` and a graceful reload.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "remediators/remediator.h"
#include "remediators/webserver/common/redirect_follow.h"
#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_detect.h"
#include "remediators/webserver/apache/apache_edit.h"
#include "remediators/webserver/apache/apache_predict.h"
#include "remediators/webserver/apache/apache_vhost.h"

namespace dcv {

/// Where the remediator looks; tests point these at fixtures.
struct ApacheOptions {
  std::string proc_root = "/proc";
  std::string systemd_dir = "/run/systemd/system";
  std::string stock_root;  // prefix for the stock layouts ("" = /)
  /// Use this instance instead of detecting one (tests, corpus copies).
  std::optional<apache::ApacheInstance> instance;
  /// The host's addresses, for IP-based vhosts; nullopt: read them (getifaddrs).
  std::optional<std::vector<std::string>> local_addresses;
};

/// One validation URL as httpd would handle it.
struct ApacheUrlCase {
  std::string domain;
  std::string url;
  std::string uri;
  bool https = false;
  bool ipv6 = false;
  bool listening = false;     // a Listen covers the port and family
  size_t vhost = 0;           // index into the evaluation's vhosts (0: main server)
  bool name_matched = false;  // the vhost names the domain (else it is the default)
  bool tls_mismatch = false;  // https to a vhost without SSLEngine (or the reverse)
  apache::Answer answer;      // with the file system as it is
  apache::Answer assumed;     // as if the validation file existed where httpd looks
};

/// The evaluation of all URLs against one configuration.
struct ApacheEvaluation {
  /// The configuration's vhosts, shared: collected once per configuration, not per call.
  std::shared_ptr<const std::vector<apache::Vhost>> vhosts;
  std::vector<ApacheUrlCase> cases;
};

class ApacheRemediator : public Remediator {
 public:
  explicit ApacheRemediator(ApacheOptions options = {});

  std::string_view id() const override { return "webserver.apache"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  const apache::ApacheInstance& instance() const { return instance_; }
  const apache::Config* config() const { return config_ ? &*config_ : nullptr; }
  /// Every validation URL of the target (or the given URL paths) against `config`. The
  /// `assumed` answers take the validation file as present wherever httpd looks for it, or,
  /// with `assume_at`, only at that path (to check an edit that places it there).
  ApacheEvaluation Evaluate(const Target& target, const apache::Config& config,
                            const std::vector<std::string>& uris = {},
                            const std::string& assume_at = "") const;
  /// Any http(s) URL whose host a vhost names (or a --domain), against the current
  /// configuration, as an evaluation with that one case: where a redirect on the validation
  /// path leads. nullopt when httpd does not answer it.
  std::optional<ApacheEvaluation> EvaluateUrl(const Target& target, const std::string& url,
                                              bool ipv6) const;
  /// Where the CA's fetch of a URL that httpd answers with a redirect ends.
  RedirectOutcome FollowRedirect(const Target& target, const ApacheUrlCase& c) const;

 private:
  /// What every URL of one evaluation shares.
  struct UrlSetting {
    std::vector<apache::ListenSocket> listens;
    std::vector<std::string> local;
    apache::FileView real, assumed;
  };
  UrlSetting Setting(const Target& target, const apache::Config& config,
                     const std::string& assume_at) const;
  ApacheUrlCase EvaluateOne(const apache::Config& config, const UrlSetting& at,
                            const std::vector<apache::Vhost>& vhosts, const std::string& domain,
                            bool https, int port, bool ipv6, const std::string& uri) const;
  Result<void> PlanEdit(const Target& target, const ApacheEvaluation& current, Plan& plan) const;
  Result<void> AddEditSteps(const Target& target, const std::vector<apache::FileEdit>& edits,
                            Plan& plan) const;
  Step ReloadStep() const;

  ApacheOptions options_;
  apache::ApacheInstance instance_;
  std::optional<apache::Config> config_;
  std::shared_ptr<const std::vector<apache::Vhost>> vhosts_;  // of config_
  /// config_'s vhosts (kept), or a fresh collection for another (what-if) configuration.
  std::shared_ptr<const std::vector<apache::Vhost>> VhostsOf(const apache::Config& config) const;
  ApacheEvaluation EvaluateWith(const Target& target, const apache::Config& config,
                                std::shared_ptr<const std::vector<apache::Vhost>> vhosts,
                                const std::vector<std::string>& uris, const std::string& assume_at) const;
  bool config_invalid_ = false;
  std::string test_output_;
};

std::unique_ptr<Remediator> MakeApacheRemediator();

}  // namespace dcv
