// ApacheRemediator: detection, URL evaluation and planning. Detect finds the httpd parent
// process (or the stock layout), runs the config test with its flags and parses the
// configuration itself. PlanFix leaves the configuration alone when every URL already
// reaches a DocumentRoot (it only places the file there); otherwise it finds the smallest
// snippet per vhost by re-predicting the edited configuration: an Alias first; a
// RewriteRule [END] where a redirect or rewrite still wins; a [PT,END] rewrite to a URL
// without dot segments where a <Location> section still redirects it; a ProxyPass
// exclusion where a proxy takes the path; a <Location> grant where a Location denies it. The edit is
// accepted only when every reachable URL is then served from the agent's webroot and
// the answers to other URLs are unchanged. PlanCleanup removes the snippets and the file
// from the agent's webroot and from every DocumentRoot the validation URLs reach. Diagnose
// is in apache_diagnose.cc.
#include "remediators/webserver/apache/apache_remediator.h"

#include <ifaddrs.h>
#include <netdb.h>

#include <filesystem>
#include <map>
#include <set>

#include "agent/core/unified_diff.h"
#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/apache/apache_edit.h"

namespace dcv {
namespace {

std::vector<std::string> InterfaceAddresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    int family = i->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    char host[NI_MAXHOST];
    socklen_t len = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (getnameinfo(i->ifa_addr, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) == 0) {
      std::string a = host;
      out.push_back(a.substr(0, a.find('%')));
    }
  }
  freeifaddrs(list);
  return out;
}

/// URL paths whose answers the edit must not change.
std::vector<std::string> OtherUris(const Target& target) {
  return {"/", "/index.html", "/some/app/path", target.WellKnownDir() + "dcv-agent-other-file"};
}

std::string Summary(const apache::Answer& a) { return apache::DescribeAnswer(a); }

bool ServedFromAgent(const ApacheUrlCase& c, const std::string& expected) {
  return c.assumed.outcome == apache::Outcome::kFile && c.assumed.file == expected &&
         c.assumed.status == 200;
}

/// The next larger snippet for a vhost whose URL still answers `a` after an edit.
void Escalate(const apache::Answer& a, bool has_alias, bool has_rewrite,
              apache::SnippetNeeds& n) {
  if (a.outcome == apache::Outcome::kUpstream && !n.proxy_exclusion) {
    n.proxy_exclusion = true;
  } else if (a.status == 403 && !n.location_grant) {
    n.location_grant = true;
  } else if (has_rewrite && !n.rewrite) {
    n.rewrite = n.engine_on = true;
  } else if (has_rewrite && has_alias) {
    n.dotless = true;
  }
}

/// An Error naming the first URL other than the validation URL whose answer differs.
Result<void> SameAnswers(const ApacheEvaluation& was, const ApacheEvaluation& now) {
  for (size_t i = 0; i < was.cases.size() && i < now.cases.size(); ++i) {
    if (Summary(was.cases[i].answer) != Summary(now.cases[i].answer)) {
      return MakeError("the planned Apache edit would change the answer to " + was.cases[i].url +
                       " (" + apache::DescribeAnswer(was.cases[i].answer) + " -> " +
                       apache::DescribeAnswer(now.cases[i].answer) + "); not applied");
    }
  }
  return {};
}

}  // namespace

ApacheRemediator::ApacheRemediator(ApacheOptions options) : options_(std::move(options)) {}

