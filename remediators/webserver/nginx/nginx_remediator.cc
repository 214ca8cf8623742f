// NginxRemediator: detection, URL evaluation and planning. Detect finds the master (or
// the installed binary), runs `nginx -t` with the master's flags and parses the
// configuration itself. PlanFix leaves the configuration alone when every URL already
// reaches a document root (it only places the file there); otherwise it inserts the
// marked snippet into every server block a validation request reaches, checks by
// re-predicting the edited configuration that every URL is then served from the agent's
// webroot, and adds the file and a test-and-reload step. A redirect the CA would follow
// still gets the snippet (harmless, and the path then answers directly). PlanCleanup
// removes the snippets and the file from the agent's webroot and from every document
// root the validation URLs reach (where a docroot-only fix put it). Diagnose is in
// nginx_diagnose.cc.
#include "remediators/webserver/nginx/nginx_remediator.h"

#include <ifaddrs.h>
#include <netdb.h>

#include <filesystem>
#include <set>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/nginx/nginx_edit.h"
#include "agent/core/unified_diff.h"

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

/// True if some listen on the connection's socket has ssl (it is a TLS socket).
bool SocketHasSsl(const std::vector<nginx::ServerBlock>& servers, const nginx::Listen& on) {
  for (const auto& s : servers) {
    for (const auto& l : s.listens) {
      if (l.port == on.port && l.ipv6 == on.ipv6 && l.address == on.address &&
          (l.ssl || s.ssl_on)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

NginxRemediator::NginxRemediator(NginxOptions options) : options_(std::move(options)) {}

Result<bool> NginxRemediator::Detect(const Host& host) {
  std::optional<nginx::NginxInstance> master =
      nginx::FindMaster(options_.proc_root, options_.systemd_dir);
  if (!master) {
    // Installed but not running: only ours to diagnose when no other server holds the
    // ports (an Apache host with the nginx package lying around is Apache's).
    for (const Listener& l : host.listeners) {
      if (l.port == 80 || l.port == 443) return false;
    }
  }
  instance_ = master ? *master : nginx::NginxInstance{};
  ProcessResult version = host.runner.Run({instance_.binary, "-V"});
  if (!master && !version.ok()) return false;  // neither running nor installed
  nginx::ResolvePaths(version.err + version.out, instance_);
  ProcessResult test = host.runner.Run(nginx::TestArgv(instance_));
  config_invalid_ = !test.ok();
  test_output_ =
      test.started ? test.err : "could not run " + FormatArgv(nginx::TestArgv(instance_));
  Result<nginx::Config> config = nginx::LoadConfig({instance_.conf_path, instance_.prefix, {}, 32});
  if (!config) {
    if (config_invalid_) return true;  // Diagnose reports CONFIG_INVALID
    return MakeError("nginx configuration unreadable: " + config.error().message);
  }
  config_ = std::move(*config);
  return true;
}

NginxUrlCase NginxRemediator::EvaluateOne(const nginx::Config& config, const UrlSetting& at,
                                          const std::string& domain, bool https, int port,
                                          bool ipv6, const std::string& path) const {
  std::string authority = domain + (port == (https ? 443 : 80) ? "" : ":" + std::to_string(port));
  NginxUrlCase c{domain, (https ? "https://" : "http://") + authority + path, https, ipv6,
                 std::nullopt, at.servers, false, {}, {}};
  c.selection = nginx::SelectServer(*at.servers, domain, nginx::Endpoint{port, ipv6, at.local});
  if (c.selection) {
    c.tls_mismatch = https != SocketHasSsl(*at.servers, *c.selection->listen);
    nginx::Request request{https ? "https" : "http", domain, port, path};
    c.answer = nginx::Predict(config, *c.selection->server, request, at.real);
    c.assumed = nginx::Predict(config, *c.selection->server, request, at.assumed);
  }
  return c;
}

NginxRemediator::UrlSetting NginxRemediator::Setting(const Target& target,
                                                     const nginx::Config& config) const {
  UrlSetting at;
  at.servers =
      std::make_shared<const std::vector<nginx::ServerBlock>>(nginx::CollectServers(config));
  at.local = options_.local_addresses.value_or(InterfaceAddresses());
  at.real = nginx::RealFiles();
  at.assumed = at.real;
  at.assumed.is_file = [real = at.real, token = target.token](const std::string& p) {
    return real.is_file(p) || std::filesystem::path(p).filename() == token;
  };
  return at;
}

std::vector<NginxUrlCase> NginxRemediator::Evaluate(const Target& target,
                                                    const nginx::Config* config) const {
  if (config == nullptr) config = config_ ? &*config_ : nullptr;
  if (config == nullptr) return {};
  UrlSetting at = Setting(target, *config);
  std::vector<NginxUrlCase> cases;
  for (const std::string& domain : target.domains) {
    for (bool https : {false, true}) {
      for (bool ipv6 : {false, true}) {
        cases.push_back(
            EvaluateOne(*config, at, domain, https, https ? 443 : 80, ipv6, target.UrlPath()));
      }
    }
  }
  return cases;
}

std::optional<NginxUrlCase> NginxRemediator::EvaluateUrl(const Target& target,
                                                         const std::string& url,
                                                         bool ipv6) const {
  std::optional<UrlRequest> r = SplitUrl(url);
  if (!config_ || !r) return std::nullopt;
  NginxUrlCase c = EvaluateOne(*config_, Setting(target, *config_), r->host, r->scheme == "https",
                               r->port, ipv6, r->path);
  bool ours = std::find(target.domains.begin(), target.domains.end(), r->host) !=
              target.domains.end();
  if (!c.selection) return std::nullopt;
  if (!ours && !c.selection->NameMatched() && !nginx::ServerNameMatches(*c.selection->server, r->host)) {
    return std::nullopt;  // another host: it may not even resolve to this server
  }
  return c;
}

Step NginxRemediator::ReloadStep() const {
  return Step{"webserver.nginx.reload", std::string(id()),
              "test the nginx configuration, then reload nginx",
              Reload{"nginx", nginx::TestArgv(instance_), nginx::ReloadArgv(instance_)}};
}

Result<void> NginxRemediator::PlanFix(const Target& target, const Host&, const Diagnosis&,
                                      Plan& plan) {
  if (config_invalid_) {
    return MakeError("nginx -t already fails on the current configuration (" + instance_.conf_path +
                     "); dcv-agent refuses to edit a configuration that "
                     "does not pass its own test: " +
                     test_output_);
  }
  if (!config_) return MakeError("nginx configuration was not read (Detect first)");
  std::vector<NginxUrlCase> cases = Evaluate(target);
  std::set<std::string> docroots;
  bool all_served = true;
  for (const NginxUrlCase& c : cases) {
    if (!c.selection) continue;
    const nginx::Answer& a = c.assumed;
    bool served = !c.tls_mismatch && a.outcome == nginx::Outcome::kFile && a.status == 200 &&
                  !a.docroot.empty() && a.file == ValidationFilePath(a.docroot, target);
    all_served = all_served && served;
    if (served) docroots.insert(a.docroot);
  }
  if (docroots.empty() && all_served) return {};  // nothing listens: NO_LISTENER, not fixable
  if (!all_served) return PlanEdit(target, cases, plan);
  for (const std::string& root : docroots) {
    if (auto file = AppendValidationFileIfNeeded(root, target, plan); !file) return file;
  }
  return {};
}

Result<void> NginxRemediator::PlanEdit(const Target& target, const std::vector<NginxUrlCase>& cases,
                                       Plan& plan) const {
  std::vector<const nginx::Directive*> blocks;
  for (const NginxUrlCase& c : cases) {
    if (!c.selection || c.tls_mismatch) continue;
    const nginx::Directive* block = c.selection->server->directive;
    if (std::find(blocks.begin(), blocks.end(), block) == blocks.end()) blocks.push_back(block);
  }
  std::vector<nginx::FileEdit> edits =
      nginx::InsertSnippets(*config_, blocks, target, kAgentWebroot);
  nginx::LoadOptions what_if{instance_.conf_path, instance_.prefix, {}, 32};
  for (const nginx::FileEdit& e : edits) what_if.overrides[e.path] = e.after;
  Result<nginx::Config> edited = nginx::LoadConfig(what_if);
  if (!edited) return MakeError("the planned nginx edit does not parse: " + edited.error().message);
  std::string expected = ValidationFilePath(kAgentWebroot, target);
  for (const NginxUrlCase& c : Evaluate(target, &*edited)) {
    if (!c.selection || c.tls_mismatch) continue;
    if (c.assumed.outcome != nginx::Outcome::kFile || c.assumed.file != expected) {
      return MakeError("after the planned edit " + c.url + " would still answer " +
                       nginx::DescribeAnswer(*edited, c.assumed));
    }
  }
  for (const nginx::FileEdit& e : edits) {
    plan.steps.push_back(
        Step{"webserver.nginx.edit:" + e.path, std::string(id()),
             "serve " + target.UrlPath() + " from " + kAgentWebroot + " in the server blocks of " +
                 e.path,
             EditFile{e.path, e.before, e.after, UnifiedDiff(e.path, e.before, e.after)}});
  }
  if (auto file = AppendValidationFileIfNeeded(kAgentWebroot, target, plan); !file) return file;
  if (!edits.empty()) plan.steps.push_back(ReloadStep());
  return {};
}

Result<void> NginxRemediator::PlanCleanup(const Target& target, const Host&, Plan& plan) {
  if (!config_) return MakeError("nginx configuration was not read (Detect first)");
  bool edited = false;
  for (const nginx::SourceFile& file : config_->files) {
    std::string after = nginx::RemoveSnippets(file.text, target.token);
    if (after == file.text) continue;
    edited = true;
    plan.steps.push_back(Step{
        "webserver.nginx.cleanup:" + file.path, std::string(id()),
        "remove the dcv-agent location for " + target.token + " from " + file.path,
        EditFile{file.path, file.text, after, UnifiedDiff(file.path, file.text, after)}});
  }
  if (edited) plan.steps.push_back(ReloadStep());
  // Where fix put the file: the agent's webroot, or the document root every URL reached.
  std::set<std::string> roots = {kAgentWebroot};
  for (const NginxUrlCase& c : Evaluate(target)) {
    const nginx::Answer& a = c.assumed;
    if (c.selection && !c.tls_mismatch && a.outcome == nginx::Outcome::kFile && !a.docroot.empty() &&
        a.file == ValidationFilePath(a.docroot, target)) {
      roots.insert(a.docroot);
    }
  }
  for (const std::string& root : roots) {
    AppendValidationFileRemoval(root, target, "webserver.nginx.remove-file:" + root, std::string(id()), plan);
  }
  return {};
}

std::unique_ptr<Remediator> MakeNginxRemediator() { return std::make_unique<NginxRemediator>(); }

}  // namespace dcv
