// The phase functions. GatherFacts asks each remediator of the registry whether its
// component is in use; Diagnose and the planners then talk only to those. The Verify
// phase builds the CA's URL list (every domain, http and https for the file method,
// each pinned to IPv4 and IPv6) and turns what the network showed into findings that
// configuration alone cannot reveal.
#include "agent/pipeline.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "agent/dns/dns_diagnosis.h"
#include "agent/dns/txt_publish.h"
#include "agent/name_checks.h"
#include "agent/verify/ca_profile.h"
#include "agent/verify/probe.h"
#include "agent/verify/quorum.h"
#include "agent/verify/verifier.h"
#include "remediators/registry.h"

namespace dcv {
namespace {

bool HasFinding(const Diagnosis& diagnosis, FindingCode code, const std::string& domain) {
  return std::any_of(diagnosis.findings.begin(), diagnosis.findings.end(), [&](const Finding& f) {
    return f.code == code && (f.domain == domain || f.domain.empty());
  });
}

// Whether a finding already explains the failed fetch of `url`: one of the same code for the
// domain (or host-wide, like "no block listens on 443" that makes https fall back to http),
// except a milder prediction about this very URL (say, a redirect the CA was expected to
// follow): the CA's own fetch failing on it is then the error.
bool AlreadyExplained(const Diagnosis& diagnosis, FindingCode code, const std::string& domain,
                      const std::string& url, Severity severity) {
  return std::any_of(diagnosis.findings.begin(), diagnosis.findings.end(), [&](const Finding& f) {
    bool milder_about_this_url = f.url == url && f.severity > severity;
    return f.code == code && (f.domain == domain || f.domain.empty()) && !milder_about_this_url;
  });
}

bool IsHttps(const std::string& url) { return url.rfind("https://", 0) == 0; }

// The check for the same URL and vantage in the other address family.
const CheckResult* Sibling(const std::vector<CheckResult>& checks, const CheckResult& check) {
  for (const CheckResult& other : checks) {
    if (other.url == check.url && other.vantage == check.vantage && other.family != check.family) return &other;
  }
  return nullptr;
}

// The http check for the same domain, family and vantage as an https check.
const CheckResult* HttpTwin(const std::vector<CheckResult>& checks, const CheckResult& check) {
  const std::string http_url = "http://" + check.url.substr(std::string("https://").size());
  for (const CheckResult& other : checks) {
    if (other.url == http_url && other.vantage == check.vantage && other.family == check.family) return &other;
  }
  return nullptr;
}

FindingCode CodeForFailure(const CheckResult& check, bool local_vantage, const Diagnosis& diagnosis,
                           const std::string& domain) {
  if (check.connect_failed) {
    if (local_vantage) return FindingCode::kNoListener;
    return HasFinding(diagnosis, FindingCode::kPortClosedFirewall, domain) ? FindingCode::kPortClosedFirewall
                                                                           : FindingCode::kPortBlockedUpstream;
  }
  if (check.status >= 300 && check.status < 400) {
    return check.error ? FindingCode::kRedirectBadTarget : FindingCode::kRedirectOnPath;
  }
  if (check.status == 401 || check.status == 403) return FindingCode::kDeniedOnPath;
  if (check.status == 404 || check.status == 410) return FindingCode::kFileMissing;
  if (check.status >= 200 && check.status < 300) return FindingCode::kFileContentMismatch;
  if (check.error && check.redirects.size() > 0) return FindingCode::kRedirectBadTarget;
  return FindingCode::kHttpError;
}

// What opens a port in front of the host: the places a sysadmin has to look, by name.
constexpr const char* kUpstreamRemedy =
    "open tcp/80 and tcp/443 inbound from anywhere (0.0.0.0/0 and ::/0) in what sits in front of this "
    "host: AWS: EC2 > Security Groups > Inbound rules > add HTTP and HTTPS (and the subnet's network "
    "ACL); Azure: the NIC's or subnet's Network security group > Inbound security rules > allow 80,443 "
    "at a priority below any deny; Google Cloud: VPC network > Firewall > ingress rule tcp:80,443 for "
    "the instance's target tag; Alibaba/Tencent Cloud: the instance's security group rules; behind NAT: "
    "forward ports 80 and 443 on the router or load balancer to this host";

// Whether the failure of `check` is tolerated by the multi-perspective quorum (its URL and
// family passed with the other probes).
bool ToleratedByQuorum(const std::vector<QuorumVerdict>& quorum, const CheckResult& check) {
  for (const QuorumVerdict& verdict : quorum) {
    if (verdict.url == check.url && verdict.family == check.family) return verdict.passed;
  }
  return false;
}

std::string Evidence(const CheckResult& check) {
  std::string text = check.family + " from " + check.vantage + ": ";
  if (check.status) text += "HTTP " + std::to_string(check.status);
  if (check.location) text += " Location: " + *check.location;
  if (check.error) text += (check.status ? "; " : "") + *check.error;
  else if (check.status >= 200 && check.status < 300 && !check.content_match) text += "; body '" + check.body + "'";
  return text;
}

}  // namespace

Facts GatherFacts(ProcessRunner& runner, const std::string& run_id) {
  Facts facts{Host{runner, ReadOsRelease(), {}, run_id}, {}, {}};
  if (Result<std::vector<Listener>> listeners = ReadListeners()) facts.host.listeners = *listeners;
  for (std::unique_ptr<Remediator>& remediator : MakeRemediators()) {
    Result<bool> in_use = remediator->Detect(facts.host);
    if (!in_use) {
      spdlog::warn("{}: {}", remediator->id(), in_use.error().message);
      facts.errors.push_back(std::string(remediator->id()) + ": " + in_use.error().message);
      continue;
    }
    spdlog::debug("{}: {}", remediator->id(), *in_use ? "in use" : "not in use");
    if (*in_use) facts.active.push_back(std::move(remediator));
  }
  return facts;
}

static std::string SelfPath() {
  Result<std::string> self = SelfExecutable();
  return self ? *self : "dcv-agent";
}

static void AppendDnsSteps(Result<std::vector<Step>> steps, PlanOutcome& outcome) {
  if (!steps) {
    outcome.refusals.push_back(steps.error().message);
    return;
  }
  for (Step& step : *steps) outcome.plan.steps.push_back(std::move(step));
}

// RFC 2136 when the CLI has the update server and key; otherwise the findings' remedies
// (a zone-file line and an nsupdate script) are the plan.
static void PlanDnsFix(const Target& target, const Diagnosis& diagnosis, PlanOutcome& outcome) {
  const bool publishable = std::any_of(diagnosis.findings.begin(), diagnosis.findings.end(), [](const Finding& f) {
    return f.code == FindingCode::kTxtMissing || f.code == FindingCode::kTxtMismatch;
  });
  if (!publishable) return;
  if (target.dns_server.empty()) {
    outcome.refusals.push_back("dns: pass --dns-server and --tsig-key to publish the record by RFC 2136; "
                               "otherwise each finding's remedy has the zone-file line and an nsupdate script");
    return;
  }
  AppendDnsSteps(PlanTxtPublish(target, SelfPath()), outcome);
}

Diagnosis Diagnose(const Target& target, Facts& facts) {
  Diagnosis diagnosis;
  for (const std::string& domain : target.domains) {
    if (domain.rfind("*.", 0) == 0 && target.method != Method::kDns) {
      diagnosis.findings.push_back({FindingCode::kWildcardNeedsDns, Severity::kError, domain, "",
                                    "a wildcard name cannot be validated by fetching a file",
                                    "use --method dns for " + domain, "", false});
    }
  }
  for (const std::string& domain : target.domains) {
    if (auto sensitive = SensitiveNameFinding(domain)) diagnosis.findings.push_back(std::move(*sensitive));
  }
  DiagnoseCaa(target, diagnosis);  // every method: CAA can forbid any issuance
  if (target.method == Method::kDns) {
    for (std::string& error : DiagnoseDns(target, diagnosis)) facts.errors.push_back(std::move(error));
    return diagnosis;  // the web server and firewall play no part in DNS validation
  }
  for (const auto& remediator : facts.active) remediator->Diagnose(target, facts.host, diagnosis);
  return diagnosis;
}

PlanOutcome MakeFixPlan(const Target& target, Facts& facts, const Diagnosis& diagnosis) {
  PlanOutcome outcome;
  if (target.method == Method::kDns) {  // web servers and firewalls play no part
    PlanDnsFix(target, diagnosis, outcome);
    return outcome;
  }
  if (std::any_of(diagnosis.findings.begin(), diagnosis.findings.end(),
                  [](const Finding& f) { return f.code == FindingCode::kWildcardNeedsDns; })) {
    outcome.refusals.push_back("a wildcard name needs the dns method; nothing planned");
    return outcome;
  }
  for (const auto& remediator : facts.active) {
    if (Result<void> planned = remediator->PlanFix(target, facts.host, diagnosis, outcome.plan); !planned) {
      outcome.refusals.push_back(std::string(remediator->id()) + ": " + planned.error().message);
    }
  }
  return outcome;
}

PlanOutcome MakeCleanupPlan(const Target& target, Facts& facts) {
  PlanOutcome outcome;
  if (target.method == Method::kDns) {
    if (target.dns_server.empty()) {
      outcome.refusals.push_back("dns: without --dns-server and --tsig-key the record cannot be removed from here; "
                                 "delete it at your DNS provider");
      return outcome;
    }
    AppendDnsSteps(PlanTxtRemoval(target, SelfPath()), outcome);
    return outcome;
  }
  for (const auto& remediator : facts.active) {
    if (Result<void> planned = remediator->PlanCleanup(target, facts.host, outcome.plan); !planned) {
      outcome.refusals.push_back(std::string(remediator->id()) + ": " + planned.error().message);
    }
  }
  return outcome;
}

std::vector<FetchSpec> ValidationSpecs(const Target& target) {
  if (target.method == Method::kDns) return {};  // nothing to fetch: the CA looks up a TXT record
  std::vector<std::string> schemes = {"http"};
  if (target.method == Method::kFile && CaProfileFor(target.ca).file_over_https) schemes.push_back("https");
  std::vector<FetchSpec> specs;
  for (const std::string& domain : target.domains) {
    if (domain.rfind("*.", 0) == 0) continue;
    for (const std::string& scheme : schemes) {
      for (Family family : {Family::kIpv4, Family::kIpv6}) {
        specs.push_back({scheme + "://" + domain + target.UrlPath(), family, target.content});
      }
    }
  }
  return specs;
}

FetchRules RulesFor(const Target& target) {
  return FetchRulesFor(CaProfileFor(target.ca), target.method == Method::kAcmeHttp);
}

std::vector<CheckResult> RunChecks(const Target& target, const std::string& probe_key) {
  const std::vector<FetchSpec> specs = ValidationSpecs(target);
  if (target.probes.empty()) return FetchAll(specs, RulesFor(target));
  return QueryProbes(target.probes, probe_key, specs, RulesFor(target));
}

// Boulder (ACME http-01) dials the first AAAA address and falls back to the first A only
// when that connection fails. A firewall that closes a port in one family only therefore
// does not stop validation when every domain has an address in the other, open family:
// closed IPv6 costs a failed dial, closed IPv4 is never tried while AAAA records exist.
// Such a finding stays (fix still opens the port) but as a warning.
static void WeighOneFamilyBlocks(const Target& target, const std::vector<CheckResult>& checks,
                                 Diagnosis& diagnosis) {
  if (target.method != Method::kAcmeHttp || checks.empty()) return;
  auto every_domain_has = [&](const char* family) {
    return std::all_of(target.domains.begin(), target.domains.end(), [&](const std::string& domain) {
      return std::any_of(checks.begin(), checks.end(), [&](const CheckResult& c) {
        return c.family == family && !c.no_address && c.url.find("://" + domain + "/") != std::string::npos;
      });
    });
  };
  auto closed = [&](int ip_version, int port) {
    return std::any_of(diagnosis.findings.begin(), diagnosis.findings.end(), [&](const Finding& f) {
      return f.code == FindingCode::kPortClosedFirewall && f.severity == Severity::kError &&
             f.ip_version == ip_version && f.port == port;
    });
  };
  std::vector<Finding*> tolerated;
  for (Finding& f : diagnosis.findings) {
    if (f.code != FindingCode::kPortClosedFirewall || f.severity != Severity::kError || f.ip_version == 0) continue;
    const int other = f.ip_version == 4 ? 6 : 4;
    if (closed(other, f.port) || !every_domain_has(other == 6 ? "ipv6" : "ipv4")) continue;
    tolerated.push_back(&f);
  }
  for (Finding* f : tolerated) {
    f->severity = Severity::kWarning;
    f->evidence += f->ip_version == 4
                       ? "; ACME http-01 validation connects over IPv6 first and every domain has an AAAA record, "
                         "so the CA does not need IPv4 while IPv6 stays open"
                       : "; ACME http-01 validation falls back to IPv4 after the IPv6 connection fails, so the CA "
                         "still reaches this host over IPv4 (after a failed dial)";
  }
}

void AssessChecks(const Target& target, const std::vector<CheckResult>& checks, Diagnosis& diagnosis) {
  const bool local = target.probes.empty();
  if (local && !checks.empty()) {
    diagnosis.findings.push_back({FindingCode::kLocalVantageOnly, Severity::kWarning, "", "",
                                  "every URL was fetched from this host, over its own loopback path",
                                  "pass --probe URL of a `dcv-agent probe serve` outside this network", "", false});
  }
  const std::vector<QuorumVerdict> quorum = local ? std::vector<QuorumVerdict>{} : ApplyQuorum(checks);
  for (const std::string& domain : target.domains) {
    for (const CheckResult& check : checks) {
      if (check.ok() || check.no_address) continue;
      if (!local && ToleratedByQuorum(quorum, check)) continue;  // the CA's quorum would pass
      if (check.url.find("://" + domain + "/") == std::string::npos) continue;
      FindingCode code = CodeForFailure(check, local, diagnosis, domain);
      Severity severity = Severity::kError;
      const CheckResult* twin = IsHttps(check.url) ? HttpTwin(checks, check) : nullptr;
      const CheckResult* sibling = Sibling(checks, check);
      if (twin && twin->ok()) {
        code = FindingCode::kHttpsNotServing;  // the CA can still use http
        severity = Severity::kWarning;
      } else if (check.family == "ipv6" && sibling && sibling->ok()) {
        code = FindingCode::kIpv6Broken;  // Boulder falls back to IPv4 only on a connect failure
        severity = check.connect_failed ? Severity::kWarning : Severity::kError;
      }
      if (AlreadyExplained(diagnosis, code, domain, check.url, severity)) continue;
      const std::string remedy = code == FindingCode::kPortBlockedUpstream
                                     ? kUpstreamRemedy
                                     : "see the evidence; the CA will see the same from " + check.vantage;
      diagnosis.findings.push_back({code, severity, domain, check.url, Evidence(check), remedy, "", false});
    }
  }
  WeighOneFamilyBlocks(target, checks, diagnosis);
}

bool IsReady(const Diagnosis& diagnosis) {
  return std::none_of(diagnosis.findings.begin(), diagnosis.findings.end(),
                      [](const Finding& f) { return f.severity == Severity::kError; });
}

}  // namespace dcv