Result<bool> ApacheRemediator::Detect(const Host& host) {
  std::optional<apache::ApacheInstance> found = options_.instance;
  if (!found) found = apache::FindParent(options_.proc_root, options_.systemd_dir);
  bool running = found && found->pid != 0;
  if (!found) {
    // Installed but not running: only ours to diagnose when no other server holds the ports.
    for (const Listener& l : host.listeners) {
      if (l.port == 80 || l.port == 443) return false;
    }
    found = apache::FindInstalled(options_.stock_root);
  }
  if (!found) return false;
  instance_ = *found;
  ProcessResult test = host.runner.Run(apache::TestArgv(instance_));
  if (!test.started && !running && !options_.instance) return false;  // config left, no httpd
  config_invalid_ = !test.ok();
  test_output_ = test.started ? test.err + test.out
                              : "could not run " + FormatArgv(apache::TestArgv(instance_));
  apache::LoadOptions load;
  load.conf_path = instance_.conf_path;
  load.server_root = instance_.server_root;
  load.defines = instance_.defines;
  Result<apache::Config> config = apache::LoadConfig(load);
  if (!config) {
    if (config_invalid_) return true;  // Diagnose reports CONFIG_INVALID
    return MakeError("Apache configuration unreadable: " + config.error().message);
  }
  config_ = std::move(*config);
  vhosts_ = std::make_shared<const std::vector<apache::Vhost>>(apache::CollectVhosts(*config_));
  return true;
}

ApacheRemediator::UrlSetting ApacheRemediator::Setting(const Target& target,
                                                       const apache::Config& config,
                                                       const std::string& assume_at) const {
  UrlSetting at;
  at.listens = apache::CollectListens(config);
  at.local = options_.local_addresses.value_or(InterfaceAddresses());
  at.real = apache::RealFiles();
  at.assumed = at.real;
  at.assumed.is_file = [real = at.real, assume_at, token = target.token](const std::string& p) {
    if (!assume_at.empty()) return real.is_file(p) || p == assume_at;
    return real.is_file(p) || std::filesystem::path(p).filename() == token;
  };
  return at;
}

ApacheUrlCase ApacheRemediator::EvaluateOne(const apache::Config& config, const UrlSetting& at,
                                            const std::vector<apache::Vhost>& vhosts,
                                            const std::string& domain, bool https, int port,
                                            bool ipv6, const std::string& uri) const {
  ApacheUrlCase c;
  c.domain = domain;
  c.uri = uri;
  std::string authority = domain + (port == (https ? 443 : 80) ? "" : ":" + std::to_string(port));
  c.url = (https ? "https://" : "http://") + authority + uri;
  c.https = https;
  c.ipv6 = ipv6;
  apache::Endpoint endpoint{port, ipv6, at.local};
  c.listening = apache::Listens(at.listens, endpoint);
  if (!c.listening) return c;
  const apache::Vhost& v = apache::SelectVhost(vhosts, domain, endpoint);
  c.vhost = static_cast<size_t>(&v - vhosts.data());
  c.name_matched = apache::NameMatches(v.server_name, domain);
  for (const std::string& a : v.aliases) c.name_matched = c.name_matched || apache::NameMatches(a, domain);
  c.tls_mismatch = https != v.ssl;
  apache::Request request{https ? "https" : "http", domain, endpoint.port, uri};
  if (!c.tls_mismatch) {
    c.answer = apache::Predict(config, v, request, at.real);
    c.assumed = apache::Predict(config, v, request, at.assumed);
  }
  return c;
}

std::shared_ptr<const std::vector<apache::Vhost>> ApacheRemediator::VhostsOf(const apache::Config& config) const {
  if (vhosts_ && config_ && &config == &*config_) return vhosts_;
  return std::make_shared<const std::vector<apache::Vhost>>(apache::CollectVhosts(config));
}

ApacheEvaluation ApacheRemediator::Evaluate(const Target& target, const apache::Config& config,
                                            const std::vector<std::string>& uris,
                                            const std::string& assume_at) const {
  return EvaluateWith(target, config, VhostsOf(config), uris, assume_at);
}

ApacheEvaluation ApacheRemediator::EvaluateWith(const Target& target, const apache::Config& config,
                                                std::shared_ptr<const std::vector<apache::Vhost>> vhosts,
                                                const std::vector<std::string>& uris,
                                                const std::string& assume_at) const {
  ApacheEvaluation eval;
  eval.vhosts = std::move(vhosts);
  UrlSetting at = Setting(target, config, assume_at);
  std::vector<std::string> paths = uris.empty() ? std::vector<std::string>{target.UrlPath()} : uris;
  for (const std::string& domain : target.domains) {
    for (const std::string& uri : paths) {
      for (bool https : {false, true}) {
        for (bool ipv6 : {false, true}) {
          eval.cases.push_back(
              EvaluateOne(config, at, *eval.vhosts, domain, https, https ? 443 : 80, ipv6, uri));
        }
      }
    }
  }
  return eval;
}

