// Entry point of the dns method's diagnosis. Choosing the record name is a CA-profile
// matter (Let's Encrypt: _acme-challenge; DigiCert, GlobalSign, Sectigo: _dnsauth), the
// rest is the TXT survey, then the same names through the CA's validating resolver
// (libunbound with the root trust anchor: DNSSEC). An error here (no root server answered) is reported as
// "could not find out", never as a finding.
#include "agent/dns/dns_diagnosis.h"

#include <fstream>

#include <spdlog/spdlog.h>

#include "agent/dns/ca_view.h"
#include "agent/dns/caa_check.h"
#include "agent/dns/root_hints.h"
#include "agent/dns/txt_check.h"

namespace dcv {
namespace {

// Debian's dns-root-data: the root KSK, what a CA's resolver trusts.
constexpr const char* kDefaultTrustAnchor = "/usr/share/dns/root.key";

}  // namespace


std::string TxtRecordName(const Target& target, const std::string& domain) {
  const std::string base = domain.rfind("*.", 0) == 0 ? domain.substr(2) : domain;
  if (!target.txt_name.empty()) {
    if (target.txt_name.find('.') == std::string::npos) return AbsoluteName(target.txt_name + "." + base);
    return AbsoluteName(target.txt_name);
  }
  const std::string label = target.ca == "letsencrypt" ? "_acme-challenge" : "_dnsauth";
  return AbsoluteName(label + "." + base);
}

Result<WalkOptions> WalkOptionsFor(const Target& target) {
  WalkOptions options;
  if (target.root_hints.empty()) {
    options.roots = BuiltInRootServers();
  } else {
    Result<std::vector<DnsServer>> roots = ReadRootHints(target.root_hints);
    if (!roots) return roots.error();
    options.roots = std::move(*roots);
  }
  return options;
}

// The names through the CA's validating resolver: the domain's A/AAAA and the TXT record.
static Result<void> DiagnoseCaView(const Target& target, Diagnosis& diagnosis) {
  CaViewOptions options{target.root_hints, target.trust_anchor, std::chrono::milliseconds(10000)};
  if (options.trust_anchor.empty() && options.root_hints.empty()) {
    if (std::ifstream(kDefaultTrustAnchor)) options.trust_anchor = kDefaultTrustAnchor;
  }
  if (options.trust_anchor.empty()) spdlog::warn("dns: no trust anchor: DNSSEC is not validated");
  for (const std::string& domain : target.domains) {
    const std::string base = domain.rfind("*.", 0) == 0 ? domain.substr(2) : domain;
    Result<std::vector<CaViewAnswer>> answers = ResolveAsCa(
        {{TxtRecordName(target, domain), RrType::kTxt}, {base, RrType::kA}, {base, RrType::kAaaa}}, options);
    if (!answers) return answers.error();
    for (const CaViewAnswer& a : *answers) {
      spdlog::info("dns: CA view of {} {}: {}{}{}", a.question.name, TypeName(static_cast<std::uint16_t>(a.question.type)),
                   a.timed_out ? "timeout" : RcodeName(a.rcode), a.secure ? ", secure" : "",
                   a.bogus ? ", BOGUS: " + a.why_bogus : "");
    }
    for (Finding& finding : CaViewFindings(domain, *answers)) diagnosis.findings.push_back(std::move(finding));
  }
  return {};
}

std::vector<std::string> DiagnoseDns(const Target& target, Diagnosis& diagnosis) {
  std::vector<std::string> errors;
  Result<WalkOptions> options = WalkOptionsFor(target);
  if (!options) {
    spdlog::error("dns: {}", options.error().message);
    return {"dns: " + options.error().message};
  }
  for (const std::string& domain : target.domains) {
    const std::string record_name = TxtRecordName(target, domain);
    Result<TxtSurvey> survey = SurveyTxt(record_name, target.content, *options);
    if (!survey) {
      errors.push_back("dns: TXT check of " + record_name + ": " + survey.error().message);
      spdlog::error("{}", errors.back());
      continue;
    }
    for (Finding& finding : TxtFindings(domain, target.content, *survey)) {
      diagnosis.findings.push_back(std::move(finding));
    }
  }
  if (auto view = DiagnoseCaView(target, diagnosis); !view) {
    errors.push_back("dns: the CA's view: " + view.error().message);
    spdlog::error("{}", errors.back());
  }
  return errors;
}

void DiagnoseCaa(const Target& target, Diagnosis& diagnosis) {
  if (CaaIssuerFor(target.ca).empty()) return;
  Result<WalkOptions> options = WalkOptionsFor(target);
  if (!options) return;  // DiagnoseDns reports it
  const std::string method = target.ca != "letsencrypt"        ? ""
                             : target.method == Method::kDns   ? "dns-01"
                                                               : "http-01";
  const CaaLookup lookup = AuthoritativeCaaLookup(*options);
  for (const std::string& domain : target.domains) {
    Result<RelevantCaa> relevant = FindRelevantCaa(domain, lookup);
    if (!relevant) {
      spdlog::warn("caa: {}: {}", domain, relevant.error().message);
      if (target.method == Method::kDns) {
        diagnosis.findings.push_back({FindingCode::kCaaForbids, Severity::kError, domain, "",
                                      relevant.error().message + " — a CA must refuse to issue when CAA cannot be read",
                                      "make every authoritative server of the name and its parents answer CAA "
                                      "queries (NOERROR or NXDOMAIN with an SOA)", "", false});
      }
      continue;
    }
    spdlog::info("caa: {}: {}", domain, relevant->name.empty() ? "no CAA records (any CA may issue)"
                                                                : "relevant set at " + relevant->name);
    for (Finding& finding : CaaFindings(domain, target.ca, method, *relevant)) {
      diagnosis.findings.push_back(std::move(finding));
    }
  }
}

}  // namespace dcv
