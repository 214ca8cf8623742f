// CaddyRemediator: detection, URL evaluation and planning. Detect takes a running Caddy
// (its --config/--adapter), else the stock /etc/caddy/Caddyfile when the caddy binary is
// installed and no other server holds ports 80/443; it reads the configuration through
// `caddy adapt` (a failure is CONFIG_INVALID). PlanFix leaves the configuration alone when
// every URL already reaches a file_server root (it only places the file there). Otherwise
// it inserts a marked `handle <path>` serving /var/www/dcv-agent at the top of each site
// block a validation request reaches, and for hosts whose http URLs Caddy's automatic
// HTTPS redirects, a marked `http://` site block that serves the path and redirects the
// rest with 308 as before; it adapts the edited text with Caddy (stdin, nothing written)
// and re-predicts that every URL is then served from the agent's webroot; the reload step
// runs `caddy validate` first, then `caddy reload` (or systemctl). Only a running Caddy is
// taken (CaddyOptions::installed_not_running). Diagnose is in caddy_diagnose.cc.
#include "remediators/webserver/caddy/caddy_remediator.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "agent/core/unified_diff.h"
#include "remediators/webroot/validation_file.h"

namespace dcv {
namespace {

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Served(const Target& target, const CaddyUrlCase& c, const std::string& root) {
  const caddy::Answer& a = c.assumed;
  return !a.tls_mismatch && a.outcome == caddy::Outcome::kFile && a.status == 200 &&
         (root.empty() ? !a.docroot.empty() : a.docroot == root) &&
         a.file == ValidationFilePath(a.docroot, target);
}

bool Listened(const CaddyUrlCase& c) { return c.answer.outcome != caddy::Outcome::kNoListener; }

}  // namespace

CaddyRemediator::CaddyRemediator(CaddyOptions options) : options_(std::move(options)) {}

Result<bool> CaddyRemediator::Detect(const Host& host) {
  std::optional<caddy::CaddyInstance> running = caddy::FindCaddy(options_.proc_root, options_.systemd_dir);
  if (running) {
    instance_ = *running;
  } else {
    if (!options_.installed_not_running) return false;
    for (const Listener& l : host.listeners) {
      if (l.port == 80 || l.port == 443) return false;  // another server holds the ports
    }
    if (!std::filesystem::exists(options_.stock_config) || !host.runner.Run({"caddy", "version"}).ok())
      return false;
    instance_ = caddy::CaddyInstance{"caddy", options_.stock_config, "caddyfile", 0, false};
  }
  std::optional<std::string> text = ReadText(instance_.config_path);
  if (!text) return MakeError("caddy configuration unreadable: " + instance_.config_path);
  if (instance_.adapter == "json") {
    Result<caddy::Config> config = caddy::ParseAdapted(*text);
    if (!config) return MakeError(config.error().message + " (" + instance_.config_path + ")");
    config_ = std::move(*config);
    return true;
  }
  if (instance_.adapter != "caddyfile") {
    return MakeError("caddy adapter '" + instance_.adapter + "' is not supported (caddyfile, json)");
  }
  caddyfile_ = caddy::ScanCaddyfile(instance_.config_path, *text);
  Result<caddy::Config> config = Adapt(host.runner, "");
  if (!config) {
    adapt_error_ = config.error().message;  // Diagnose reports CONFIG_INVALID
    return true;
  }
  config_ = std::move(*config);
  return true;
}

Result<caddy::Config> CaddyRemediator::Adapt(ProcessRunner& runner, const std::string& text) const {
  ProcessOptions options;
  options.stdin_data = text;
  std::vector<std::string> argv =
      caddy::AdaptArgv(instance_, text.empty() ? instance_.config_path : "/dev/stdin");
  ProcessResult adapted = runner.Run(argv, options);
  if (!adapted.ok()) {
    std::string command = FormatArgv(argv);
    return MakeError(adapted.started ? command + " fails: " + adapted.err : "could not run " + command);
  }
  return caddy::ParseAdapted(adapted.out);
}

std::vector<CaddyUrlCase> CaddyRemediator::Evaluate(const Target& target, const caddy::Config* config) const {
  if (config == nullptr) config = config_ ? &*config_ : nullptr;
  if (config == nullptr) return {};
  caddy::FileExists real = [](const std::string& p) { return std::filesystem::is_regular_file(p); };
  caddy::FileExists assumed = [&](const std::string& p) {
    return real(p) || std::filesystem::path(p).filename() == target.token;
  };
  std::vector<CaddyUrlCase> cases;
  for (const std::string& domain : target.domains) {
    for (bool https : {false, true}) {
      caddy::Request request{https, domain, https ? 443 : 80, target.UrlPath()};
      cases.push_back(CaddyUrlCase{domain, (https ? "https://" : "http://") + domain + target.UrlPath(),
                                   https, caddy::Predict(*config, request, real),
                                   caddy::Predict(*config, request, assumed)});
    }
  }
  return cases;
}

std::string CaddyRemediator::SourceOf(const CaddyUrlCase& c) const {
  if (!caddyfile_) return instance_.config_path;
  const caddy::Answer& a = c.answer;
  const caddy::SiteBlock* site = caddy::FindSite(*caddyfile_, c.domain, c.https || a.auto_redirect);
  if (site == nullptr) return instance_.config_path;
  if (a.auto_redirect) return caddy::Where(*caddyfile_, *site, {});
  std::vector<std::string> directives;
  if (a.handler == "file_server") directives = {"file_server"};
  if (a.handler == "static_response")
    directives = {a.outcome == caddy::Outcome::kRedirect ? "redir" : "respond"};
  if (a.handler == "error") directives = {"error", "respond"};
  if (a.handler == "reverse_proxy" || a.handler == "php_fastcgi") directives = {a.handler};
  if (a.handler == "authentication") directives = {"basicauth", "basic_auth"};
  return caddy::Where(*caddyfile_, *site, directives);
}

Step CaddyRemediator::ReloadStep() const {
  return Step{"webserver.caddy.reload", std::string(id()),
              "adapt the Caddy configuration, then reload Caddy",
              Reload{"caddy", caddy::AdaptArgv(instance_, instance_.config_path), caddy::ReloadArgv(instance_)}};
}

Result<void> CaddyRemediator::PlanFix(const Target& target, const Host& host, const Diagnosis&, Plan& plan) {
  if (!adapt_error_.empty()) {
    return MakeError("the Caddy configuration does not adapt (" + instance_.config_path +
                     "); dcv-agent refuses to edit it: " + adapt_error_);
  }
  if (!config_) return MakeError("caddy configuration was not read (Detect first)");
  std::vector<CaddyUrlCase> cases = Evaluate(target);
  std::set<std::string> docroots;
  bool all_served = true;
  for (const CaddyUrlCase& c : cases) {
    if (!Listened(c) || c.answer.tls_mismatch) continue;
    all_served = all_served && Served(target, c, "");
    if (Served(target, c, "")) docroots.insert(c.assumed.docroot);
  }
  if (!all_served) return PlanEdit(target, host.runner, cases, plan);
  for (const std::string& root : docroots) {
    if (auto file = AppendValidationFileIfNeeded(root, target, plan); !file) return file;
  }
  return {};
}

Result<void> CaddyRemediator::PlanEdit(const Target& target, ProcessRunner& runner,
                                       const std::vector<CaddyUrlCase>& cases, Plan& plan) const {
  if (!caddyfile_) {
    return MakeError(instance_.config_path + " is JSON; dcv-agent edits Caddyfiles only: add a route for " +
                     target.UrlPath() + " serving " + kAgentWebroot + " by hand");
  }
  std::vector<const caddy::SiteBlock*> sites;
  std::vector<std::string> http_hosts;
  for (const CaddyUrlCase& c : cases) {
    if (!Listened(c) || c.answer.tls_mismatch || Served(target, c, "")) continue;
    if (c.answer.auto_redirect) {
      if (std::find(http_hosts.begin(), http_hosts.end(), c.domain) == http_hosts.end())
        http_hosts.push_back(c.domain);
      continue;
    }
    const caddy::SiteBlock* site = caddy::FindSite(*caddyfile_, c.domain, c.https);
    if (site == nullptr) return MakeError("no site block of " + instance_.config_path + " answers " + c.url);
    if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
  }
  std::string after =
      caddy::InsertHandles(*caddyfile_, sites, http_hosts, target.token, target.UrlPath(), kAgentWebroot);
  Result<caddy::Config> edited = Adapt(runner, after);
  if (!edited) return MakeError("the planned Caddyfile edit does not adapt: " + edited.error().message);
  std::vector<CaddyUrlCase> after_cases = Evaluate(target, &*edited);
  auto served_at = [&](const std::string& url) {
    return std::any_of(after_cases.begin(), after_cases.end(),
                       [&](const CaddyUrlCase& o) { return o.url == url && Served(target, o, ""); });
  };
  std::set<std::string> roots;
  for (const CaddyUrlCase& c : after_cases) {
    // A site-level `redir` runs before any `handle`: acceptable when it leads to a URL served now.
    bool followed = c.assumed.outcome == caddy::Outcome::kRedirect && served_at(c.assumed.location);
    if (Served(target, c, "")) roots.insert(c.assumed.docroot);
    if (Listened(c) && !c.assumed.tls_mismatch && !Served(target, c, "") && !followed) {
      return MakeError("after the planned edit " + c.url + " would still answer " +
                       caddy::DescribeAnswer(c.assumed));
    }
  }
  const std::string& path = instance_.config_path;
  plan.steps.push_back(
      Step{"webserver.caddy.edit:" + path, std::string(id()),
           "serve " + target.UrlPath() + " from " + kAgentWebroot + " in the site blocks of " + path,
           EditFile{path, caddyfile_->text, after, UnifiedDiff(path, caddyfile_->text, after)}});
  for (const std::string& root : roots) {
    if (auto file = AppendValidationFileIfNeeded(root, target, plan); !file) return file;
  }
  plan.steps.push_back(ReloadStep());
  return {};
}

Result<void> CaddyRemediator::PlanCleanup(const Target& target, const Host&, Plan& plan) {
  if (!config_ && adapt_error_.empty()) return MakeError("caddy configuration was not read (Detect first)");
  std::set<std::string> roots = {kAgentWebroot};
  for (const CaddyUrlCase& c : Evaluate(target)) {
    if (Served(target, c, "")) roots.insert(c.assumed.docroot);
  }
  for (const std::string& root : roots) {
    AppendValidationFileRemoval(root, target, "webserver.caddy.remove-file:" + root, std::string(id()), plan);
  }
  if (!caddyfile_) return {};
  std::string after = caddy::RemoveHandles(caddyfile_->text, target.token);
  if (after == caddyfile_->text) return {};
  const std::string& path = instance_.config_path;
  plan.steps.push_back(
      Step{"webserver.caddy.cleanup:" + path, std::string(id()),
           "remove the dcv-agent handle for " + target.token + " from " + path,
           EditFile{path, caddyfile_->text, after, UnifiedDiff(path, caddyfile_->text, after)}});
  plan.steps.push_back(ReloadStep());
  return {};
}

}  // namespace dcv