std::optional<ApacheEvaluation> ApacheRemediator::EvaluateUrl(const Target& target,
                                                              const std::string& url,
                                                              bool ipv6) const {
  std::optional<UrlRequest> r = SplitUrl(url);
  if (!config_ || !r) return std::nullopt;
  ApacheEvaluation eval;
  eval.vhosts = VhostsOf(*config_);
  ApacheUrlCase c = EvaluateOne(*config_, Setting(target, *config_, ""), *eval.vhosts, r->host,
                                r->scheme == "https", r->port, ipv6, r->path);
  bool ours = std::find(target.domains.begin(), target.domains.end(), r->host) !=
              target.domains.end();
  if (!c.listening || (!ours && !c.name_matched)) return std::nullopt;  // not ours to predict
  eval.cases.push_back(std::move(c));
  return eval;
}

Step ApacheRemediator::ReloadStep() const {
  return Step{"webserver.apache.reload", std::string(id()),
              "test the Apache configuration, then reload Apache gracefully",
              Reload{instance_.service, apache::TestArgv(instance_), apache::ReloadArgv(instance_)}};
}

Result<void> ApacheRemediator::PlanFix(const Target& target, const Host&, const Diagnosis&,
                                       Plan& plan) {
  if (config_invalid_) {
    return MakeError(FormatArgv(apache::TestArgv(instance_)) +
                     " already fails on the current configuration (" + instance_.conf_path +
                     "); dcv-agent refuses to edit a configuration that does not pass its own "
                     "test: " + test_output_);
  }
  if (!config_) return MakeError("Apache configuration was not read (Detect first)");
  ApacheEvaluation eval = Evaluate(target, *config_);
  std::set<std::string> docroots;
  bool all_served = true;
  for (const ApacheUrlCase& c : eval.cases) {
    if (!c.listening || c.tls_mismatch) continue;
    const apache::Answer& a = c.assumed;
    bool served = a.outcome == apache::Outcome::kFile && a.status == 200 && !a.docroot.empty() &&
                  a.file == ValidationFilePath(a.docroot, target);
    all_served = all_served && served;
    if (served) docroots.insert(a.docroot);
  }
  if (docroots.empty() && all_served) return {};  // nothing listens: NO_LISTENER
  if (!all_served) return PlanEdit(target, eval, plan);
  for (const std::string& root : docroots) {
    if (auto file = AppendValidationFileIfNeeded(root, target, plan); !file) return file;
  }
  return {};
}

Result<void> ApacheRemediator::PlanEdit(const Target& target, const ApacheEvaluation& current,
                                        Plan& plan) const {
  std::map<size_t, apache::SnippetNeeds> needs;  // vhost index -> snippet
  for (const ApacheUrlCase& c : current.cases) {
    if (!c.listening || c.tls_mismatch) continue;
    needs[c.vhost].proxy_exclusion = needs[c.vhost].proxy_exclusion ||
                                     c.assumed.outcome == apache::Outcome::kUpstream;
  }
  bool has_alias = config_->HasModule("alias_module");
  bool has_rewrite = config_->HasModule("rewrite_module");
  if (!has_alias && !has_rewrite) {
    return MakeError("neither mod_alias nor mod_rewrite is loaded, so no edit can map " +
                     target.UrlPath() + "; enable one (a2enmod alias) or serve the path by hand");
  }
  for (auto& [index, n] : needs) n.rewrite = n.engine_on = !has_alias;
  std::string expected = ValidationFilePath(kAgentWebroot, target);
  std::vector<apache::FileEdit> edits;
  std::string failure;
  for (int attempt = 0; attempt < 6; ++attempt) {
    std::vector<apache::VhostEdit> list;
    for (const auto& [index, n] : needs) list.push_back({(*current.vhosts)[index].directive, n});
    edits = apache::InsertSnippets(*config_, list, target, kAgentWebroot);
    apache::LoadOptions what_if{instance_.conf_path, instance_.server_root, instance_.defines, {}, {}, 32};
    for (const apache::FileEdit& e : edits) what_if.overrides[e.path] = e.after;
    what_if.reuse_text = &*config_;  // the same files, read a moment ago
    Result<apache::Config> edited = apache::LoadConfig(what_if);
    if (!edited) return MakeError("the planned Apache edit does not parse: " + edited.error().message);
    failure.clear();
    bool escalated = false;
    std::set<size_t> grown;  // one step per vhost and attempt
    auto edited_vhosts = VhostsOf(*edited);  // collected once for both evaluations below
    for (const ApacheUrlCase& c : EvaluateWith(target, *edited, edited_vhosts, {}, expected).cases) {
      if (!c.listening || c.tls_mismatch || ServedFromAgent(c, expected)) continue;
      failure = c.url + " would still answer " + apache::DescribeAnswer(c.assumed) +
                (c.assumed.source.empty() ? "" : " (" + c.assumed.source + ")");
      if (!grown.insert(c.vhost).second) continue;
      apache::SnippetNeeds& n = needs[c.vhost];
      apache::SnippetNeeds before = n;
      Escalate(c.assumed, has_alias, has_rewrite, n);
      escalated = escalated || !(before == n);
    }
    if (failure.empty()) {
      std::vector<std::string> others = OtherUris(target);
      Result<void> same = SameAnswers(Evaluate(target, *config_, others),
                                      EvaluateWith(target, *edited, edited_vhosts, others, ""));
      if (!same) return same;
      break;
    }
    if (!escalated) break;
  }
  if (!failure.empty()) {
    return MakeError("no marked edit makes Apache serve the validation file: after the edit " +
                     failure + "; serve " + target.UrlPath() + " by hand");
  }
  return AddEditSteps(target, edits, plan);
}

Result<void> ApacheRemediator::AddEditSteps(const Target& target,
                                            const std::vector<apache::FileEdit>& edits,
                                            Plan& plan) const {
  for (const apache::FileEdit& e : edits) {
    plan.steps.push_back(Step{"webserver.apache.edit:" + e.path, std::string(id()),
                              "serve " + target.UrlPath() + " from " + kAgentWebroot +
                                  " in the VirtualHosts of " + e.path,
                              EditFile{e.path, e.before, e.after, UnifiedDiff(e.path, e.before, e.after)}});
  }
  if (auto file = AppendValidationFileIfNeeded(kAgentWebroot, target, plan); !file) return file;
  if (!edits.empty()) plan.steps.push_back(ReloadStep());
  return {};
}

Result<void> ApacheRemediator::PlanCleanup(const Target& target, const Host&, Plan& plan) {
  if (!config_) return MakeError("Apache configuration was not read (Detect first)");
  bool edited = false;
  for (const apache::SourceFile& file : config_->files) {
    std::string after = apache::RemoveSnippets(file.text, target.token);
    if (after == file.text) continue;
    edited = true;
    plan.steps.push_back(Step{
        "webserver.apache.cleanup:" + file.path, std::string(id()),
        "remove the dcv-agent snippet for " + target.token + " from " + file.path,
        EditFile{file.path, file.text, after, UnifiedDiff(file.path, file.text, after)}});
  }
  if (edited) plan.steps.push_back(ReloadStep());
  // Where fix put the file: the agent's webroot, or the DocumentRoot every URL reached.
  std::set<std::string> roots = {kAgentWebroot};
  for (const ApacheUrlCase& c : Evaluate(target, *config_).cases) {
    const apache::Answer& a = c.assumed;
    if (c.listening && !c.tls_mismatch && a.outcome == apache::Outcome::kFile && a.status == 200 &&
        !a.docroot.empty() && a.file == ValidationFilePath(a.docroot, target)) {
      roots.insert(a.docroot);
    }
  }
  for (const std::string& root : roots) {
    AppendValidationFileRemoval(root, target, "webserver.apache.remove-file:" + root,
                                std::string(id()), plan);
  }
  return {};
}

std::unique_ptr<Remediator> MakeApacheRemediator() { return std::make_unique<ApacheRemediator>(); }

}  // namespace dcv
